// ACL users, rules, permission checks and the ACL commands, checked against Redis 7.0's replies.

#include "server/commands/acl.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>

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

// A RESP2 GETUSER reply as field name -> reply.
std::map<std::string, resp::Reply> Fields(const resp::Reply& r) {
  std::map<std::string, resp::Reply> out;
  for (size_t i = 0; i + 1 < r.elements.size(); i += 2) out[r.elements[i].str] = r.elements[i + 1];
  return out;
}

class AclTest : public CommandTest {
 protected:
  // A second connection, for running commands as another user.
  AclTest() : other_(AddClient(&other_conn_, &other_out_)) {}

  resp::Reply As(const std::vector<std::string>& argv) { return RunAs(*other_, other_out_, argv); }

  void SetUser(std::vector<std::string> rules) {
    rules.insert(rules.begin(), {"ACL", "SETUSER"});
    ASSERT_EQ(Run(rules).str, "OK");
  }

  std::string ListLine(std::string_view user) {
    return state_.acl.Describe(*state_.acl.Find(user));
  }

  std::string CommandsOf(std::string_view user) {
    return Fields(Run({"ACL", "GETUSER", std::string(user)}))["commands"].str;
  }

  std::string SetUserError(const std::string& rule) {
    return Run({"ACL", "SETUSER", "probe", rule}).str;
  }

  RecordingConnection other_conn_;
  std::string other_out_;
  Client* other_;
};

TEST_F(AclTest, DefaultUser) {
  EXPECT_EQ(Strings(Run({"ACL", "LIST"})),
            std::vector<std::string>{"user default on nopass ~* &* +@all"});
  EXPECT_EQ(Strings(Run({"ACL", "USERS"})), std::vector<std::string>{"default"});
  EXPECT_EQ(Run({"ACL", "WHOAMI"}).str, "default");
  EXPECT_TRUE(state_.acl.DefaultUserNeedsNoAuth());
  EXPECT_TRUE(IsError(Run({"ACL", "WHOAMI", "x"}),
                      "ERR wrong number of arguments for 'acl|whoami' command"));
}

TEST_F(AclTest, GetUserReplyShape) {
  SetUser({"alice", "on", ">pw", "~k*", "+get"});
  resp::Reply r = Run({"ACL", "GETUSER", "alice"});
  ASSERT_EQ(r.type, Type::kArray);
  ASSERT_EQ(r.elements.size(), 12u);
  EXPECT_EQ(r.elements[0].str, "flags");
  EXPECT_EQ(Strings(r.elements[1]), std::vector<std::string>{"on"});
  EXPECT_EQ(r.elements[2].str, "passwords");
  EXPECT_EQ(Strings(r.elements[3]), std::vector<std::string>{Sha256Hex("pw")});
  EXPECT_EQ(r.elements[4].str, "commands");
  EXPECT_EQ(r.elements[5].str, "-@all +get");
  EXPECT_EQ(r.elements[6].str, "keys");
  EXPECT_EQ(r.elements[7].str, "~k*");
  EXPECT_EQ(r.elements[8].str, "channels");
  EXPECT_EQ(r.elements[9].str, "");
  EXPECT_EQ(r.elements[10].str, "selectors");
  EXPECT_EQ(r.elements[11].type, Type::kArray);
  EXPECT_TRUE(r.elements[11].elements.empty());
  EXPECT_EQ(Run({"ACL", "GETUSER", "nobody"}).type, Type::kNil);
}

TEST_F(AclTest, GetUserInResp3UsesAMapAndASetOfFlags) {
  Run({"HELLO", "3"});
  resp::Reply r = Run({"ACL", "GETUSER", "default"});
  ASSERT_EQ(r.type, Type::kMap);
  EXPECT_EQ(r.elements[1].type, Type::kSet);
  EXPECT_EQ(Strings(r.elements[1]), (std::vector<std::string>{"on", "nopass"}));
  EXPECT_EQ(r.elements[5].str, "+@all");
  EXPECT_EQ(r.elements[7].str, "~*");
  EXPECT_EQ(r.elements[9].str, "&*");
}

