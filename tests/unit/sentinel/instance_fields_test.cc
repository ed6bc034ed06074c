#include "sentinel/instance_fields.h"

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace tandem::sentinel {
namespace {

// The records below were read from a Redis 7.0.15 sentinel (down-after 1000, failover-timeout
// 10000, quorum 2) watching a primary on port 60893 with one replica on 43253 and one other
// sentinel on 51883, before and during a failover; the model is set up so that the same ages
// come out.
constexpr int64_t kNow = 1'700'000'100'000;
const std::string kMasterRunId = "6a7a68f94cb5d4e50798408041afd3c5c8740682";
const std::string kReplicaRunId = "aa713aa4e2bcdd3b82f4b7fedba0f463c3d3e157";
const std::string kMyRunId(40, 'f');
const std::string kSentinelRunId = "47f25ab57019941f137b348631de092b1b0a36f0";

constexpr LinkView kConnected{.connected = true, .pending_commands = 0, .refcount = 1};

// The words of redis-cli's output of a record: its fields and values (none of them empty).
std::vector<std::string> Words(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

// RESP bytes of a record with these fields and values, written the way Redis does.
std::string RecordBytes(int protocol, const std::vector<std::string>& items) {
  std::string out = (protocol == 3 ? "%" + std::to_string(items.size() / 2)
                                   : "*" + std::to_string(items.size())) +
                    "\r\n";
  for (const std::string& item : items) {
    out += "$" + std::to_string(item.size()) + "\r\n" + item + "\r\n";
  }
  return out;
}

template <typename Fn>
std::string Render(int protocol, Fn write) {
  std::string out;
  resp::ReplyBuilder builder(out, protocol);
  write(builder);
  return out;
}

template <typename Fn>
void ExpectRecord(Fn write, std::string_view fields_and_values) {
  EXPECT_EQ(Render(2, write), RecordBytes(2, Words(fields_and_values)));
  EXPECT_EQ(Render(3, write), RecordBytes(3, Words(fields_and_values)));
}

uint64_t Zero() { return 0; }

MasterConfig Config() {
  MasterConfig config;
  config.name = "m";
  config.host = "127.0.0.1";
  config.port = 60893;
  config.quorum = 2;
  config.down_after_ms = 1000;
  config.failover_timeout_ms = 10000;
  return config;
}

class InstanceFieldsTest : public testing::Test {
 protected:
  InstanceFieldsTest() {
    master_.self.run_id = kMasterRunId;
    master_.self.role = ReportedRole::kMaster;
    master_.self.created_ms = kNow - 8471;
    master_.self.last_ok_ping_ms = kNow - 216;
    master_.self.last_ping_reply_ms = kNow - 216;
    master_.self.info_refresh_ms = kNow - 8467;

    replica_ = AddReplica("127.0.0.1", 43253);
    replica_->run_id = kReplicaRunId;
    replica_->created_ms = kNow - 5014;
    replica_->last_ok_ping_ms = kNow - 798;
    replica_->last_ping_reply_ms = kNow - 798;
    replica_->info_refresh_ms = kNow - 4961;
    replica_->role = ReportedRole::kReplica;
    replica_->master_host = "127.0.0.1";
    replica_->master_port = 60893;
    replica_->master_link_up = true;

    sentinel_ = AddSentinel(kSentinelRunId, 51883);
    sentinel_->created_ms = kNow - 30000;
    sentinel_->last_ok_ping_ms = kNow - 964;
    sentinel_->last_ping_reply_ms = kNow - 964;
    sentinel_->last_hello_ms = kNow - 914;
  }

  Instance* AddReplica(const std::string& host, int port) {
    master_.replicas.push_back(
        std::make_unique<Instance>(InstanceKind::kReplica, host, port, kNow));
    return master_.replicas.back().get();
  }

  Instance* AddSentinel(const std::string& run_id, int port) {
    master_.sentinels.push_back(
        std::make_unique<Instance>(InstanceKind::kSentinel, "127.0.0.1", port, kNow));
    master_.sentinels.back()->run_id = run_id;
    return master_.sentinels.back().get();
  }

  std::string Flags(const Instance& instance, LinkView link = kConnected) const {
    return InstanceFlags(instance, master_, link);
  }

  EpochState epochs_;
  MonitoredMaster master_{Config(), epochs_, kMyRunId, ElectionTiming{}, Zero, kNow - 8471};
  Instance* replica_;
  Instance* sentinel_;
};

TEST_F(InstanceFieldsTest, MasterRecordIsRedisBytesInBothProtocols) {
  // Verbatim from the sentinel: RESP2 "*40" + body, RESP3 "%20" + the same body.
  const std::string body =
      "$4\r\nname\r\n$1\r\nm\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$4\r\nport\r\n$5\r\n60893\r\n"
      "$5\r\nrunid\r\n$40\r\n6a7a68f94cb5d4e50798408041afd3c5c8740682\r\n$5\r\nflags\r\n"
      "$6\r\nmaster\r\n$21\r\nlink-pending-commands\r\n$1\r\n0\r\n$13\r\nlink-refcount\r\n"
      "$1\r\n1\r\n$14\r\nlast-ping-sent\r\n$1\r\n0\r\n$18\r\nlast-ok-ping-reply\r\n$3\r\n216\r\n"
      "$15\r\nlast-ping-reply\r\n$3\r\n216\r\n$23\r\ndown-after-milliseconds\r\n$4\r\n1000\r\n"
      "$12\r\ninfo-refresh\r\n$4\r\n8467\r\n$13\r\nrole-reported\r\n$6\r\nmaster\r\n"
      "$18\r\nrole-reported-time\r\n$4\r\n8471\r\n$12\r\nconfig-epoch\r\n$1\r\n0\r\n"
      "$10\r\nnum-slaves\r\n$1\r\n1\r\n$19\r\nnum-other-sentinels\r\n$1\r\n1\r\n$6\r\nquorum\r\n"
      "$1\r\n2\r\n$16\r\nfailover-timeout\r\n$5\r\n10000\r\n$14\r\nparallel-syncs\r\n$1\r\n1\r\n";
  auto write = [&](resp::ReplyBuilder& out) { WriteMasterRecord(master_, kConnected, kNow, out); };
  EXPECT_EQ(Render(2, write), "*40\r\n" + body);
  EXPECT_EQ(Render(3, write), "%20\r\n" + body);
}

TEST_F(InstanceFieldsTest, ReplicaRecordAsRedisShowsIt) {
  ExpectRecord(
      [&](resp::ReplyBuilder& out) {
        WriteReplicaRecord(*replica_, master_, kConnected, kNow, out);
      },
      "name 127.0.0.1:43253 ip 127.0.0.1 port 43253 runid " + kReplicaRunId +
          " flags slave link-pending-commands 0 link-refcount 1 last-ping-sent 0"
          " last-ok-ping-reply 798 last-ping-reply 798 down-after-milliseconds 1000"
          " info-refresh 4961 role-reported slave role-reported-time 5014"
          " master-link-down-time 0 master-link-status ok master-host 127.0.0.1"
          " master-port 60893 slave-priority 100 slave-repl-offset 0 replica-announced 1");
}

TEST_F(InstanceFieldsTest, SentinelRecordAsRedisShowsIt) {
  ExpectRecord(
      [&](resp::ReplyBuilder& out) {
        WriteSentinelRecord(*sentinel_, master_, kConnected, kNow, out);
      },
      "name " + kSentinelRunId + " ip 127.0.0.1 port 51883 runid " + kSentinelRunId +
          " flags sentinel link-pending-commands 0 link-refcount 1 last-ping-sent 0"
          " last-ok-ping-reply 964 last-ping-reply 964 down-after-milliseconds 1000"
          " last-hello-message 914 voted-leader ? voted-leader-epoch 0");
}

TEST_F(InstanceFieldsTest, MasterDownAndFailingOverAsRedisShowsIt) {
  // Seen while the leader was selecting a replica, the primary killed.
  master_.self.sdown = true;
  master_.self.sdown_since_ms = kNow - 182;
  master_.odown = true;
  master_.odown_since_ms = kNow - 97;
  master_.failover_state = FailoverState::kSelectReplica;
  master_.self.last_ping_sent_ms = kNow - 1213;
  master_.self.last_ok_ping_ms = kNow - 2079;
  master_.self.last_ping_reply_ms = kNow - 2079;
  master_.self.info_refresh_ms = kNow - 6481;
  master_.self.created_ms = kNow - 16498;
  const LinkView link{.connected = false, .pending_commands = 2, .refcount = 1};
  ExpectRecord(
      [&](resp::ReplyBuilder& out) { WriteMasterRecord(master_, link, kNow, out); },
      "name m ip 127.0.0.1 port 60893 runid " + kMasterRunId +
          " flags s_down,o_down,master,disconnected,failover_in_progress"
          " link-pending-commands 2 link-refcount 1 failover-state select_slave"
          " last-ping-sent 1213 last-ok-ping-reply 2079 last-ping-reply 2079 s-down-time 182"
          " o-down-time 97 down-after-milliseconds 1000 info-refresh 6481 role-reported master"
          " role-reported-time 16498 config-epoch 0 num-slaves 1 num-other-sentinels 1 quorum 2"
          " failover-timeout 10000 parallel-syncs 1");
}

TEST_F(InstanceFieldsTest, PromotedReplicaAsRedisShowsIt) {
  replica_->promoted = true;
  replica_->created_ms = kNow - 16770;
  replica_->last_ok_ping_ms = kNow - 202;
  replica_->last_ping_reply_ms = kNow - 202;
  replica_->info_refresh_ms = kNow - 370;
  replica_->master_link_up = false;
  replica_->master_link_down_ms = 1000;
  replica_->repl_offset = 1866;
  ExpectRecord(
      [&](resp::ReplyBuilder& out) {
        WriteReplicaRecord(*replica_, master_, kConnected, kNow, out);
      },
      "name 127.0.0.1:43253 ip 127.0.0.1 port 43253 runid " + kReplicaRunId +
          " flags slave,promoted link-pending-commands 0 link-refcount 1 last-ping-sent 0"
          " last-ok-ping-reply 202 last-ping-reply 202 down-after-milliseconds 1000"
          " info-refresh 370 role-reported slave role-reported-time 16770"
          " master-link-down-time 1000 master-link-status err master-host 127.0.0.1"
          " master-port 60893 slave-priority 100 slave-repl-offset 1866 replica-announced 1");
}

TEST_F(InstanceFieldsTest, DeadReplicaNeverHeardFromCountsFromItsCreation) {
  // The old primary, re-added as a replica after the switch and never reachable since: no INFO,
  // no reply, one PING outstanding since creation, SDOWN, no known master, empty run id.
  Instance* old = AddReplica("127.0.0.1", 60893);
  old->created_ms = kNow - 5000;
  old->last_ping_sent_ms = kNow - 5000;
  old->sdown = true;
  old->sdown_since_ms = kNow - 3999;
  old->master_port = 0;
  std::vector<std::string> items = Words("name 127.0.0.1:60893 ip 127.0.0.1 port 60893 runid");
  items.push_back("");
  for (const std::string& word :
       Words("flags s_down,slave,disconnected link-pending-commands 0 link-refcount 1"
             " last-ping-sent 5000 last-ok-ping-reply 5000 last-ping-reply 5000 s-down-time 3999"
             " down-after-milliseconds 1000 info-refresh 0 role-reported slave"
             " role-reported-time 5000 master-link-down-time 0 master-link-status err"
             " master-host ? master-port 0 slave-priority 100 slave-repl-offset 0"
             " replica-announced 1")) {
    items.push_back(word);
  }
  auto write = [&](resp::ReplyBuilder& out) {
    WriteReplicaRecord(*old, master_, LinkView{}, kNow, out);
  };
  EXPECT_EQ(Render(2, write), RecordBytes(2, items));
  EXPECT_EQ(Render(3, write), RecordBytes(3, items));
}

TEST_F(InstanceFieldsTest, FlagsFollowRedisOrderAndScope) {
  EXPECT_EQ(Flags(master_.self), "master");
  EXPECT_EQ(Flags(master_.self, LinkView{}), "master,disconnected");
  EXPECT_EQ(Flags(*replica_), "slave");
  EXPECT_EQ(Flags(*sentinel_), "sentinel");

  // o_down, failover_in_progress and force_failover belong to the master record only.
  master_.odown = true;
  master_.failover_state = FailoverState::kWaitStart;
  master_.force_failover = true;
  EXPECT_EQ(Flags(master_.self), "o_down,master,failover_in_progress,force_failover");
  EXPECT_EQ(Flags(*replica_), "slave");
  EXPECT_EQ(Flags(*sentinel_), "sentinel");
  // force_failover without a failover in progress is stale state and is not shown.
  master_.failover_state = FailoverState::kNone;
  EXPECT_EQ(Flags(master_.self), "o_down,master");

  sentinel_->says_master_down = true;
  sentinel_->sdown = true;
  EXPECT_EQ(Flags(*sentinel_, LinkView{}), "s_down,sentinel,disconnected,master_down");
  replica_->says_master_down = true;  // meaningless on a replica
  EXPECT_EQ(Flags(*replica_), "slave");
}

TEST_F(InstanceFieldsTest, ReplicaFailoverFlags) {
  master_.promoted = replica_;  // the master's pointer alone is enough
  EXPECT_EQ(Flags(*replica_), "slave,promoted");
  master_.promoted = nullptr;

  Instance* other = AddReplica("127.0.0.1", 43254);
  other->reconf = ReconfState::kSent;
  EXPECT_EQ(Flags(*other), "slave,reconf_sent");
  other->reconf = ReconfState::kInProgress;
  EXPECT_EQ(Flags(*other), "slave,reconf_inprog");
  other->reconf = ReconfState::kDone;
  other->sdown = true;
  EXPECT_EQ(Flags(*other, LinkView{}), "s_down,slave,disconnected,reconf_done");
}

TEST_F(InstanceFieldsTest, MasterRecordOptionalFields) {
  master_.config.notification_script = "/opt/notify.sh";
  master_.config.client_reconfig_script = "/opt/reconf.sh";
  master_.config_epoch = 7;
  master_.config.parallel_syncs = 3;
  master_.failover_state = FailoverState::kReconfReplicas;
  ExpectRecord(
      [&](resp::ReplyBuilder& out) {
        WriteMasterRecord(
            master_, LinkView{.connected = true, .pending_commands = 1, .refcount = 2}, kNow, out);
      },
      "name m ip 127.0.0.1 port 60893 runid " + kMasterRunId +
          " flags master,failover_in_progress link-pending-commands 1 link-refcount 2"
          " failover-state reconf_slaves last-ping-sent 0 last-ok-ping-reply 216"
          " last-ping-reply 216 down-after-milliseconds 1000 info-refresh 8467 role-reported"
          " master role-reported-time 8471 config-epoch 7 num-slaves 1 num-other-sentinels 1"
          " quorum 2 failover-timeout 10000 parallel-syncs 3 notification-script /opt/notify.sh"
          " client-reconfig-script /opt/reconf.sh");
}

TEST_F(InstanceFieldsTest, RoleReportedFollowsInfoElseTheConfiguredRole) {
  auto role_of = [&](const Instance& instance) {
    const std::string out = Render(2, [&](resp::ReplyBuilder& builder) {
      if (instance.kind == InstanceKind::kMaster) {
        WriteMasterRecord(master_, kConnected, kNow, builder);
      } else {
        WriteReplicaRecord(instance, master_, kConnected, kNow, builder);
      }
    });
    const std::string key = "$13\r\nrole-reported\r\n";
    const size_t at = out.find(key);
    EXPECT_NE(at, std::string::npos);
    const size_t value = out.find("\r\n", at + key.size()) + 2;
    return out.substr(value, out.find("\r\n", value) - value);
  };
  master_.self.role = ReportedRole::kUnknown;
  replica_->role = ReportedRole::kUnknown;
  EXPECT_EQ(role_of(master_.self), "master");
  EXPECT_EQ(role_of(*replica_), "slave");
  master_.self.role = ReportedRole::kReplica;  // a demoted primary says so in its INFO
  replica_->role = ReportedRole::kMaster;      // a promoted replica
  EXPECT_EQ(role_of(master_.self), "slave");
  EXPECT_EQ(role_of(*replica_), "master");
}

TEST_F(InstanceFieldsTest, SentinelVoteIsShown) {
  sentinel_->voted_leader = kSentinelRunId;
  sentinel_->voted_leader_epoch = 4;
  const std::string out = Render(3, [&](resp::ReplyBuilder& builder) {
    WriteSentinelRecord(*sentinel_, master_, kConnected, kNow, builder);
  });
  EXPECT_NE(out.find("$12\r\nvoted-leader\r\n$40\r\n" + kSentinelRunId +
                     "\r\n$18\r\nvoted-leader-epoch\r\n$1\r\n4\r\n"),
            std::string::npos);
}

TEST_F(InstanceFieldsTest, ReplicaListLeavesOutUnannouncedReplicas) {
  Instance* hidden = AddReplica("127.0.0.1", 43254);
  hidden->replica_announced = false;
  Instance* shown = AddReplica("10.0.0.9", 6379);
  std::vector<const Instance*> asked;
  auto link_of = [&](const Instance& instance) {
    asked.push_back(&instance);
    return kConnected;
  };
  std::string expected = "*2\r\n";
  expected += Render(2, [&](resp::ReplyBuilder& b) {
    WriteReplicaRecord(*replica_, master_, kConnected, kNow, b);
  });
  expected += Render(
      2, [&](resp::ReplyBuilder& b) { WriteReplicaRecord(*shown, master_, kConnected, kNow, b); });
  EXPECT_EQ(Render(2, [&](resp::ReplyBuilder& b) { WriteReplicaList(master_, link_of, kNow, b); }),
            expected);
  EXPECT_EQ(asked, (std::vector<const Instance*>{replica_, shown}));
  // num-slaves still counts it, as in Redis.
  EXPECT_NE(
      Render(2, [&](resp::ReplyBuilder& b) { WriteMasterRecord(master_, kConnected, kNow, b); })
          .find("$10\r\nnum-slaves\r\n$1\r\n3\r\n"),
      std::string::npos);
}

TEST_F(InstanceFieldsTest, SentinelListUsesEachLink) {
  Instance* second = AddSentinel(std::string(40, 'a'), 51884);
  auto link_of = [&](const Instance& instance) {
    return &instance == second ? LinkView{} : kConnected;
  };
  const std::string out =
      Render(3, [&](resp::ReplyBuilder& b) { WriteSentinelList(master_, link_of, kNow, b); });
  std::string expected = "*2\r\n";
  expected += Render(3, [&](resp::ReplyBuilder& b) {
    WriteSentinelRecord(*sentinel_, master_, kConnected, kNow, b);
  });
  expected += Render(3, [&](resp::ReplyBuilder& b) {
    WriteSentinelRecord(*second, master_, LinkView{}, kNow, b);
  });
  EXPECT_EQ(out, expected);
  EXPECT_NE(out.find("$21\r\nsentinel,disconnected\r\n"), std::string::npos);

  master_.sentinels.clear();
  EXPECT_EQ(Render(2, [&](resp::ReplyBuilder& b) { WriteSentinelList(master_, link_of, kNow, b); }),
            "*0\r\n");
}

TEST_F(InstanceFieldsTest, InfoSectionAsRedisWritesIt) {
  const MonitoredMaster* masters[] = {&master_};
  EXPECT_EQ(InfoSentinelSection(SentinelSummary{}, masters, kNow),
            "# Sentinel\r\n"
            "sentinel_masters:1\r\n"
            "sentinel_tilt:0\r\n"
            "sentinel_tilt_since_seconds:-1\r\n"
            "sentinel_running_scripts:0\r\n"
            "sentinel_scripts_queue_length:0\r\n"
            "sentinel_simulate_failure_flags:0\r\n"
            "master0:name=m,status=ok,address=127.0.0.1:60893,slaves=1,sentinels=2\r\n");
}

TEST_F(InstanceFieldsTest, InfoSectionStatusesTiltAndCounters) {
  EpochState epochs;
  MasterConfig config = Config();
  config.name = "other";
  config.host = "::1";
  config.port = 7000;
  MonitoredMaster other(config, epochs, kMyRunId, ElectionTiming{}, Zero, kNow);
  other.self.sdown = true;
  master_.self.sdown = true;
  master_.odown = true;  // odown wins over sdown
  const MonitoredMaster* masters[] = {&master_, &other};
  SentinelSummary summary{.tilt = true,
                          .tilt_since_ms = kNow - 2999,
                          .running_scripts = 1,
                          .scripts_queue_length = 3,
                          .simulate_failure_flags = 2};
  EXPECT_EQ(InfoSentinelSection(summary, masters, kNow),
            "# Sentinel\r\n"
            "sentinel_masters:2\r\n"
            "sentinel_tilt:1\r\n"
            "sentinel_tilt_since_seconds:2\r\n"
            "sentinel_running_scripts:1\r\n"
            "sentinel_scripts_queue_length:3\r\n"
            "sentinel_simulate_failure_flags:2\r\n"
            "master0:name=m,status=odown,address=127.0.0.1:60893,slaves=1,sentinels=2\r\n"
            "master1:name=other,status=sdown,address=::1:7000,slaves=0,sentinels=1\r\n");
  EXPECT_EQ(InfoSentinelSection(summary, {}, kNow).find("master0"), std::string::npos);
}

TEST_F(InstanceFieldsTest, NamesAndTypes) {
  EXPECT_EQ(InstanceName(master_.self, master_), "m");
  EXPECT_EQ(InstanceName(*replica_, master_), "127.0.0.1:43253");
  EXPECT_EQ(InstanceName(*AddReplica("::1", 6380), master_), "[::1]:6380");
  EXPECT_EQ(InstanceName(*sentinel_, master_), kSentinelRunId);
  EXPECT_EQ(InstanceTypeName(InstanceKind::kMaster), "master");
  EXPECT_EQ(InstanceTypeName(InstanceKind::kReplica), "slave");
  EXPECT_EQ(InstanceTypeName(InstanceKind::kSentinel), "sentinel");
}

}  // namespace
}  // namespace tandem::sentinel
