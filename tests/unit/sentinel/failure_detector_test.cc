#include "sentinel/failure_detector.h"

#include <gtest/gtest.h>

#include "server/base/clock.h"

namespace tandem::sentinel {
namespace {

constexpr int64_t kDownAfter = 1000;

class FailureDetectorTest : public testing::Test {
 protected:
  base::ManualClock clock_;
  FailureDetector detector_{clock_.NowMs()};

  // One PING answered at once.
  void Exchange() {
    detector_.OnPingSent(clock_.NowMs());
    detector_.OnValidReply(clock_.NowMs());
  }
  bool Sdown() const { return detector_.IsSubjectivelyDown(clock_.NowMs(), kDownAfter); }
};

TEST_F(FailureDetectorTest, NeverAnsweringGoesDownAfterOneWindow) {
  clock_.AdvanceMs(kDownAfter);
  EXPECT_FALSE(Sdown());
  clock_.AdvanceMs(1);
  EXPECT_TRUE(Sdown());
}

TEST_F(FailureDetectorTest, SdownExactlyAfterDownAfterOfUnansweredPing) {
  Exchange();
  clock_.AdvanceMs(500);
  detector_.OnPingSent(clock_.NowMs());
  clock_.AdvanceMs(kDownAfter);  // Exactly down-after since the unanswered PING.
  EXPECT_FALSE(Sdown());
  EXPECT_EQ(detector_.UnansweredForMs(clock_.NowMs()), kDownAfter);
  clock_.AdvanceMs(1);
  EXPECT_TRUE(Sdown());
  detector_.OnValidReply(clock_.NowMs());
  EXPECT_FALSE(Sdown());
}

TEST_F(FailureDetectorTest, OnlyTheOldestUnansweredPingCounts) {
  Exchange();
  detector_.OnPingSent(clock_.NowMs());
  clock_.AdvanceMs(600);
  detector_.OnPingSent(clock_.NowMs());  // Must not restart the clock.
  clock_.AdvanceMs(401);
  EXPECT_TRUE(Sdown());
}

TEST_F(FailureDetectorTest, DisconnectedJudgedFromLastValidReply) {
  Exchange();
  detector_.OnLinkDown();
  clock_.AdvanceMs(kDownAfter);
  EXPECT_FALSE(Sdown());
  clock_.AdvanceMs(1);
  EXPECT_TRUE(Sdown());
  detector_.OnLinkUp();
  EXPECT_FALSE(Sdown());  // No PING outstanding yet on the new link.
}

TEST_F(FailureDetectorTest, PromotionGivesAFreshFullWindow) {
  Exchange();
  detector_.OnPingSent(clock_.NowMs());
  clock_.AdvanceMs(900);  // A PING has been pending 900 ms when the replica is promoted.
  detector_.ResetForPromotion(clock_.NowMs());
  EXPECT_FALSE(detector_.last_valid_reply_ms().has_value());
  clock_.AdvanceMs(kDownAfter);  // Without the reset this would be 1900 ms: SDOWN.
  EXPECT_FALSE(Sdown());
  clock_.AdvanceMs(1);
  EXPECT_TRUE(Sdown());
}

TEST_F(FailureDetectorTest, RepliesFromBeforePromotionDoNotCount) {
  int64_t before = clock_.NowMs();
  clock_.AdvanceMs(200);
  detector_.ResetForPromotion(clock_.NowMs());
  detector_.OnValidReply(before);  // A late-processed reply timed before the promotion.
  EXPECT_FALSE(detector_.last_valid_reply_ms().has_value());
  clock_.AdvanceMs(kDownAfter + 1);
  EXPECT_TRUE(Sdown());
}

TEST_F(FailureDetectorTest, ReplyAfterPromotionKeepsItUp) {
  detector_.ResetForPromotion(clock_.NowMs());
  clock_.AdvanceMs(300);
  Exchange();
  EXPECT_EQ(detector_.last_valid_reply_ms(), clock_.NowMs());
  clock_.AdvanceMs(5 * kDownAfter);  // No PING outstanding, link up: nothing to judge.
  EXPECT_FALSE(Sdown());
}

constexpr int64_t kT0 = 1'700'000'000'000;
const VoteTarget kOld{"10.0.0.1", 6379, 3};

TEST(DownVoteTallyTest, OdownNeedsSelfSdownAndQuorum) {
  DownVoteTally tally;
  tally.Record("s2", kOld, true, kT0);
  EXPECT_TRUE(tally.IsObjectivelyDown(true, kOld, 2, kT0));
  EXPECT_FALSE(tally.IsObjectivelyDown(false, kOld, 2, kT0));
  EXPECT_FALSE(tally.IsObjectivelyDown(true, kOld, 3, kT0));
  tally.Record("s3", kOld, true, kT0);
  EXPECT_TRUE(tally.IsObjectivelyDown(true, kOld, 3, kT0));
  EXPECT_TRUE(tally.IsObjectivelyDown(true, kOld, 1, kT0));  // Quorum 1: self alone.
}

TEST(DownVoteTallyTest, UpAnswerReplacesDownVote) {
  DownVoteTally tally;
  tally.Record("s2", kOld, true, kT0);
  tally.Record("s2", kOld, false, kT0 + 10);
  EXPECT_EQ(tally.CountDown(kOld, kT0 + 10), 0u);
}

TEST(DownVoteTallyTest, VotesForAnotherAddressOrEpochDoNotCount) {
  DownVoteTally tally;
  VoteTarget promoted{"10.0.0.2", 6380, 4};
  VoteTarget same_address_new_epoch{"10.0.0.1", 6379, 4};
  VoteTarget same_epoch_other_port{"10.0.0.1", 6380, 3};
  tally.Record("s2", kOld, true, kT0);
  tally.Record("s3", same_address_new_epoch, true, kT0);
  tally.Record("s4", same_epoch_other_port, true, kT0);
  EXPECT_EQ(tally.CountDown(kOld, kT0), 1u);
  EXPECT_EQ(tally.CountDown(promoted, kT0), 0u);
  EXPECT_FALSE(tally.IsObjectivelyDown(true, promoted, 2, kT0));
  tally.Record("s2", promoted, true, kT0 + 1);
  EXPECT_EQ(tally.CountDown(promoted, kT0 + 1), 1u);
  EXPECT_EQ(tally.CountDown(kOld, kT0 + 1), 0u);
}

TEST(DownVoteTallyTest, VotesExpireAfterValidity) {
  DownVoteTally tally;
  tally.Record("s2", kOld, true, kT0);
  EXPECT_EQ(tally.CountDown(kOld, kT0 + DownVoteTally::kDefaultVoteValidityMs), 1u);
  EXPECT_EQ(tally.CountDown(kOld, kT0 + DownVoteTally::kDefaultVoteValidityMs + 1), 0u);
}

TEST(DownVoteTallyTest, ForgottenSentinelNoLongerCounts) {
  DownVoteTally tally;
  tally.Record("s2", kOld, true, kT0);
  tally.Record("s3", kOld, true, kT0);
  tally.Forget("s2");
  EXPECT_EQ(tally.CountDown(kOld, kT0), 1u);
  tally.Clear();
  EXPECT_EQ(tally.CountDown(kOld, kT0), 0u);
}

}  // namespace
}  // namespace tandem::sentinel
