#include "server/scripting/lua_function_api.h"

#include <cstring>
#include <string_view>

#include "server/base/ascii_case.h"
#include "server/scripting/lua_redis_api.h"
#include "server/scripting/lua_sandbox.h"
#include "server/scripting/shebang.h"

namespace tandem::scripting {
namespace {

// Registry keys (their addresses are unique).
char kLoadGlobalsKey;  // the proxy that stands for the globals while a library loads
char kLoadKey;         // light userdata: the LibraryLoad running now, or nil

constexpr char kBadName[] =
    "Library names can only contain letters, numbers, or underscores(_) and must be at least one "
    "character long";

// The flag names register_function accepts (case-insensitively), in the order FUNCTION LIST
// prints them.
struct FlagName {
  const char* name;
  ScriptFlag bit;
};
constexpr FlagName kFlagNames[] = {
    {"no-writes", kScriptNoWrites},
    {"allow-oom", kScriptAllowOom},
    {"allow-stale", kScriptAllowStale},
    {"no-cluster", kScriptNoCluster},
    {"allow-cross-slot-keys", kScriptAllowCrossSlotKeys},
};

// Functions below raise Lua errors (a longjmp): C++ objects with destructors must be gone by
// then, so the C++ work happens in helpers that return first.

LibraryLoad* CurrentLoad(lua_State* L) {
  lua_pushlightuserdata(L, &kLoadKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  auto* load = static_cast<LibraryLoad*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return load;
}

void SetCurrentLoad(lua_State* L, LibraryLoad* load) {
  lua_pushlightuserdata(L, &kLoadKey);
  if (load == nullptr) {
    lua_pushnil(L);
  } else {
    lua_pushlightuserdata(L, load);
  }
  lua_rawset(L, LUA_REGISTRYINDEX);
}

// __index of a load-time proxy (upvalue 1: the table it reads): an absent name read from Lua code
// is an error, as Redis's error metatable makes it.
int ReadOnlyIndex(lua_State* L) {
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  if (!lua_isnil(L, -1)) return 1;
  lua_Debug ar;
  if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "S", &ar) && std::strcmp(ar.what, "C") != 0) {
    return luaL_error(L, "Script attempted to access nonexistent global variable '%s'",
                      luaL_optstring(L, 2, "?"));
  }
  return 0;
}

int ReadOnlyNewIndex(lua_State* L) { return luaL_error(L, "Attempt to modify a readonly table"); }

// Replaces the table on top of the stack by an empty proxy that reads it and refuses writes.
void MakeReadOnlyProxy(lua_State* L) {
  int content = lua_gettop(L);
  lua_newtable(L);
  lua_createtable(L, 0, 3);
  lua_pushvalue(L, content);
  lua_pushcclosure(L, ReadOnlyIndex, 1);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, ReadOnlyNewIndex);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_replace(L, content);
}

// The string (or number, as text) at `index`, or nullopt.
std::optional<std::string> StringAt(lua_State* L, int index) {
  if (!lua_isstring(L, index)) return std::nullopt;
  size_t len = 0;
  const char* s = lua_tolstring(L, index, &len);
  return std::string(s, len);
}

// Reads the flags table on top of the stack. False on a non-string or unknown flag.
bool ReadFlags(lua_State* L, uint32_t* flags) {
  for (int i = 1;; ++i) {
    lua_rawgeti(L, -1, i);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      return true;
    }
    const char* name = lua_isstring(L, -1) ? lua_tostring(L, -1) : nullptr;
    bool found = false;
    for (const FlagName& flag : kFlagNames) {
      if (name != nullptr && base::EqualsIgnoreCase(name, flag.name)) {
        *flags |= flag.bit;
        found = true;
      }
    }
    lua_pop(L, 1);
    if (!found) return false;
  }
}

// redis.register_function{function_name=, callback=, flags=, description=}. On success `fn` holds
// the callback's ref.
const char* ReadNamedArgs(lua_State* L, RegisteredFunction* fn) {
  if (!lua_istable(L, 1)) {
    return "calling redis.register_function with a single argument is only applicable to Lua "
           "table (representing named arguments).";
  }
  bool has_name = false;
  lua_pushnil(L);
  while (lua_next(L, 1) != 0) {
    if (!lua_isstring(L, -2)) {
      lua_pop(L, 2);
      return "named argument key given to redis.register_function is not a string";
    }
    lua_pushvalue(L, -2);  // tostring on the key itself would confuse lua_next
    std::string key = lua_tostring(L, -1);
    lua_pop(L, 1);
    const char* error = nullptr;
    if (base::EqualsIgnoreCase(key, "function_name")) {
      std::optional<std::string> name = StringAt(L, -1);
      if (!name) error = "function_name argument given to redis.register_function must be a string";
      if (name) fn->name = std::move(*name);
      has_name = has_name || name.has_value();
    } else if (base::EqualsIgnoreCase(key, "description")) {
      fn->description = StringAt(L, -1);
      if (!fn->description) {
        error = "description argument given to redis.register_function must be a string";
      }
    } else if (base::EqualsIgnoreCase(key, "callback")) {
      if (!lua_isfunction(L, -1)) {
        error = "callback argument given to redis.register_function must be a function";
      } else {
        luaL_unref(L, LUA_REGISTRYINDEX, fn->ref);
        fn->ref = luaL_ref(L, LUA_REGISTRYINDEX);  // pops the value
        continue;
      }
    } else if (base::EqualsIgnoreCase(key, "flags")) {
      if (!lua_istable(L, -1)) {
        error =
            "flags argument to redis.register_function must be a table representing function "
            "flags";
      } else if (!ReadFlags(L, &fn->flags)) {
        error = "unknown flag given";
      }
    } else {
      error = "unknown argument given to redis.register_function";
    }
    if (error != nullptr) {
      lua_pop(L, 2);
      return error;
    }
    lua_pop(L, 1);
  }
  if (!has_name) return "redis.register_function must get a function name argument";
  if (fn->ref == LUA_NOREF) return "redis.register_function must get a callback argument";
  return nullptr;
}

