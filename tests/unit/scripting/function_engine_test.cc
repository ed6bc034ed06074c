#include "server/scripting/function_engine.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/resp/reply_builder.h"
#include "server/scripting/shebang.h"

namespace tandem::scripting {
namespace {

using std::chrono::milliseconds;

// Answers every redis.call with a bulk of its last argument.
class EchoHost final : public ScriptHost {
 public:
  void Call(std::span<const std::string_view> argv, int, std::string* reply) override {
    *reply = "$" + std::to_string(argv.back().size()) + "\r\n" + std::string(argv.back()) + "\r\n";
  }
  base::StatusOr<bool> AclCheck(std::span<const std::string_view>) override { return true; }
  void Log(LogLevel, std::string_view) override {}
  void SetReplication(int) override {}
  bool Interrupted() override { return kill; }
  bool kill = false;
};

class FunctionEngineTest : public ::testing::Test {
 protected:
  FunctionEngineTest()
      : engine_("7.0.15", [this](LogLevel level, std::string_view message) {
          logs_.push_back(std::to_string(level) + " " + std::string(message));
        }) {}

  base::StatusOr<std::string> Load(std::string_view code, bool replace = false) {
    return engine_.Load(code, replace, milliseconds(500));
  }

  // FCALL's reply (or error text) as RESP.
  std::string Call(std::string_view name, std::vector<std::string_view> keys = {},
                   std::vector<std::string_view> args = {}) {
    const LuaFunction* fn = engine_.FindFunction(name);
    if (fn == nullptr) return "not found";
    std::string out;
    resp::ReplyBuilder reply(out);
    std::optional<ScriptError> error = engine_.Call(*fn, keys, args, host_, reply);
    return error ? "-" + error->message : out;
  }

  std::string LoadError(std::string_view code, bool replace = false) {
    base::StatusOr<std::string> loaded = Load(code, replace);
    return loaded.ok() ? "loaded " + *loaded : std::string(loaded.status().message());
  }

