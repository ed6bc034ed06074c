// FUNCTION *, FCALL and FCALL_RO through the dispatcher.

#include <gmock/gmock.h>

#include <string>
#include <vector>

#include "server/commands/errors.h"
#include "server/commands/function_payload.h"
#include "server/commands/propagation.h"
#include "server/scripting/sha1.h"
#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands {
namespace {

using resp::Reply;
using testing::IsError;

constexpr char kLib[] =
    "#!lua name=mylib\n"
    "redis.register_function('my_set', function(keys, args) return redis.call('SET', keys[1], "
    "args[1]) end)\n"
    "redis.register_function{function_name='my_get', flags={'no-writes'}, description='reads',\n"
    "  callback=function(keys) return redis.call('GET', keys[1]) end}\n";

// FUNCTION DUMP of redis-server 7.0.15 after loading kRedisLib: LZF-compressed.
constexpr char kRedisLib[] =
    "#!lua name=one\nredis.register_function{function_name='f1', callback=function(keys) return "
    "redis.call('get', keys[1]) end, flags={'no-writes'}}";
constexpr char kRedisDumpHex[] =
    "f5c3407e408e1f23216c7561206e616d653d6f6e650a72656469732e72656769737465725f6675066e6374696f6e"
    "7bc008005f60290e276631272c2063616c6c6261636b3dc01c0c286b657973292072657475726e2006404a402404"
    "28276765742030401e1d5b315d2920656e642c20666c6167733d7b276e6f2d777269746573277d7d0a00b948e856"
    "9d7af8ba";

std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

class RecordingPropagator final : public Propagator {
 public:
  void Propagate(int, std::span<const std::string_view> argv) override {
    lines.push_back(std::string(argv[0]) + (argv.size() > 1 ? " " + std::string(argv[1]) : ""));
  }
  std::vector<std::string> lines;
};

class FunctionFamilyTest : public testing::CommandTest {};

TEST_F(FunctionFamilyTest, LoadThenFcallWithKeysAndArgs) {
  EXPECT_EQ(Run({"FUNCTION", "LOAD", kLib}).str, "mylib");
  EXPECT_EQ(Run({"FCALL", "my_set", "1", "k", "v"}).str, "OK");
  EXPECT_EQ(Run({"GET", "k"}).str, "v");
  EXPECT_EQ(Run({"FCALL", "MY_GET", "1", "k"}).str, "v");
  EXPECT_EQ(Run({"FCALL_RO", "my_get", "1", "k"}).str, "v");
  EXPECT_TRUE(IsError(Run({"FCALL_RO", "my_set", "1", "k", "v"}), errors::kScriptWriteFlagWithRo));
  EXPECT_TRUE(IsError(Run({"FCALL", "nope", "0"}), "ERR Function not found"));
  EXPECT_TRUE(IsError(Run({"FCALL", "my_get", "x"}), "ERR Bad number of keys provided"));
  EXPECT_TRUE(IsError(Run({"FCALL", "my_get", "-1"}), errors::kNumkeysNegative));
  EXPECT_TRUE(IsError(Run({"FCALL", "my_get", "2", "k"}), errors::kNumkeysTooMany));
  EXPECT_FALSE(state_.script.running);
  EXPECT_FALSE(state_.script.is_function);
}

TEST_F(FunctionFamilyTest, ANoWritesFunctionCannotWrite) {
  Run({"FUNCTION", "LOAD",
       "#!lua name=ro\nredis.register_function{function_name='ro', flags={'no-writes'},\n"
       "  callback=function(keys) return redis.call('set', keys[1], 'x') end}"});
  EXPECT_TRUE(IsError(Run({"FCALL", "ro", "1", "k"}),
                      "ERR Write commands are not allowed from read-only scripts. script: ro, on "
                      "@user_function:3."));
  EXPECT_EQ(Run({"EXISTS", "k"}).integer, 0);
}

TEST_F(FunctionFamilyTest, ManagementCommandsAreDirtyWrites) {
  RecordingPropagator propagator;
  state_.propagation.AddPropagator(&propagator);
  uint64_t dirty = state_.stats.dirty;
  Run({"FUNCTION", "LOAD", kLib});
  Run({"FUNCTION", "DELETE", "mylib"});
  Run({"FUNCTION", "LOAD", kLib});
  std::string payload = Run({"FUNCTION", "DUMP"}).str;
  Run({"FUNCTION", "FLUSH"});
  EXPECT_EQ(Run({"FUNCTION", "RESTORE", payload}).str, "OK");
  EXPECT_EQ(state_.stats.dirty, dirty + 5);
  EXPECT_THAT(propagator.lines,
              ::testing::ElementsAre("FUNCTION LOAD", "FUNCTION DELETE", "FUNCTION LOAD",
                                     "FUNCTION FLUSH", "FUNCTION RESTORE"));
  // A failed load changes nothing and is not sent.
  EXPECT_TRUE(IsError(Run({"FUNCTION", "LOAD", kLib}), "ERR Library 'mylib' already exists"));
  EXPECT_EQ(propagator.lines.size(), 5u);
  state_.propagation.RemovePropagator(&propagator);
}

TEST_F(FunctionFamilyTest, RestoresAPayloadWrittenByRedis) {
  ASSERT_EQ(Run({"FUNCTION", "RESTORE", FromHex(kRedisDumpHex)}).str, "OK");
  Reply list = Run({"FUNCTION", "LIST", "WITHCODE"});
  ASSERT_EQ(list.elements.size(), 1u);
  ASSERT_EQ(list.elements[0].elements.size(), 8u);
  EXPECT_EQ(list.elements[0].elements[1].str, "one");
  EXPECT_EQ(list.elements[0].elements[7].str, kRedisLib);
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"FCALL_RO", "f1", "1", "k"}).str, "v");
  // Our own dump of it is plain (uncompressed) and restores to the same library.
  std::string ours = Run({"FUNCTION", "DUMP"}).str;
  base::StatusOr<std::vector<std::string>> codes = DecodeFunctionPayload(ours);
  ASSERT_TRUE(codes.ok());
  EXPECT_THAT(*codes, ::testing::ElementsAre(kRedisLib));
  EXPECT_EQ(Run({"FUNCTION", "RESTORE", ours, "REPLACE"}).str, "OK");
  std::string corrupt = ours;
  corrupt.back() ^= 1;
  EXPECT_TRUE(IsError(Run({"FUNCTION", "RESTORE", corrupt}),
                      "ERR DUMP payload version or checksum are wrong"));
  EXPECT_TRUE(IsError(Run({"FUNCTION", "RESTORE", ours, "bogus"}),
                      "ERR Wrong restore policy given, value should be either FLUSH, APPEND or "
                      "REPLACE."));
  EXPECT_TRUE(IsError(Run({"FUNCTION", "RESTORE", ours, "APPEND", "x"}),
                      "ERR unknown subcommand or wrong number of arguments for 'RESTORE'. Try "
                      "FUNCTION HELP."));
}

