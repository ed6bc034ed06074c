#include "server/scripting/lua_redis_api.h"

#include <cstdio>
#include <deque>
#include <string>
#include <vector>

#include "server/resp/reply_parser.h"
#include "server/scripting/lua_convert.h"
#include "server/scripting/sha1.h"

namespace tandem::scripting {
namespace {

// Registry key of the current ScriptRun (its address is unique).
char kRunKey;

// Functions below raise Lua errors (a longjmp): C++ objects with destructors must be gone by
// then, so each one does its C++ work in a helper that returns first.

int RaiseError(lua_State* L, std::string_view text) {
  PushErrorTable(L, text);
  return lua_error(L);
}

// Marks the error table on top as already counted in errorstats (a command's own error reply).
void MarkCounted(lua_State* L) {
  lua_pushboolean(L, 1);
  lua_setfield(L, -2, "ignore_error_stats_update");
}

// The arguments of redis.call/pcall/acl_check_cmd as strings: numbers as "%.17g". Returns false
// when one is neither a string nor a number.
bool CollectArgs(lua_State* L, std::deque<std::string>* numbers,
                 std::vector<std::string_view>* argv) {
  int argc = lua_gettop(L);
  for (int i = 1; i <= argc; ++i) {
    int type = lua_type(L, i);
    if (type == LUA_TSTRING) {
      size_t len = 0;
      const char* s = lua_tolstring(L, i, &len);
      argv->emplace_back(s, len);
    } else if (type == LUA_TNUMBER) {
      char buf[64];
      int n = std::snprintf(buf, sizeof(buf), "%.17g", static_cast<double>(lua_tonumber(L, i)));
      argv->push_back(numbers->emplace_back(buf, static_cast<size_t>(n)));
    } else {
      return false;
    }
  }
  return true;
}

constexpr char kNoArgs[] = "Please specify at least one argument for this redis lib call";
constexpr char kBadArgs[] = "Lua redis lib command arguments must be strings or integers";

// Runs the call and pushes its converted reply. Returns: 0 the reply is pushed, 1 it is an error
// table, -1 the arguments are wrong (an error table is pushed).
int DoCall(lua_State* L, ScriptRun& run) {
  std::deque<std::string> numbers;
  std::vector<std::string_view> argv;
  if (!CollectArgs(L, &numbers, &argv)) {
    PushErrorTable(L, kBadArgs);
    return -1;
  }
  std::string raw;
  run.host->Call(argv, run.protocol, &raw);
  resp::ReplyParser parser;
  resp::Reply reply;
  size_t consumed = 0;
  if (parser.Parse(raw, &consumed, &reply) != resp::ParseResult::kCommand) {
    PushErrorTable(L, "ERR the command sent an unreadable reply");
    return 1;
  }
  PushReply(L, reply, run.protocol);
  if (reply.type != resp::Reply::Type::kError) return 0;
  MarkCounted(L);
  return 1;
}

int GenericCall(lua_State* L, bool raise) {
  ScriptRun* run = CurrentScriptRun(L);
  if (run == nullptr) return RaiseError(L, "redis.call/pcall can only be called inside a script");
  if (lua_gettop(L) == 0) {
    PushErrorTable(L, kNoArgs);
    return raise ? lua_error(L) : 1;
  }
  int result = DoCall(L, *run);
  if (result != 0 && raise) return lua_error(L);
  return 1;
}

int Call(lua_State* L) { return GenericCall(L, true); }
int PCall(lua_State* L) { return GenericCall(L, false); }

// Returns 1 allowed, 0 denied, -1 bad arguments, -2 unknown command.
int DoAclCheck(lua_State* L, ScriptRun& run) {
  std::deque<std::string> numbers;
  std::vector<std::string_view> argv;
  if (!CollectArgs(L, &numbers, &argv)) return -1;
  base::StatusOr<bool> allowed = run.host->AclCheck(argv);
  if (!allowed.ok()) return -2;
  return *allowed ? 1 : 0;
}

int AclCheckCmd(lua_State* L) {
  ScriptRun* run = CurrentScriptRun(L);
  if (run == nullptr)
    return RaiseError(L, "redis.acl_check_cmd can only be called inside a script");
  if (lua_gettop(L) == 0) return RaiseError(L, kNoArgs);
  int result = DoAclCheck(L, *run);
  if (result == -1) return RaiseError(L, kBadArgs);
  if (result == -2) return RaiseError(L, "Invalid command passed to redis.acl_check_cmd()");
  lua_pushboolean(L, result);
  return 1;
}

int Sha1HexFn(lua_State* L) {
  if (lua_gettop(L) != 1) return RaiseError(L, "wrong number of arguments");
  size_t len = 0;
  const char* s = lua_tolstring(L, 1, &len);
  char hex[41];
  {
    std::string digest = Sha1Hex(s == nullptr ? std::string_view() : std::string_view(s, len));
    digest.copy(hex, 40);
  }
  lua_pushlstring(L, hex, 40);
  return 1;
}

int ErrorReply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) {
    PushErrorTable(L, "wrong number or type of arguments");
    return 1;
  }
  size_t len = 0;
  const char* s = lua_tolstring(L, 1, &len);
  std::string_view text(s, len);
  // As Redis: a missing '-' is added, then the first word is the code ("x" becomes "ERR x").
  if (text.starts_with('-')) {
    PushErrorTable(L, text);
  } else {
    lua_pushfstring(L, "-%s", s);
    PushErrorTable(L, lua_tostring(L, -1));
    lua_remove(L, -2);
  }
  return 1;
}

int StatusReply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) {
    PushErrorTable(L, "wrong number or type of arguments");
    return 1;
  }
  lua_createtable(L, 0, 1);
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, "ok");
  return 1;
}