TEST_F(AclTest, ListLinesAsRedisWritesThem) {
  SetUser({"alice", "on", ">pw", "~k*", "+get"});
  SetUser({"carol", "on", "nopass", "~*", "+@all", "-@dangerous"});
  SetUser({"bob", "off"});
  EXPECT_EQ(Strings(Run({"ACL", "LIST"})),
            (std::vector<std::string>{
                "user alice on #" + Sha256Hex("pw") + " ~k* resetchannels -@all +get",
                "user bob off resetchannels -@all",
                "user carol on nopass ~* resetchannels +@all -@dangerous",
                "user default on nopass ~* &* +@all",
            }));
  EXPECT_EQ(Strings(Run({"ACL", "USERS"})),
            (std::vector<std::string>{"alice", "bob", "carol", "default"}));
}

TEST_F(AclTest, CommandRulesAreDescribedByBestFittingCategories) {
  SetUser({"u1", "+@all", "-@admin"});
  EXPECT_EQ(CommandsOf("u1"), "+@all -@admin");
  SetUser({"u2", "-@all", "+@admin"});
  EXPECT_EQ(CommandsOf("u2"), "-@all +@admin");
  SetUser({"u3", "+@string", "-set"});
  EXPECT_EQ(CommandsOf("u3"), "-@all +@string -set");
  SetUser({"u4", "allcommands", "-select", "+select|0", "-client", "+client|list"});
  EXPECT_EQ(CommandsOf("u4"), "+@all -select +select|0 -client +client|list");
  SetUser({"u5", "+select|0", "+select|1", "+SELECT|1"});
  EXPECT_EQ(CommandsOf("u5"), "-@all +select|0 +select|1");
  SetUser({"u6", "+@all", "-@all", "+config|get", "nocommands", "+acl", "-acl|setuser"});
  EXPECT_EQ(CommandsOf("u6"), "-@all +acl -acl|setuser");
  // With FLUSHALL allowed again, @admin fits better than @dangerous.
  SetUser({"u7", "+@ALL", "-@Dangerous", "+flushall"});
  std::string u7 = CommandsOf("u7");
  EXPECT_EQ(u7.substr(0, 14), "+@all -@admin ");
  EXPECT_NE(u7.find(" -keys"), std::string::npos);
  EXPECT_EQ(u7.find("flushall"), std::string::npos);
}

TEST_F(AclTest, KeyAndChannelPatterns) {
  SetUser({"u", "%R~r*", "%W~w*", "%R~b", "%W~b", "%RW~c", "~d", "~d", "&ch1", "&ch1", "&ch2"});
  resp::Reply r = Run({"ACL", "GETUSER", "u"});
  EXPECT_EQ(Fields(r)["keys"].str, "%R~r* %W~w* ~b ~c ~d");
  EXPECT_EQ(Fields(r)["channels"].str, "&ch1 &ch2");
  EXPECT_EQ(ListLine("u"), "user u off %R~r* %W~w* ~b ~c ~d resetchannels &ch1 &ch2 -@all");
  SetUser({"u", "allkeys", "allchannels"});
  EXPECT_EQ(ListLine("u"), "user u off ~* &* -@all");
  SetUser({"u", "resetkeys", "resetchannels", "%R"});
  EXPECT_EQ(ListLine("u"), "user u off %R~ resetchannels -@all");
}

