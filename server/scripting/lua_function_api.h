#pragma once
// What the code of a function library sees while FUNCTION LOAD runs it, as in Redis 7.0: globals
// that hold only a read-only `redis` table with register_function, log, the LOG_* constants,
// REDIS_VERSION and REDIS_VERSION_NUM (anything else is "Script attempted to access nonexistent
// global variable"), and the load timeout. The functions it registers run later with the
// ordinary sandbox globals, in which register_function is absent.

#include <chrono>
#include <cstdint>
#include <lua.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/scripting/script_host.h"

namespace tandem::scripting {

// A function registered by redis.register_function.
struct RegisteredFunction {
  std::string name;
  std::optional<std::string> description;
  uint32_t flags = 0;   // ScriptFlag bits
  int ref = LUA_NOREF;  // the callback, in the Lua registry
};

// One run of a library's code. The caller owns the refs of `functions` (luaL_unref them when the
// library goes away or fails to load).
struct LibraryLoad {
  std::vector<RegisteredFunction> functions;  // in registration order
  std::chrono::steady_clock::time_point start;
  std::chrono::milliseconds timeout{0};  // 0: none
};

// Whether `name` may name a library or a function: letters, digits and '_', at least one.
bool IsValidFunctionName(std::string_view name);

// Builds the load-time globals in `L`, whose sandbox (OpenSandbox) is already open.
void OpenFunctionLoadApi(lua_State* L);

// Runs the compiled chunk on top of `L` (popped) with the load-time globals, registering into
// `load`; `host` serves redis.log (nothing else is reachable at load time). Returns the error text
// ("ERR user_function:2: ..." or "ERR FUNCTION LOAD timeout"), or nullopt.
std::optional<std::string> RunLibraryChunk(lua_State* L, LibraryLoad& load, ScriptHost& host);

}  // namespace tandem::scripting
