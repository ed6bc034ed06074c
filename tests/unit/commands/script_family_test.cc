#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "server/scripting/sha1.h"
#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands {
namespace {

using resp::Reply;
using testing::IsError;
using testing::RecordingConnection;

std::string Where(const std::string& body, int line = 1) {
  return " script: " + scripting::Sha1Hex(body) + ", on @user_script:" + std::to_string(line) + ".";
}

class ScriptFamilyTest : public testing::CommandTest {};

TEST_F(ScriptFamilyTest, EvalRunsCommandsThroughTheDispatcher) {
  Reply r = Run({"EVAL", "return redis.call('set', KEYS[1], ARGV[1])", "1", "k", "v"});
  EXPECT_EQ(r.type, Reply::Type::kString);
  EXPECT_EQ(r.str, "OK");
  EXPECT_EQ(Run({"GET", "k"}).str, "v");
  EXPECT_EQ(Wire({"EVAL", "return {redis.call('get', 'k'), redis.call('get', 'nokey')}", "0"}),
            "*2\r\n$1\r\nv\r\n$-1\r\n");  // false is an element, written as null
  // Calls from scripts are counted like any command.
  EXPECT_EQ(state_.stats.commands[state_.commands.Find("set")->id].calls, 1u);
  EXPECT_FALSE(state_.script.running);
}

TEST_F(ScriptFamilyTest, NumkeysErrors) {
  EXPECT_TRUE(IsError(Run({"EVAL", "return 1", "-1"}), "ERR Number of keys can't be negative"));
  EXPECT_TRUE(IsError(Run({"EVAL", "return 1", "2", "a"}),
                      "ERR Number of keys can't be greater than number of args"));
  EXPECT_TRUE(
      IsError(Run({"EVAL", "return 1", "x"}), "ERR value is not an integer or out of range"));
}

TEST_F(ScriptFamilyTest, ScriptCacheCommands) {
  Reply sha = Run({"SCRIPT", "LOAD", "return 'hi'"});
  ASSERT_EQ(sha.type, Reply::Type::kBulk);
  EXPECT_EQ(sha.str, scripting::Sha1Hex("return 'hi'"));
  Reply exists = Run({"SCRIPT", "EXISTS", sha.str, std::string(40, '0')});
  ASSERT_EQ(exists.elements.size(), 2u);
  EXPECT_EQ(exists.elements[0].integer, 1);
  EXPECT_EQ(exists.elements[1].integer, 0);
  EXPECT_EQ(Run({"EVALSHA", sha.str, "0"}).str, "hi");
  EXPECT_EQ(Run({"EVALSHA_RO", sha.str, "0"}).str, "hi");
  EXPECT_EQ(Run({"SCRIPT", "FLUSH", "SYNC"}).str, "OK");
  EXPECT_TRUE(
      IsError(Run({"EVALSHA", sha.str, "0"}), "NOSCRIPT No matching script. Please use EVAL."));
  EXPECT_TRUE(
      IsError(Run({"SCRIPT", "FLUSH", "bad"}), "ERR SCRIPT FLUSH only support SYNC|ASYNC option"));
  EXPECT_TRUE(IsError(Run({"SCRIPT", "KILL"}), "NOTBUSY No scripts in execution right now."));
  EXPECT_TRUE(IsError(Run({"SCRIPT", "LOAD", "return +"}),
                      "ERR Error compiling script (new function): user_script:1: unexpected "
                      "symbol near '+'"));
  EXPECT_EQ(Run({"SCRIPT", "HELP"}).elements.size(), 17u);
}

TEST_F(ScriptFamilyTest, ScriptCallChecks) {
  std::string body = "return redis.call('nosuch')";
  EXPECT_TRUE(IsError(Run({"EVAL", body, "0"}),
                      "ERR Unknown Redis command called from script" + Where(body)));
  body = "return redis.call('get')";
  EXPECT_TRUE(IsError(Run({"EVAL", body, "0"}),
                      "ERR Wrong number of args calling Redis command from script" + Where(body)));
  body = "return redis.call('multi')";
  EXPECT_TRUE(IsError(Run({"EVAL", body, "0"}),
                      "ERR This Redis command is not allowed from script" + Where(body)));
  body = "return redis.call('eval', 'return 1', '0')";
  EXPECT_TRUE(IsError(Run({"EVAL", body, "0"}),
                      "ERR This Redis command is not allowed from script" + Where(body)));
  body = "return redis.call('set', 'a', 'b')";
  EXPECT_TRUE(IsError(Run({"EVAL_RO", body, "0"}),
                      "ERR Write commands are not allowed from read-only scripts." + Where(body)));
  EXPECT_EQ(Run({"EXISTS", "a"}).integer, 0);
  EXPECT_TRUE(IsError(Run({"EVAL_RO", "#!lua\nreturn 1", "0"}),
                      "ERR Can not execute a script with write flag using *_ro command."));
  body = "#!lua flags=no-writes\nreturn redis.call('set', 'a', 'b')";
  EXPECT_TRUE(
      IsError(Run({"EVAL", body, "0"}),
              "ERR Write commands are not allowed from read-only scripts." + Where(body, 2)));
  // Errors of refused calls are counted once, by the refusal.
  EXPECT_EQ(state_.stats.error_counts["ERR"], 7u);
}

TEST_F(ScriptFamilyTest, SelectStaysInsideTheScript) {
  EXPECT_EQ(Run({"EVAL", "redis.call('select', 3) return redis.call('set', 'x', '1')", "0"}).str,
            "OK");
  EXPECT_EQ(client_->db, 0);
  EXPECT_EQ(Run({"EXISTS", "x"}).integer, 0);
  Run({"SELECT", "3"});
  EXPECT_EQ(Run({"EXISTS", "x"}).integer, 1);
}

TEST_F(ScriptFamilyTest, ScriptsWriteTheWatchedKeys) {
  EXPECT_TRUE(WatchBrokenBy({"EVAL", "return redis.call('set', 'w', '1')", "0"}, "w"));
  EXPECT_FALSE(WatchBrokenBy({"EVAL", "return redis.call('get', 'w')", "0"}, "w"));
}

TEST_F(ScriptFamilyTest, AclAppliesToScriptCalls) {
  ASSERT_EQ(Run({"ACL", "SETUSER", "lim", "on", "nopass", "~a*", "+eval", "+get"}).str, "OK");
  ASSERT_EQ(Run({"AUTH", "lim", "x"}).str, "OK");
  EXPECT_EQ(Run({"EVAL", "return redis.call('get', 'a1')", "0"}).type, Reply::Type::kNil);
  std::string body = "return redis.call('get', 'b')";
  EXPECT_TRUE(IsError(Run({"EVAL", body, "0"}),
                      "ERR The user executing the script can't access at least one of the keys "
                      "mentioned in the command arguments" +
                          Where(body)));
  body = "return redis.call('set', 'a', '1')";
  EXPECT_TRUE(IsError(
      Run({"EVAL", body, "0"}),
      "ERR The user executing the script can't run this command or subcommand" + Where(body)));
  EXPECT_EQ(Run({"EVAL", "return redis.acl_check_cmd('set', 'a', '1')", "0"}).type,
            Reply::Type::kNil);
  ASSERT_EQ(Run({"AUTH", "default", "x"}).type, Reply::Type::kString);
  Reply log = Run({"ACL", "LOG"});
  ASSERT_EQ(log.elements.size(), 2u);
  EXPECT_EQ(log.elements[0].elements[5].str, "lua");  // context
}

TEST_F(ScriptFamilyTest, OomRules) {
  state_.settings.maxmemory = 1;
  EXPECT_TRUE(IsError(Run({"EVAL", "#!lua\nreturn 1", "0"}),
                      "OOM command not allowed when used memory > 'maxmemory'."));
  std::string body = "return redis.call('set', 'a', 'b')";
  EXPECT_TRUE(IsError(Run({"EVAL", body, "0"}),
                      "OOM command not allowed when used memory > 'maxmemory'." + Where(body)));
  EXPECT_EQ(Run({"EVAL", "#!lua flags=no-writes\nreturn redis.call('get', 'a')", "0"}).type,
            Reply::Type::kNil);
  state_.settings.maxmemory = 0;
}

// Serves another client while the script is busy, as the app's nested event loop would.
class ScriptedControl final : public ServerControl {
 public:
  void RequestShutdown() override {}
  void Defer(std::function<void()>, int64_t) override {}
  void ProcessEventsWhileBusy() override {
    ++calls;
    if (calls == 1 && action) action();
  }
  std::function<void()> action;
  int calls = 0;
};

TEST_F(ScriptFamilyTest, ScriptKillStopsABusyScript) {
  ASSERT_EQ(Run({"CONFIG", "SET", "busy-reply-threshold", "0"}).str, "OK");
  RecordingConnection other_conn;
  std::string other_out;
  Client* other = AddClient(&other_conn, &other_out);
  ScriptedControl control;
  state_.control = &control;
  Reply kill_reply;
  bool was_busy = false;
  control.action = [&] {
    was_busy = state_.script.busy && state_.script.running && state_.script.caller == client_;
    kill_reply = RunAs(*other, other_out, {"SCRIPT", "KILL"});
  };
  std::string body = "while true do end";
  EXPECT_TRUE(IsError(Run({"EVAL", body, "0"}),
                      "ERR Script killed by user with SCRIPT KILL..." + Where(body)));
  EXPECT_TRUE(was_busy);
  EXPECT_EQ(kill_reply.str, "OK");
  EXPECT_FALSE(state_.script.running);
  EXPECT_FALSE(state_.script.busy);
  state_.control = nullptr;
}

TEST_F(ScriptFamilyTest, ScriptThatWroteIsUnkillable) {
  ASSERT_EQ(Run({"CONFIG", "SET", "busy-reply-threshold", "0"}).str, "OK");
  RecordingConnection other_conn;
  std::string other_out;
  Client* other = AddClient(&other_conn, &other_out);
  ScriptedControl control;
  state_.control = &control;
  Reply kill_reply;
  control.action = [&] { kill_reply = RunAs(*other, other_out, {"SCRIPT", "KILL"}); };
  Reply r = Run({"EVAL",
                 "redis.call('set', 'w', '1') local n = 0 for i = 1, 300000 do n = n + 1 end "
                 "return n",
                 "0"});
  EXPECT_EQ(r.integer, 300000);
  EXPECT_GE(control.calls, 1);
  EXPECT_TRUE(kill_reply.str.starts_with("UNKILLABLE Sorry the script already executed write"))
      << kill_reply.str;
  state_.control = nullptr;
}

TEST_F(ScriptFamilyTest, CommandInfoRows) {
  Reply info = Run({"COMMAND", "INFO", "eval", "evalsha_ro", "script|kill"});
  ASSERT_EQ(info.elements.size(), 3u);
  EXPECT_EQ(info.elements[0].elements[1].integer, -3);
  std::vector<std::string> flags;
  for (const Reply& f : info.elements[0].elements[2].elements) flags.push_back(f.str);
  EXPECT_EQ(flags, (std::vector<std::string>{"noscript", "stale", "skip_monitor",
                                             "no_mandatory_keys", "movablekeys"}));
  EXPECT_EQ(info.elements[1].elements[2].elements[0].str, "readonly");
  Reply keys = Run({"COMMAND", "GETKEYS", "EVAL", "return 1", "2", "a", "b", "c"});
  ASSERT_EQ(keys.elements.size(), 2u);
  EXPECT_EQ(keys.elements[1].str, "b");
}

}  // namespace
}  // namespace tandem::commands