TEST_F(AclTest, SetUserErrorsMatchRedis) {
  const std::string prefix = "ERR Error in ACL SETUSER modifier ";
  EXPECT_EQ(SetUserError("foo"), prefix + "'foo': Syntax error");
  EXPECT_EQ(SetUserError("+nosuch"), prefix + "'+nosuch': Unknown command or category name in ACL");
  EXPECT_EQ(SetUserError("+@nosuch"),
            prefix + "'+@nosuch': Unknown command or category name in ACL");
  EXPECT_EQ(SetUserError("+"), prefix + "'+': Unknown command or category name in ACL");
  EXPECT_EQ(SetUserError("+config|"), prefix + "'+config|': Syntax error");
  EXPECT_EQ(SetUserError("+config|set|x"),
            prefix + "'+config|set|x': Allowing first-arg of a subcommand is not supported");
  EXPECT_EQ(SetUserError("+config|nosuch"),
            prefix + "'+config|nosuch': Unknown command or category name in ACL");
  EXPECT_EQ(SetUserError("-select|0"),
            prefix + "'-select|0': Unknown command or category name in ACL");
  EXPECT_EQ(SetUserError("#abc"),
            prefix +
                "'#abc': The password hash must be exactly 64 characters and contain only "
                "lowercase hexadecimal characters");
  EXPECT_EQ(SetUserError("<abc"),
            prefix + "'<abc': The password you are trying to remove from the user does not exist");
  EXPECT_EQ(SetUserError("~a b"), prefix + "'~a b': Syntax error");
  EXPECT_EQ(SetUserError("%~a"), prefix + "'%~a': Syntax error");
  EXPECT_EQ(SetUserError("%"), prefix + "'%': Syntax error");
  EXPECT_EQ(SetUserError("%X~a"), prefix + "'%X~a': Syntax error");
  EXPECT_EQ(SetUserError("%RR~a"), prefix + "'%RR~a': Syntax error");
  EXPECT_EQ(SetUserError("(on)"), prefix + "'(on)': Syntax error");
  EXPECT_EQ(Run({"ACL", "SETUSER", "probe", "~*", "~x"}).str,
            prefix +
                "'~x': Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid "
                "and does not have any effect. Try 'resetkeys' to start with an empty list of "
                "patterns");
  EXPECT_EQ(Run({"ACL", "SETUSER", "probe", "&*", "&x"}).str,
            prefix +
                "'&x': Adding a pattern after the * pattern (or the 'allchannels' flag) is not "
                "valid and does not have any effect. Try 'resetchannels' to start with an empty "
                "list of channels");
  EXPECT_EQ(Run({"ACL", "SETUSER", "a b"}).str,
            "ERR Usernames can't contain spaces or null characters");
  EXPECT_EQ(Run({"ACL", "SETUSER", "probe", "on", "(+get", "~k"}).str,
            "ERR Unmatched parenthesis in acl selector starting at '(+get'.");
  EXPECT_EQ(state_.acl.Find("probe"), nullptr);
  EXPECT_EQ(Run({"ACL", "SETUSER", "probe", ""}).str, "OK");
}

TEST_F(AclTest, SetUserIsAllOrNothing) {
  SetUser({"erin", "on", "nopass"});
  EXPECT_EQ(Run({"ACL", "SETUSER", "erin", "off", "foo"}).str,
            "ERR Error in ACL SETUSER modifier 'foo': Syntax error");
  EXPECT_EQ(Strings(Fields(Run({"ACL", "GETUSER", "erin"}))["flags"]),
            (std::vector<std::string>{"on", "nopass"}));
}

TEST_F(AclTest, PasswordRules) {
  SetUser({"dave", "on", ">a", ">b", ">a"});
  const AclUser* dave = state_.acl.Find("dave");
  EXPECT_EQ(dave->password_hashes, (std::vector<std::string>{Sha256Hex("a"), Sha256Hex("b")}));
  EXPECT_EQ(state_.acl.Authenticate("dave", "a"), dave);
  EXPECT_EQ(state_.acl.Authenticate("dave", "c"), nullptr);
  SetUser({"dave", "<a"});
  EXPECT_EQ(state_.acl.Authenticate("dave", "a"), nullptr);
  EXPECT_EQ(state_.acl.Authenticate("dave", "b"), dave);
  SetUser({"dave", "!" + Sha256Hex("b"), "#" + Sha256Hex("c")});
  EXPECT_EQ(dave->password_hashes, std::vector<std::string>{Sha256Hex("c")});
  SetUser({"dave", "resetpass"});
  EXPECT_EQ(state_.acl.Authenticate("dave", "c"), nullptr);
  EXPECT_EQ(state_.acl.Authenticate("dave", ""), nullptr);
  SetUser({"dave", "nopass"});
  EXPECT_EQ(state_.acl.Authenticate("dave", "anything"), dave);
  SetUser({"dave", "off"});
  EXPECT_EQ(state_.acl.Authenticate("dave", "anything"), nullptr);
  EXPECT_EQ(state_.acl.Authenticate("nobody", "x"), nullptr);
}

