#pragma once
// LuaEngine: the Lua state of EVAL scripts and its script cache (EVAL, EVALSHA, SCRIPT LOAD/
// EXISTS/FLUSH). A script is compiled once, cached under the SHA-1 of its body (and found again
// by its body, so a repeated EVAL computes no SHA-1) with its function referenced from the Lua
// registry; runs share the sandboxed globals (lua_sandbox.h).
//
// Owner: the command layer (one per server); used only from the server thread. Not reentrant: a
// script cannot run another script.

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "server/base/status.h"
#include "server/resp/reply_builder.h"
#include "server/scripting/lua_run.h"
#include "server/scripting/script_host.h"
#include "server/scripting/shebang.h"

struct lua_State;

namespace tandem::scripting {

struct CachedScript {
  std::string sha;   // 40 lowercase hex characters
  std::string body;  // as given, shebang included
  Shebang shebang;
  int function_ref = 0;  // the compiled function, in the Lua registry (luaL_ref)
};

class LuaEngine {
 public:
  // `redis_version` is what redis.REDIS_VERSION reports ("7.0.15").
  explicit LuaEngine(std::string redis_version);
  ~LuaEngine();
  LuaEngine(const LuaEngine&) = delete;
  LuaEngine& operator=(const LuaEngine&) = delete;

  // Compiles `body` and caches it, unless a script with the same SHA-1 is cached (then returns
  // that one). Errors carry Redis's reply text: the shebang's, or "ERR Error compiling script
  // (new function): user_script:1: ...". The pointer stays valid until Flush().
  base::StatusOr<const CachedScript*> Load(std::string_view body);
  // The cached script named `sha` (any case), or null.
  const CachedScript* Find(std::string_view sha) const;
  // Drops every script and starts over with a fresh Lua state (SCRIPT FLUSH).
  void Flush();

  // Runs `script` with the globals KEYS and ARGV. On success writes the script's result to
  // `reply` and returns nullopt; on failure writes nothing and returns the error ("ERR
  // user_script:1: ... script: <sha>, on @user_script:1."). `host` serves redis.call & co.
  std::optional<ScriptError> Run(const CachedScript& script, std::span<const std::string_view> keys,
                                 std::span<const std::string_view> args, ScriptHost& host,
                                 resp::ReplyBuilder& reply);

  size_t script_count() const { return scripts_.size(); }
  // Bytes held by the cache (bodies and names): INFO used_memory_scripts_eval.
  size_t scripts_memory() const { return scripts_memory_; }
  // Bytes the Lua state uses: INFO used_memory_lua.
  size_t lua_memory() const;

 private:
  void Open();
  void Close();

  std::string redis_version_;
  lua_State* lua_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<CachedScript>> scripts_;
  std::unordered_map<std::string_view, const CachedScript*> by_body_;  // views of script bodies
  size_t scripts_memory_ = 0;
  int runs_since_gc_ = 0;
};

}  // namespace tandem::scripting
