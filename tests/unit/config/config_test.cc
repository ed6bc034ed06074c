#include "server/config/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "server/config/keyspace_events.h"
#include "tests/unit/config/line_error.h"
#include "tests/unit/config/temp_dir_test.h"

namespace tandem::config {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

base::Status LoadText(Config& config, const std::string& text,
                      const std::string& source = "tandem.conf") {
  base::StatusOr<std::vector<ConfigLine>> lines = ParseConfigText(text, source);
  if (!lines.ok()) return lines.status();
  return config.Load(*lines);
}

TEST(ConfigTest, StartsAtRedisDefaults) {
  Config config;
  EXPECT_EQ(config.GetInt("port"), 6379);
  EXPECT_EQ(config.GetInt("maxmemory"), 0);
  EXPECT_FALSE(config.GetBool("appendonly"));
  EXPECT_TRUE(config.GetBool("protected-mode"));
  EXPECT_EQ(config.GetString("maxmemory-policy"), "noeviction");
  EXPECT_EQ(config.GetString("save"), "3600 1 300 100 60 10000");
  EXPECT_EQ(config.GetString("dir"), std::filesystem::current_path().string());
  EXPECT_EQ(config.BindAddresses(), (std::vector<std::string>{"*", "-::*"}));
  ASSERT_EQ(config.SavePoints().size(), 3u);
  EXPECT_EQ(config.SavePoints()[2].changes, 10000);
  EXPECT_EQ(config.ClientOutputBufferLimits().replica.soft_limit_seconds, 60);
  EXPECT_EQ(config.config_file(), "");
}

TEST(ConfigTest, LoadAppliesLinesInOrder) {
  Config config;
  ASSERT_TRUE(LoadText(config,
                       "port 7000\n"
                       "maxmemory 100mb\n"
                       "maxmemory-policy ALLKEYS-LRU\n"
                       "slave-read-only no\n"
                       "appendonly yes\n"
                       "port 7001\n"
                       "requirepass \"s3cret pass\"\n")
                  .ok());
  EXPECT_EQ(config.GetInt("port"), 7001);
  EXPECT_EQ(config.GetInt("maxmemory"), 100 * 1024 * 1024);
  EXPECT_EQ(config.GetString("maxmemory-policy"), "allkeys-lru");
  EXPECT_FALSE(config.GetBool("replica-read-only"));
  EXPECT_FALSE(config.GetBool("SLAVE-READ-ONLY"));
  EXPECT_EQ(config.GetString("requirepass"), "s3cret pass");
}

TEST(ConfigTest, UnknownDirectiveNamesFileLineAndDirective) {
  Config config;
  base::Status status = LoadText(config, "port 7000\n\n# c\nfoo bar\n", "/etc/tandem.conf");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message(),
            "Reading the configuration file /etc/tandem.conf, at line 4\n"
            ">>> 'foo bar'\n"
            "Bad directive or wrong number of arguments");
}

