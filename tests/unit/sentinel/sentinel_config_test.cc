#include "sentinel/sentinel_config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace tandem::sentinel {
namespace {

const std::string kId1(40, 'a');
const std::string kId2(40, 'b');

base::StatusOr<SentinelConfig> Build(std::string_view text) {
  base::StatusOr<std::vector<ConfigLine>> lines = SplitConfigText(text, "s.conf");
  if (!lines.ok()) return lines.status();
  return BuildSentinelConfig(*lines);
}

SentinelConfig BuildOk(std::string_view text) {
  base::StatusOr<SentinelConfig> config = Build(text);
  EXPECT_TRUE(config.ok()) << config.status().message();
  return config.ok() ? *config : SentinelConfig{};
}

// The reason line of the error (the last line of the message).
std::string Reason(std::string_view text) {
  base::StatusOr<SentinelConfig> config = Build(text);
  if (config.ok()) return "<accepted>";
  const std::string& message = config.status().message();
  return message.substr(message.rfind('\n') + 1);
}

constexpr std::string_view kMonitor = "sentinel monitor m 127.0.0.1 6379 2\n";

TEST(SentinelConfigTest, DefaultsAreRedis70s) {
  const SentinelConfig config = BuildOk("");
  EXPECT_EQ(config.port, 26379);
  EXPECT_TRUE(config.bind.empty());
  EXPECT_EQ(config.requirepass, "");
  EXPECT_EQ(config.loglevel, "notice");
  EXPECT_EQ(config.announce_port, 0);
  EXPECT_FALSE(config.resolve_hostnames);
  EXPECT_FALSE(config.announce_hostnames);
  EXPECT_TRUE(config.deny_scripts_reconfig);
  EXPECT_TRUE(config.masters.empty());
  EXPECT_TRUE(config.runtime.empty());

  const SentinelConfig one = BuildOk(kMonitor);
  ASSERT_EQ(one.masters.size(), 1u);
  const MasterConfig& m = one.masters[0];
  EXPECT_EQ(m.name, "m");
  EXPECT_EQ(m.host, "127.0.0.1");
  EXPECT_EQ(m.port, 6379);
  EXPECT_EQ(m.quorum, 2);
  EXPECT_EQ(m.down_after_ms, 30000);
  EXPECT_EQ(m.failover_timeout_ms, 180000);
  EXPECT_EQ(m.parallel_syncs, 1);
  EXPECT_EQ(m.master_reboot_down_after_ms, 0);
  EXPECT_EQ(m.auth_pass, "");
  EXPECT_EQ(m.notification_script, "");
}

// The sentinel.conf shipped with Redis 7.0 (comments dropped), which must load as is.
TEST(SentinelConfigTest, RedisShippedFile) {
  const SentinelConfig config = BuildOk(
      "# Example sentinel.conf\n"
      "protected-mode no\n"
      "port 26379\n"
      "daemonize no\n"
      "pidfile /var/run/redis-sentinel.pid\n"
      "loglevel notice\n"
      "logfile \"\"\n"
      "dir /tmp\n"
      "sentinel monitor mymaster 127.0.0.1 6379 2\n"
      "sentinel down-after-milliseconds mymaster 30000\n"
      "acllog-max-len 128\n"
      "sentinel parallel-syncs mymaster 1\n"
      "sentinel failover-timeout mymaster 180000\n"
      "sentinel deny-scripts-reconfig yes\n"
      "SENTINEL resolve-hostnames no\n"
      "SENTINEL announce-hostnames no\n"
      "SENTINEL master-reboot-down-after-period mymaster 0\n");
  EXPECT_EQ(config.dir, "/tmp");
  EXPECT_EQ(config.logfile, "");
  ASSERT_EQ(config.masters.size(), 1u);
  EXPECT_EQ(config.masters[0].name, "mymaster");
  EXPECT_EQ(config.ignored, (std::vector<std::string>{"protected-mode no", "daemonize no",
                                                      "pidfile /var/run/redis-sentinel.pid",
                                                      "acllog-max-len 128"}));
}

TEST(SentinelConfigTest, EveryDirective) {
  const SentinelConfig config = BuildOk(
      "port 26400\n"
      "bind 127.0.0.1 ::1\n"
      "requirepass \"s3cret pass\"\n"
      "logfile /var/log/s.log\n"
      "dir /var/lib/s\n"
      "bind-source-addr 10.0.0.5\n"
      "state-file /var/lib/s/state.pb\n"
      "loglevel WARNING\n"
      "sentinel monitor m 10.0.0.1 6380 3\n"
      "sentinel down-after-milliseconds m 1000\n"
      "sentinel failover-timeout m 5000\n"
      "sentinel parallel-syncs m 2\n"
      "sentinel master-reboot-down-after-period m 700\n"
      "sentinel auth-pass m pw\n"
      "sentinel auth-user m alice\n"
      "sentinel rename-command m CONFIG GUESSME\n"
      "sentinel announce-ip 192.168.1.5\n"
      "sentinel announce-port 26500\n"
      "sentinel resolve-hostnames yes\n"
      "sentinel announce-hostnames YES\n"
      "sentinel deny-scripts-reconfig no\n"
      "sentinel sentinel-user peer\n"
      "sentinel sentinel-pass peerpw\n");
  EXPECT_EQ(config.port, 26400);
  EXPECT_EQ(config.bind, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(config.requirepass, "s3cret pass");
  EXPECT_EQ(config.logfile, "/var/log/s.log");
  EXPECT_EQ(config.dir, "/var/lib/s");
  EXPECT_EQ(config.bind_source_addr, "10.0.0.5");
  EXPECT_EQ(config.state_file, "/var/lib/s/state.pb");
  EXPECT_EQ(config.loglevel, "warning");
  EXPECT_EQ(config.announce_ip, "192.168.1.5");
  EXPECT_EQ(config.announce_port, 26500);
  EXPECT_TRUE(config.resolve_hostnames);
  EXPECT_TRUE(config.announce_hostnames);
  EXPECT_FALSE(config.deny_scripts_reconfig);
  EXPECT_EQ(config.sentinel_user, "peer");
  EXPECT_EQ(config.sentinel_pass, "peerpw");
  ASSERT_EQ(config.masters.size(), 1u);
  const MasterConfig& m = config.masters[0];
  EXPECT_EQ(m.host, "10.0.0.1");
  EXPECT_EQ(m.port, 6380);
  EXPECT_EQ(m.quorum, 3);
  EXPECT_EQ(m.down_after_ms, 1000);
  EXPECT_EQ(m.failover_timeout_ms, 5000);
  EXPECT_EQ(m.parallel_syncs, 2);
  EXPECT_EQ(m.master_reboot_down_after_ms, 700);
  EXPECT_EQ(m.auth_pass, "pw");
  EXPECT_EQ(m.auth_user, "alice");
  EXPECT_EQ(m.renamed_commands, (std::map<std::string, std::string>{{"config", "GUESSME"}}));
  EXPECT_TRUE(config.runtime.empty());
}

TEST(SentinelConfigTest, SeveralMastersKeepTheirOwnSettings) {
  const SentinelConfig config = BuildOk(
      "sentinel monitor a 10.0.0.1 6379 2\n"
      "sentinel monitor b ::1 7000 1\n"
      "sentinel down-after-milliseconds b 1500\n"
      "sentinel auth-pass a apw\n");
  ASSERT_EQ(config.masters.size(), 2u);
  EXPECT_EQ(config.masters[0].name, "a");
  EXPECT_EQ(config.masters[0].down_after_ms, 30000);
  EXPECT_EQ(config.masters[0].auth_pass, "apw");
  EXPECT_EQ(config.masters[1].name, "b");
  EXPECT_EQ(config.masters[1].host, "::1");
  EXPECT_EQ(config.masters[1].down_after_ms, 1500);
  EXPECT_EQ(config.masters[1].auth_pass, "");
  ASSERT_NE(config.FindMaster("b"), nullptr);
  EXPECT_EQ(config.FindMaster("b")->port, 7000);
  EXPECT_EQ(config.FindMaster("B"), nullptr);  // master names are case-sensitive
}

TEST(SentinelConfigTest, PerMasterLinesMayComeBeforeTheMonitorLine) {
  const SentinelConfig config = BuildOk(
      "sentinel down-after-milliseconds m 2000\n"
      "sentinel monitor m localhost 6379 1\n"
      "sentinel resolve-hostnames yes\n");  // applied before the monitor line, as in Redis
  ASSERT_EQ(config.masters.size(), 1u);
  EXPECT_EQ(config.masters[0].host, "localhost");
  EXPECT_EQ(config.masters[0].down_after_ms, 2000);
}

TEST(SentinelConfigTest, LaterLinesOverrideEarlierOnes) {
  const SentinelConfig config = BuildOk(std::string("port 1\nport 2\n") + std::string(kMonitor) +
                                        "sentinel parallel-syncs m 3\n"
                                        "sentinel parallel-syncs m 4\n");
  EXPECT_EQ(config.port, 2);
  EXPECT_EQ(config.masters[0].parallel_syncs, 4);
}

TEST(SentinelConfigTest, RuntimeLinesAreReportedApart) {
  const std::string text = "sentinel myid " + kId1 + "\n" + std::string(kMonitor) +
                           "sentinel monitor n 127.0.0.1 7000 1\n"
                           "sentinel config-epoch m 7\n"
                           "sentinel leader-epoch m 8\n"
                           "sentinel known-replica m 127.0.0.1 6380\n"
                           "sentinel known-slave m 127.0.0.1 6381\n"
                           "sentinel known-sentinel m 127.0.0.1 26381\n"  // no run id: ignored
                           "sentinel current-epoch 5\n";
  const SentinelConfig config =
      BuildOk(text + "sentinel known-sentinel m 127.0.0.1 26380 " + kId2 + "\n");
  const RuntimeLines& runtime = config.runtime;
  EXPECT_FALSE(runtime.empty());
  EXPECT_EQ(runtime.myid, kId1);
  EXPECT_EQ(runtime.current_epoch, 7u);  // raised by config-epoch, as in Redis
  ASSERT_EQ(runtime.masters.size(), 1u);
  const MasterRuntime& m = runtime.masters.at("m");
  EXPECT_EQ(m.config_epoch, 7u);
  EXPECT_EQ(m.leader_epoch, 8u);
  ASSERT_EQ(m.known_replicas.size(), 2u);
  EXPECT_EQ(m.known_replicas[0].host, "127.0.0.1");
  EXPECT_EQ(m.known_replicas[0].port, 6380);
  EXPECT_EQ(m.known_replicas[1].port, 6381);
  ASSERT_EQ(m.known_sentinels.size(), 1u);
  EXPECT_EQ(m.known_sentinels[0].port, 26380);
  EXPECT_EQ(m.known_sentinels[0].run_id, kId2);
  // The runtime lines leave the operator's settings alone.
  EXPECT_EQ(config.masters.size(), 2u);
  EXPECT_EQ(config.masters[0].down_after_ms, 30000);

  EXPECT_EQ(BuildOk("sentinel current-epoch 12\n").runtime.current_epoch, 12u);
}

TEST(SentinelConfigTest, ErrorsNameTheFileLineAndText) {
  base::StatusOr<SentinelConfig> config = Build(
      "port 26379\n"
      "sentinel monitor m 127.0.0.1 6379 2\n"
      "\n"
      "sentinel down-after-milliseconds x 1000\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), base::Status::Code::kInvalidArgument);
  EXPECT_EQ(config.status().message(),
            "Reading the configuration file s.conf, at line 4\n"
            ">>> 'sentinel down-after-milliseconds x 1000'\n"
            "No such master with specified name.");
}

TEST(SentinelConfigTest, UnknownMasterName) {
  for (const char* line :
       {"sentinel down-after-milliseconds x 1", "sentinel failover-timeout x 1",
        "sentinel parallel-syncs x 1", "sentinel auth-pass x p", "sentinel auth-user x u",
        "sentinel notification-script x /bin/sh", "sentinel client-reconfig-script x /bin/sh",
        "sentinel config-epoch x 1", "sentinel leader-epoch x 1",
        "sentinel known-replica x 127.0.0.1 1", "sentinel rename-command x a b",
        "sentinel master-reboot-down-after-period x 1"}) {
    EXPECT_EQ(Reason(std::string(kMonitor) + line), "No such master with specified name.") << line;
  }
  EXPECT_EQ(Reason(std::string(kMonitor) + "sentinel known-sentinel x 127.0.0.1 1 " + kId1),
            "No such master with specified name.");
}

TEST(SentinelConfigTest, UnrecognizedStatementsAndBadDirectives) {
  EXPECT_EQ(Reason("sentinel foo m"), "Unrecognized sentinel configuration statement.");
  EXPECT_EQ(Reason("sentinel monitor m 127.0.0.1 6379"),
            "Unrecognized sentinel configuration statement.");
  EXPECT_EQ(Reason(std::string(kMonitor) + "sentinel down-after-milliseconds m"),
            "Unrecognized sentinel configuration statement.");
  EXPECT_EQ(Reason("sentinel myid"), "Unrecognized sentinel configuration statement.");
  EXPECT_EQ(Reason("foo bar"), "Bad directive or wrong number of arguments");
  EXPECT_EQ(Reason("include other.conf"), "Bad directive or wrong number of arguments");
  EXPECT_EQ(Reason("port"), "wrong number of arguments");
  EXPECT_EQ(Reason("requirepass"), "wrong number of arguments");
  EXPECT_EQ(Reason("logfile a b"), "wrong number of arguments");
  EXPECT_EQ(Reason("sentinel"), "<accepted>");  // a bare "sentinel" is ignored, as in Redis
}

TEST(SentinelConfigTest, BadNumbers) {
  EXPECT_EQ(Reason("sentinel monitor m 127.0.0.1 6379 0"), "Quorum must be 1 or greater.");
  EXPECT_EQ(Reason("sentinel monitor m 127.0.0.1 6379 -1"), "Quorum must be 1 or greater.");
  EXPECT_EQ(Reason("sentinel monitor m 127.0.0.1 6379 two"), "Quorum must be 1 or greater.");
  EXPECT_EQ(Reason("sentinel monitor m 127.0.0.1 70000 1"), "Invalid port number.");
  EXPECT_EQ(Reason("sentinel monitor m 127.0.0.1 -1 1"), "Invalid port number.");
  EXPECT_EQ(Reason("sentinel monitor m 127.0.0.1 63x 1"), "Invalid port number.");
  const std::string m(kMonitor);
  EXPECT_EQ(Reason(m + "sentinel down-after-milliseconds m 0"), "negative or zero time parameter.");
  EXPECT_EQ(Reason(m + "sentinel down-after-milliseconds m 1s"),
            "negative or zero time parameter.");
  EXPECT_EQ(Reason(m + "sentinel failover-timeout m -5"), "negative or zero time parameter.");
  EXPECT_EQ(Reason(m + "sentinel parallel-syncs m 0"), "parallel-syncs must be 1 or greater.");
  EXPECT_EQ(Reason(m + "sentinel master-reboot-down-after-period m -1"),
            "negative time parameter.");
  EXPECT_EQ(Reason(m + "sentinel config-epoch m x"),
            "Invalid epoch: it must be an unsigned integer.");
  EXPECT_EQ(Reason("sentinel current-epoch -1"), "Invalid epoch: it must be an unsigned integer.");
  EXPECT_EQ(Reason(m + "sentinel known-replica m 127.0.0.1 99999"), "Invalid port number.");
  EXPECT_EQ(Reason("sentinel announce-port 65536"), "Invalid port number.");
  EXPECT_EQ(Reason("port abc"), "argument couldn't be parsed into an integer");
  EXPECT_EQ(Reason("port 65536"), "argument must be between 0 and 65535 inclusive");
}

TEST(SentinelConfigTest, OtherValueErrors) {
  EXPECT_EQ(Reason("sentinel monitor m localhost 6379 1"), "Can't resolve instance hostname.");
  EXPECT_EQ(Reason("sentinel monitor m 127.0.0.1 6379 1\nsentinel monitor m ::1 6380 1"),
            "Duplicate master name.");
  const std::string m(kMonitor);
  EXPECT_EQ(
      Reason(m + "sentinel known-replica m 127.0.0.1 1\nsentinel known-replica m 127.0.0.1 1"),
      "Duplicate hostname and port for replica.");
  EXPECT_EQ(Reason(m + "sentinel known-sentinel m 127.0.0.1 1 " + kId1 +
                   "\nsentinel known-sentinel m 127.0.0.1 2 " + kId1),
            "Duplicate runid for sentinel.");
  EXPECT_EQ(Reason(m + "sentinel known-replica m some-host 1"), "Can't resolve instance hostname.");
  EXPECT_EQ(Reason(m + "sentinel rename-command m config a\nsentinel rename-command m CONFIG b"),
            "Same command renamed multiple times with rename-command.");
  EXPECT_EQ(Reason("sentinel myid abc"), "Malformed Sentinel id in myid option.");
  EXPECT_EQ(Reason("sentinel resolve-hostnames maybe"),
            "Please specify yes or no for the resolve-hostnames option.");
  EXPECT_EQ(Reason("sentinel announce-hostnames 1"),
            "Please specify yes or no for the announce-hostnames option.");
  EXPECT_EQ(Reason("sentinel deny-scripts-reconfig maybe"),
            "Please specify yes or no for the deny-scripts-reconfig options.");
  EXPECT_EQ(Reason("loglevel loud"),
            "argument(s) must be one of the following: debug, verbose, notice, warning");
  EXPECT_EQ(Reason("daemonize maybe"), "argument must be 'yes' or 'no'");
  EXPECT_EQ(Reason("bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17"),
            "Too many bind addresses specified.");
  EXPECT_EQ(Reason("bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16"), "<accepted>");
}

TEST(SentinelConfigTest, EmptyAnnounceIpAndSentinelCredentialsLeaveThemUnset) {
  const SentinelConfig config = BuildOk(
      "sentinel announce-ip \"\"\nsentinel sentinel-user \"\"\nsentinel sentinel-pass \"\"");
  EXPECT_EQ(config.announce_ip, "");
  EXPECT_EQ(config.sentinel_user, "");
  EXPECT_EQ(config.sentinel_pass, "");
}

class SentinelConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tandem-sentinel-config-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text, mode_t mode = 0644) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(SentinelConfigFileTest, ScriptsMustBeExecutable) {
  const std::string script = Write("notify.sh", "#!/bin/sh\n", 0755);
  const std::string plain = Write("plain.sh", "#!/bin/sh\n", 0644);
  const SentinelConfig config =
      BuildOk(std::string(kMonitor) + "sentinel notification-script m " + script + "\n" +
              "sentinel client-reconfig-script m " + script + "\n");
  EXPECT_EQ(config.masters[0].notification_script, script);
  EXPECT_EQ(config.masters[0].client_reconfig_script, script);

  const std::string m(kMonitor);
  EXPECT_EQ(Reason(m + "sentinel notification-script m " + plain),
            "Notification script seems non existing or non executable.");
  EXPECT_EQ(Reason(m + "sentinel client-reconfig-script m " + (dir_ / "none.sh").string()),
            "Client reconfiguration script seems non existing or non executable.");
  // A relative path is relative to "dir", which Redis has entered by then.
  EXPECT_EQ(Reason("dir " + dir_.string() + "\n" + m + "sentinel notification-script m notify.sh"),
            "<accepted>");
}

TEST_F(SentinelConfigFileTest, CommandLineOverridesTheFile) {
  const std::string path = Write("sentinel.conf",
                                 "port 26379\n"
                                 "sentinel monitor m 127.0.0.1 6379 2\n"
                                 "sentinel down-after-milliseconds m 30000\n");
  base::StatusOr<SentinelConfig> config =
      LoadSentinelConfig({path, "--port", "26390", "--sentinel", "down-after-milliseconds", "m",
                          "1000", "--sentinel monitor n 127.0.0.1 7000 1", "--sentinel"});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->port, 26390);
  ASSERT_EQ(config->masters.size(), 2u);
  EXPECT_EQ(config->masters[0].down_after_ms, 1000);
  EXPECT_EQ(config->masters[1].name, "n");
}

TEST_F(SentinelConfigFileTest, LoadErrors) {
  base::StatusOr<SentinelConfig> missing = LoadSentinelConfig({(dir_ / "none.conf").string()});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), base::Status::Code::kIoError);

  const std::string path = Write("sentinel.conf", std::string(kMonitor));
  base::StatusOr<SentinelConfig> bad =
      LoadSentinelConfig({path, "--sentinel", "parallel-syncs", "nosuch", "2"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "Reading the configuration file (command line), at line 1\n"
            ">>> 'sentinel parallel-syncs nosuch 2'\n"
            "No such master with specified name.");

  base::StatusOr<SentinelConfig> no_file = LoadSentinelConfig({"--port", "1"});
  ASSERT_TRUE(no_file.ok()) << no_file.status().message();
  EXPECT_EQ(no_file->port, 1);
}

}  // namespace
}  // namespace tandem::sentinel
