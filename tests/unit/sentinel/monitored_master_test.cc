#include "sentinel/monitored_master.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace tandem::sentinel {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

uint64_t Zero() { return 0; }

TEST(FailoverStateNameTest, RedisNames) {
  EXPECT_EQ(FailoverStateName(FailoverState::kNone), "none");
  EXPECT_EQ(FailoverStateName(FailoverState::kWaitStart), "wait_start");
  EXPECT_EQ(FailoverStateName(FailoverState::kSelectReplica), "select_slave");
  EXPECT_EQ(FailoverStateName(FailoverState::kSendReplicaOfNoOne), "send_slaveof_noone");
  EXPECT_EQ(FailoverStateName(FailoverState::kWaitPromotion), "wait_promotion");
  EXPECT_EQ(FailoverStateName(FailoverState::kReconfReplicas), "reconf_slaves");
}

TEST(InstanceTest, AddressBracketsIpv6) {
  EXPECT_EQ(Instance(InstanceKind::kReplica, "10.0.0.2", 6379, kNow).Address(), "10.0.0.2:6379");
  EXPECT_EQ(Instance(InstanceKind::kReplica, "::1", 6380, kNow).Address(), "[::1]:6380");
  EXPECT_EQ(Instance(InstanceKind::kReplica, "redis-1", 6381, kNow).Address(), "redis-1:6381");
}

TEST(MonitoredMasterTest, FindsReplicasByAddressAndSentinelsByRunId) {
  MasterConfig config;
  config.name = "m";
  config.host = "10.0.0.1";
  config.port = 6379;
  config.quorum = 2;
  EpochState epochs;
  MonitoredMaster master(config, epochs, std::string(40, 'f'), ElectionTiming{}, Zero, kNow);
  master.replicas.push_back(
      std::make_unique<Instance>(InstanceKind::kReplica, "10.0.0.2", 6379, kNow));
  master.replicas.push_back(
      std::make_unique<Instance>(InstanceKind::kReplica, "10.0.0.2", 6380, kNow));
  master.sentinels.push_back(
      std::make_unique<Instance>(InstanceKind::kSentinel, "10.0.0.5", 26379, kNow));
  master.sentinels.back()->run_id = std::string(40, 'a');
  // Known from the config before its first hello: no run id yet.
  master.sentinels.push_back(
      std::make_unique<Instance>(InstanceKind::kSentinel, "10.0.0.6", 26379, kNow));

  EXPECT_EQ(master.FindReplica("10.0.0.2", 6380), master.replicas[1].get());
  EXPECT_EQ(master.FindReplica("10.0.0.2", 6379), master.replicas[0].get());
  EXPECT_EQ(master.FindReplica("10.0.0.3", 6379), nullptr);
  EXPECT_EQ(master.FindSentinel(std::string(40, 'a')), master.sentinels[0].get());
  EXPECT_EQ(master.FindSentinel(std::string(40, 'b')), nullptr);
  EXPECT_EQ(master.FindSentinel(""), nullptr);
}

}  // namespace
}  // namespace tandem::sentinel
