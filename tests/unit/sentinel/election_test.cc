#include "sentinel/election.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <vector>

namespace tandem::sentinel {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;

RandomSource Fixed(uint64_t value) {
  return [value] { return value; };
}

class ElectionTest : public testing::Test {
 protected:
  EpochState epochs_{5};
  ElectionTiming timing_;  // 10 s election timeout, retry in [1 s, 3 s).
  Election election_{epochs_, "me", timing_, Fixed(0)};
};

TEST(EpochStateTest, ObserveOnlyRaises) {
  EpochState epochs(3);
  EXPECT_FALSE(epochs.Observe(2));
  EXPECT_FALSE(epochs.Observe(3));
  EXPECT_TRUE(epochs.Observe(7));
  EXPECT_EQ(epochs.current(), 7u);
  EXPECT_EQ(epochs.Advance(), 8u);
}

TEST_F(ElectionTest, HigherEpochRequestBumpsCurrentEpochAndGetsTheVote) {
  Election::VoteReply reply = election_.Vote(9, "s2", kT0);
  EXPECT_TRUE(reply.epoch_raised);
  EXPECT_TRUE(reply.voted);
  EXPECT_EQ(epochs_.current(), 9u);
  EXPECT_EQ(reply.leader, "s2");
  EXPECT_EQ(reply.leader_epoch, 9u);
}

TEST_F(ElectionTest, OneVotePerEpoch) {
  ASSERT_TRUE(election_.Vote(6, "s2", kT0).voted);
  Election::VoteReply second = election_.Vote(6, "s3", kT0 + 1);
  EXPECT_FALSE(second.voted);
  EXPECT_FALSE(second.epoch_raised);
  EXPECT_EQ(second.leader, "s2");  // The vote in force is reported.
  EXPECT_EQ(second.leader_epoch, 6u);
  EXPECT_EQ(election_.Vote(7, "s3", kT0 + 2).leader, "s3");  // A new epoch: a new vote.
}

TEST_F(ElectionTest, NoVoteForAnOlderEpoch) {
  ASSERT_TRUE(election_.Vote(8, "s2", kT0).voted);
  Election::VoteReply stale = election_.Vote(7, "s3", kT0);
  EXPECT_FALSE(stale.voted);
  EXPECT_EQ(stale.leader, "s2");
  EXPECT_EQ(epochs_.current(), 8u);
}

TEST_F(ElectionTest, NoVoteBelowCurrentEpoch) {
  epochs_.Observe(10);  // Learnt from a hello: a request for 9 is already outdated.
  EXPECT_FALSE(election_.Vote(9, "s2", kT0).voted);
  EXPECT_TRUE(election_.leader().empty());
}

TEST_F(ElectionTest, RestoredVoteIsHonoured) {
  Election restored(epochs_, "me", timing_, Fixed(0), "s2", 6);
  EXPECT_FALSE(restored.Vote(6, "s3", kT0).voted);
  EXPECT_EQ(restored.leader(), "s2");
}

TEST_F(ElectionTest, VotingForAnotherHoldsOffOwnAttempts) {
  EXPECT_TRUE(election_.MayStartAttempt(kT0));
  election_.Vote(6, "s2", kT0);
  // Election timeout (10 s) + minimum retry delay (1 s, random part 0).
  EXPECT_FALSE(election_.MayStartAttempt(kT0 + 10'999));
  EXPECT_TRUE(election_.MayStartAttempt(kT0 + 11'000));
}

TEST_F(ElectionTest, VotingForSelfDoesNotHoldOff) {
  election_.Vote(6, "me", kT0);
  EXPECT_TRUE(election_.MayStartAttempt(kT0));
}

TEST(WinnerTest, MajorityOfAllKnownSentinels) {
  // 3 known sentinels: 2 votes needed.
  std::vector<LeaderVote> one = {{"s1", "s1", 4}};
  EXPECT_EQ(Winner(one, 4, 3, 1), std::nullopt);  // 1 alive cannot win, even with quorum 1.
  std::vector<LeaderVote> two = {{"s1", "s1", 4}, {"s2", "s1", 4}};
  EXPECT_EQ(Winner(two, 4, 3, 2), "s1");
  // 4 known: 3 needed.
  EXPECT_EQ(Winner(two, 4, 4, 2), std::nullopt);
}

TEST(WinnerTest, QuorumAboveMajorityIsAlsoRequired) {
  std::vector<LeaderVote> two = {{"s1", "s1", 4}, {"s2", "s1", 4}};
  EXPECT_EQ(Winner(two, 4, 3, 3), std::nullopt);
}

TEST(WinnerTest, SplitVoteHasNoWinner) {
  std::vector<LeaderVote> split = {{"s1", "s1", 4}, {"s2", "s2", 4}, {"s3", "s3", 4}};
  EXPECT_EQ(Winner(split, 4, 3, 2), std::nullopt);
}

TEST(WinnerTest, OtherEpochsAndRepeatedVotersIgnored) {
  std::vector<LeaderVote> votes = {{"s1", "s1", 4}, {"s2", "s1", 3}, {"s1", "s1", 4}};
  EXPECT_EQ(Winner(votes, 4, 3, 2), std::nullopt);
  votes.push_back({"s3", "s1", 4});
  EXPECT_EQ(Winner(votes, 4, 3, 2), "s1");
}

TEST_F(ElectionTest, TallyVotesForSelfWhenNoPeerVoted) {
  uint64_t epoch = election_.StartAttempt(kT0);
  EXPECT_EQ(epoch, 6u);
  EXPECT_EQ(election_.attempt_epoch(), 6u);
  std::vector<LeaderVote> peers = {{"s2", "me", 6}};
  EXPECT_EQ(election_.Tally(peers, 3, 2, kT0), "me");
  EXPECT_EQ(election_.leader(), "me");
  EXPECT_EQ(election_.leader_epoch(), 6u);
}

TEST_F(ElectionTest, TallyAloneCannotWin) {
  election_.StartAttempt(kT0);
  EXPECT_EQ(election_.Tally({}, 3, 1, kT0), std::nullopt);
  EXPECT_EQ(election_.leader(), "me");  // It still voted for itself.
}

TEST_F(ElectionTest, TallyJoinsTheMostVotedCandidate) {
  election_.StartAttempt(kT0);
  std::vector<LeaderVote> peers = {{"s2", "s3", 6}, {"s3", "s3", 6}, {"s4", "s4", 5}};
  EXPECT_EQ(election_.Tally(peers, 4, 2, kT0), "s3");
  EXPECT_EQ(election_.leader(), "s3");
}

TEST_F(ElectionTest, TallyKeepsAnEarlierVoteInTheSameEpoch) {
  election_.StartAttempt(kT0);  // Epoch 6; s2 started in epoch 6 too and asked first.
  ASSERT_TRUE(election_.Vote(6, "s2", kT0).voted);
  std::vector<LeaderVote> peers = {{"s3", "me", 6}};
  EXPECT_EQ(election_.Tally(peers, 3, 2, kT0), std::nullopt);  // me 1, s2 1.
  EXPECT_EQ(election_.leader(), "s2");
}

TEST_F(ElectionTest, AttemptTimesOutAfterElectionTimeout) {
  election_.StartAttempt(kT0);
  EXPECT_FALSE(election_.AttemptTimedOut(kT0 + timing_.election_timeout_ms));
  EXPECT_TRUE(election_.AttemptTimedOut(kT0 + timing_.election_timeout_ms + 1));
}

TEST_F(ElectionTest, FailedAttemptRetriesWithinSeconds) {
  election_.StartAttempt(kT0);
  int64_t failed_at = kT0 + timing_.election_timeout_ms + 1;
  election_.AttemptFailed(failed_at);
  EXPECT_FALSE(election_.MayStartAttempt(failed_at + timing_.retry_min_ms - 1));
  EXPECT_TRUE(election_.MayStartAttempt(failed_at + timing_.retry_min_ms));
  EXPECT_EQ(election_.StartAttempt(failed_at + timing_.retry_min_ms), 7u);
}

TEST_F(ElectionTest, LostLeaderShortensTheHoldOffOncePerVote) {
  ASSERT_TRUE(election_.Vote(6, "s2", kT0).voted);
  EXPECT_FALSE(election_.MayStartAttempt(kT0 + timing_.election_timeout_ms));
  election_.LeaderLost(kT0 + 500);
  EXPECT_FALSE(election_.MayStartAttempt(kT0 + 500 + timing_.retry_min_ms - 1));
  EXPECT_TRUE(election_.MayStartAttempt(kT0 + 500 + timing_.retry_min_ms));
  // Reported again for the same vote (every tick while it is down): no further change.
  election_.LeaderLost(kT0 + 5'000);
  EXPECT_TRUE(election_.MayStartAttempt(kT0 + 500 + timing_.retry_min_ms));
  // A vote for itself is not shortened by anything.
  Election self{epochs_, "me", timing_, Fixed(0)};
  self.StartAttempt(kT0);
  self.Tally({}, 3, 2, kT0);
  self.AttemptFailed(kT0 + 100);
  self.LeaderLost(kT0 + 100);
  EXPECT_FALSE(self.MayStartAttempt(kT0 + 100 + timing_.retry_min_ms - 1));
}

TEST(RetryDelayTest, BoundsWithExtremeRandomValues) {
  ElectionTiming timing;
  EXPECT_EQ(RetryDelayMs(timing, Fixed(0)), 1000);
  EXPECT_EQ(RetryDelayMs(timing, Fixed(1999)), 2999);
  EXPECT_EQ(RetryDelayMs(timing, Fixed(2000)), 1000);
  int64_t top = RetryDelayMs(timing, Fixed(std::numeric_limits<uint64_t>::max()));
  EXPECT_GE(top, 1000);
  EXPECT_LT(top, 3000);
  timing.retry_jitter_ms = 0;
  EXPECT_EQ(RetryDelayMs(timing, Fixed(12345)), 1000);
}

TEST(RetryDelayTest, RandomisedAndBounded) {
  ElectionTiming timing;
  std::mt19937_64 engine(42);
  RandomSource random = [&engine] { return engine(); };
  int64_t low = timing.retry_min_ms + timing.retry_jitter_ms;
  int64_t high = 0;
  for (int i = 0; i < 1000; ++i) {
    int64_t delay = RetryDelayMs(timing, random);
    ASSERT_GE(delay, timing.retry_min_ms);
    ASSERT_LT(delay, timing.retry_min_ms + timing.retry_jitter_ms);
    low = std::min(low, delay);
    high = std::max(high, delay);
  }
  EXPECT_LT(high - low, timing.retry_jitter_ms);
  EXPECT_GT(high - low, timing.retry_jitter_ms / 2);  // Actually spread, not a constant.
}

}  // namespace
}  // namespace tandem::sentinel