TEST_F(AclTest, ResetReturnsTheUserToABlankState) {
  SetUser({"alice", "on", ">pw", "~*", "&*", "+@all", "(+get)"});
  SetUser({"alice", "reset"});
  EXPECT_EQ(ListLine("alice"), "user alice off sanitize-payload resetchannels -@all");
  SetUser({"alice", "skip-sanitize-payload"});
  EXPECT_EQ(Strings(Fields(Run({"ACL", "GETUSER", "alice"}))["flags"]),
            (std::vector<std::string>{"off", "skip-sanitize-payload"}));
}

TEST_F(AclTest, RequirePassSetsTheDefaultUsersPassword) {
  state_.acl.SetRequirePass("sekret");
  EXPECT_FALSE(state_.acl.DefaultUserNeedsNoAuth());
  EXPECT_EQ(ListLine("default"), "user default on #" + Sha256Hex("sekret") + " ~* &* +@all");
  EXPECT_NE(state_.acl.Authenticate("default", "sekret"), nullptr);
  state_.acl.SetRequirePass("");
  EXPECT_EQ(ListLine("default"), "user default on nopass ~* &* +@all");
}

TEST_F(AclTest, CommandAndKeyPermissionsThroughTheDispatcher) {
  SetUser({"alice", "on", ">pw", "~k*", "+@all", "-@dangerous"});
  ASSERT_EQ(As({"AUTH", "alice", "pw"}).str, "OK");
  EXPECT_EQ(As({"ACL", "WHOAMI"}).str, "alice");
  EXPECT_EQ(As({"SET", "k1", "v"}).str, "OK");
  EXPECT_EQ(As({"GET", "k1"}).str, "v");
  EXPECT_TRUE(IsError(As({"SET", "x", "v"}), errors::kNoPermKeys));
  EXPECT_TRUE(IsError(As({"MSET", "k2", "1", "x", "2"}), errors::kNoPermKeys));
  EXPECT_TRUE(IsError(As({"FLUSHALL"}),
                      "NOPERM this user has no permissions to run the 'flushall' command"));
  EXPECT_TRUE(IsError(As({"DEBUG", "SLEEP", "0"}),
                      "NOPERM this user has no permissions to run the 'debug' command"));
  EXPECT_EQ(As({"PING"}).str, "PONG");
  EXPECT_EQ(state_.stats.error_counts["NOPERM"], 4u);
}

TEST_F(AclTest, SingleCommandGrantsAndNoAuthCommands) {
  SetUser({"alice", "on", ">pw", "~*", "+get"});
  ASSERT_EQ(As({"AUTH", "alice", "pw"}).str, "OK");
  EXPECT_EQ(As({"GET", "k"}).type, Type::kNil);
  EXPECT_TRUE(IsError(As({"SET", "k", "w"}),
                      "NOPERM this user has no permissions to run the 'set' command"));
  EXPECT_TRUE(IsError(As({"ACL", "WHOAMI"}),
                      "NOPERM this user has no permissions to run the 'acl|whoami' command"));
  // AUTH and HELLO are never refused by ACL rules.
  EXPECT_EQ(As({"AUTH", "alice", "pw"}).str, "OK");
}

TEST_F(AclTest, ReadAndWriteKeyPatterns) {
  SetUser({"w", "on", "nopass", "%W~k*", "%R~r*", "+@all"});
  ASSERT_EQ(As({"AUTH", "w", "x"}).str, "OK");
  EXPECT_EQ(As({"SET", "k1", "v"}).str, "OK");  // SET without GET only writes
  EXPECT_TRUE(IsError(As({"SET", "k1", "v", "GET"}), errors::kNoPermKeys));
  EXPECT_TRUE(IsError(As({"GET", "k1"}), errors::kNoPermKeys));
  EXPECT_EQ(As({"GET", "r1"}).type, Type::kNil);
  EXPECT_TRUE(IsError(As({"SET", "r1", "v"}), errors::kNoPermKeys));
  EXPECT_EQ(As({"APPEND", "k1", "x"}).integer, 2);  // RW INSERT: a write without reading
  EXPECT_EQ(As({"EXISTS", "k1"}).integer, 1);       // RO without ACCESS needs neither
}

