#pragma once
// Running one Lua function for a script or a Redis function, as Redis 7.0 does for both: under
// the error handler (which records where an error happened), with the count hook that lets the
// host serve other clients and stop a killed run, and the result converted to a reply.

#include <lua.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "server/resp/reply_builder.h"
#include "server/scripting/script_host.h"

namespace tandem::scripting {

// How a run failed: the error reply's text (after '-').
struct ScriptError {
  std::string message;
  // The error is a command's error reply raised by redis.call, already counted in errorstats.
  bool already_counted = false;
};

// Calls the function below the `nargs` arguments on top of `L` and pops them all. On success
// writes its result to `reply` and returns nullopt; on failure writes nothing and returns the
// error, which names `name` (the script's SHA-1 or the function's name): "ERR user_script:1: boom
// script: <name>, on @user_script:1.". `host` serves redis.call & co.
std::optional<ScriptError> RunLuaFunction(lua_State* L, int nargs, std::string_view name,
                                          ScriptHost& host, resp::ReplyBuilder& reply);

}  // namespace tandem::scripting
