#include "server/scripting/lua_sandbox.h"

extern "C" {
#include <lua5.1/lua-bitop.h>
#include <lua5.1/lua-cjson.h>
}

#include <cmath>
#include <ctime>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "server/scripting/lua_cmsgpack.h"
#include "server/scripting/lua_redis_api.h"
#include "server/scripting/lua_struct.h"

namespace tandem::scripting {
namespace {

// Registry keys (their addresses are unique).
char kRealGlobalsKey;
char kProxiesKey;  // proxy -> the table it protects

constexpr char kReadonlyError[] = "Attempt to modify a readonly table";

// `os` with clock only: scripts may time themselves (the issue asks for it; redis-server 7.0.15
// has no `os` at all, 7.2 added os.clock).
int OsClock(lua_State* L) {
  lua_pushnumber(L, static_cast<lua_Number>(std::clock()) / CLOCKS_PER_SEC);
  return 1;
}

int OpenOsClock(lua_State* L) {
  lua_newtable(L);
  lua_pushcfunction(L, OsClock);
  lua_setfield(L, -2, "clock");
  return 1;
}

struct Library {
  const char* name;
  lua_CFunction open;
};

// The C libraries scripts get, opened in this order. debug is only for the error handler and is
// removed from the globals afterwards.
constexpr Library kLibraries[] = {
    {"", luaopen_base},
    {LUA_TABLIBNAME, luaopen_table},
    {LUA_STRLIBNAME, luaopen_string},
    {LUA_MATHLIBNAME, luaopen_math},
    {LUA_DBLIBNAME, luaopen_debug},
    {"cjson", luaopen_cjson},
    {"bit", luaopen_bit},
    {"cmsgpack", OpenCmsgpack},
    {"struct", OpenStruct},
    {"os", OpenOsClock},
};

// The globals a script may see (besides KEYS and ARGV); the base library's others (print,
// dofile, loadfile, getfenv, setfenv, newproxy) are removed, as in Redis.
constexpr std::string_view kAllowedGlobals[] = {
    "string",
    "cjson",
    "bit",
    "cmsgpack",
    "math",
    "table",
    "struct",
    "os",
    "redis",
    "coroutine",
    "_G",
    "_VERSION",
    "assert",
    "collectgarbage",
    "error",
    "gcinfo",
    "getmetatable",
    "ipairs",
    "load",
    "loadstring",
    "next",
    "pairs",
    "pcall",
    "rawequal",
    "rawget",
    "rawset",
    "select",
    "setmetatable",
    "tonumber",
    "tostring",
    "type",
    "unpack",
    "xpcall",
    kErrorHandlerName,
};

// ---- math.random as Redis has it: a 48-bit linear congruential generator (rand48) ----------

// Process-wide, as in Redis: scripts share one sequence (not reset per script in 7.0).
uint64_t rand48_state = 0x1234ABCD330EULL;

int32_t Rand48() {
  rand48_state = (rand48_state * 0x5DEECE66DULL + 0xB) & ((1ULL << 48) - 1);
  return static_cast<int32_t>(rand48_state >> 17);
}

constexpr int32_t kRand48Max = INT32_MAX;

int MathRandom(lua_State* L) {
  lua_Number r = static_cast<lua_Number>(Rand48() % kRand48Max) / kRand48Max;
  switch (lua_gettop(L)) {
    case 0:
      lua_pushnumber(L, r);
      break;
    case 1: {
      int u = luaL_checkint(L, 1);
      luaL_argcheck(L, 1 <= u, 1, "interval is empty");
      lua_pushnumber(L, std::floor(r * u) + 1);
      break;
    }
    case 2: {
      int l = luaL_checkint(L, 1);
      int u = luaL_checkint(L, 2);
      luaL_argcheck(L, l <= u, 2, "interval is empty");
      lua_pushnumber(L, std::floor(r * (u - l + 1)) + l);
      break;
    }
    default:
      return luaL_error(L, "wrong number of arguments");
  }
  return 1;
}

int MathRandomSeed(lua_State* L) {
  rand48_state = (static_cast<uint64_t>(static_cast<uint32_t>(luaL_checkint(L, 1))) << 16) | 0x330E;
  return 0;
}

// ---- pcall ---------------------------------------------------------------------------------

// pcall(f, ...): as Lua's, except that an error table with a string "err" field is returned as
// that string (Redis 7.0 does the same, so that redis.call errors read as messages).
int RedisPcall(lua_State* L) {
  luaL_checkany(L, 1);
  int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
  if (status != 0) {
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "err");
      if (lua_isstring(L, -1)) {
        lua_replace(L, -2);
      } else {
        lua_pop(L, 1);
      }
    }
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
  }
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  return lua_gettop(L);
}

