#pragma once
// Running one EVAL script or FCALL function for a client: the script's own client (the caller's db
// and user, RESP as redis.setresp says, blocking commands answer as on a timeout), redis.call
// through the dispatcher, redis.log to the server log, and the busy-script protocol: past
// busy-reply-threshold the script is marked busy and other clients are served (they get BUSY
// and may send SCRIPT KILL) every few instructions.

#include <span>
#include <string_view>

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

}  // namespace tandem::commands
