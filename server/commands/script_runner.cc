#include "server/commands/script_runner.h"

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

#include "server/commands/detached_connection.h"
#include "server/commands/version.h"

namespace tandem::commands {
namespace {

class ScriptCalls final : public scripting::ScriptHost {
 public:
  ScriptCalls(Context& ctx, const ScriptCallRules& rules)
      : server_(ctx.server),
        rules_(rules),
        client_(0, &connection_, &output_, ctx.now_ms),
        threshold_ms_(ctx.server.config.GetInt("busy-reply-threshold")) {
    client_.db = ctx.client.db;
    client_.user = ctx.client.user;
    client_.authenticated = true;
    client_.in_exec = true;  // blocking commands reply as on a timeout
  }

  void Call(std::span<const std::string_view> argv, int protocol, std::string* reply) override {
    client_.set_resp_version(protocol);
    output_.clear();
    server_.runner->RunFromScript(client_, argv, rules_);
    reply->swap(output_);
  }

  base::StatusOr<bool> AclCheck(std::span<const std::string_view> argv) override {
    const CommandSpec* spec = server_.commands.ResolveCall(argv);
    if (spec == nullptr) return base::Status::InvalidArgument("unknown command");
    return client_.user == nullptr || !server_.acl.Evaluate(*client_.user, *spec, argv);
  }

  void Log(scripting::LogLevel level, std::string_view message) override {
    LogMessage(level, message);
  }

  static void LogMessage(scripting::LogLevel level, std::string_view message) {
    static constexpr spdlog::level::level_enum kLevels[] = {
        spdlog::level::trace, spdlog::level::debug, spdlog::level::info, spdlog::level::warn};
    spdlog::log(kLevels[level], "{}", message);
  }

  // Accepted and ignored: what a script propagates is decided by effects replication.
  void SetReplication(int) override {}

  bool Interrupted() override {
    RunningScript& script = server_.script;
    if (!script.busy) {
      if (server_.clock.NowMs() - script.start_ms < threshold_ms_) return false;
      script.busy = true;
      spdlog::warn(
          "Slow script detected: still in execution after {} milliseconds. You can try killing "
          "the script using the SCRIPT KILL command.",
          server_.clock.NowMs() - script.start_ms);
    }
    if (server_.control != nullptr) server_.control->ProcessEventsWhileBusy();
    return script.kill_requested;
  }

 private:
  ServerState& server_;
  const ScriptCallRules& rules_;
  DetachedConnection connection_{"lua"};  // MONITOR shows "[0 lua]"
  std::string output_;
  Client client_;
  int64_t threshold_ms_;
};

}  // namespace

scripting::LuaEngine& LuaScripts(ServerState& server) {
  if (!server.lua)
    server.lua = std::make_shared<scripting::LuaEngine>(std::string(kRedisCompatVersion));
  return *server.lua;
}

scripting::FunctionEngine& LuaFunctions(ServerState& server) {
  if (!server.functions) {
    server.functions = std::make_shared<scripting::FunctionEngine>(
        std::string(kRedisCompatVersion), [](scripting::LogLevel level, std::string_view message) {
          ScriptCalls::LogMessage(level, message);
        });
  }
  return *server.functions;
}

namespace {

// Runs `run(host)` as the running script of ctx's client and replies with its error, if any
// (`run` writes the result itself).
template <typename Run>
void RunForClient(Context& ctx, const ScriptCallRules& rules, Run run) {
  RunningScript& running = ctx.server.script;
  running.running = true;
  running.start_ms = ctx.server.clock.NowMs();
  running.caller = &ctx.client;

  std::optional<scripting::ScriptError> error;
  {
    ScriptCalls calls(ctx, rules);
    error = run(calls);
  }
  ctx.server.script = RunningScript{};
  if (!error) return;
  if (error->already_counted) {
    ctx.failed = true;
    ctx.reply().Error(error->message);
  } else {
    ctx.Error(error->message);
  }
}

}  // namespace

void RunScript(Context& ctx, const scripting::CachedScript& script,
               std::span<const std::string_view> keys, std::span<const std::string_view> args,
               const ScriptCallRules& rules) {
  ctx.server.script = RunningScript{};
  RunForClient(ctx, rules, [&](scripting::ScriptHost& host) {
    return LuaScripts(ctx.server).Run(script, keys, args, host, ctx.reply());
  });
}

void RunFunction(Context& ctx, const scripting::LuaFunction& fn,
                 std::span<const std::string_view> keys, std::span<const std::string_view> args,
                 const ScriptCallRules& rules) {
  RunningScript& running = ctx.server.script;
  running = RunningScript{};
  running.is_function = true;
  running.function_name = fn.name;
  running.command.assign(ctx.argv.begin(), ctx.argv.end());
  RunForClient(ctx, rules, [&](scripting::ScriptHost& host) {
    return LuaFunctions(ctx.server).Call(fn, keys, args, host, ctx.reply());
  });
}

}  // namespace tandem::commands
