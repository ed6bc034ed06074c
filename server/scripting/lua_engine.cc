#include "server/scripting/lua_engine.h"

#include <cctype>
#include <lua.hpp>

#include "server/scripting/lua_sandbox.h"
#include "server/scripting/sha1.h"

namespace tandem::scripting {
namespace {

// Runs between two incremental GC steps (Redis: LUA_GC_CYCLE_PERIOD).
constexpr int kGcPeriod = 50;

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
  lua_rawgeti(L, LUA_REGISTRYINDEX, script.function_ref);
  PushRealGlobals(L);
  SetArray(L, lua_gettop(L), "KEYS", keys);
  SetArray(L, lua_gettop(L), "ARGV", args);
  lua_pop(L, 1);
  std::optional<ScriptError> error = RunLuaFunction(L, 0, script.sha, host, reply);

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