TEST_F(FunctionFamilyTest, ListWireFormat) {
  Run({"FUNCTION", "LOAD", kLib});
  EXPECT_EQ(Wire({"FUNCTION", "LIST", "LIBRARYNAME", "MY*"}),
            "*1\r\n*6\r\n$12\r\nlibrary_name\r\n$5\r\nmylib\r\n$6\r\nengine\r\n$3\r\nLUA\r\n"
            "$9\r\nfunctions\r\n*2\r\n"
            "*6\r\n$4\r\nname\r\n$6\r\nmy_set\r\n$11\r\ndescription\r\n$-1\r\n$5\r\nflags\r\n*0\r\n"
            "*6\r\n$4\r\nname\r\n$6\r\nmy_get\r\n$11\r\ndescription\r\n$5\r\nreads\r\n"
            "$5\r\nflags\r\n*1\r\n+no-writes\r\n");
  EXPECT_EQ(Wire({"FUNCTION", "LIST", "LIBRARYNAME", "x*"}), "*0\r\n");
  EXPECT_TRUE(
      IsError(Run({"FUNCTION", "LIST", "LIBRARYNAME"}), "ERR library name argument was not given"));
  EXPECT_TRUE(IsError(Run({"FUNCTION", "LIST", "bogus"}), "ERR Unknown argument bogus"));
}

