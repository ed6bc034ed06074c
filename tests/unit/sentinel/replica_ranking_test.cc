#include "sentinel/replica_ranking.h"

#include <gtest/gtest.h>

#include <vector>

namespace tandem::sentinel {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

// A replica that passes every filter at kNow.
ReplicaView Healthy(std::string run_id, int64_t offset = 1000, int priority = 100) {
  ReplicaView r;
  r.host = "127.0.0.1";
  r.port = 6380;
  r.run_id = std::move(run_id);
  r.link_up = true;
  r.last_reply_ms = kNow - 100;
  r.info_refresh_ms = kNow - 100;
  r.priority = priority;
  r.repl_offset = offset;
  return r;
}

RankingParams MasterDown() {
  RankingParams p;
  p.down_after_ms = 1000;
  p.master_sdown = true;
  p.master_sdown_since_ms = kNow - 3000;
  return p;
}

TEST(ReplicaRankingTest, NoReplicasNoChoice) {
  EXPECT_EQ(SelectReplica({}, MasterDown(), kNow), std::nullopt);
}

TEST(ReplicaRankingTest, SdownAndDisconnectedAreSkipped) {
  std::vector<ReplicaView> rs = {Healthy("a", 9000), Healthy("b", 8000), Healthy("c", 1)};
  rs[0].sdown = true;
  rs[1].disconnected = true;
  EXPECT_EQ(SelectReplica(rs, MasterDown(), kNow), 2u);
  rs[2].sdown = true;
  EXPECT_EQ(SelectReplica(rs, MasterDown(), kNow), std::nullopt);
}

TEST(ReplicaRankingTest, ReplyOlderThanFivePingPeriodsIsSkipped) {
  std::vector<ReplicaView> rs = {Healthy("a", 9000), Healthy("b", 1)};
  rs[0].last_reply_ms = kNow - 5000;  // Exactly 5 periods: still fine.
  EXPECT_EQ(SelectReplica(rs, MasterDown(), kNow), 0u);
  rs[0].last_reply_ms = kNow - 5001;
  EXPECT_EQ(SelectReplica(rs, MasterDown(), kNow), 1u);
}

TEST(ReplicaRankingTest, PriorityZeroIsNeverPromoted) {
  std::vector<ReplicaView> rs = {Healthy("a", 9000, 0), Healthy("b", 1, 100)};
  EXPECT_EQ(SelectReplica(rs, MasterDown(), kNow), 1u);
  rs.pop_back();
  EXPECT_EQ(SelectReplica(rs, MasterDown(), kNow), std::nullopt);
}

TEST(ReplicaRankingTest, InfoValidityIsFivePingPeriodsWhileMasterIsDown) {
  std::vector<ReplicaView> rs = {Healthy("a", 9000), Healthy("b", 1)};
  rs[0].info_refresh_ms = kNow - 5000;
  EXPECT_EQ(SelectReplica(rs, MasterDown(), kNow), 0u);
  rs[0].info_refresh_ms = kNow - 5001;
  EXPECT_EQ(SelectReplica(rs, MasterDown(), kNow), 1u);
}

TEST(ReplicaRankingTest, InfoValidityIsThreeInfoPeriodsOtherwise) {
  RankingParams up;  // Primary not SDOWN (e.g. SENTINEL FAILOVER): 30 s.
  std::vector<ReplicaView> rs = {Healthy("a", 9000), Healthy("b", 1)};
  rs[0].info_refresh_ms = kNow - 30'000;
  EXPECT_EQ(SelectReplica(rs, up, kNow), 0u);
  rs[0].info_refresh_ms = kNow - 30'001;
  EXPECT_EQ(SelectReplica(rs, up, kNow), 1u);
}

TEST(ReplicaRankingTest, LinkDownLongerThanAllowedIsSkipped) {
  // Allowed: 10 x down-after (10 s) + time the primary has been SDOWN (3 s).
  std::vector<ReplicaView> rs = {Healthy("a", 9000), Healthy("b", 1)};
  rs[0].link_up = false;
  rs[0].master_link_down_ms = 13'000;
  EXPECT_EQ(SelectReplica(rs, MasterDown(), kNow), 0u);
  rs[0].master_link_down_ms = 13'001;
  EXPECT_EQ(SelectReplica(rs, MasterDown(), kNow), 1u);
  // Without SDOWN the allowance is 10 x down-after alone.
  RankingParams up = MasterDown();
  up.master_sdown = false;
  rs[0].master_link_down_ms = 10'001;
  EXPECT_EQ(SelectReplica(rs, up, kNow), 1u);
}

TEST(ReplicaRankingTest, StaleLinkDownTimeIgnoredWhileLinkIsUp) {
  std::vector<ReplicaView> rs = {Healthy("a", 9000), Healthy("b", 1)};
  rs[0].master_link_down_ms = 999'999;  // Left over from before the link came back.
  EXPECT_EQ(SelectReplica(rs, MasterDown(), kNow), 0u);
}

TEST(ReplicaRankingTest, LowestPriorityWinsOverOffset) {
  std::vector<ReplicaView> rs = {Healthy("a", 9000, 100), Healthy("b", 1, 10)};
  EXPECT_EQ(SelectReplica(rs, MasterDown(), kNow), 1u);
}

TEST(ReplicaRankingTest, HighestOffsetWinsAtEqualPriority) {
  std::vector<ReplicaView> rs = {Healthy("a", 100), Healthy("b", 300), Healthy("c", 200)};
  EXPECT_EQ(SelectReplica(rs, MasterDown(), kNow), 1u);
}

TEST(ReplicaRankingTest, SmallestRunIdWinsAtEqualOffset) {
  std::vector<ReplicaView> rs = {Healthy("bbb"), Healthy("abc"), Healthy("abd")};
  EXPECT_EQ(SelectReplica(rs, MasterDown(), kNow), 1u);
}

TEST(ReplicaRankingTest, RunIdComparisonIgnoresCase) {
  std::vector<ReplicaView> rs = {Healthy("B"), Healthy("a")};
  EXPECT_EQ(SelectReplica(rs, MasterDown(), kNow), 1u);
}

TEST(ReplicaRankingTest, MissingRunIdSortsLast) {
  std::vector<ReplicaView> rs = {Healthy(""), Healthy("zzz")};
  EXPECT_EQ(SelectReplica(rs, MasterDown(), kNow), 1u);
  EXPECT_FALSE(RanksBefore(rs[0], rs[0]));
}

}  // namespace
}  // namespace tandem::sentinel
