#include "sentinel/event_text.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace tandem::sentinel {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;
const std::string kSentinelRunId = "47f25ab57019941f137b348631de092b1b0a36f0";

uint64_t Zero() { return 0; }

MasterConfig Config() {
  MasterConfig config;
  config.name = "m";
  config.host = "127.0.0.1";
  config.port = 60893;
  config.quorum = 2;
  return config;
}

class EventTextTest : public testing::Test {
 protected:
  Instance& AddReplica(const std::string& host, int port) {
    master_.replicas.push_back(
        std::make_unique<Instance>(InstanceKind::kReplica, host, port, kNow));
    return *master_.replicas.back();
  }

  EpochState epochs_;
  MonitoredMaster master_{Config(), epochs_, std::string(40, 'f'), ElectionTiming{}, Zero, kNow};
};

// The expected texts are the payloads a Redis 7.0.15 sentinel published during a failover.
TEST_F(EventTextTest, MasterEvents) {
  EXPECT_EQ(EventText(master_.self, master_), "master m 127.0.0.1 60893");
  EXPECT_EQ(EventText(master_.self, master_, "#quorum 2/2"),
            "master m 127.0.0.1 60893 #quorum 2/2");
  EXPECT_EQ(EventText(master_.self, master_, "quorum 2"), "master m 127.0.0.1 60893 quorum 2");
}

TEST_F(EventTextTest, ReplicaEventsNameTheMaster) {
  Instance& replica = AddReplica("127.0.0.1", 43253);
  EXPECT_EQ(EventText(replica, master_),
            "slave 127.0.0.1:43253 127.0.0.1 43253 @ m 127.0.0.1 60893");
  EXPECT_EQ(
      EventText(replica, master_, "new reported role is master"),
      "slave 127.0.0.1:43253 127.0.0.1 43253 @ m 127.0.0.1 60893 new reported role is master");
  // After the switch the master record holds the new address; the old primary is a replica.
  master_.self.host = "127.0.0.1";
  master_.self.port = 43253;
  Instance& old = AddReplica("127.0.0.1", 60893);
  EXPECT_EQ(EventText(old, master_), "slave 127.0.0.1:60893 127.0.0.1 60893 @ m 127.0.0.1 43253");
}

TEST_F(EventTextTest, Ipv6ReplicaNameIsBracketedButItsAddressIsNot) {
  Instance& replica = AddReplica("::1", 6380);
  EXPECT_EQ(EventText(replica, master_), "slave [::1]:6380 ::1 6380 @ m 127.0.0.1 60893");
}

TEST_F(EventTextTest, SentinelEventsNameItByRunId) {
  master_.sentinels.push_back(
      std::make_unique<Instance>(InstanceKind::kSentinel, "127.0.0.1", 51883, kNow));
  master_.sentinels.back()->run_id = kSentinelRunId;
  EXPECT_EQ(EventText(*master_.sentinels.back(), master_),
            "sentinel " + kSentinelRunId + " 127.0.0.1 51883 @ m 127.0.0.1 60893");
}

TEST(SwitchMasterTextTest, NamesBothAddresses) {
  EXPECT_EQ(SwitchMasterText("m", "127.0.0.1", 60893, "127.0.0.1", 43253),
            "m 127.0.0.1 60893 127.0.0.1 43253");
}

TEST(EventLevelTest, RedisLevels) {
  for (const char* event : {"+monitor",
                            "-monitor",
                            "+set",
                            "+reset-master",
                            "+sdown",
                            "-sdown",
                            "+odown",
                            "-odown",
                            "+new-epoch",
                            "+try-failover",
                            "+vote-for-leader",
                            "+elected-leader",
                            "-failover-abort-not-elected",
                            "+failover-state-select-slave",
                            "+selected-slave",
                            "-failover-abort-no-good-slave",
                            "-failover-abort-slave-timeout",
                            "+promoted-slave",
                            "+failover-state-reconf-slaves",
                            "+failover-end-for-timeout",
                            "+failover-end",
                            "+switch-master",
                            "+config-update-from",
                            "+tilt",
                            "-tilt",
                            "-script-error",
                            "-script-timeout"}) {
    EXPECT_EQ(EventLevelOf(event), EventLevel::kWarning) << event;
    EXPECT_TRUE(IsWarningEvent(event)) << event;
  }
  for (const char* event :
       {"+slave", "+sentinel", "+sentinel-address-switch", "+sentinel-address-update",
        "+sentinel-invalid-addr", "+reboot", "+convert-to-slave", "+fix-slave-config",
        "+failover-state-send-slaveof-noone", "+failover-state-wait-promotion",
        "+slave-reconf-sent", "+slave-reconf-inprog", "+slave-reconf-done",
        "-slave-reconf-sent-timeout", "+slave-reconf-sent-be", "+no-such-event"}) {
    EXPECT_EQ(EventLevelOf(event), EventLevel::kNotice) << event;
    EXPECT_FALSE(IsWarningEvent(event)) << event;
    EXPECT_FALSE(RunsNotificationScript(event)) << event;
  }
  EXPECT_EQ(EventLevelOf("+role-change"), EventLevel::kVerbose);
  EXPECT_EQ(EventLevelOf("-role-change"), EventLevel::kVerbose);
  for (const char* event :
       {"+script-child", "-script-child", "-cmd-link-reconnection", "-pubsub-link-reconnection"}) {
    EXPECT_EQ(EventLevelOf(event), EventLevel::kDebug) << event;
  }
}

TEST(EventLevelTest, NotificationScriptRunsForWarningsAboutAnInstance) {
  EXPECT_TRUE(RunsNotificationScript("+sdown"));
  EXPECT_TRUE(RunsNotificationScript("+switch-master"));
  EXPECT_TRUE(RunsNotificationScript("+new-epoch"));
  EXPECT_FALSE(RunsNotificationScript("+tilt"));
  EXPECT_FALSE(RunsNotificationScript("-tilt"));
  EXPECT_FALSE(RunsNotificationScript("-script-error"));
  EXPECT_FALSE(RunsNotificationScript("-script-timeout"));
  EXPECT_FALSE(RunsNotificationScript("+role-change"));
}

}  // namespace
}  // namespace tandem::sentinel