  std::vector<std::string> logs_;
  FunctionEngine engine_;
  EchoHost host_;
};

constexpr char kLib[] =
    "#!lua name=lib\n"
    "redis.register_function('echo', function(keys, args) return redis.call('get', keys[1]) end)\n"
    "redis.register_function{function_name='ro', callback=function(keys, args) return args end,\n"
    "  flags={'no-writes', 'ALLOW-OOM'}, description='reads'}\n";

TEST_F(FunctionEngineTest, LoadRegistersFunctionsThatRunWithKeysAndArgs) {
  ASSERT_EQ(LoadError(kLib), "loaded lib");
  ASSERT_EQ(engine_.libraries().size(), 1u);
  const Library& lib = *engine_.libraries().at("lib");
  EXPECT_EQ(lib.code, kLib);
  ASSERT_EQ(lib.functions.size(), 2u);
  EXPECT_EQ(lib.functions[0].name, "echo");
  EXPECT_FALSE(lib.functions[0].description.has_value());
  EXPECT_EQ(lib.functions[1].flags, kScriptNoWrites | kScriptAllowOom);
  EXPECT_EQ(lib.functions[1].description, "reads");
  EXPECT_EQ(engine_.function_count(), 2u);

  EXPECT_EQ(Call("echo", {"k"}), "$1\r\nk\r\n");
  EXPECT_EQ(Call("ECHO", {"k"}), "$1\r\nk\r\n");  // function names are case-insensitive
  EXPECT_EQ(Call("ro", {}, {"a", "b"}), "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  EXPECT_EQ(Call("nope"), "not found");
}

TEST_F(FunctionEngineTest, MetadataErrors) {
  EXPECT_EQ(LoadError("return 1"), "ERR Missing library metadata");
  EXPECT_EQ(LoadError("#!lua name=x"), "ERR Invalid library metadata");
  EXPECT_EQ(LoadError("#!lua\n"), "ERR Library name was not given");
  EXPECT_EQ(LoadError("#!lua name=a-b\n"),
            "ERR Library names can only contain letters, numbers, or underscores(_) and must be "
            "at least one character long");
  EXPECT_EQ(LoadError("#!lua name=a name=b\n"),
            "ERR Invalid metadata value, name argument was given multiple times");
  EXPECT_EQ(LoadError("#!lua name=a x=1\n"), "ERR Invalid metadata value given: x=1");
  EXPECT_EQ(LoadError("#!js name=a\n"), "ERR Engine 'js' not found");
  EXPECT_EQ(LoadError("#!lua name=a\nlocal x = 1"), "ERR No functions registered");
  EXPECT_EQ(LoadError("#!lua name=a\n\nnot lua"),
            "ERR Error compiling function: user_function:3: unexpected symbol near 'not'");
}

TEST_F(FunctionEngineTest, LoadTimeGlobalsHoldOnlyTheLoadApi) {
  EXPECT_EQ(LoadError("#!lua name=a\nredis.call('ping')"),
            "ERR Error registering functions: ERR user_function:2: Script attempted to access "
            "nonexistent global variable 'call'");
  EXPECT_EQ(LoadError("#!lua name=a\nlocal t = table"),
            "ERR Error registering functions: ERR user_function:2: Script attempted to access "
            "nonexistent global variable 'table'");
  EXPECT_EQ(LoadError("#!lua name=a\nx = 1"),
            "ERR Error registering functions: ERR user_function:2: Attempt to modify a readonly "
            "table");
  ASSERT_EQ(LoadError("#!lua name=a\nredis.log(redis.LOG_WARNING, 'hi', redis.REDIS_VERSION)\n"
                      "redis.register_function('f', function() return math.floor(2.5) end)"),
            "loaded a");
  EXPECT_EQ(logs_, std::vector<std::string>{"3 hi 7.0.15"});
  // Back to the run-time globals afterwards: the function sees math, not register_function.
  EXPECT_EQ(Call("f"), ":2\r\n");
  ASSERT_EQ(LoadError("#!lua name=b\nlocal r = redis.register_function\n"
                      "r('late', function() r('x', function() end) end)"),
            "loaded b");
  EXPECT_EQ(Call("late"),
            "-ERR redis.register_function can only be called on FUNCTION LOAD command script: "
            "late, on @user_function:3.");
}

TEST_F(FunctionEngineTest, LoadTimeout) {
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(
      engine_.Load("#!lua name=a\nwhile true do end", false, milliseconds(50)).status().message(),
      "ERR Error registering functions: ERR FUNCTION LOAD timeout");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_TRUE(engine_.libraries().empty());
}

TEST_F(FunctionEngineTest, RegisterFunctionErrors) {
  auto error = [&](std::string_view code) {
    std::string message = LoadError("#!lua name=a\n" + std::string(code));
    std::string prefix = "ERR Error registering functions: ERR ";
    return message.starts_with(prefix) ? message.substr(prefix.size()) : message;
  };
  EXPECT_EQ(error("redis.register_function()"),
            "wrong number of arguments to redis.register_function");
  EXPECT_EQ(error("redis.register_function({}, function() end)"),
            "first argument to redis.register_function must be a string");
  EXPECT_EQ(error("redis.register_function{function_name='f', callback=function() end, "
                  "description={}}"),
            "description argument given to redis.register_function must be a string");
  EXPECT_EQ(error("redis.register_function{function_name={}, callback=function() end}"),
            "function_name argument given to redis.register_function must be a string");
  EXPECT_EQ(error("redis.register_function{[1]=2}"),
            "unknown argument given to redis.register_function");
  EXPECT_EQ(error("redis.register_function{function_name='f', callback=function() end, "
                  "flags={'no-writes', 7}}"),
            "unknown flag given");
  EXPECT_EQ(error("redis.register_function('f', function() end)\n"
                  "redis.register_function('f', function() end)"),
            "Function already exists in the library");
  // A number is a string to Lua: function 1 is fine.
  EXPECT_EQ(LoadError("#!lua name=n\nredis.register_function(1, function() return 'one' end)"),
            "loaded n");
  EXPECT_EQ(Call("1"), "$3\r\none\r\n");
}

TEST_F(FunctionEngineTest, ReplaceIsAtomicAndNamesAreUniqueAcrossLibraries) {
  ASSERT_TRUE(Load(kLib).ok());
  EXPECT_EQ(LoadError(kLib), "ERR Library 'lib' already exists");
  EXPECT_EQ(LoadError("#!lua name=other\nredis.register_function('ECHO', function() end)"),
            "ERR Function ECHO already exists");
  EXPECT_EQ(LoadError("#!lua name=lib\nlocal x = y", true).substr(0, 35),
            "ERR Error registering functions: ER");
  EXPECT_EQ(Call("echo", {"k"}), "$1\r\nk\r\n");  // the old library stays
  EXPECT_EQ(
      LoadError("#!lua name=lib\nredis.register_function('echo', function() return 2 end)", true),
      "loaded lib");
  EXPECT_EQ(Call("echo"), ":2\r\n");
  EXPECT_EQ(engine_.FindFunction("ro"), nullptr);  // gone with the old library
  // Library names are case-sensitive.
  EXPECT_EQ(LoadError("#!lua name=LIB\nredis.register_function('x', function() end)"),
            "loaded LIB");
  EXPECT_EQ(engine_.libraries().size(), 2u);
}

TEST_F(FunctionEngineTest, CaseVariantsInOneLibraryResolveToTheFirst) {
  ASSERT_EQ(LoadError("#!lua name=a\nredis.register_function('f', function() return 1 end)\n"
                      "redis.register_function('F', function() return 2 end)"),
            "loaded a");
  EXPECT_EQ(engine_.function_count(), 2u);
  EXPECT_EQ(Call("F"), ":1\r\n");
  ASSERT_TRUE(engine_.Delete("a").ok());
  EXPECT_EQ(engine_.FindFunction("f"), nullptr);
}

TEST_F(FunctionEngineTest, DeleteAndFlush) {
  ASSERT_TRUE(Load(kLib).ok());
  EXPECT_EQ(engine_.Delete("nope").message(), "ERR Library not found");
  EXPECT_TRUE(engine_.Delete("lib").ok());
  EXPECT_EQ(engine_.FindFunction("echo"), nullptr);
  ASSERT_TRUE(Load(kLib).ok());
  engine_.Flush();
  EXPECT_TRUE(engine_.libraries().empty());
  EXPECT_EQ(engine_.function_count(), 0u);
  EXPECT_TRUE(Load(kLib).ok());  // names are free again
}

TEST_F(FunctionEngineTest, RestorePolicies) {
  ASSERT_TRUE(Load(kLib).ok());
  std::vector<std::string> same = {kLib};
  EXPECT_EQ(engine_.Restore(same, RestorePolicy::kAppend, milliseconds(500)).message(),
            "ERR Library lib already exists");
  EXPECT_TRUE(engine_.Restore(same, RestorePolicy::kReplace, milliseconds(500)).ok());
  std::vector<std::string> clash = {
      "#!lua name=two\nredis.register_function('echo', function() return 2 end)"};
  EXPECT_EQ(engine_.Restore(clash, RestorePolicy::kReplace, milliseconds(500)).message(),
            "ERR Function echo already exists");
  EXPECT_EQ(engine_.libraries().size(), 1u);
  EXPECT_TRUE(engine_.Restore(clash, RestorePolicy::kFlush, milliseconds(500)).ok());
  EXPECT_EQ(engine_.libraries().size(), 1u);
  EXPECT_EQ(Call("echo"), ":2\r\n");
  std::vector<std::string> twice = {clash[0], clash[0]};
  EXPECT_EQ(engine_.Restore(twice, RestorePolicy::kFlush, milliseconds(500)).message(),
            "ERR Library 'two' already exists");
  EXPECT_EQ(Call("echo"), ":2\r\n");  // unchanged on error
}

TEST_F(FunctionEngineTest, RunErrorsNameTheFunction) {
  ASSERT_TRUE(Load("#!lua name=e\nredis.register_function('boom', function() error('x') end)\n"
                   "redis.register_function('g', function() return KEYS end)\n"
                   "redis.register_function('spin', function() while true do end end)")
                  .ok());
  EXPECT_EQ(Call("boom"), "-ERR user_function:2: x script: boom, on @user_function:2.");
  EXPECT_EQ(Call("g"),
            "-ERR user_function:3: Script attempted to access nonexistent global variable "
            "'KEYS' script: g, on @user_function:3.");
  host_.kill = true;
  EXPECT_EQ(Call("spin"),
            "-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:4.");
}

}  // namespace
}  // namespace tandem::scripting