TEST_F(FunctionFamilyTest, StatsShowTheRunningFunction) {
  Run({"FUNCTION", "LOAD", kLib});
  EXPECT_EQ(Wire({"FUNCTION", "STATS"}),
            "*4\r\n$14\r\nrunning_script\r\n$-1\r\n$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n"
            "*4\r\n$15\r\nlibraries_count\r\n:1\r\n$15\r\nfunctions_count\r\n:2\r\n");
  // As another client sees it while a function is busy.
  state_.script.running = state_.script.busy = state_.script.is_function = true;
  state_.script.start_ms = clock_.NowMs();
  state_.script.function_name = "my_get";
  state_.script.command = {"fcall", "my_get", "0"};
  clock_.AdvanceMs(250);
  Reply stats = Run({"FUNCTION", "STATS"});
  ASSERT_EQ(stats.elements.size(), 4u);
  ASSERT_EQ(stats.elements[1].elements.size(), 6u);
  EXPECT_EQ(stats.elements[1].elements[1].str, "my_get");
  EXPECT_EQ(stats.elements[1].elements[3].elements.size(), 3u);
  EXPECT_EQ(stats.elements[1].elements[5].integer, 250);
  // An EVAL is running instead: refused with EVAL's wording.
  state_.script.is_function = false;
  EXPECT_TRUE(IsError(Run({"FUNCTION", "STATS"}), errors::kBusyScript));
  state_.script = RunningScript{};
}

TEST_F(FunctionFamilyTest, KillAnswersForEachState) {
  EXPECT_TRUE(IsError(Run({"FUNCTION", "KILL"}), errors::kNotBusy));
  state_.script.running = state_.script.busy = true;
  EXPECT_TRUE(IsError(Run({"FUNCTION", "KILL"}), errors::kBusyScript));  // an EVAL runs
  state_.script.is_function = true;
  EXPECT_TRUE(IsError(Run({"SCRIPT", "KILL"}), errors::kBusyFunction));
  EXPECT_FALSE(state_.script.kill_requested);
  EXPECT_EQ(Run({"FUNCTION", "KILL"}).str, "OK");
  EXPECT_TRUE(state_.script.kill_requested);
  state_.script.wrote = true;
  EXPECT_TRUE(IsError(Run({"FUNCTION", "KILL"}), errors::kUnkillableScript));
  state_.script = RunningScript{};
}

TEST_F(FunctionFamilyTest, SubcommandArgumentErrors) {
  EXPECT_TRUE(IsError(Run({"FUNCTION", "LOAD", "x", "code"}), "ERR Unknown option given: x"));
  EXPECT_TRUE(IsError(Run({"FUNCTION", "DELETE", "nope"}), "ERR Library not found"));
  EXPECT_TRUE(IsError(Run({"FUNCTION", "FLUSH", "x"}),
                      "ERR FUNCTION FLUSH only supports SYNC|ASYNC option"));
  EXPECT_EQ(Run({"FUNCTION", "FLUSH", "async"}).str, "OK");
  Reply help = Run({"FUNCTION", "HELP"});
  ASSERT_EQ(help.elements.size(), 40u);  // as redis-server 7.0.15
  EXPECT_EQ(help.elements[1].str, "LOAD [REPLACE] <FUNCTION CODE>");
}

TEST_F(FunctionFamilyTest, FunctionCommandsAreRefusedFromScripts) {
  Run({"FUNCTION", "LOAD",
       "#!lua name=n\nredis.register_function('n', function() return redis.call('fcall', 'n', "
       "0) end)"});
  EXPECT_TRUE(IsError(Run({"FCALL", "n", "0"}),
                      "ERR This Redis command is not allowed from script script: n, on "
                      "@user_function:2."));
  std::string body = "return redis.call('function', 'list')";
  EXPECT_TRUE(IsError(Run({"EVAL", body, "0"}),
                      "ERR This Redis command is not allowed from script script: " +
                          scripting::Sha1Hex(body) + ", on @user_script:1."));
}

}  // namespace
}  // namespace tandem::commands
