#pragma once
// FunctionEngine: the function libraries of Redis 7.0 (FUNCTION LOAD/DELETE/FLUSH/LIST/RESTORE,
// FCALL) and their Lua state, which is separate from EVAL's but has the same sandbox. Loading a
// library runs its code once (lua_function_api.h); the callbacks it registers stay in the Lua
// registry until the library is replaced, deleted or flushed.
//
// Library names are case-sensitive, function names are not (FCALL MyFn finds myfn), and a
// function name is unique across all libraries (but, as in Redis 7.0, one library may register
// "f" and "F": FCALL then finds the first). Every change is all-or-nothing: on an error the
// libraries are as they were. Errors carry Redis's reply text ("ERR Library 'x' already exists").
//
// Owner: the command layer (one per server); used only from the server thread.

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/base/status.h"
#include "server/resp/reply_builder.h"
#include "server/scripting/lua_function_api.h"
#include "server/scripting/lua_run.h"
#include "server/scripting/script_host.h"

struct lua_State;

namespace tandem::scripting {

struct Library;

struct LuaFunction {
  std::string name;  // as registered
  std::optional<std::string> description;
  uint32_t flags = 0;  // ScriptFlag bits
  int ref = 0;         // the callback in the Lua registry
  const Library* library = nullptr;
};

struct Library {
  std::string name;
  std::string code;                    // as loaded, shebang included
  std::vector<LuaFunction> functions;  // in registration order
};

// What FUNCTION RESTORE does with the libraries already loaded.
enum class RestorePolicy {
  kAppend,   // keep them; a library name present in both is an error
  kReplace,  // a restored library replaces the one of the same name
  kFlush,    // drop them all first
};

class FunctionEngine {
 public:
  using LogSink = std::function<void(LogLevel, std::string_view)>;

  // `redis_version` is what redis.REDIS_VERSION reports; `log` receives redis.log at load time.
  FunctionEngine(std::string redis_version, LogSink log);
  ~FunctionEngine();
  FunctionEngine(const FunctionEngine&) = delete;
  FunctionEngine& operator=(const FunctionEngine&) = delete;

  // FUNCTION LOAD [REPLACE]: runs `code` ("#!lua name=<lib>\n...") and returns the library name.
  // Fails on bad metadata, a compile error, an error or a run past `timeout` (0: none) while the
  // code runs, no function registered, a library of that name (unless `replace`), or a function
  // name another library has.
  base::StatusOr<std::string> Load(std::string_view code, bool replace,
                                   std::chrono::milliseconds timeout);
  // FUNCTION RESTORE: loads every library of `codes` (a payload's), then joins them to the loaded
  // ones as `policy` says.
  base::Status Restore(std::span<const std::string> codes, RestorePolicy policy,
                       std::chrono::milliseconds timeout);
  // FUNCTION DELETE: "ERR Library not found" when there is none of that name.
  base::Status Delete(std::string_view library);
  // FUNCTION FLUSH.
  void Flush();

  // The function named `name` (any case), or null. Valid until the libraries change.
  const LuaFunction* FindFunction(std::string_view name) const;
  // The libraries by name.
  const std::map<std::string, std::unique_ptr<Library>, std::less<>>& libraries() const {
    return current_.libraries;
  }
  // Functions registered by all libraries (FUNCTION STATS functions_count).
  size_t function_count() const;

  // Runs `fn` with its keys and arguments (its two parameters). As LuaEngine::Run: the result
  // goes to `reply`, or the error ("... script: <fn>, on @user_function:<line>.") is returned.
  std::optional<ScriptError> Call(const LuaFunction& fn, std::span<const std::string_view> keys,
                                  std::span<const std::string_view> args, ScriptHost& host,
                                  resp::ReplyBuilder& reply);

  // Bytes the Lua state uses (INFO used_memory_vm_functions).
  size_t lua_memory() const;

 private:
  struct LibrarySet {
    std::map<std::string, std::unique_ptr<Library>, std::less<>> libraries;
    std::unordered_map<std::string, const LuaFunction*> functions;  // by lower-case name
  };

  // Runs `code` and adds its library to `set` (as Load does to the loaded libraries).
  base::StatusOr<std::string> Create(std::string_view code, bool replace,
                                     std::chrono::milliseconds timeout, LibrarySet& set);
  // Compiles and runs a library's code (after its shebang line, at `code_offset`).
  base::StatusOr<std::unique_ptr<Library>> Build(std::string name, std::string_view code,
                                                 size_t code_offset,
                                                 std::chrono::milliseconds timeout);
  void Link(std::unique_ptr<Library> library, LibrarySet& set);
  std::unique_ptr<Library> Unlink(std::string_view name, LibrarySet& set);
  // Frees the callbacks of `library` in the Lua state.
  void Release(const Library& library);
  void Clear(LibrarySet& set);

  LogSink log_;
  lua_State* lua_ = nullptr;
  LibrarySet current_;
  int runs_since_gc_ = 0;
};

}  // namespace tandem::scripting