// ---- the error handler ---------------------------------------------------------------------

// Turns any error into a table {err=<message>, source=<chunk>, line=<line>}, naming the Lua code
// that raised it (skipping a C function such as error() or redis.call()). Written in Lua because
// it needs debug.getinfo, which scripts do not get.
constexpr char kErrorHandlerSource[] = R"lua(
local getinfo = debug.getinfo
return function(err)
  local info = getinfo(2, 'Sl')
  if info and info.what == 'C' then
    info = getinfo(3, 'Sl')
  end
  if type(err) ~= 'table' then
    err = {err = 'ERR ' .. tostring(err)}
  end
  if info then
    err['source'] = info.source
    err['line'] = info.currentline
  end
  return err
end
)lua";

// ---- read-only tables ----------------------------------------------------------------------

// Pushes the table `index` protects when it is a proxy; otherwise pushes nothing and returns
// false.
bool PushProtected(lua_State* L, int index) {
  if (!lua_istable(L, index)) return false;
  lua_pushlightuserdata(L, &kProxiesKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_pushvalue(L, index);
  lua_rawget(L, -2);
  lua_remove(L, -2);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return false;
  }
  return true;
}

// Raises the read-only error without a position, as the Lua VM does for a C caller.
int RaiseReadonly(lua_State* L) {
  lua_pushstring(L, kReadonlyError);
  return lua_error(L);
}

// __newindex of a proxy: the error names the Lua line that assigned.
int ProxyNewIndex(lua_State* L) { return luaL_error(L, kReadonlyError); }

// __index of the real globals table: reading an unset global from Lua code is an error.
int MissingGlobal(lua_State* L) {
  lua_Debug ar;
  if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "S", &ar) && std::strcmp(ar.what, "C") != 0) {
    return luaL_error(L, "Script attempted to access nonexistent global variable '%s'",
                      luaL_optstring(L, 2, "?"));
  }
  return 0;
}