// redis.register_function(name, callback).
const char* ReadPositionalArgs(lua_State* L, RegisteredFunction* fn) {
  std::optional<std::string> name = StringAt(L, 1);
  if (!name) return "first argument to redis.register_function must be a string";
  if (!lua_isfunction(L, 2)) return "second argument to redis.register_function must be a function";
  fn->name = std::move(*name);
  lua_pushvalue(L, 2);
  fn->ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return nullptr;
}

// Reads the arguments and adds the function to `load`; returns the error message, if any.
const char* DoRegister(lua_State* L, LibraryLoad& load) {
  int argc = lua_gettop(L);
  if (argc < 1 || argc > 2) return "wrong number of arguments to redis.register_function";
  RegisteredFunction fn;
  const char* error = argc == 1 ? ReadNamedArgs(L, &fn) : ReadPositionalArgs(L, &fn);
  if (error == nullptr && !IsValidFunctionName(fn.name)) error = kBadName;
  if (error == nullptr) {
    for (const RegisteredFunction& other : load.functions) {
      // Case-sensitive here, although FCALL finds functions in any case (as Redis 7.0 does).
      if (other.name == fn.name) error = "Function already exists in the library";
    }
  }
  if (error != nullptr) {
    luaL_unref(L, LUA_REGISTRYINDEX, fn.ref);
    return error;
  }
  load.functions.push_back(std::move(fn));
  return nullptr;
}

int RegisterFunction(lua_State* L) {
  LibraryLoad* load = CurrentLoad(L);
  const char* error = load == nullptr
                          ? "redis.register_function can only be called on FUNCTION LOAD command"
                          : DoRegister(L, *load);
  if (error == nullptr) return 0;
  PushErrorTable(L, error);
  return lua_error(L);
}

// Stops a library's code that runs past its timeout; from then on every line raises again.
void LoadTimeoutHook(lua_State* L, lua_Debug*) {
  LibraryLoad* load = CurrentLoad(L);
  if (load == nullptr || load->timeout.count() == 0) return;
  if (std::chrono::steady_clock::now() - load->start <= load->timeout) return;
  lua_sethook(L, LoadTimeoutHook, LUA_MASKLINE, 0);
  PushErrorTable(L, "FUNCTION LOAD timeout");
  lua_error(L);
}

// The error value on top of the stack as Redis reports a load error: a string gets "ERR ", an
// error table gives its "err" field.
std::string LoadError(lua_State* L) {
  if (lua_type(L, -1) == LUA_TSTRING) return "ERR " + std::string(lua_tostring(L, -1));
  if (lua_istable(L, -1)) {
    lua_getfield(L, -1, "err");
    std::string message = lua_isstring(L, -1) ? lua_tostring(L, -1) : "ERR unknown error";
    lua_pop(L, 1);
    return message;
  }
  return "ERR unknown error";
}

// Points the globals proxy's reads at the table on top of the stack (popped).
void SetGlobalsSource(lua_State* L) {
  lua_getmetatable(L, LUA_GLOBALSINDEX);
  lua_insert(L, -2);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}

}  // namespace

bool IsValidFunctionName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

void OpenFunctionLoadApi(lua_State* L) {
  // The load-time redis table: register_function and what the run-time table shares with it.
  lua_newtable(L);
  lua_pushcfunction(L, RegisterFunction);
  lua_setfield(L, -2, "register_function");
  lua_getglobal(L, "redis");
  for (const char* name : {"log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING",
                           "REDIS_VERSION", "REDIS_VERSION_NUM"}) {
    lua_getfield(L, -1, name);
    lua_setfield(L, -3, name);
  }
  lua_pop(L, 1);
  MakeReadOnlyProxy(L);

  lua_createtable(L, 0, 1);
  lua_insert(L, -2);
  lua_setfield(L, -2, "redis");
  MakeReadOnlyProxy(L);
  lua_pushlightuserdata(L, &kLoadGlobalsKey);
  lua_insert(L, -2);
  lua_rawset(L, LUA_REGISTRYINDEX);
}

std::optional<std::string> RunLibraryChunk(lua_State* L, LibraryLoad& load, ScriptHost& host) {
  lua_pushlightuserdata(L, &kLoadGlobalsKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  SetGlobalsSource(L);
  SetCurrentLoad(L, &load);
  ScriptRun run;  // for redis.log
  run.host = &host;
  SetScriptRun(L, &run);
  load.start = std::chrono::steady_clock::now();
  lua_sethook(L, LoadTimeoutHook, LUA_MASKCOUNT, ScriptHost::kHookInstructions);
  int status = lua_pcall(L, 0, 0, 0);
  lua_sethook(L, nullptr, 0, 0);
  SetScriptRun(L, nullptr);
  SetCurrentLoad(L, nullptr);
  PushRealGlobals(L);
  SetGlobalsSource(L);

  if (status == 0) return std::nullopt;
  std::string error = LoadError(L);
  lua_pop(L, 1);
  return error;
}

}  // namespace tandem::scripting
