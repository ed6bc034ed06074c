#include "server/scripting/lua_engine.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/resp/reply_builder.h"
#include "server/scripting/sha1.h"

namespace tandem::scripting {
namespace {

// Answers redis.call with canned replies and records what the script asked.
class FakeHost final : public ScriptHost {
 public:
  void Call(std::span<const std::string_view> argv, int protocol, std::string* reply) override {
    calls.emplace_back(argv.begin(), argv.end());
    protocols.push_back(protocol);
    if (argv[0] == "ping") {
      *reply = "+PONG\r\n";
    } else if (argv[0] == "incr") {
      *reply = "-ERR value is not an integer or out of range\r\n";
    } else {
      *reply =
          "$" + std::to_string(argv.back().size()) + "\r\n" + std::string(argv.back()) + "\r\n";
    }
  }
  base::StatusOr<bool> AclCheck(std::span<const std::string_view> argv) override {
    if (argv[0] == "nosuch") return base::Status::InvalidArgument("unknown");
    return argv[0] != "flushall";
  }
  void Log(LogLevel level, std::string_view message) override {
    logs.push_back(std::to_string(level) + " " + std::string(message));
  }
  void SetReplication(int flags) override { repl = flags; }
  bool Interrupted() override {
    ++interrupts;
    return kill;
  }

  std::vector<std::vector<std::string>> calls;
  std::vector<int> protocols;
  std::vector<std::string> logs;
  int repl = -1;
  int interrupts = 0;
  bool kill = false;
};

class LuaEngineTest : public ::testing::Test {
 protected:
  // Loads and runs `body`; returns the reply, or "-" and the error text.
  std::string Eval(const std::string& body, std::vector<std::string_view> keys = {},
                   std::vector<std::string_view> args = {}, int protocol = 2) {
    auto script = engine_.Load(body);
    if (!script.ok()) return "!" + script.status().message();
    std::string out;
    resp::ReplyBuilder reply(out, protocol);
    auto error = engine_.Run(**script, keys, args, host_, reply);
    if (error) {
      EXPECT_TRUE(out.empty());
      counted_ = error->already_counted;
      return "-" + error->message;
    }
    return out;
  }
  // The suffix Redis adds to an error raised on `line` of `body`.
  static std::string Where(const std::string& body, int line = 1) {
    return " script: " + Sha1Hex(body) + ", on @user_script:" + std::to_string(line) + ".";
  }

