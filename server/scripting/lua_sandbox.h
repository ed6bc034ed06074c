#pragma once
// The Lua environment every EVAL script sees, as in Redis 7.0: the base, table, string, math,
// cjson, bit, cmsgpack and struct libraries, and `os` with `clock` only (no file, io, package or
// debug access); Redis's math.random; read-only globals and library tables ("Attempt to modify a
// readonly table"); reading an unset global is an error ("Script attempted to access nonexistent
// global variable 'x'"); pcall that turns {err=...} error tables into their message; and the error
// handler that EVAL runs scripts under (__redis__err__handler), which records where an error
// happened.
//
// Stock Lua 5.1 has no read-only tables, so globals and library tables are empty proxies whose
// metatables read through to the real table and refuse writes; rawset, rawget, next, pairs,
// setmetatable and the table library see through (or refuse) the proxies.

#include <lua.hpp>
#include <string_view>

namespace tandem::scripting {

// Opens the libraries and the redis table (REDIS_VERSION `version`) in `L`, a fresh state, and
// makes the globals read-only. The real globals table (where KEYS and ARGV are set) stays
// reachable through PushRealGlobals.
void OpenSandbox(lua_State* L, std::string_view version);

// Pushes the real (writable) globals table.
void PushRealGlobals(lua_State* L);

// The registry key of the error handler function.
inline constexpr char kErrorHandlerName[] = "__redis__err__handler";

}  // namespace tandem::scripting
