// CONFIG GET/SET/RESETSTAT/REWRITE/HELP, the config hooks and the start-up loading of ACL users.

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "server/commands/config_hooks.h"
#include "server/commands/errors.h"
#include "server/commands/sha256.h"
#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands::testing {
namespace {

using Type = resp::Reply::Type;

std::vector<std::string> Strings(const resp::Reply& r) {
  std::vector<std::string> out;
  for (const resp::Reply& e : r.elements) out.push_back(e.str);
  return out;
}

class ConfigFamilyTest : public CommandTest {
 protected:
  ConfigFamilyTest() { InstallConfigHooks(state_); }

  // Loads config file text as the server would at start-up.
  base::Status LoadConfig(std::string_view text) {
    base::StatusOr<std::vector<config::ConfigLine>> lines =
        config::ParseConfigText(text, "test.conf");
    if (!lines.ok()) return lines.status();
    return config_.Load(*lines);
  }
};

TEST_F(ConfigFamilyTest, GetRepliesWithPairs) {
  EXPECT_EQ(Strings(Run({"CONFIG", "GET", "maxmemory"})),
            (std::vector<std::string>{"maxmemory", "0"}));
  std::vector<std::string> reply =
      Strings(Run({"CONFIG", "GET", "maxmemory-polic?", "hz", "maxmemory-policy"}));
  ASSERT_EQ(reply.size(), 4u);  // each parameter once
  std::map<std::string, std::string> pairs = {{reply[0], reply[1]}, {reply[2], reply[3]}};
  EXPECT_EQ(pairs,
            (std::map<std::string, std::string>{{"maxmemory-policy", "noeviction"}, {"hz", "10"}}));
  EXPECT_TRUE(Run({"CONFIG", "GET", "no-such-parameter"}).elements.empty());
  EXPECT_TRUE(
      IsError(Run({"CONFIG", "GET"}), "ERR wrong number of arguments for 'config|get' command"));
}

TEST_F(ConfigFamilyTest, GetInResp3IsAMap) {
  Run({"HELLO", "3"});
  resp::Reply r = Run({"CONFIG", "GET", "maxmemory"});
  EXPECT_EQ(r.type, Type::kMap);
  EXPECT_EQ(Strings(r), (std::vector<std::string>{"maxmemory", "0"}));
}

TEST_F(ConfigFamilyTest, SetAppliesEveryPairThroughTheHooks) {
  EXPECT_EQ(Run({"CONFIG", "SET", "maxmemory", "7mb", "maxmemory-policy", "allkeys-lfu",
                 "maxmemory-samples", "9", "lfu-log-factor", "3", "lfu-decay-time", "4"})
                .str,
            "OK");
  EXPECT_EQ(state_.settings.maxmemory, 7 * 1024 * 1024);
  const store::EvictionConfig& eviction = state_.keyspace.eviction();
  EXPECT_EQ(eviction.policy, store::EvictionPolicy::kAllKeysLfu);
  EXPECT_EQ(eviction.samples, 9);
  EXPECT_EQ(eviction.lfu_log_factor, 3);
  EXPECT_EQ(eviction.lfu_decay_time, 4);
  EXPECT_EQ(Strings(Run({"CONFIG", "GET", "maxmemory"}))[1], "7340032");

  EXPECT_EQ(Run({"CONFIG", "SET", "slowlog-log-slower-than", "-1", "slowlog-max-len", "3",
                 "proto-max-bulk-len", "1mb", "acllog-max-len", "5"})
                .str,
            "OK");
  EXPECT_EQ(state_.settings.slowlog_log_slower_than, -1);
  EXPECT_EQ(state_.settings.slowlog_max_len, 3u);
  EXPECT_EQ(state_.settings.proto_max_bulk_len, 1024 * 1024);
  // Keys longer than 31 bits cannot be stored (entry.h): no bulk may be longer.
  EXPECT_EQ(Run({"CONFIG", "SET", "proto-max-bulk-len", "4gb"}).str, "OK");
  EXPECT_EQ(state_.settings.proto_max_bulk_len, store::kMaxKeyLength);
}

TEST_F(ConfigFamilyTest, RequirepassSetsTheDefaultUsersPassword) {
  EXPECT_EQ(Run({"CONFIG", "SET", "requirepass", "sekret"}).str, "OK");
  EXPECT_FALSE(state_.acl.DefaultUserNeedsNoAuth());
  EXPECT_EQ(state_.acl.default_user().password_hashes,
            std::vector<std::string>{Sha256Hex("sekret")});
  EXPECT_EQ(Strings(Run({"CONFIG", "GET", "requirepass"}))[1], "sekret");
  EXPECT_EQ(Run({"CONFIG", "SET", "requirepass", ""}).str, "OK");
  EXPECT_TRUE(state_.acl.DefaultUserNeedsNoAuth());
}

TEST_F(ConfigFamilyTest, AclPubsubDefaultDecidesNewUsersChannels) {
  EXPECT_EQ(Run({"CONFIG", "SET", "acl-pubsub-default", "allchannels"}).str, "OK");
  Run({"ACL", "SETUSER", "alice"});
  EXPECT_EQ(state_.acl.Describe(*state_.acl.Find("alice")), "user alice off &* -@all");
}

TEST_F(ConfigFamilyTest, SetIsAtomicAndUsesRedisErrors) {
  EXPECT_TRUE(IsError(
      Run({"CONFIG", "SET", "maxmemory", "10mb", "hz", "33", "maxmemory-policy", "nope"}),
      "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) "
      "must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, "
      "allkeys-lru, allkeys-lfu, allkeys-random, noeviction"));
  EXPECT_EQ(Strings(Run({"CONFIG", "GET", "maxmemory"}))[1], "0");
  EXPECT_EQ(state_.settings.maxmemory, 0);
  EXPECT_TRUE(IsError(Run({"CONFIG", "SET", "nosuch", "1"}),
                      "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"));
  EXPECT_TRUE(IsError(Run({"CONFIG", "SET", "maxmemory", "1mb", "maxmemory", "2mb"}),
                      "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - "
                      "duplicate parameter"));
  EXPECT_TRUE(IsError(Run({"CONFIG", "SET", "a", "b", "c"}), errors::kSyntax));
  EXPECT_TRUE(IsError(Run({"CONFIG", "SET", "maxmemory"}),
                      "ERR wrong number of arguments for 'config|set' command"));
}

TEST_F(ConfigFamilyTest, ResetStatClearsCountersButNotTheWriteCount) {
  Run({"SET", "k", "v"});
  Run({"GET", "k"});
  Run({"GET", "missing"});
  Run({"NOSUCHCOMMAND"});
  ASSERT_EQ(state_.keyspace.stats().keyspace_hits, 1u);
  ASSERT_GT(state_.stats.error_counts.size(), 0u);
  uint64_t dirty = state_.stats.dirty;

  EXPECT_EQ(Run({"CONFIG", "RESETSTAT"}).str, "OK");
  EXPECT_EQ(state_.keyspace.stats().keyspace_hits, 0u);
  EXPECT_EQ(state_.keyspace.stats().keyspace_misses, 0u);
  EXPECT_EQ(state_.stats.total_error_replies, 0u);
  EXPECT_TRUE(state_.stats.error_counts.empty());
  EXPECT_EQ(state_.stats.dirty, dirty);
  ASSERT_EQ(state_.stats.commands.size(), static_cast<size_t>(state_.commands.id_count()));
  const CommandSpec* set = state_.commands.Find("set");
  EXPECT_EQ(state_.stats.commands[set->id].calls, 0u);
  // Only the RESETSTAT call itself is counted afterwards.
  EXPECT_EQ(state_.stats.total_commands_processed, 1u);
}

TEST_F(ConfigFamilyTest, RewriteNeedsAConfigFile) {
  EXPECT_TRUE(
      IsError(Run({"CONFIG", "REWRITE"}), "ERR The server is running without a config file"));
}

TEST_F(ConfigFamilyTest, RewriteWritesTheUsers) {
  std::string path =
      ::testing::TempDir() + "/config_family_test_" + std::to_string(getpid()) + ".conf";
  std::ofstream(path) << "# users below\nmaxmemory 1mb\n";
  base::StatusOr<std::vector<config::ConfigLine>> lines = config::ReadConfigFile(path);
  ASSERT_TRUE(lines.ok());
  ASSERT_TRUE(config_.Load(*lines, path).ok());
  Run({"ACL", "SETUSER", "bob", "on", ">x", "~a*", "+get"});
  EXPECT_EQ(Run({"CONFIG", "REWRITE"}).str, "OK");
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::remove(path.c_str());
  EXPECT_NE(text.find("user bob on #" + Sha256Hex("x") + " ~a* resetchannels -@all +get\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("user default on nopass ~* &* +@all\n"), std::string::npos) << text;
  EXPECT_EQ(text.rfind("# users below\nmaxmemory 1mb\n", 0), 0u) << text;
}

TEST_F(ConfigFamilyTest, Help) {
  resp::Reply help = Run({"CONFIG", "HELP"});
  ASSERT_EQ(help.elements.size(), 11u);
  EXPECT_EQ(help.elements[0].str,
            "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_EQ(help.elements[1].str, "GET <pattern>");
  EXPECT_TRUE(IsError(Run({"CONFIG", "foo"}), "ERR unknown subcommand 'foo'. Try CONFIG HELP."));
}

TEST_F(ConfigFamilyTest, UsersFromTheConfigFile) {
  ASSERT_TRUE(LoadConfig("requirepass old\n"
                         "user alice on >pw ~app:* +@read +set\n"
                         "user mallory off >evil ~* +@all\n")
                  .ok());
  InstallConfigHooks(state_);
  ASSERT_TRUE(LoadAclUsers(state_).ok());
  EXPECT_NE(state_.acl.Authenticate("alice", "pw"), nullptr);
  EXPECT_EQ(state_.acl.Authenticate("mallory", "evil"), nullptr);
  EXPECT_NE(state_.acl.Authenticate("default", "old"), nullptr);
  EXPECT_EQ(Strings(Run({"ACL", "USERS"})),
            (std::vector<std::string>{"alice", "default", "mallory"}));
}

TEST_F(ConfigFamilyTest, UsersAndAnAclFileTogetherAreRefused) {
  ASSERT_TRUE(LoadConfig("aclfile /nonexistent/users.acl\nuser alice on\n").ok());
  base::Status status = LoadAclUsers(state_);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("please define either an ACL file or declare users directly"),
            std::string::npos);
}

TEST_F(ConfigFamilyTest, AclFileAtStartUpAndAclLoadSave) {
  std::string path =
      ::testing::TempDir() + "/config_family_test_" + std::to_string(getpid()) + ".acl";
  std::ofstream(path) << "user alice on >pw ~* +@all\n";
  ASSERT_TRUE(LoadConfig("aclfile " + path + "\n").ok());
  ASSERT_TRUE(LoadAclUsers(state_).ok());
  EXPECT_NE(state_.acl.Authenticate("alice", "pw"), nullptr);

  EXPECT_EQ(Run({"ACL", "SETUSER", "bob", "on", "nopass"}).str, "OK");
  EXPECT_EQ(Run({"ACL", "SAVE"}).str, "OK");
  EXPECT_EQ(Run({"ACL", "DELUSER", "bob"}).integer, 1);
  EXPECT_EQ(Run({"ACL", "LOAD"}).str, "OK");
  EXPECT_EQ(Strings(Run({"ACL", "USERS"})), (std::vector<std::string>{"alice", "bob", "default"}));

  std::ofstream(path) << "user carol bogus\n";
  EXPECT_TRUE(IsError(Run({"ACL", "LOAD"}),
                      "ERR " + path +
                          ":1: Syntax error. WARNING: ACL errors detected, no change to the "
                          "previously active ACL rules was performed"));
  std::remove(path.c_str());
  EXPECT_TRUE(IsError(Run({"ACL", "LOAD"}), "ERR Error loading ACLs, opening file '" + path +
                                                "': No such file or directory"));
  EXPECT_EQ(Strings(Run({"ACL", "USERS"})), (std::vector<std::string>{"alice", "bob", "default"}));
}

}  // namespace
}  // namespace tandem::commands::testing
