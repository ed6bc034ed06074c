#include "replication/replication_ids.h"

#include <gtest/gtest.h>

namespace tandem::replication {
namespace {

class DecidePsyncTest : public testing::Test {
 protected:
  DecidePsyncTest() : rng_(7), backlog_(100, 1000) {
    ids_ = ReplicationIds::Fresh(rng_);
    backlog_.Append(std::string(50, 'x'));  // window [1001, 1051]
  }
  PsyncDecision Decide(std::string_view replid, int64_t offset, const Backlog* b) {
    return DecidePsync(ids_, b, replid, offset).decision;
  }
  std::mt19937_64 rng_;
  ReplicationIds ids_;
  Backlog backlog_;
};

TEST(ReplicationIdsTest, FreshIdsAreFortyHexCharacters) {
  std::mt19937_64 rng(1);
  ReplicationIds a = ReplicationIds::Fresh(rng);
  ReplicationIds b = ReplicationIds::Fresh(rng);
  EXPECT_EQ(a.replid.size(), 40u);
  EXPECT_EQ(a.replid.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a.replid, b.replid);
  EXPECT_EQ(a.replid2, std::string(40, '0'));
  EXPECT_EQ(a.second_offset, -1);
}

TEST(ReplicationIdsTest, ShiftKeepsTheOldHistory) {
  std::mt19937_64 rng(2);
  ReplicationIds ids = ReplicationIds::Fresh(rng);
  std::string old = ids.replid;
  ids.Shift(500, rng);
  EXPECT_EQ(ids.replid2, old);
  EXPECT_EQ(ids.second_offset, 501);
  EXPECT_NE(ids.replid, old);
  ids.ClearSecond();
  EXPECT_EQ(ids.replid2, std::string(40, '0'));
  EXPECT_EQ(ids.second_offset, -1);
}

TEST_F(DecidePsyncTest, MatchingReplidInsideTheWindow) {
  EXPECT_EQ(Decide(ids_.replid, 1001, &backlog_), PsyncDecision::kContinue);
  EXPECT_EQ(Decide(ids_.replid, 1030, &backlog_), PsyncDecision::kContinue);
  EXPECT_EQ(Decide(ids_.replid, 1051, &backlog_), PsyncDecision::kContinue);  // end + 1
}

TEST_F(DecidePsyncTest, OutsideTheWindow) {
  EXPECT_EQ(Decide(ids_.replid, 1000, &backlog_), PsyncDecision::kFullResync);
  EXPECT_EQ(Decide(ids_.replid, 1052, &backlog_), PsyncDecision::kFullResync);
}

TEST_F(DecidePsyncTest, UnknownReplidOrFullSyncRequest) {
  EXPECT_EQ(Decide(std::string(40, 'a'), 1010, &backlog_), PsyncDecision::kFullResync);
  EXPECT_EQ(Decide("?", -1, &backlog_), PsyncDecision::kFullResync);
  EXPECT_EQ(Decide("?", 1010, &backlog_), PsyncDecision::kFullResync);
  EXPECT_EQ(Decide(ids_.replid, -1, &backlog_), PsyncDecision::kFullResync);
}

TEST_F(DecidePsyncTest, NoBacklog) {
  EXPECT_EQ(Decide(ids_.replid, 1001, nullptr), PsyncDecision::kFullResync);
}

TEST_F(DecidePsyncTest, PreviousReplidUpToTheSecondOffset) {
  std::string old = ids_.replid;
  ids_.Shift(1030, rng_);  // second_offset 1031
  EXPECT_EQ(Decide(old, 1020, &backlog_), PsyncDecision::kContinue);
  EXPECT_EQ(Decide(old, 1031, &backlog_), PsyncDecision::kContinue);
  EXPECT_EQ(Decide(old, 1032, &backlog_), PsyncDecision::kFullResync);
  EXPECT_EQ(Decide(ids_.replid, 1040, &backlog_), PsyncDecision::kContinue);
  // Within the previous history but no longer in the backlog.
  EXPECT_EQ(Decide(old, 999, &backlog_), PsyncDecision::kFullResync);
}

TEST_F(DecidePsyncTest, TheZeroReplid2NeverMatches) {
  EXPECT_EQ(Decide(std::string(40, '0'), 1010, &backlog_), PsyncDecision::kFullResync);
}

}  // namespace
}  // namespace tandem::replication
