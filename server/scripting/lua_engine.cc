#include "server/scripting/lua_engine.h"

#include <cctype>
#include <lua.hpp>

#include "server/scripting/lua_convert.h"
#include "server/scripting/lua_redis_api.h"
#include "server/scripting/lua_sandbox.h"
#include "server/scripting/sha1.h"

namespace tandem::scripting {
namespace {

// Runs between two incremental GC steps (Redis: LUA_GC_CYCLE_PERIOD).
constexpr int kGcPeriod = 50;


// The count hook: lets the host serve other clients, and stops a killed script. Once killed, the
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

// Sets global `name` of the real globals table (at `globals`) to an array of `items`.
void SetArray(lua_State* L, int globals, const char* name,
              std::span<const std::string_view> items) {
  lua_createtable(L, static_cast<int>(items.size()), 0);
  for (size_t i = 0; i < items.size(); ++i) {
    lua_pushlstring(L, items[i].data(), items[i].size());
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
  lua_setfield(L, globals, name);
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
ScriptError RaisedError(lua_State* L, std::string_view sha) {
  if (!lua_istable(L, -1)) {
    const char* msg = lua_isstring(L, -1) ? lua_tostring(L, -1) : "execution failure";
    return {"ERR Error running script " + std::string(sha) + ", " +
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
    error.message += " script: " + std::string(sha) + ", on " + source + ":" + line + ".";
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

LuaEngine::LuaEngine(std::string redis_version) : redis_version_(std::move(redis_version)) {
  Open();
}

LuaEngine::~LuaEngine() { Close(); }

void LuaEngine::Open() {
  lua_ = luaL_newstate();
  OpenSandbox(lua_, redis_version_);
}

void LuaEngine::Close() {
  if (lua_ != nullptr) lua_close(lua_);
  lua_ = nullptr;
}

void LuaEngine::Flush() {
  Close();
  by_body_.clear();
  scripts_.clear();
  scripts_memory_ = 0;
  Open();
}

const CachedScript* LuaEngine::Find(std::string_view sha) const {
  if (sha.size() != 40) return nullptr;
  std::string lower(sha);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = scripts_.find(lower);
  return it == scripts_.end() ? nullptr : it->second.get();
}

base::StatusOr<const CachedScript*> LuaEngine::Load(std::string_view body) {
  if (auto it = by_body_.find(body); it != by_body_.end()) return it->second;
  std::string sha = Sha1Hex(body);
  if (auto it = scripts_.find(sha); it != scripts_.end()) return it->second.get();
  base::StatusOr<Shebang> shebang = ParseShebang(body);
  if (!shebang.ok()) return shebang.status();

  // The shebang line is skipped but its newline kept, so line numbers match the body's.
  std::string_view code = body.substr(shebang->length);
  if (luaL_loadbuffer(lua_, code.data(), code.size(), "@user_script") != 0) {
    std::string error = "ERR Error compiling script (new function): ";
    error += lua_tostring(lua_, -1);
    lua_pop(lua_, 1);
    return base::Status::InvalidArgument(std::move(error));
  }
  auto script = std::make_unique<CachedScript>();
  script->function_ref = luaL_ref(lua_, LUA_REGISTRYINDEX);
  script->sha = sha;
  script->body = std::string(body);
  script->shebang = *shebang;
  scripts_memory_ += script->sha.size() + script->body.size() + sizeof(CachedScript);
  const CachedScript* result = script.get();
  by_body_.emplace(result->body, result);
  scripts_.emplace(std::move(sha), std::move(script));
  return result;
}

std::optional<ScriptError> LuaEngine::Run(const CachedScript& script,
                                          std::span<const std::string_view> keys,
                                          std::span<const std::string_view> args, ScriptHost& host,
                                          resp::ReplyBuilder& reply) {
  lua_State* L = lua_;
  int base = lua_gettop(L);
  lua_getfield(L, LUA_REGISTRYINDEX, kErrorHandlerName);
  lua_rawgeti(L, LUA_REGISTRYINDEX, script.function_ref);
  PushRealGlobals(L);
  SetArray(L, lua_gettop(L), "KEYS", keys);
  SetArray(L, lua_gettop(L), "ARGV", args);
  lua_pop(L, 1);

  ScriptRun run;
  run.host = &host;
  SetScriptRun(L, &run);
  lua_sethook(L, InterruptHook, LUA_MASKCOUNT, ScriptHost::kHookInstructions);
  int status = lua_pcall(L, 0, 1, base + 1);
  lua_sethook(L, nullptr, 0, 0);
  SetScriptRun(L, nullptr);

  std::optional<ScriptError> error;
  if (status != 0) {
    error = RaisedError(L, script.sha);
    lua_pop(L, 1);
  } else {
    error = ReturnedError(L);
    if (error) {
      lua_pop(L, 1);
    } else {
      WriteLuaValue(L, reply, run.protocol);
    }
  }
  lua_settop(L, base);

  if (++runs_since_gc_ >= kGcPeriod) {
    lua_gc(L, LUA_GCSTEP, kGcPeriod);
    runs_since_gc_ = 0;
  }
  return error;
}

size_t LuaEngine::lua_memory() const {
  return static_cast<size_t>(lua_gc(lua_, LUA_GCCOUNT, 0)) * 1024 +
         static_cast<size_t>(lua_gc(lua_, LUA_GCCOUNTB, 0));
}

}  // namespace tandem::scripting