// A wrapper (upvalue 1: the original function) that refuses a proxy as first argument.
int RefuseProxyFirst(lua_State* L) {
  if (PushProtected(L, 1)) return RaiseReadonly(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

// A wrapper (upvalue 1: the original function) that reads the protected table in place of a
// proxy given as first argument.
int SeeThroughFirst(lua_State* L) {
  if (PushProtected(L, 1)) lua_replace(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

// pairs(t): next, t, nil, with the protected table in place of a proxy.
int Pairs(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  if (!PushProtected(L, 1)) lua_pushvalue(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));  // next
  lua_insert(L, -2);
  lua_pushnil(L);
  return 3;
}

// Replaces field `name` of the table at `table` by `wrapper` closed over the original.
void Wrap(lua_State* L, int table, const char* name, lua_CFunction wrapper) {
  table = table < 0 && table > LUA_REGISTRYINDEX ? lua_gettop(L) + table + 1 : table;
  lua_getfield(L, table, name);
  lua_pushcclosure(L, wrapper, 1);
  lua_setfield(L, table, name);
}

// Pushes a proxy for the table at `index`: empty, reading through to it, refusing writes.
void PushProxy(lua_State* L, int index) {
  if (index < 0) index = lua_gettop(L) + index + 1;
  lua_newtable(L);  // the proxy
  lua_createtable(L, 0, 3);
  lua_pushvalue(L, index);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, ProxyNewIndex);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);  // getmetatable() answers false; setmetatable() is refused
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);

  lua_pushlightuserdata(L, &kProxiesKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_pushvalue(L, -2);
  lua_pushvalue(L, index);
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

// Opens each library and makes sure its table is a global (Debian's cjson does not set one).
void OpenLibraries(lua_State* L) {
  for (const Library& lib : kLibraries) {
    lua_pushcfunction(L, lib.open);
    lua_pushstring(L, lib.name);
    lua_call(L, 1, 1);
    if (lib.name[0] != '\0' && lua_istable(L, -1)) {
      lua_setglobal(L, lib.name);
    } else {
      lua_pop(L, 1);
    }
  }
}

void InstallErrorHandler(lua_State* L) {
  if (luaL_loadbuffer(L, kErrorHandlerSource, sizeof(kErrorHandlerSource) - 1, "=errh") != 0 ||
      lua_pcall(L, 0, 1, 0) != 0) {
    lua_error(L);  // a bug in the handler's source: fail loudly at start-up
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, kErrorHandlerName);
  lua_setglobal(L, kErrorHandlerName);
}

void RemoveDisallowedGlobals(lua_State* L) {
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  lua_newtable(L);  // names to remove (not removed while iterating)
  int n = 0;
  lua_pushnil(L);
  while (lua_next(L, -3) != 0) {
    lua_pop(L, 1);
    size_t len = 0;
    const char* name = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : nullptr;
    bool allowed = false;
    for (std::string_view ok : kAllowedGlobals)
      allowed |= name && ok == std::string_view(name, len);
    if (!allowed) {
      lua_pushvalue(L, -1);
      lua_rawseti(L, -3, ++n);
    }
  }
  for (int i = 1; i <= n; ++i) {
    lua_rawgeti(L, -1, i);
    lua_pushnil(L);
    lua_rawset(L, -4);
  }
  lua_pop(L, 2);
}

// Replaces every library table in the globals by a proxy, then the globals themselves.
void ProtectGlobals(lua_State* L) {
  lua_pushlightuserdata(L, &kProxiesKey);
  lua_newtable(L);
  lua_rawset(L, LUA_REGISTRYINDEX);

  lua_pushvalue(L, LUA_GLOBALSINDEX);
  int globals = lua_gettop(L);
  Wrap(L, globals, "rawset", RefuseProxyFirst);
  Wrap(L, globals, "setmetatable", RefuseProxyFirst);
  Wrap(L, globals, "rawget", SeeThroughFirst);
  Wrap(L, globals, "next", SeeThroughFirst);
  lua_getfield(L, globals, "next");
  lua_pushcclosure(L, Pairs, 1);
  lua_setfield(L, globals, "pairs");
  lua_getfield(L, globals, LUA_TABLIBNAME);
  for (const char* name : {"insert", "remove", "sort", "setn"}) {
    Wrap(L, -1, name, RefuseProxyFirst);
  }
  lua_pop(L, 1);

  // Proxies for the library tables (collected first: the globals must not change mid-walk).
  lua_newtable(L);
  int names = lua_gettop(L);
  int n = 0;
  lua_pushnil(L);
  while (lua_next(L, globals) != 0) {
    if (lua_istable(L, -1) && !lua_rawequal(L, -1, globals)) {
      lua_pushvalue(L, -2);
      lua_rawseti(L, names, ++n);
    }
    lua_pop(L, 1);
  }
  for (int i = 1; i <= n; ++i) {
    lua_rawgeti(L, names, i);
    lua_pushvalue(L, -1);
    lua_rawget(L, globals);
    PushProxy(L, -1);
    lua_remove(L, -2);
    lua_rawset(L, globals);
  }
  lua_pop(L, 1);

  // String methods ("x"):upper() read through the string proxy too.
  lua_pushstring(L, "");
  lua_getmetatable(L, -1);
  lua_getfield(L, globals, LUA_STRLIBNAME);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 2);

  // The globals: unset names are errors, writes are refused.
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, MissingGlobal);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, globals);
  PushProxy(L, globals);
  lua_pushvalue(L, -1);
  lua_setfield(L, globals, "_G");
  lua_pushlightuserdata(L, &kRealGlobalsKey);
  lua_pushvalue(L, globals);
  lua_rawset(L, LUA_REGISTRYINDEX);
  lua_replace(L, LUA_GLOBALSINDEX);
  lua_pop(L, 1);
}

}  // namespace

void OpenSandbox(lua_State* L, std::string_view version) {
  OpenLibraries(L);
  OpenRedisLibrary(L, version);
  lua_getglobal(L, LUA_MATHLIBNAME);
  lua_pushcfunction(L, MathRandom);
  lua_setfield(L, -2, "random");
  lua_pushcfunction(L, MathRandomSeed);
  lua_setfield(L, -2, "randomseed");
  lua_pop(L, 1);
  lua_register(L, "pcall", RedisPcall);
  InstallErrorHandler(L);
  RemoveDisallowedGlobals(L);  // also removes debug
  ProtectGlobals(L);
}

void PushRealGlobals(lua_State* L) {
  lua_pushlightuserdata(L, &kRealGlobalsKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
}

}  // namespace tandem::scripting