TEST_F(AclTest, FirstArgumentsOfAnOtherwiseDeniedCommand) {
  SetUser({"s", "on", "nopass", "~*", "+@all", "-select", "+select|0"});
  ASSERT_EQ(As({"AUTH", "s", "x"}).str, "OK");
  EXPECT_EQ(As({"SELECT", "0"}).str, "OK");
  EXPECT_TRUE(IsError(As({"SELECT", "1"}),
                      "NOPERM this user has no permissions to run the 'select' command"));
}

TEST_F(AclTest, SelectorsAllowWhatTheRootDoesNot) {
  SetUser({"sel", "on", "nopass", "~a*", "+set", "(+get", "~x*)"});
  EXPECT_EQ(ListLine("sel"),
            "user sel on nopass ~a* resetchannels -@all +set (~x* resetchannels -@all +get)");
  resp::Reply r = Run({"ACL", "GETUSER", "sel"});
  resp::Reply selectors = Fields(r)["selectors"];
  ASSERT_EQ(selectors.elements.size(), 1u);
  EXPECT_EQ(Fields(selectors.elements[0])["commands"].str, "-@all +get");
  EXPECT_EQ(Fields(selectors.elements[0])["keys"].str, "~x*");

  ASSERT_EQ(As({"AUTH", "sel", "x"}).str, "OK");
  EXPECT_EQ(As({"GET", "x1"}).type, Type::kNil);
  EXPECT_EQ(As({"SET", "a1", "v"}).str, "OK");
  // The root refuses the command, the selector the key: the key denial is reported.
  EXPECT_TRUE(IsError(As({"GET", "a1"}), errors::kNoPermKeys));
  EXPECT_TRUE(
      IsError(As({"DEL", "a1"}), "NOPERM this user has no permissions to run the 'del' command"));
  SetUser({"sel", "clearselectors"});
  EXPECT_TRUE(
      IsError(As({"GET", "x1"}), "NOPERM this user has no permissions to run the 'get' command"));
  // Unbalanced quotes inside a selector leave it empty, as in Redis.
  SetUser({"sel", "(+get \"x)"});
  EXPECT_EQ(ListLine("sel"),
            "user sel on nopass ~a* resetchannels -@all +set (resetchannels -@all)");
}

TEST_F(AclTest, ChannelChecks) {
  SetUser({"p", "on", "nopass", "~*", "+@all", "&ch*"});
  const CommandSpec publish{"publish", 3, kPubsub | kFast, 0, 0, 0, 0, nullptr, "pubsub", "", ""};
  CommandSpec named = publish;
  named.full_name = "publish";
  named.id = state_.commands.ById(0)->id;  // any allowed id: the user has +@all
  std::vector<std::string_view> ok = {"publish", "chan", "m"};
  std::vector<std::string_view> refused = {"publish", "other", "m"};
  const AclUser& p = *state_.acl.Find("p");
  EXPECT_FALSE(state_.acl.Check(p, named, ok));
  EXPECT_EQ(state_.acl.Check(p, named, refused), std::string(errors::kNoPermChannels));
  named.full_name = "psubscribe";
  std::vector<std::string_view> pattern = {"psubscribe", "ch*"};
  std::vector<std::string_view> other_pattern = {"psubscribe", "chan"};
  EXPECT_FALSE(state_.acl.Check(p, named, pattern));
  EXPECT_TRUE(state_.acl.Check(p, named, other_pattern));  // patterns compare literally
}

TEST_F(AclTest, DelUserDisconnectsItsClients) {
  SetUser({"alice", "on", "nopass", "~*", "+@all"});
  SetUser({"bob", "on", "nopass"});
  ASSERT_EQ(As({"AUTH", "alice", "x"}).str, "OK");
  EXPECT_EQ(Run({"ACL", "DELUSER", "alice", "bob", "nobody"}).integer, 2);
  EXPECT_TRUE(other_conn_.close_requested);
  EXPECT_EQ(other_->user, &state_.acl.default_user());
  EXPECT_FALSE(other_->authenticated);
  EXPECT_FALSE(conn_.close_requested);
  EXPECT_EQ(Run({"ACL", "DELUSER", "nobody"}).integer, 0);
  EXPECT_TRUE(IsError(Run({"ACL", "DELUSER", "bob", "default"}),
                      "ERR The 'default' user cannot be removed"));
  EXPECT_EQ(Strings(Run({"ACL", "USERS"})), std::vector<std::string>{"default"});
}

