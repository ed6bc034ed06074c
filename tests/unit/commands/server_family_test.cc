#include <regex>

#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands::testing {
namespace {

using Type = resp::Reply::Type;

class RecordingControl final : public ServerControl {
 public:
  void RequestShutdown() override { ++shutdowns; }
  void Defer(std::function<void()>, int64_t) override {}
  int shutdowns = 0;
};

class ServerFamilyTest : public CommandTest {
 protected:
  ServerFamilyTest() { state_.control = &control_; }

  std::string Info(std::vector<std::string> sections) {
    sections.insert(sections.begin(), "INFO");
    resp::Reply r = Run(sections);
    EXPECT_EQ(r.type, Type::kBulk);
    return r.str;
  }
  static std::vector<std::string> Headers(const std::string& text) {
    std::vector<std::string> headers;
    for (size_t pos = 0; (pos = text.find("# ", pos)) != std::string::npos; pos += 2) {
      if (pos == 0 || text.compare(pos - 2, 2, "\r\n") == 0)
        headers.push_back(text.substr(pos + 2, text.find("\r\n", pos) - pos - 2));
    }
    return headers;
  }
  // The value of "name:value" in INFO text; "<absent>" when missing.
  static std::string Field(const std::string& text, const std::string& name) {
    size_t pos = text.find("\r\n" + name + ":");
    if (pos == std::string::npos) return "<absent>";
    pos += name.size() + 3;
    return text.substr(pos, text.find("\r\n", pos) - pos);
  }
  void EnableDebug() { ASSERT_TRUE(config_.Override("enable-debug-command", "yes").ok()); }