// The message of redis.log: the string (or number) arguments from the second on, space-separated.
void DoLog(lua_State* L, ScriptRun& run, LogLevel level) {
  std::string message;
  int argc = lua_gettop(L);
  for (int i = 2; i <= argc; ++i) {
    size_t len = 0;
    const char* s = lua_tolstring(L, i, &len);
    if (s == nullptr) continue;
    if (i != 2) message += ' ';
    message.append(s, len);
  }
  run.host->Log(level, message);
}

int Log(lua_State* L) {
  if (lua_gettop(L) < 2) return RaiseError(L, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(L, 1)) return RaiseError(L, "First argument must be a number (log level).");
  int level = static_cast<int>(lua_tonumber(L, 1));
  if (level < kLogDebug || level > kLogWarning) return RaiseError(L, "Invalid debug level.");
  ScriptRun* run = CurrentScriptRun(L);
  if (run != nullptr) DoLog(L, *run, static_cast<LogLevel>(level));
  return 0;
}

int SetResp(lua_State* L) {
  if (lua_gettop(L) != 1) return RaiseError(L, "redis.setresp() requires one argument.");
  int protocol = static_cast<int>(lua_tonumber(L, 1));
  if (protocol != 2 && protocol != 3) return RaiseError(L, "RESP version must be 2 or 3.");
  if (ScriptRun* run = CurrentScriptRun(L)) run->protocol = protocol;
  return 0;
}

int SetRepl(lua_State* L) {
  if (lua_gettop(L) != 1) return RaiseError(L, "redis.set_repl() requires two arguments.");
  int flags = static_cast<int>(lua_tonumber(L, 1));
  if ((flags & ~kReplAll) != 0) {
    return RaiseError(
        L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
  }
  if (ScriptRun* run = CurrentScriptRun(L)) run->host->SetReplication(flags);
  return 0;
}

int ReplicateCommands(lua_State* L) {
  lua_pushboolean(L, 1);  // effects replication is the only mode since 7.0
  return 1;
}

// Outside the Lua debugger (which Tandem does not have) these do nothing, as in Redis.
int Breakpoint(lua_State* L) {
  lua_pushboolean(L, 0);
  return 1;
}
int Debug(lua_State*) { return 0; }

// "7.0.15" -> 0x07000f.
lua_Number VersionNum(std::string_view version) {
  int parts[3] = {0, 0, 0};
  int i = 0;
  for (char c : version) {
    if (c == '.') {
      if (++i == 3) break;
    } else if (c >= '0' && c <= '9') {
      parts[i] = parts[i] * 10 + (c - '0');
    }
  }
  return (parts[0] << 16) | (parts[1] << 8) | parts[2];
}

}  // namespace

void PushErrorTable(lua_State* L, std::string_view text) {
  std::string_view code = "ERR";
  std::string_view message = text;
  if (text.starts_with('-')) {
    text.remove_prefix(1);
    size_t space = text.find(' ');
    if (space == std::string_view::npos) {
      message = text;
    } else {
      code = text.substr(0, space);
      message = text.substr(space + 1);
    }
  }
  while (!message.empty() && (message.back() == '\r' || message.back() == '\n')) {
    message.remove_suffix(1);
  }
  lua_createtable(L, 0, 1);
  lua_pushlstring(L, code.data(), code.size());
  lua_pushliteral(L, " ");
  lua_pushlstring(L, message.data(), message.size());
  lua_concat(L, 3);
  lua_setfield(L, -2, "err");
}

void OpenRedisLibrary(lua_State* L, std::string_view version) {
  static constexpr luaL_Reg kFunctions[] = {
      {"call", Call},
      {"pcall", PCall},
      {"acl_check_cmd", AclCheckCmd},
      {"error_reply", ErrorReply},
      {"status_reply", StatusReply},
      {"sha1hex", Sha1HexFn},
      {"log", Log},
      {"setresp", SetResp},
      {"set_repl", SetRepl},
      {"replicate_commands", ReplicateCommands},
      {"breakpoint", Breakpoint},
      {"debug", Debug},
      {nullptr, nullptr},
  };
  lua_newtable(L);
  luaL_register(L, nullptr, kFunctions);
  struct Constant {
    const char* name;
    int value;
  };
  static constexpr Constant kConstants[] = {
      {"LOG_DEBUG", kLogDebug},     {"LOG_VERBOSE", kLogVerbose},   {"LOG_NOTICE", kLogNotice},
      {"LOG_WARNING", kLogWarning}, {"REPL_NONE", kReplNone},       {"REPL_AOF", kReplAof},
      {"REPL_SLAVE", kReplReplica}, {"REPL_REPLICA", kReplReplica}, {"REPL_ALL", kReplAll},
  };
  for (const Constant& c : kConstants) {
    lua_pushnumber(L, c.value);
    lua_setfield(L, -2, c.name);
  }
  lua_pushlstring(L, version.data(), version.size());
  lua_setfield(L, -2, "REDIS_VERSION");
  lua_pushnumber(L, VersionNum(version));
  lua_setfield(L, -2, "REDIS_VERSION_NUM");
  lua_setglobal(L, "redis");
}

void SetScriptRun(lua_State* L, ScriptRun* run) {
  lua_pushlightuserdata(L, &kRunKey);
  if (run == nullptr) {
    lua_pushnil(L);
  } else {
    lua_pushlightuserdata(L, run);
  }
  lua_rawset(L, LUA_REGISTRYINDEX);
}

ScriptRun* CurrentScriptRun(lua_State* L) {
  lua_pushlightuserdata(L, &kRunKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  auto* run = static_cast<ScriptRun*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return run;
}

}  // namespace tandem::scripting
