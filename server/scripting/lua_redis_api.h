#pragma once
// The `redis` table scripts get: call, pcall, acl_check_cmd, error_reply, status_reply, sha1hex,
// log, setresp, set_repl, replicate_commands, breakpoint, debug, and the LOG_*, REPL_* and
// REDIS_VERSION* constants, with Redis 7.0's argument errors.

#include <lua.hpp>
#include <string_view>

#include "server/scripting/script_host.h"

namespace tandem::scripting {

// The script being run, which the redis.* functions act on.
struct ScriptRun {
  ScriptHost* host = nullptr;
  int protocol = 2;     // redis.setresp: the protocol of the replies redis.call converts
  bool killed = false;  // SCRIPT KILL stopped it: every further line raises again
};

// Adds the global `redis` table to `L`; `version` ("7.0.15") gives REDIS_VERSION and
// REDIS_VERSION_NUM (0x07000f).
void OpenRedisLibrary(lua_State* L, std::string_view version);

// Sets the run the redis.* functions of `L` act on (null between runs: they then raise).
void SetScriptRun(lua_State* L, ScriptRun* run);
ScriptRun* CurrentScriptRun(lua_State* L);

// Pushes Redis's error table {err="CODE message"}: `text` is "-CODE message" (the first word is
// the code; "-x" gets "ERR"), or a message without a code, which gets "ERR". Trailing CR/LF are
// trimmed.
void PushErrorTable(lua_State* L, std::string_view text);

}  // namespace tandem::scripting
