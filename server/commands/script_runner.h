#pragma once
// Running one EVAL script or FCALL function for a client: the script's own client (the caller's db
// and user, RESP as redis.setresp says, blocking commands answer as on a timeout), redis.call
// through the dispatcher, redis.log to the server log, and the busy-script protocol: past
// busy-reply-threshold the script is marked busy and other clients are served (they get BUSY
// and may send SCRIPT KILL) every few instructions.

#include <span>
#include <string_view>

#include "server/commands/command_spec.h"
#include "server/commands/context.h"
#include "server/commands/server_state.h"
#include "server/scripting/function_engine.h"
#include "server/scripting/lua_engine.h"

namespace tandem::commands {

// The EVAL engine of `server`, made on first use.
scripting::LuaEngine& LuaScripts(ServerState& server);

// The function libraries of `server`, made on first use.
scripting::FunctionEngine& LuaFunctions(ServerState& server);

// Runs `script` for ctx's client and replies with its result or error. server.script describes
// the run until it returns.
void RunScript(Context& ctx, const scripting::CachedScript& script,
               std::span<const std::string_view> keys, std::span<const std::string_view> args,
               const ScriptCallRules& rules);

// Runs function `fn` as RunScript runs a script, with server.script.is_function set and the
// function's name and ctx.argv recorded there (FUNCTION STATS shows them).
void RunFunction(Context& ctx, const scripting::LuaFunction& fn,
                 std::span<const std::string_view> keys, std::span<const std::string_view> args,
                 const ScriptCallRules& rules);

// The command row of EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, FCALL and FCALL_RO: "name body-or-name
// numkeys key... arg...", scripting flags plus `flags` (kMayReplicate or kReadonly).
inline CommandSpec ScriptCallCommand(std::string_view name, uint32_t flags, Handler handler,
                                     std::string_view summary, std::string_view since,
                                     std::string_view key_flags) {
  return CommandSpec{.name = name,
                     .arity = -3,
                     .flags = kNoScript | kStale | kSkipMonitor | kNoMandatoryKeys | flags,
                     .first_key = 0,
                     .last_key = 0,
                     .step = 0,
                     .acl = kAclScripting,
                     .handler = handler,
                     .group = "scripting",
                     .summary = summary,
                     .since = since,
                     .key_flags = key_flags,
                     .key_finder = KeysAfterNumkeysAt<2>};
}

}  // namespace tandem::commands