  LuaEngine engine_{"7.0.15"};
  FakeHost host_;
  bool counted_ = false;
};

TEST_F(LuaEngineTest, KeysAndArgv) {
  EXPECT_EQ(Eval("return {KEYS[1], ARGV[1], ARGV[2], #KEYS}", {"k"}, {"a", "b"}),
            "*4\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\nb\r\n:1\r\n");
  EXPECT_EQ(Eval("return #ARGV"), ":0\r\n");
}

TEST_F(LuaEngineTest, CacheByShaAndFlush) {
  auto a = engine_.Load("return 1");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*a)->sha, "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  EXPECT_EQ(*engine_.Load("return 1"), *a);
  EXPECT_EQ(engine_.Find("E0E1F9FABFC9D4800C877A703B823AC0578FF8DB"), *a);
  EXPECT_EQ(engine_.Find("e0e1"), nullptr);
  EXPECT_EQ(engine_.script_count(), 1u);
  EXPECT_GT(engine_.scripts_memory(), 0u);
  EXPECT_GT(engine_.lua_memory(), 0u);
  engine_.Flush();
  EXPECT_EQ(engine_.script_count(), 0u);
  EXPECT_EQ(engine_.Find("e0e1f9fabfc9d4800c877a703b823ac0578ff8db"), nullptr);
  EXPECT_EQ(Eval("return 2"), ":2\r\n");  // the new state works
}

TEST_F(LuaEngineTest, CompileErrors) {
  EXPECT_EQ(Eval("return 1 +"),
            "!ERR Error compiling script (new function): user_script:1: unexpected symbol near "
            "'<eof>'");
  EXPECT_EQ(Eval("#!lua flags=bad\nreturn 1"), "!ERR Unexpected flag in script shebang: bad");
  EXPECT_EQ(engine_.script_count(), 0u);
}

TEST_F(LuaEngineTest, ShebangKeepsLineNumbers) {
  std::string body = "#!lua\nreturn nil + 1";
  EXPECT_EQ(Eval(body),
            "-ERR user_script:2: attempt to perform arithmetic on a nil value" + Where(body, 2));
}

TEST_F(LuaEngineTest, RuntimeErrors) {
  std::string body = "return nil + 1";
  EXPECT_EQ(Eval(body),
            "-ERR user_script:1: attempt to perform arithmetic on a nil value" + Where(body));
  body = "error('x')";
  EXPECT_EQ(Eval(body), "-ERR user_script:1: x" + Where(body));
  body = "error({err='MY x'})";
  EXPECT_EQ(Eval(body), "-MY x" + Where(body));
  body = "error(nil)";
  EXPECT_EQ(Eval(body), "-ERR nil" + Where(body));
  EXPECT_FALSE(counted_);
  EXPECT_EQ(Eval("return {err='plain'}"), "-plain");
}

TEST_F(LuaEngineTest, SandboxGlobals) {
  std::string body = "x = 1";
  EXPECT_EQ(Eval(body), "-ERR user_script:1: Attempt to modify a readonly table" + Where(body));
  body = "string.x = 1";
  EXPECT_EQ(Eval(body), "-ERR user_script:1: Attempt to modify a readonly table" + Where(body));
  body = "rawset(_G, 'x', 1)";
  EXPECT_EQ(Eval(body), "-ERR Attempt to modify a readonly table" + Where(body));
  body = "setmetatable(_G, nil)";
  EXPECT_EQ(Eval(body), "-ERR Attempt to modify a readonly table" + Where(body));
  body = "table.insert(_G, 1)";
  EXPECT_EQ(Eval(body), "-ERR Attempt to modify a readonly table" + Where(body));
  for (std::string name : {"y", "loadfile", "dofile", "print", "io", "debug", "require",
                           "getfenv", "setfenv", "newproxy", "module", "package"}) {
    body = "return " + name;
    EXPECT_EQ(Eval(body),
              "-ERR user_script:1: Script attempted to access nonexistent global variable '" +
                  name + "'" + Where(body));
  }
  // Nothing leaked into the globals, and reading through the proxies works.
  EXPECT_EQ(Eval("return rawget(_G, 'x') == nil and rawget(string, 'format') ~= nil"), ":1\r\n");
  EXPECT_EQ(Eval("local n = 0 for k in pairs(_G) do n = n + 1 end return n > 20"), ":1\r\n");
  EXPECT_EQ(Eval("return ('abc'):upper() .. string.rep('x', 2)"), "$5\r\nABCxx\r\n");
  EXPECT_EQ(Eval("return cjson.encode({1}) .. bit.tohex(255, 2)"), "$5\r\n[1]ff\r\n");
  EXPECT_EQ(Eval("local f = loadstring('return 1 + 1') return f()"), ":2\r\n");
  // os has clock and nothing else.
  EXPECT_EQ(Eval("return type(os.clock()) == 'number' and os.exit == nil and os.execute == nil"),
            ":1\r\n");
  // Scripts may still use their own tables freely.
  EXPECT_EQ(Eval("local t = {} t.x = 1 setmetatable(t, {}) rawset(t, 'y', 2) return t.x + t.y"),
            ":3\r\n");
}

TEST_F(LuaEngineTest, RedisCall) {
  EXPECT_EQ(Eval("return redis.call('get', 'k', 1.5, 10)"), "$2\r\n10\r\n");
  ASSERT_EQ(host_.calls.size(), 1u);
  EXPECT_EQ(host_.calls[0], (std::vector<std::string>{"get", "k", "1.5", "10"}));
  EXPECT_EQ(Eval("return redis.call('ping')"), "+PONG\r\n");
  EXPECT_EQ(Eval("redis.setresp(3) return redis.call('ping').ok"), "$4\r\nPONG\r\n");
  EXPECT_EQ(host_.protocols.back(), 3);
  EXPECT_EQ(Eval("return redis.call('ping').ok"), "$4\r\nPONG\r\n");
  EXPECT_EQ(host_.protocols.back(), 2);  // each run starts in RESP2

  std::string body = "return redis.call('incr', 'k')";
  EXPECT_EQ(Eval(body), "-ERR value is not an integer or out of range" + Where(body));
  EXPECT_TRUE(counted_);
  EXPECT_EQ(Eval("return redis.pcall('incr', 'k')"),
            "-ERR value is not an integer or out of range");
  EXPECT_EQ(Eval("local ok, e = pcall(redis.call, 'incr', 'k') return {tostring(ok), e}"),
            "*2\r\n$5\r\nfalse\r\n$43\r\nERR value is not an integer or out of range\r\n");

  body = "return redis.call()";
  EXPECT_EQ(Eval(body),
            "-ERR Please specify at least one argument for this redis lib call" + Where(body));
  body = "return redis.call('get', {})";
  EXPECT_EQ(Eval(body),
            "-ERR Lua redis lib command arguments must be strings or integers" + Where(body));
  EXPECT_EQ(Eval("return redis.pcall()"),
            "-ERR Please specify at least one argument for this redis lib call");
}

TEST_F(LuaEngineTest, RedisHelpers) {
  EXPECT_EQ(Eval("return redis.sha1hex('')"),
            "$40\r\nda39a3ee5e6b4b0d3255bfef95601890afd80709\r\n");
  EXPECT_EQ(Eval("return redis.error_reply('x')"), "-ERR x");
  EXPECT_EQ(Eval("return redis.error_reply('MY x')"), "-MY x");
  EXPECT_EQ(Eval("return redis.error_reply('-MY x')"), "-MY x");
  EXPECT_EQ(Eval("return redis.error_reply()"), "-ERR wrong number or type of arguments");
  EXPECT_EQ(Eval("return redis.status_reply('FINE')"), "+FINE\r\n");
  EXPECT_EQ(Eval("return redis.REDIS_VERSION_NUM"), ":458767\r\n");
  EXPECT_EQ(Eval("return redis.REDIS_VERSION"), "$6\r\n7.0.15\r\n");
  EXPECT_EQ(Eval("return redis.replicate_commands()"), ":1\r\n");
  EXPECT_EQ(Eval("return {redis.breakpoint()}"), "*1\r\n$-1\r\n");
  EXPECT_EQ(Eval("redis.set_repl(redis.REPL_AOF) return 1"), ":1\r\n");
  EXPECT_EQ(host_.repl, kReplAof);
  EXPECT_EQ(Eval("redis.log(redis.LOG_WARNING, 'a', 5, {}, 'b') return 1"), ":1\r\n");
  ASSERT_EQ(host_.logs.size(), 1u);
  EXPECT_EQ(host_.logs[0], "3 a 5 b");
  EXPECT_EQ(Eval("return {redis.acl_check_cmd('get', 'x'), redis.acl_check_cmd('flushall')}"),
            "*2\r\n:1\r\n$-1\r\n");
  std::string body = "return redis.acl_check_cmd('nosuch')";
  EXPECT_EQ(Eval(body), "-ERR Invalid command passed to redis.acl_check_cmd()" + Where(body));
  body = "return redis.setresp(4)";
  EXPECT_EQ(Eval(body), "-ERR RESP version must be 2 or 3." + Where(body));
  body = "return redis.log(99, 'x')";
  EXPECT_EQ(Eval(body), "-ERR Invalid debug level." + Where(body));
}

TEST_F(LuaEngineTest, MathRandom) {
  EXPECT_EQ(Eval("local r = math.random() return r >= 0 and r < 1"), ":1\r\n");
  EXPECT_EQ(Eval("local r = math.random(3) return r >= 1 and r <= 3"), ":1\r\n");
  EXPECT_EQ(Eval("math.randomseed(7) local a = math.random(1000) math.randomseed(7) "
                 "return a == math.random(1000)"),
            ":1\r\n");
  std::string body = "return math.random(0)";
  EXPECT_EQ(Eval(body),
            "-ERR user_script:1: bad argument #1 to 'random' (interval is empty)" + Where(body));
}

TEST_F(LuaEngineTest, KillStopsTheScriptEvenInsidePcall) {
  host_.kill = true;
  std::string body = "while true do pcall(function() while true do end end) end";
  std::string reply = Eval(body);
  EXPECT_TRUE(reply.starts_with("-ERR Script killed by user with SCRIPT KILL... script: "))
      << reply;
  EXPECT_EQ(host_.interrupts, 1);
  host_.kill = false;
  EXPECT_EQ(Eval("return 1"), ":1\r\n");  // the next script runs normally
}

TEST_F(LuaEngineTest, HookAsksTheHostWhileRunning) {
  EXPECT_EQ(Eval("local n = 0 for i = 1, 1000000 do n = n + 1 end return n"), ":1000000\r\n");
  EXPECT_GT(host_.interrupts, 0);
}

}  // namespace
}  // namespace tandem::scripting