TEST_F(AclTest, SetUserKeepsTheUserObjectClientsPointAt) {
  SetUser({"alice", "on", "nopass", "~*", "+@all"});
  const AclUser* before = state_.acl.Find("alice");
  ASSERT_EQ(As({"AUTH", "alice", "x"}).str, "OK");
  SetUser({"alice", "-set"});
  EXPECT_EQ(state_.acl.Find("alice"), before);
  EXPECT_TRUE(IsError(As({"SET", "k", "v"}),
                      "NOPERM this user has no permissions to run the 'set' command"));
}

TEST_F(AclTest, Cat) {
  resp::Reply all = Run({"ACL", "CAT"});
  EXPECT_EQ(Strings(all),
            (std::vector<std::string>{
                "keyspace",   "read",        "write",    "set",         "sortedset", "list",
                "hash",       "string",      "bitmap",   "hyperloglog", "geo",       "stream",
                "pubsub",     "admin",       "fast",     "slow",        "blocking",  "dangerous",
                "connection", "transaction", "scripting"}));
  std::vector<std::string> strings = Strings(Run({"ACL", "CAT", "String"}));
  EXPECT_NE(std::find(strings.begin(), strings.end(), "get"), strings.end());
  EXPECT_EQ(std::find(strings.begin(), strings.end(), "del"), strings.end());
  std::vector<std::string> admin = Strings(Run({"ACL", "CAT", "admin"}));
  EXPECT_NE(std::find(admin.begin(), admin.end(), "acl|setuser"), admin.end());
  EXPECT_TRUE(IsError(Run({"ACL", "CAT", "nosuch"}), "ERR Unknown category 'nosuch'"));
  EXPECT_TRUE(IsError(Run({"ACL", "CAT", "a", "b"}),
                      "ERR unknown subcommand or wrong number of arguments for 'CAT'. Try ACL "
                      "HELP."));
}