  RecordingControl control_;
};

TEST_F(ServerFamilyTest, InfoDefaultAllAndEverything) {
  std::vector<std::string> defaults = {"Server",     "Clients",     "Memory",  "Persistence",
                                       "Stats",      "Replication", "CPU",     "Modules",
                                       "Errorstats", "Cluster",     "Keyspace"};
  EXPECT_EQ(Headers(Info({})), defaults);
  EXPECT_EQ(Headers(Info({"DEFAULT"})), defaults);
  std::vector<std::string> all = {
      "Server",  "Clients",      "Memory",     "Persistence",  "Stats",   "Replication", "CPU",
      "Modules", "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace"};
  EXPECT_EQ(Headers(Info({"all"})), all);
  EXPECT_EQ(Headers(Info({"everything"})), all);
}

TEST_F(ServerFamilyTest, InfoSectionsInCanonicalOrderOnce) {
  EXPECT_EQ(Headers(Info({"clients", "SERVER", "bogus", "server"})),
            (std::vector<std::string>{"Server", "Clients"}));
  EXPECT_EQ(Info({"nosuchsection"}), "");
  EXPECT_EQ(Info({"keyspace"}), "# Keyspace\r\n");
  EXPECT_EQ(Info({"cluster", "modules"}), "# Modules\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n");
}

TEST_F(ServerFamilyTest, InfoServerFields) {
  state_.tcp_port = 6390;
  clock_.AdvanceMs(90'500);
  std::string text = Info({"server"});
  EXPECT_EQ(text.rfind("# Server\r\nredis_version:7.0.15\r\ntandem_version:", 0), 0u);
  EXPECT_EQ(Field(text, "redis_mode"), "standalone");
  EXPECT_EQ(Field(text, "tcp_port"), "6390");
  EXPECT_EQ(Field(text, "run_id"), state_.run_id);
  EXPECT_EQ(Field(text, "uptime_in_seconds"), "90");
  EXPECT_EQ(Field(text, "uptime_in_days"), "0");
  EXPECT_EQ(Field(text, "hz"), "10");
  EXPECT_EQ(Field(text, "server_time_usec"), std::to_string(clock_.NowUs()));
  EXPECT_EQ(Field(text, "arch_bits"), "64");
  EXPECT_NE(Field(text, "process_id"), "<absent>");
}

TEST_F(ServerFamilyTest, InfoMemoryAndPeak) {
  std::string text = Info({"memory"});
  uint64_t used = std::stoull(Field(text, "used_memory"));
  EXPECT_GT(used, 0u);
  EXPECT_GE(std::stoull(Field(text, "used_memory_peak")), used);
  EXPECT_GE(state_.stats.used_memory_peak, used);
  EXPECT_TRUE(
      std::regex_match(Field(text, "used_memory_human"), std::regex(R"(\d+(\.\d\d)?[BKMG])")));
  EXPECT_EQ(Field(text, "maxmemory"), "0");
  EXPECT_EQ(Field(text, "maxmemory_human"), "0B");
  EXPECT_EQ(Field(text, "maxmemory_policy"), "noeviction");
  EXPECT_EQ(Field(text, "mem_allocator"), "libc");
  EXPECT_NE(Field(text, "mem_fragmentation_ratio"), "<absent>");
}

TEST_F(ServerFamilyTest, InfoStatsCountHitsMissesAndCommands) {
  Run({"SET", "k", "v"});
  Run({"GET", "k"});
  Run({"GET", "missing"});
  std::string text = Info({"stats"});
  EXPECT_EQ(Field(text, "keyspace_hits"), "1");
  EXPECT_EQ(Field(text, "keyspace_misses"), "1");
  EXPECT_EQ(Field(text, "total_commands_processed"), "3");
  EXPECT_EQ(Field(text, "expired_stale_perc"), "0.00");
  EXPECT_EQ(Field(Info({"persistence"}), "rdb_changes_since_last_save"), "1");
}

TEST_F(ServerFamilyTest, InfoReplicationAndCpu) {
  std::string text = Info({"replication", "cpu"});
  EXPECT_EQ(Field(text, "role"), "master");
  EXPECT_EQ(Field(text, "master_replid").size(), 40u);
  EXPECT_EQ(Field(text, "master_replid2"), std::string(40, '0'));
  EXPECT_EQ(Field(text, "second_repl_offset"), "-1");
  EXPECT_TRUE(std::regex_match(Field(text, "used_cpu_user"), std::regex(R"(\d+\.\d{6})")));
}

TEST_F(ServerFamilyTest, InfoKeyspaceListsNonEmptyDatabases) {
  Run({"SET", "a", "1"});
  Run({"SET", "b", "2", "PX", "100000"});
  Run({"SELECT", "2"});
  Run({"SET", "c", "3"});
  std::string text = Info({"keyspace"});
  EXPECT_EQ(Field(text, "db0"), "keys=2,expires=1,avg_ttl=100000");
  EXPECT_EQ(Field(text, "db2"), "keys=1,expires=0,avg_ttl=0");
  EXPECT_EQ(Field(text, "db1"), "<absent>");
}

TEST_F(ServerFamilyTest, InfoCommandstatsAndErrorstats) {
  Run({"SET", "k", "v"});
  Run({"SET", "k", "w"});
  Run({"CLIENT", "ID"});
  Run({"NOSUCH"});
  Run({"GET"});
  std::string text = Info({"commandstats", "errorstats"});
  EXPECT_TRUE(std::regex_match(
      Field(text, "cmdstat_set"),
      std::regex(R"(calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0)")));
  EXPECT_EQ(Field(text, "cmdstat_client|id").rfind("calls=1,", 0), 0u);
  EXPECT_EQ(Field(text, "cmdstat_get").rfind("calls=0,", 0), 0u);  // rejected only
  EXPECT_EQ(Field(text, "errorstat_ERR"), "count=2");
}

TEST_F(ServerFamilyTest, InfoIsVerbatimInResp3) {
  Run({"HELLO", "3"});
  resp::Reply r = Run({"INFO", "cluster"});
  EXPECT_EQ(r.type, Type::kVerbatim);
  EXPECT_EQ(r.format, "txt");
  EXPECT_EQ(r.str, "# Cluster\r\ncluster_enabled:0\r\n");
}

TEST_F(ServerFamilyTest, DbsizeAndFlushdbWorkOnTheSelectedDb) {
  Run({"SET", "a", "1"});
  Run({"SET", "b", "1"});
  Run({"SELECT", "1"});
  Run({"SET", "c", "1"});
  EXPECT_EQ(Run({"DBSIZE"}).integer, 1);
  uint64_t dirty = state_.stats.dirty;
  EXPECT_EQ(Run({"FLUSHDB", "async"}).str, "OK");
  EXPECT_EQ(state_.stats.dirty, dirty + 1);
  EXPECT_EQ(Run({"DBSIZE"}).integer, 0);
  Run({"SELECT", "0"});
  EXPECT_EQ(Run({"DBSIZE"}).integer, 2);
}

TEST_F(ServerFamilyTest, FlushallEmptiesEveryDb) {
  Run({"SET", "a", "1"});
  Run({"SELECT", "5"});
  Run({"SET", "b", "1"});
  uint64_t dirty = state_.stats.dirty;
  EXPECT_EQ(Run({"FLUSHALL", "SYNC"}).str, "OK");
  EXPECT_EQ(state_.stats.dirty, dirty + 3);
  EXPECT_EQ(state_.keyspace.TotalKeys(), 0u);
}

TEST_F(ServerFamilyTest, FlushSyntaxErrors) {
  EXPECT_TRUE(IsError(Run({"FLUSHALL", "BAD"}), "ERR syntax error"));
  EXPECT_TRUE(IsError(Run({"FLUSHDB", "ASYNC", "SYNC"}), "ERR syntax error"));
  EXPECT_TRUE(IsError(Run({"DBSIZE", "x"}), "ERR wrong number of arguments for 'dbsize' command"));
}

TEST_F(ServerFamilyTest, TimeSplitsSecondsAndMicroseconds) {
  clock_.SetMs(1'700'000'123'456);
  resp::Reply r = Run({"TIME"});
  ASSERT_EQ(r.elements.size(), 2u);
  EXPECT_EQ(r.elements[0].str, "1700000123");
  EXPECT_EQ(r.elements[1].str, "456000");
}

TEST_F(ServerFamilyTest, ShutdownRequestsAStopWithoutReplying) {
  EXPECT_TRUE(IsError(Run({"SHUTDOWN", "NOSAVE", "SAVE"}), "ERR syntax error"));
  EXPECT_TRUE(IsError(Run({"SHUTDOWN", "BOGUS"}), "ERR syntax error"));
  EXPECT_TRUE(IsError(Run({"SHUTDOWN", "ABORT"}), "ERR No shutdown in progress."));
  EXPECT_TRUE(IsError(Run({"SHUTDOWN", "ABORT", "NOW"}), "ERR syntax error"));
  EXPECT_EQ(control_.shutdowns, 0);
  Run({"SHUTDOWN", "nosave", "now", "force"});
  EXPECT_EQ(out_, "");
  EXPECT_EQ(control_.shutdowns, 1);
}

TEST_F(ServerFamilyTest, MonitorReceivesOtherClientsCommands) {
  RecordingConnection conn;
  std::string out;
  Client* watcher = AddClient(&conn, &out);
  EXPECT_EQ(RunAs(*watcher, out, {"MONITOR"}).str, "OK");
  EXPECT_TRUE(watcher->flags & kClientMonitor);
  ASSERT_EQ(state_.monitors.size(), 1u);
  out.clear();
  Run({"SET", "k", "v"});
  EXPECT_NE(out.find("[0 127.0.0.1:40000] \"SET\" \"k\" \"v\""), std::string::npos) << out;
  // A second MONITOR changes nothing and, as in Redis, gets no reply.
  RunAs(*watcher, out, {"MONITOR"});
  EXPECT_EQ(out, "");
  EXPECT_EQ(state_.monitors.size(), 1u);
}

TEST_F(ServerFamilyTest, SlowlogGetLenReset) {
  state_.settings.slowlog_log_slower_than = 0;
  client_->name = "slowpoke";
  Run({"SET", "a", "1"});
  EXPECT_EQ(Run({"SLOWLOG", "LEN"}).integer, 1);
  resp::Reply entries = Run({"SLOWLOG", "GET", "2"});
  ASSERT_EQ(entries.elements.size(), 2u);
  const resp::Reply& newest = entries.elements[0];
  const resp::Reply& set = entries.elements[1];
  ASSERT_EQ(set.elements.size(), 6u);
  EXPECT_EQ(newest.elements[0].integer, set.elements[0].integer + 1);
  EXPECT_EQ(newest.elements[3].elements[0].str, "SLOWLOG");
  EXPECT_EQ(set.elements[1].integer, clock_.NowMs() / 1000);
  ASSERT_EQ(set.elements[3].elements.size(), 3u);
  EXPECT_EQ(set.elements[3].elements[2].str, "1");
  EXPECT_EQ(set.elements[4].str, "127.0.0.1:40000");
  EXPECT_EQ(set.elements[5].str, "slowpoke");
  EXPECT_EQ(Run({"SLOWLOG", "GET", "-1"}).elements.size(), 3u);  // SET, LEN, GET
  EXPECT_EQ(Run({"SLOWLOG", "GET", "0"}).elements.size(), 0u);
  EXPECT_EQ(Run({"SLOWLOG", "RESET"}).str, "OK");
  EXPECT_EQ(Run({"SLOWLOG", "LEN"}).integer, 1);  // the RESET itself, logged after it ran
}

TEST_F(ServerFamilyTest, SlowlogErrors) {
  EXPECT_TRUE(
      IsError(Run({"SLOWLOG", "GET", "-2"}), "ERR count should be greater than or equal to -1"));
  EXPECT_TRUE(
      IsError(Run({"SLOWLOG", "GET", "x"}), "ERR count should be greater than or equal to -1"));
  EXPECT_TRUE(IsError(Run({"SLOWLOG", "gEt", "1", "2"}),
                      "ERR unknown subcommand or wrong number of arguments for 'gEt'. Try SLOWLOG "
                      "HELP."));
  EXPECT_TRUE(
      IsError(Run({"SLOWLOG", "NOPE"}), "ERR unknown subcommand 'NOPE'. Try SLOWLOG HELP."));
  resp::Reply help = Run({"SLOWLOG", "HELP"});
  ASSERT_GE(help.elements.size(), 3u);
  EXPECT_EQ(help.elements[0].str,
            "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_EQ(help.elements[help.elements.size() - 2].str, "HELP");
}

TEST_F(ServerFamilyTest, DebugIsRefusedByDefault) {
  EXPECT_TRUE(IsError(
      Run({"DEBUG", "SLEEP", "0"}),
      "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
      "you can run it from a local connection, otherwise you need to set this option in the "
      "configuration file, and then restart the server."));
  // "local" lets loopback peers (the test connection is 127.0.0.1) through.
  ASSERT_TRUE(config_.Override("enable-debug-command", "local").ok());
  EXPECT_EQ(Run({"DEBUG", "SLEEP", "0"}).str, "OK");
}

TEST_F(ServerFamilyTest, DebugObjectDescribesStrings) {
  EnableDebug();
  Run({"SET", "int", "12345"});
  Run({"SET", "short", "hello world"});
  Run({"SET", "long", std::string(100, 'x')});
  clock_.AdvanceMs(3000);
  std::regex line(
      R"(Value at:0x[0-9a-f]+ refcount:1 encoding:(\w+) serializedlength:(\d+) lru:\d+ lru_seconds_idle:(\d+))");
  std::smatch m;
  std::string text = Run({"DEBUG", "OBJECT", "int"}).str;
  ASSERT_TRUE(std::regex_match(text, m, line)) << text;
  EXPECT_EQ(m[1], "int");
  EXPECT_EQ(m[2], "3");
  EXPECT_EQ(m[3], "3");
  text = Run({"DEBUG", "OBJECT", "short"}).str;
  ASSERT_TRUE(std::regex_match(text, m, line)) << text;
  EXPECT_EQ(m[1], "embstr");
  EXPECT_EQ(m[2], "12");
  text = Run({"DEBUG", "OBJECT", "long"}).str;
  ASSERT_TRUE(std::regex_match(text, m, line)) << text;
  EXPECT_EQ(m[1], "raw");
  EXPECT_TRUE(IsError(Run({"DEBUG", "OBJECT", "missing"}), "ERR no such key"));
}

TEST_F(ServerFamilyTest, DebugSetActiveExpireAndErrors) {
  EnableDebug();
  EXPECT_EQ(Run({"DEBUG", "SET-ACTIVE-EXPIRE", "0"}).str, "OK");
  EXPECT_FALSE(state_.active_expire_enabled);
  EXPECT_EQ(Run({"debug", "set-active-expire", "1"}).str, "OK");
  EXPECT_TRUE(state_.active_expire_enabled);
  EXPECT_TRUE(IsError(Run({"DEBUG", "sleeP"}),
                      "ERR unknown subcommand or wrong number of arguments for 'sleeP'. Try DEBUG "
                      "HELP."));
  EXPECT_TRUE(IsError(Run({"DEBUG", "OBJECT", "a", "b"}),
                      "ERR unknown subcommand or wrong number of arguments for 'OBJECT'. Try "
                      "DEBUG HELP."));
  EXPECT_EQ(Run({"DEBUG", "HELP"}).elements[0].str,
            "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
}

}  // namespace
}  // namespace tandem::commands::testing