TEST(ConfigTest, BadValuesAndArgumentCounts) {
  struct Case {
    const char* line;
    const char* reason;
  };
  const Case cases[] = {
      {"port 1 2", "wrong number of arguments"},
      {"timeout", "wrong number of arguments"},
      {"maxmemory 1x", "argument must be a memory value"},
      {"maxmemory-policy allkeys-lru noeviction", "wrong number of arguments"},
      {"save 900", "Invalid save parameters"},
      {"include", "Bad directive or wrong number of arguments"},
      {"include a b", "Bad directive or wrong number of arguments"},
      {"user", "Bad directive or wrong number of arguments"},
      {"loadmodule", "Bad directive or wrong number of arguments"},
      {"rename-command a", "Bad directive or wrong number of arguments"},
      {"list-max-ziplist-entries 5 6", "Bad directive or wrong number of arguments"},
      {"sentinel monitor m 1 2 3", "sentinel directive while not in sentinel mode"},
      {"replicaof a b", "Invalid master port"},
      {"dbfilename a/b", "dbfilename can't be a path, just a filename"},
      {"bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", "Too many bind addresses specified."},
      {"notify-keyspace-events Q", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."},
      {"save \"900 \\\"1\"", "Unbalanced quotes in configuration line"},
      {"foo.bar", "Module config specified without value"},
  };
  for (const Case& c : cases) {
    Config config;
    base::Status status = LoadText(config, std::string(c.line) + "\n");
    EXPECT_EQ(status.message(), LineError("tandem.conf", 1, c.line, c.reason));
  }
}

TEST(ConfigTest, AcceptsWhatRedisAcceptsAndIgnores) {
  Config config;
  ASSERT_TRUE(LoadText(config,
                       "list-max-ziplist-entries 5\n"
                       "lua-replicate-commands yes\n"
                       "sentinel\n"
                       "hz 0\n"
                       "use-exit-on-panic yes\n"
                       "socket-mark-id 5\n")
                  .ok());
  EXPECT_EQ(config.GetInt("hz"), 1);
}

TEST(ConfigTest, ManyValuesInOneArgumentAreSplit) {
  Config config;
  ASSERT_TRUE(LoadText(config, "bind \"127.0.0.1  ::1\"\nsave \"900  1 300 \\\"10\\\"\"\n").ok());
  EXPECT_EQ(config.GetString("bind"), "127.0.0.1 ::1");
  EXPECT_EQ(config.GetString("save"), "900 1 300 10");
}

TEST(ConfigTest, SaveLinesAddUpAndSaveEmptyResets) {
  Config config;
  ASSERT_TRUE(LoadText(config, "save 900 1\nsave 300 10\n").ok());
  EXPECT_EQ(config.GetString("save"), "900 1 300 10");

  Config with_reset;
  ASSERT_TRUE(LoadText(with_reset, "save 900 1\nsave \"\"\nsave 300 10\n").ok());
  EXPECT_EQ(with_reset.GetString("save"), "300 10");

  Config disabled;
  ASSERT_TRUE(LoadText(disabled, "save \"\"\n").ok());
  EXPECT_EQ(disabled.GetString("save"), "");
  EXPECT_TRUE(disabled.SavePoints().empty());
}

TEST(ConfigTest, CommandLineComesAfterTheFile) {
  const std::filesystem::path file = std::filesystem::temp_directory_path() /
                                     ("tandem-cmdline-" + std::to_string(::getpid()) + ".conf");
  std::ofstream(file) << "port 7000\nsave 900 1\n";
  base::StatusOr<CommandLine> command_line =
      ParseCommandLine({file.string(), "--port", "7001", "--save", "300 10", "--appendonly"});
  ASSERT_TRUE(command_line.ok());
  std::istringstream no_stdin;
  base::StatusOr<std::vector<ConfigLine>> lines = ReadStartupLines(*command_line, no_stdin);
  ASSERT_TRUE(lines.ok()) << lines.status().message();
  Config config;
  base::Status status = config.Load(*lines, command_line->config_file);
  EXPECT_EQ(status.message(),
            LineError("(command line)", 3, "appendonly", "wrong number of arguments"));

  Config good;
  ASSERT_TRUE(good.Load(std::vector<ConfigLine>(lines->begin(), lines->end() - 1),
                        command_line->config_file)
                  .ok());
  EXPECT_EQ(good.GetInt("port"), 7001);
  EXPECT_EQ(good.GetString("save"), "900 1 300 10");
  EXPECT_EQ(good.config_file(), file.string());
  std::filesystem::remove(file);
}

TEST(ConfigTest, CommandLineSaveWithoutValueDisablesSaving) {
  base::StatusOr<CommandLine> command_line = ParseCommandLine({"--save", "--port", "7002"});
  ASSERT_TRUE(command_line.ok());
  Config config;
  ASSERT_TRUE(config.Load(command_line->options).ok());
  EXPECT_EQ(config.GetString("save"), "");
  EXPECT_EQ(config.GetInt("port"), 7002);
}

TEST(ConfigTest, FileOnlyLinesAreKept) {
  Config config;
  ASSERT_TRUE(LoadText(config,
                       "user alice on >pw ~* +@all\n"
                       "rename-command FLUSHALL \"\"\n"
                       "user bob off\n")
                  .ok());
  EXPECT_EQ(config.FileOnlyLines("user"),
            (std::vector<std::vector<std::string>>{{"alice", "on", ">pw", "~*", "+@all"},
                                                   {"bob", "off"}}));
  EXPECT_EQ(config.FileOnlyLines("rename-command"),
            (std::vector<std::vector<std::string>>{{"FLUSHALL", ""}}));
  EXPECT_TRUE(config.FileOnlyLines("loadmodule").empty());
}

TEST(ConfigTest, IgnoredInFileListsWhatTandemDoesNotDo) {
  Config config;
  ASSERT_TRUE(LoadText(config,
                       "port 7000\n"
                       "appendonly yes\n"         // implemented: not listed
                       "daemonize no\n"           // the default: nothing is lost
                       "replica-read-only yes\n"  // the default
                       "daemonize yes\n"
                       "rename-command KEYS \"\"\n"
                       "user alice on\n"
                       "loadmodule /x.so\n"
                       "mymod.opt 5\n"
                       "list-max-ziplist-value 5\n")
                  .ok());
  EXPECT_EQ(config.IgnoredInFile(),
            (std::vector<std::string>{"daemonize", "rename-command", "loadmodule", "mymod.opt",
                                      "list-max-ziplist-value"}));
}

TEST(ConfigTest, ModuleConfigNeedsALoadmodule) {
  Config config;
  base::Status status = LoadText(config, "mymod.opt 5\n");
  EXPECT_EQ(status.message(),
            "Module Configuration detected without loadmodule directive or no ApplyConfig call: "
            "aborting");
}

TEST(ConfigTest, ReplicaofIsRefusedInClusterMode) {
  Config config;
  EXPECT_EQ(LoadText(config, "cluster-enabled yes\nreplicaof h 1\n").message(),
            "replicaof directive not allowed in cluster mode");
}

TEST(ConfigTest, GetExactNamesAndPatterns) {
  Config config;
  EXPECT_EQ(config.Get({"port"}), (Pairs{{"port", "6379"}}));
  EXPECT_EQ(config.Get({"PORT"}), (Pairs{{"PORT", "6379"}}));  // answered under the name as given
  EXPECT_EQ(config.Get({"port", "PORT", "po*"}), (Pairs{{"port", "6379"}}));
  EXPECT_EQ(config.Get({"nosuch"}), Pairs{});
  EXPECT_EQ(config.Get({"user", "include"}), Pairs{});
  EXPECT_EQ(config.Get({"maxmemory*"}), (Pairs{{"maxmemory-policy", "noeviction"},
                                               {"maxmemory-samples", "5"},
                                               {"maxmemory-eviction-tenacity", "10"},
                                               {"maxmemory", "0"},
                                               {"maxmemory-clients", "0"}}));
  EXPECT_EQ(config.Get({"*read-only"}),
            (Pairs{{"replica-read-only", "yes"}, {"slave-read-only", "yes"}}));
  EXPECT_EQ(config.Get({"SLAVEOF"}), (Pairs{{"SLAVEOF", ""}}));
  // Hidden parameters answer only to their exact name.
  EXPECT_EQ(config.Get({"key-load-delay"}), (Pairs{{"key-load-delay", "0"}}));
  EXPECT_EQ(config.Get({"key-load*"}), Pairs{});
  EXPECT_EQ(config.Get({"[pq]ort"}), (Pairs{{"port", "6379"}}));
  EXPECT_EQ(config.Get({"*"}).size(), 192u);  // as many as Redis 7.0.15 shows
}

TEST(ConfigTest, SetChangesValues) {
  Config config;
  ASSERT_TRUE(config.Set({{"maxmemory", "1gb"}, {"maxmemory-policy", "allkeys-lfu"}}).ok());
  EXPECT_EQ(config.GetInt("maxmemory"), 1024 * 1024 * 1024);
  EXPECT_EQ(config.GetString("maxmemory"), "1073741824");
  EXPECT_EQ(config.GetString("maxmemory-policy"), "allkeys-lfu");
  ASSERT_TRUE(config.Set({{"save", "10 1 20 2"}, {"SLAVE-READ-ONLY", "no"}}).ok());
  EXPECT_EQ(config.GetString("save"), "10 1 20 2");
  EXPECT_FALSE(config.GetBool("replica-read-only"));
  ASSERT_TRUE(config.Set({{"client-output-buffer-limit", "pubsub 1mb 0 0"}}).ok());
  EXPECT_EQ(config.ClientOutputBufferLimits().pubsub.hard_limit_bytes, 1024u * 1024);
  EXPECT_EQ(config.ClientOutputBufferLimits().replica.hard_limit_bytes, 268435456u);
  ASSERT_TRUE(config.Set({{"notify-keyspace-events", "KEA"}}).ok());
  EXPECT_EQ(config.GetString("notify-keyspace-events"), "AKE");
  EXPECT_EQ(config.GetInt("notify-keyspace-events"),
            keyspace_event::kAll | keyspace_event::kKeyspace | keyspace_event::kKeyevent);
  ASSERT_TRUE(config.Set({{"maxmemory", "18446744073709551615"}}).ok());
  EXPECT_EQ(config.GetInt("maxmemory"), INT64_MAX);
  EXPECT_EQ(config.GetString("maxmemory"), "18446744073709551615");
}

TEST(ConfigTest, SetErrorsAsRedis70) {
  Config config;
  EXPECT_EQ(config.Set({{"foo", "bar"}}).message(),
            "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  EXPECT_EQ(config.Set({{"FOO", "1"}}).message(),
            "ERR Unknown option or number of arguments for CONFIG SET - 'FOO'");
  EXPECT_EQ(config.Set({{"user", "x"}}).message(),
            "ERR Unknown option or number of arguments for CONFIG SET - 'user'");
  EXPECT_EQ(config.Set({{"maxmemory", "x"}}).message(),
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be "
            "a memory value");
  EXPECT_EQ(config.Set({{"MAXMEMORY", "x"}}).message(),
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be "
            "a memory value");
  EXPECT_EQ(config.Set({{"SLAVE-PRIORITY", "x"}}).message(),
            "ERR CONFIG SET failed (possibly related to argument 'slave-priority') - argument "
            "couldn't be parsed into an integer");
  EXPECT_EQ(config.Set({{"DATABASES", "1"}}).message(),
            "ERR CONFIG SET failed (possibly related to argument 'DATABASES') - can't set "
            "immutable config");
  EXPECT_EQ(config.Set({{"dir", "/tmp"}}).message(),
            "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected "
            "config");
  EXPECT_EQ(config.Set({{"MAXMEMORY", "1"}, {"maxmemory", "2"}}).message(),
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate "
            "parameter");
  // The first problem wins.
  EXPECT_EQ(config.Set({{"maxmemory", "x"}, {"foo", "1"}}).message(),
            "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  EXPECT_EQ(config.Set({{"maxmemory", "1"}, {"databases", "2"}, {"foo", "1"}}).message(),
            "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set "
            "immutable config");
  EXPECT_EQ(config.Set({{"appendonly", "yes"}}, {.loading = true}).message(),
            "LOADING Redis is loading the dataset in memory");
  // A name and its alias count as two parameters, as in Redis; the last one wins.
  EXPECT_TRUE(config.Set({{"replica-read-only", "yes"}, {"slave-read-only", "no"}}).ok());
  EXPECT_FALSE(config.GetBool("replica-read-only"));
}

TEST(ConfigTest, ProtectedConfigsFollowEnableProtectedConfigs) {
  const std::string dir = std::filesystem::temp_directory_path().string();
  Config local_only;
  ASSERT_TRUE(LoadText(local_only, "enable-protected-configs local\n").ok());
  EXPECT_FALSE(local_only.Set({{"dbfilename", "x.rdb"}}).ok());
  EXPECT_TRUE(local_only.Set({{"dbfilename", "x.rdb"}}, {.client_is_local = true}).ok());
  EXPECT_EQ(local_only.GetString("dbfilename"), "x.rdb");

  Config allowed;
  ASSERT_TRUE(LoadText(allowed, "enable-protected-configs yes\n").ok());
  ASSERT_TRUE(allowed.Set({{"dir", dir}}).ok());
  EXPECT_EQ(allowed.GetString("dir"), std::filesystem::canonical(dir).string());
  EXPECT_EQ(allowed.Set({{"dir", "/no/such/dir"}}).message(),
            "ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or "
            "directory");
}

TEST(ConfigTest, SetKeepsTheReplicationBacklogAtLeast16kb) {
  Config config;
  ASSERT_TRUE(config.Set({{"repl-backlog-size", "100"}}).ok());
  EXPECT_EQ(config.GetString("repl-backlog-size"), "16384");
  Config loaded;
  ASSERT_TRUE(LoadText(loaded, "repl-backlog-size 100\n").ok());
  EXPECT_EQ(loaded.GetInt("repl-backlog-size"), 100);
}

TEST(ConfigTest, SetIsAllOrNothing) {
  Config config;
  EXPECT_FALSE(config.Set({{"maxmemory", "5"}, {"timeout", "x"}}).ok());
  EXPECT_EQ(config.GetInt("maxmemory"), 0);
  EXPECT_EQ(config.GetInt("timeout"), 0);
}

TEST(ConfigTest, HooksSeeNewValuesAndRunOnlyOnChange) {
  Config config;
  std::vector<std::string> calls;
  config.OnChange("maxmemory", [&](const std::string& value) {
    calls.push_back("maxmemory=" + value + " policy=" + config.GetString("maxmemory-policy"));
    return base::Status::Ok();
  });
  config.OnChange("slave-read-only", [&](const std::string& value) {
    calls.push_back("ro=" + value);
    return base::Status::Ok();
  });
  ASSERT_TRUE(config.Set({{"maxmemory", "1kb"}, {"maxmemory-policy", "allkeys-lru"}}).ok());
  ASSERT_TRUE(config.Set({{"maxmemory", "1024"}}).ok());  // no change: no hook
  ASSERT_TRUE(config.Set({{"replica-read-only", "no"}}).ok());
  EXPECT_EQ(calls, (std::vector<std::string>{"maxmemory=1024 policy=allkeys-lru", "ro=no"}));
}

TEST(ConfigTest, FailingHookRollsBackEverything) {
  Config config;
  std::vector<std::string> calls;
  config.OnChange("maxmemory", [&](const std::string& value) {
    calls.push_back("maxmemory=" + value);
    return base::Status::Ok();
  });
  config.OnChange("port", [&](const std::string& value) {
    calls.push_back("port=" + value);
    if (value == "7000") {
      return base::Status::IoError("Unable to listen on this port. Check server logs.");
    }
    return base::Status::Ok();
  });
  config.OnChange("timeout", [&](const std::string& value) {
    calls.push_back("timeout=" + value);
    return base::Status::Ok();
  });
  base::Status status =
      config.Set({{"maxmemory", "10mb"}, {"port", "7000"}, {"timeout", "30"}, {"hz", "50"}});
  EXPECT_EQ(status.message(),
            "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on "
            "this port. Check server logs.");
  EXPECT_EQ(config.GetInt("maxmemory"), 0);
  EXPECT_EQ(config.GetInt("port"), 6379);
  EXPECT_EQ(config.GetInt("timeout"), 0);
  EXPECT_EQ(config.GetInt("hz"), 10);
  // maxmemory's hook ran and is told the old value again; timeout's never ran.
  EXPECT_EQ(calls, (std::vector<std::string>{"maxmemory=10485760", "port=7000", "maxmemory=0"}));
}

TEST(ConfigTest, HookWithoutMessage) {
  Config config;
  config.OnChange("hz", [](const std::string&) {
    return base::Status::Error(base::Status::Code::kInternal, "");
  });
  EXPECT_EQ(config.Set({{"hz", "20"}}).message(),
            "ERR CONFIG SET failed (possibly related to argument 'hz')");
}

TEST(ConfigTest, OverrideSkipsImmutability) {
  Config config;
  ASSERT_TRUE(config.Override("replicaof", "10.0.0.1 6380").ok());
  EXPECT_EQ(config.GetString("slaveof"), "10.0.0.1 6380");
  ASSERT_TRUE(config.Override("replicaof", "no one").ok());
  EXPECT_EQ(config.GetString("replicaof"), "");
  EXPECT_EQ(config.Override("replicaof", "h x").message(), "Invalid master port");
}

using ConfigRewriteTest = TempDirTest;

// The scenario was run against redis-server 7.0.15; Tandem writes the same file except that lines
// it appends come in table order rather than Redis's hash order.
TEST_F(ConfigRewriteTest, KeepsCommentsAndReplacesInPlace) {
  const std::string inc = Write("inc.conf", "maxmemory-samples 7\n");
  const std::string path = Write("r.conf",
                                 "# top comment\n"
                                 "port 27712\n"
                                 "\n"
                                 "include " +
                                     inc +
                                     "\n"
                                     "rename-command FLUSHALL \"\"\n"
                                     "user alice on >pw ~* +@all\n"
                                     "  # indented comment\n"
                                     "maxmemory 1mb   \n"
                                     "slave-read-only no\n"
                                     "timeout 5\n"
                                     "timeout 6\n"
                                     "save 900 1\n"
                                     "save 300 10\n"
                                     "hz 10\n"
                                     "loglevel notice\n"
                                     "maxmemory-policy allkeys-lru\n");
  base::StatusOr<CommandLine> command_line =
      ParseCommandLine({path, "--save", "", "--bind", "127.0.0.1", "--dir", dir_.string()});
  ASSERT_TRUE(command_line.ok());
  std::istringstream no_stdin;
  base::StatusOr<std::vector<ConfigLine>> lines = ReadStartupLines(*command_line, no_stdin);
  ASSERT_TRUE(lines.ok()) << lines.status().message();
  Config config;
  ASSERT_TRUE(config.Load(*lines, path).ok());
  ASSERT_TRUE(config
                  .Set({{"timeout", "0"},
                        {"maxmemory", "2gb"},
                        {"appendonly", "no"},
                        {"replica-read-only", "yes"},
                        {"hz", "20"}})
                  .ok());
  ASSERT_TRUE(config.Rewrite().ok());
  const std::string dir = std::filesystem::canonical(dir_).string();
  EXPECT_EQ(Read(path),
            "# top comment\n"
            "port 27712\n"
            "\n"
            "include " +
                inc +
                "\n"
                "rename-command FLUSHALL \"\"\n"
                "user alice on >pw ~* +@all\n"  // untouched: no rewrite source for users
                "# indented comment\n"
                "maxmemory 2gb\n"
                "replica-read-only yes\n"
                "timeout 0\n"
                "\n"
                "save \"\"\n"
                "\n"
                "hz 20\n"
                "loglevel notice\n"
                "maxmemory-policy allkeys-lru\n"
                "\n"
                "# Generated by CONFIG REWRITE\n"
                "maxmemory-samples 7\n"
                "dir \"" +
                dir +
                "\"\n"
                "bind 127.0.0.1\n"
                "latency-tracking-info-percentiles 50 99 99.9\n");

  // As with Redis, the next rewrite adds one blank line at the end (the file's final newline
  // reads as an empty last line); after that the file stays as it is.
  const std::string once = Read(path);
  ASSERT_TRUE(config.Rewrite().ok());
  EXPECT_EQ(Read(path), once + "\n");
  ASSERT_TRUE(config.Rewrite().ok());
  EXPECT_EQ(Read(path), once + "\n");
}

TEST_F(ConfigRewriteTest, RewriteSourceManagesUserLines) {
  const std::string path = Write("u.conf", "user alice on >pw\nport 1\nuser bob on\n");
  Config config;
  ASSERT_TRUE(config.Load(*ReadConfigFile(path), path).ok());
  config.SetRewriteSource("user", [] {
    return std::vector<std::string>{"user alice on #hash ~* +@all", "user default on nopass"};
  });
  ASSERT_TRUE(config.Rewrite().ok());
  const std::string text = Read(path);
  EXPECT_EQ(text.substr(0, text.find("\n# Generated")),
            "user alice on #hash ~* +@all\nport 1\nuser default on nopass\n");
}

TEST_F(ConfigRewriteTest, BackToDefaultStaysInPlaceAndUnsetStringsGo) {
  const std::string path = Write("d.conf", "maxmemory 1mb\nrequirepass pw\nappendonly yes\n");
  Config config;
  ASSERT_TRUE(config.Load(*ReadConfigFile(path), path).ok());
  ASSERT_TRUE(config.Set({{"maxmemory", "0"}, {"requirepass", ""}, {"appendonly", "no"}}).ok());
  ASSERT_TRUE(config.Rewrite().ok());
  const std::string text = Read(path);
  EXPECT_EQ(text.substr(0, text.find("\n# Generated")), "maxmemory 0\n\nappendonly no\n");
}

TEST(ConfigRewriteWithoutFileTest, NeedsAConfigFile) {
  Config config;
  EXPECT_EQ(config.Rewrite().message(), "ERR The server is running without a config file");
}

// The stock redis.conf of the installed Redis, when this machine has one, loads unchanged apart
// from the paths it names.
TEST(ConfigStockFileTest, EveryDirectiveOfTheInstalledRedisConfIsKnown) {
  base::StatusOr<std::vector<ConfigLine>> lines = ReadConfigFile("/etc/redis/redis.conf");
  if (!lines.ok()) GTEST_SKIP() << lines.status().message();
  for (const ConfigLine& line : *lines) {
    EXPECT_NE(FindDirective(line.args[0]), nullptr) << line.text;
  }
  std::vector<ConfigLine> portable;
  for (const ConfigLine& line : *lines) {
    if (line.args[0] != "dir") portable.push_back(line);
  }
  Config config;
  base::Status status = config.Load(portable);
  EXPECT_TRUE(status.ok()) << status.message();
}

}  // namespace
}  // namespace tandem::config