TEST_F(AclTest, Genpass) {
  resp::Reply r = Run({"ACL", "GENPASS"});
  EXPECT_EQ(r.str.size(), 64u);
  EXPECT_EQ(r.str.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(Run({"ACL", "GENPASS"}).str, r.str);
  EXPECT_EQ(Run({"ACL", "GENPASS", "5"}).str.size(), 2u);
  EXPECT_EQ(Run({"ACL", "GENPASS", "4096"}).str.size(), 1024u);
  const char* range =
      "ERR ACL GENPASS argument must be the number of bits for the output password, a positive "
      "number up to 4096";
  EXPECT_TRUE(IsError(Run({"ACL", "GENPASS", "0"}), range));
  EXPECT_TRUE(IsError(Run({"ACL", "GENPASS", "4097"}), range));
  EXPECT_TRUE(IsError(Run({"ACL", "GENPASS", "x"}), errors::kNotInteger));
}

TEST_F(AclTest, DryRun) {
  SetUser({"a", "~k*", "+get", "&c*"});
  EXPECT_EQ(Run({"ACL", "DRYRUN", "a", "get", "k1"}).str, "OK");
  EXPECT_EQ(Run({"ACL", "DRYRUN", "a", "get", "x"}).str,
            "This user has no permissions to access the 'x' key");
  EXPECT_EQ(Run({"ACL", "DRYRUN", "a", "set", "k", "v"}).str,
            "This user has no permissions to run the 'set' command");
  EXPECT_EQ(Run({"ACL", "DRYRUN", "a", "client", "list"}).str,
            "This user has no permissions to run the 'client|list' command");
  EXPECT_TRUE(IsError(Run({"ACL", "DRYRUN", "a", "set", "k"}),
                      "ERR wrong number of arguments for 'set' command"));
  EXPECT_TRUE(IsError(Run({"ACL", "DRYRUN", "nobody", "get", "x"}), "ERR User 'nobody' not found"));
  EXPECT_TRUE(IsError(Run({"ACL", "DRYRUN", "a", "nosuch"}), "ERR Command 'nosuch' not found"));
  EXPECT_TRUE(
      IsError(Run({"ACL", "DRYRUN", "a", "client", "nosuch"}), "ERR Command 'client' not found"));
}

TEST_F(AclTest, LogGroupsSimilarDenialsAndResets) {
  EXPECT_TRUE(Run({"ACL", "LOG"}).elements.empty());
  AclLog& log = state_.acl.log();
  log.Add(AclDenialReason::kCommand, AclLogContext::kToplevel, "set", "alice", "id=1", 1000);
  log.Add(AclDenialReason::kKey, AclLogContext::kToplevel, "x", "alice", "id=1", 2000);
  log.Add(AclDenialReason::kCommand, AclLogContext::kToplevel, "set", "alice", "id=2", 3000);
  log.Add(AclDenialReason::kCommand, AclLogContext::kToplevel, "set", "alice", "id=3", 60000);
  ASSERT_EQ(log.entries().size(), 2u);
  EXPECT_EQ(log.entries()[0].count, 3u);
  EXPECT_EQ(log.entries()[0].client_info, "id=3");
  log.Add(AclDenialReason::kCommand, AclLogContext::kToplevel, "set", "alice", "id=4", 140000);
  EXPECT_EQ(log.entries().size(), 3u);  // more than 60 s after the last one

  resp::Reply r = Run({"ACL", "LOG", "1"});
  ASSERT_EQ(r.elements.size(), 1u);
  std::map<std::string, resp::Reply> entry = Fields(r.elements[0]);
  EXPECT_EQ(entry["count"].integer, 1);
  EXPECT_EQ(entry["reason"].str, "command");
  EXPECT_EQ(entry["context"].str, "toplevel");
  EXPECT_EQ(entry["object"].str, "set");
  EXPECT_EQ(entry["username"].str, "alice");
  EXPECT_EQ(entry["client-info"].str, "id=4");
  EXPECT_EQ(entry["age-seconds"].type, Type::kBulk);
  EXPECT_EQ(Run({"ACL", "LOG"}).elements.size(), 3u);
  EXPECT_TRUE(Run({"ACL", "LOG", "-5"}).elements.empty());
  EXPECT_TRUE(IsError(Run({"ACL", "LOG", "x"}), errors::kNotInteger));
  EXPECT_EQ(Run({"ACL", "LOG", "RESET"}).str, "OK");
  EXPECT_TRUE(Run({"ACL", "LOG"}).elements.empty());

  log.set_max_len(2);
  for (int i = 0; i < 5; ++i) {
    log.Add(AclDenialReason::kKey, AclLogContext::kMulti, std::to_string(i), "u", "", 0);
  }
  EXPECT_EQ(log.entries().size(), 2u);
  EXPECT_EQ(log.entries()[0].object, "4");
}

TEST_F(AclTest, LoadAndSaveNeedAnAclFile) {
  const char* error =
      "ERR This Redis instance is not configured to use an ACL file. You may want to specify "
      "users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a "
      "Redis configuration file set) in order to store users in the Redis configuration.";
  EXPECT_TRUE(IsError(Run({"ACL", "LOAD"}), error));
  EXPECT_TRUE(IsError(Run({"ACL", "SAVE"}), error));
}

TEST_F(AclTest, HelpAndUnknownSubcommands) {
  resp::Reply help = Run({"ACL", "HELP"});
  ASSERT_EQ(help.elements.size(), 29u);
  EXPECT_EQ(help.elements[0].str, "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_EQ(help.elements[1].str, "CAT [<category>]");
  EXPECT_TRUE(IsError(Run({"ACL", "foo"}), "ERR unknown subcommand 'foo'. Try ACL HELP."));
  EXPECT_TRUE(IsError(Run({"ACL"}), "ERR wrong number of arguments for 'acl' command"));
}

// The config file's user directives and the ACL file, through Acl directly.
class AclFileTest : public CommandTest {
 protected:
  AclFileTest() : path_(::testing::TempDir() + "/acl_test_" + std::to_string(getpid()) + ".acl") {}
  ~AclFileTest() override { std::remove(path_.c_str()); }

  void Write(const std::string& text) { std::ofstream(path_) << text; }

  std::string path_;
};

TEST_F(AclFileTest, UserDirectives) {
  std::vector<std::string> alice = {"alice", "on", ">pw", "~app:*", "+@read", "+set"};
  ASSERT_TRUE(state_.acl.LoadUserDirective(alice).ok());
  EXPECT_NE(state_.acl.Authenticate("alice", "pw"), nullptr);
  base::Status dup = state_.acl.LoadUserDirective(alice);
  EXPECT_EQ(dup.message(),
            "Error in user declaration 'alice': Duplicate user found. A user can only be defined "
            "once in config files");
  std::vector<std::string> bad = {"bob", "on", "bogus"};
  EXPECT_EQ(state_.acl.LoadUserDirective(bad).message(),
            "Error in user declaration 'bogus': Syntax error");
  EXPECT_EQ(state_.acl.Find("bob"), nullptr);
  // Declaring the default user starts it from a blank state.
  state_.acl.SetRequirePass("old");
  std::vector<std::string> def = {"default", "on", ">new", "+@all"};
  ASSERT_TRUE(state_.acl.LoadUserDirective(def).ok());
  EXPECT_EQ(state_.acl.Describe(state_.acl.default_user()),
            "user default on sanitize-payload #" + Sha256Hex("new") + " resetchannels +@all");
}

TEST_F(AclFileTest, SaveThenLoadRoundTrips) {
  Run({"ACL", "SETUSER", "alice", "on", ">pw", "~k*", "%R~r*", "&c", "+get", "(+set ~s*)"});
  ASSERT_TRUE(state_.acl.SaveAclFile(path_).ok());
  std::ifstream in(path_);
  std::string first, second;
  std::getline(in, first);
  std::getline(in, second);
  EXPECT_EQ(first, "user alice on #" + Sha256Hex("pw") +
                       " ~k* %R~r* resetchannels &c -@all +get (~s* resetchannels -@all +set)");
  EXPECT_EQ(second, "user default on nopass ~* &* +@all");

  Run({"ACL", "DELUSER", "alice"});
  Run({"ACL", "SETUSER", "temp", "on", "nopass"});
  RecordingConnection conn;
  std::string out;
  Client* c = AddClient(&conn, &out);
  ASSERT_EQ(RunAs(*c, out, {"AUTH", "temp", "x"}).str, "OK");
  std::vector<const AclUser*> removed;
  ASSERT_TRUE(state_.acl.LoadAclFile(path_, [&](const AclUser& u) { removed.push_back(&u); }).ok());
  EXPECT_EQ(removed, std::vector<const AclUser*>{c->user});
  EXPECT_NE(state_.acl.Authenticate("alice", "pw"), nullptr);
  EXPECT_EQ(state_.acl.Find("temp"), nullptr);
}

TEST_F(AclFileTest, LoadReportsEveryProblemAndChangesNothing) {
  Write("user alice on >pw +get\n\n  user bob on bogus +nosuch  \nnotuser x\nuser alice off\n");
  base::Status status = state_.acl.LoadAclFile(path_);
  EXPECT_EQ(status.message(),
            path_ + ":3: Syntax error. " + path_ + ":3: Unknown command or category name in ACL. " +
                path_ +
                ":4 should start with user keyword followed by the username. WARNING: Duplicate "
                "user 'alice' found on line 5. WARNING: ACL errors detected, no change to the "
                "previously active ACL rules was performed");
  EXPECT_EQ(state_.acl.Find("alice"), nullptr);
  EXPECT_EQ(state_.acl.LoadAclFile(path_ + ".missing").message(),
            "Error loading ACLs, opening file '" + path_ + ".missing': No such file or directory");
}

TEST_F(AclFileTest, LoadWithoutDefaultUserRestoresTheInitialOne) {
  const AclUser* default_before = &state_.acl.default_user();
  state_.acl.SetRequirePass("x");
  Write("user alice on nopass ~* +@all\n");
  ASSERT_TRUE(state_.acl.LoadAclFile(path_).ok());
  EXPECT_EQ(&state_.acl.default_user(), default_before);
  EXPECT_EQ(state_.acl.Describe(state_.acl.default_user()), "user default on nopass ~* &* +@all");
}

}  // namespace
}  // namespace tandem::commands::testing
