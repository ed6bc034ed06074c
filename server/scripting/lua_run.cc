#include "server/scripting/lua_run.h"

#include "server/scripting/lua_convert.h"
#include "server/scripting/lua_redis_api.h"
#include "server/scripting/lua_sandbox.h"

namespace tandem::scripting {
namespace {

// The count hook: lets the host serve other clients, and stops a killed run. Once killed, the
// hook fires on every line so that a pcall in the script cannot swallow the kill.
void InterruptHook(lua_State* L, lua_Debug*) {
  ScriptRun* run = CurrentScriptRun(L);
  if (run == nullptr) return;
  if (!run->killed && run->host->Interrupted()) {
    run->killed = true;
    lua_sethook(L, InterruptHook, LUA_MASKLINE, 0);
  }
  if (run->killed) {
    PushErrorTable(L, "Script killed by user with SCRIPT KILL...");
    lua_error(L);
  }
}

std::string StringField(lua_State* L, int table, const char* name, bool* found) {
  lua_getfield(L, table, name);
  size_t len = 0;
  const char* s = lua_isstring(L, -1) ? lua_tolstring(L, -1, &len) : nullptr;
  std::string value = s == nullptr ? std::string() : std::string(s, len);
  *found = s != nullptr;
  lua_pop(L, 1);
  return value;
}

// The reply for the error value on top of the stack (what the error handler made of it).
ScriptError RaisedError(lua_State* L, std::string_view name) {
  if (!lua_istable(L, -1)) {
    const char* msg = lua_isstring(L, -1) ? lua_tostring(L, -1) : "execution failure";
    return {"ERR Error running script " + std::string(name) + ", " +
                std::string(msg).substr(0, 100) + "\n",
            false};
  }
  int table = lua_gettop(L);
  bool has_err, has_source, has_line;
  ScriptError error;
  error.message = StringField(L, table, "err", &has_err);
  std::string source = StringField(L, table, "source", &has_source);
  std::string line = StringField(L, table, "line", &has_line);
  if (has_source && has_line) {
    error.message += " script: " + std::string(name) + ", on " + source + ":" + line + ".";
  }
  lua_getfield(L, table, "ignore_error_stats_update");
  error.already_counted = lua_toboolean(L, -1) != 0;
  lua_pop(L, 1);
  return error;
}

// A result table with a string "err" field is the script's error reply.
std::optional<ScriptError> ReturnedError(lua_State* L) {
  if (!lua_istable(L, -1)) return std::nullopt;
  lua_pushliteral(L, "err");
  lua_rawget(L, -2);
  if (lua_type(L, -1) != LUA_TSTRING) {
    lua_pop(L, 1);
    return std::nullopt;
  }
  size_t len = 0;
  const char* s = lua_tolstring(L, -1, &len);
  ScriptError error{std::string(s, len), false};
  lua_pop(L, 1);
  lua_getfield(L, -1, "ignore_error_stats_update");
  error.already_counted = lua_toboolean(L, -1) != 0;
  lua_pop(L, 1);
  return error;
}

}  // namespace

std::optional<ScriptError> RunLuaFunction(lua_State* L, int nargs, std::string_view name,
                                          ScriptHost& host, resp::ReplyBuilder& reply) {
  int function = lua_gettop(L) - nargs;
  int base = function - 1;
  lua_getfield(L, LUA_REGISTRYINDEX, kErrorHandlerName);
  lua_insert(L, function);

  ScriptRun run;
  run.host = &host;
  SetScriptRun(L, &run);
  lua_sethook(L, InterruptHook, LUA_MASKCOUNT, ScriptHost::kHookInstructions);
  int status = lua_pcall(L, nargs, 1, function);
  lua_sethook(L, nullptr, 0, 0);
  SetScriptRun(L, nullptr);

  std::optional<ScriptError> error;
  if (status != 0) {
    error = RaisedError(L, name);
  } else {
    error = ReturnedError(L);
    if (!error) WriteLuaValue(L, reply, run.protocol);
  }
  lua_settop(L, base);
  return error;
}

}  // namespace tandem::scripting
