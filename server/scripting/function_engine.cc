#include "server/scripting/function_engine.h"

#include <lua.hpp>
#include <vector>

#include "server/base/ascii_case.h"
#include "server/base/split_args.h"
#include "server/scripting/lua_sandbox.h"

namespace tandem::scripting {
namespace {

// Runs between two incremental GC steps (Redis: LUA_GC_CYCLE_PERIOD).
constexpr int kGcPeriod = 50;

constexpr char kBadLibraryName[] =
    "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least "
    "one character long";

base::Status Invalid(std::string message) {
  return base::Status::InvalidArgument(std::move(message));
}

// The first line of a library: "#!<engine> name=<name>".
struct Metadata {
  std::string engine;
  std::string name;
  size_t code_offset = 0;  // where the code starts: the shebang line's '\n'
};

base::StatusOr<Metadata> ParseMetadata(std::string_view code) {
  if (!code.starts_with("#!")) return Invalid("ERR Missing library metadata");
  size_t newline = code.find('\n');
  if (newline == std::string_view::npos) return Invalid("ERR Invalid library metadata");
  std::string storage;
  std::vector<base::ArgSpan> spans;
  if (!base::SplitInlineArgs(code.substr(0, newline), &storage, &spans) || spans.empty()) {
    return Invalid("ERR Invalid library metadata");
  }
  auto part = [&](size_t i) {
    return std::string_view(storage).substr(spans[i].offset, spans[i].length);
  };
  Metadata md;
  md.engine = std::string(part(0).substr(2));
  bool named = false;
  for (size_t i = 1; i < spans.size(); ++i) {
    std::string_view option = part(i);
    if (option.size() >= 5 && base::EqualsIgnoreCase(option.substr(0, 5), "name=")) {
      if (named) {
        return Invalid("ERR Invalid metadata value, name argument was given multiple times");
      }
      md.name = std::string(option.substr(5));
      named = true;
      continue;
    }
    return Invalid("ERR Invalid metadata value given: " + std::string(option));
  }
  if (!named) return Invalid("ERR Library name was not given");
  md.code_offset = newline;
  return md;
}

// Serves redis.log while a library loads.
class LoadHost final : public ScriptHost {
 public:
  explicit LoadHost(const FunctionEngine::LogSink& log) : log_(log) {}
  void Call(std::span<const std::string_view>, int, std::string* reply) override {
    *reply = "-ERR redis.call is not available at load time\r\n";
  }
  base::StatusOr<bool> AclCheck(std::span<const std::string_view>) override { return false; }
  void Log(LogLevel level, std::string_view message) override {
    if (log_) log_(level, message);
  }
  void SetReplication(int) override {}
  bool Interrupted() override { return false; }

 private:
  const FunctionEngine::LogSink& log_;
};

void PushArray(lua_State* L, std::span<const std::string_view> items) {
  lua_createtable(L, static_cast<int>(items.size()), 0);
  for (size_t i = 0; i < items.size(); ++i) {
    lua_pushlstring(L, items[i].data(), items[i].size());
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
}

}  // namespace

FunctionEngine::FunctionEngine(std::string redis_version, LogSink log) : log_(std::move(log)) {
  lua_ = luaL_newstate();
  OpenSandbox(lua_, redis_version);
  OpenFunctionLoadApi(lua_);
}

FunctionEngine::~FunctionEngine() {
  Clear(current_);
  lua_close(lua_);
}

const LuaFunction* FunctionEngine::FindFunction(std::string_view name) const {
  auto it = current_.functions.find(base::AsciiLower(name));
  return it == current_.functions.end() ? nullptr : it->second;
}

base::StatusOr<std::string> FunctionEngine::Load(std::string_view code, bool replace,
                                                 std::chrono::milliseconds timeout) {
  return Create(code, replace, timeout, current_);
}

base::StatusOr<std::string> FunctionEngine::Create(std::string_view code, bool replace,
                                                   std::chrono::milliseconds timeout,
                                                   LibrarySet& set) {
  base::StatusOr<Metadata> md = ParseMetadata(code);
  if (!md.ok()) return md.status();
  if (!IsValidFunctionName(md->name)) return Invalid(kBadLibraryName);
  if (!base::EqualsIgnoreCase(md->engine, "lua")) {
    return Invalid("ERR Engine '" + md->engine + "' not found");
  }
  auto old = set.libraries.find(md->name);
  const Library* old_library = old == set.libraries.end() ? nullptr : old->second.get();
  if (old_library != nullptr && !replace) {
    return Invalid("ERR Library '" + md->name + "' already exists");
  }

  base::StatusOr<std::unique_ptr<Library>> built = Build(md->name, code, md->code_offset, timeout);
  if (!built.ok()) return built.status();
  std::unique_ptr<Library> library = std::move(*built);
  std::optional<std::string> error;
  if (library->functions.empty()) error = "ERR No functions registered";
  for (const LuaFunction& fn : library->functions) {
    auto it = set.functions.find(base::AsciiLower(fn.name));
    if (!error && it != set.functions.end() && it->second->library != old_library) {
      error = "ERR Function " + fn.name + " already exists";
    }
  }
  if (error) {
    Release(*library);
    return Invalid(std::move(*error));
  }
  if (old_library != nullptr) Release(*Unlink(md->name, set));
  std::string name = library->name;
  Link(std::move(library), set);
  return name;
}

base::StatusOr<std::unique_ptr<Library>> FunctionEngine::Build(std::string name,
                                                               std::string_view code,
                                                               size_t code_offset,
                                                               std::chrono::milliseconds timeout) {
  std::string_view body = code.substr(code_offset);
  if (luaL_loadbuffer(lua_, body.data(), body.size(), "@user_function") != 0) {
    std::string error = "ERR Error compiling function: ";
    error += lua_tostring(lua_, -1);
    lua_pop(lua_, 1);
    return Invalid(std::move(error));
  }
  LibraryLoad load;
  load.timeout = timeout;
  LoadHost host(log_);
  std::optional<std::string> error = RunLibraryChunk(lua_, load, host);
  if (error) {
    for (const RegisteredFunction& fn : load.functions) {
      luaL_unref(lua_, LUA_REGISTRYINDEX, fn.ref);
    }
    return Invalid("ERR Error registering functions: " + *error);
  }
  auto library = std::make_unique<Library>();
  library->name = std::move(name);
  library->code = std::string(code);
  library->functions.reserve(load.functions.size());
  for (RegisteredFunction& registered : load.functions) {
    LuaFunction& fn = library->functions.emplace_back();
    fn.name = std::move(registered.name);
    fn.description = std::move(registered.description);
    fn.flags = registered.flags;
    fn.ref = registered.ref;
    fn.library = library.get();
  }
  return library;
}

base::Status FunctionEngine::Restore(std::span<const std::string> codes, RestorePolicy policy,
                                     std::chrono::milliseconds timeout) {
  LibrarySet staged;
  for (const std::string& code : codes) {
    base::StatusOr<std::string> created = Create(code, false, timeout, staged);
    if (!created.ok()) {
      Clear(staged);
      return created.status();
    }
  }
  if (policy == RestorePolicy::kFlush) {
    Clear(current_);
    current_ = std::move(staged);
    return base::Status::Ok();
  }
  bool replace = policy == RestorePolicy::kReplace;
  std::optional<std::string> error;
  for (const auto& [name, library] : staged.libraries) {
    if (!error && !replace && current_.libraries.contains(name)) {
      error = "ERR Library " + name + " already exists";
    }
  }
  for (const auto& [key, fn] : staged.functions) {
    auto it = current_.functions.find(key);
    if (error || it == current_.functions.end()) continue;
    if (!replace || !staged.libraries.contains(it->second->library->name)) {
      error = "ERR Function " + fn->name + " already exists";
    }
  }
  if (error) {
    Clear(staged);
    return Invalid(std::move(*error));
  }
  while (!staged.libraries.empty()) {
    std::unique_ptr<Library> library = Unlink(staged.libraries.begin()->first, staged);
    if (current_.libraries.contains(library->name)) Release(*Unlink(library->name, current_));
    Link(std::move(library), current_);
  }
  return base::Status::Ok();
}

base::Status FunctionEngine::Delete(std::string_view name) {
  if (current_.libraries.find(name) == current_.libraries.end()) {
    return base::Status::Error(base::Status::Code::kNotFound, "ERR Library not found");
  }
  Release(*Unlink(name, current_));
  return base::Status::Ok();
}

void FunctionEngine::Flush() { Clear(current_); }

void FunctionEngine::Link(std::unique_ptr<Library> library, LibrarySet& set) {
  // Names that differ only in case within a library: FCALL finds the first (as in Redis).
  for (const LuaFunction& fn : library->functions) {
    set.functions.try_emplace(base::AsciiLower(fn.name), &fn);
  }
  std::string name = library->name;
  set.libraries.emplace(std::move(name), std::move(library));
}

std::unique_ptr<Library> FunctionEngine::Unlink(std::string_view name, LibrarySet& set) {
  auto it = set.libraries.find(name);
  std::unique_ptr<Library> library = std::move(it->second);
  set.libraries.erase(it);
  for (const LuaFunction& fn : library->functions) {
    auto found = set.functions.find(base::AsciiLower(fn.name));
    if (found != set.functions.end() && found->second == &fn) set.functions.erase(found);
  }
  return library;
}

void FunctionEngine::Release(const Library& library) {
  for (const LuaFunction& fn : library.functions) luaL_unref(lua_, LUA_REGISTRYINDEX, fn.ref);
}

void FunctionEngine::Clear(LibrarySet& set) {
  for (const auto& [name, library] : set.libraries) Release(*library);
  set.libraries.clear();
  set.functions.clear();
}

std::optional<ScriptError> FunctionEngine::Call(const LuaFunction& fn,
                                                std::span<const std::string_view> keys,
                                                std::span<const std::string_view> args,
                                                ScriptHost& host, resp::ReplyBuilder& reply) {
  lua_rawgeti(lua_, LUA_REGISTRYINDEX, fn.ref);
  PushArray(lua_, keys);
  PushArray(lua_, args);
  std::optional<ScriptError> error = RunLuaFunction(lua_, 2, fn.name, host, reply);
  if (++runs_since_gc_ >= kGcPeriod) {
    lua_gc(lua_, LUA_GCSTEP, kGcPeriod);
    runs_since_gc_ = 0;
  }
  return error;
}

size_t FunctionEngine::function_count() const {
  size_t count = 0;
  for (const auto& [name, library] : current_.libraries) count += library->functions.size();
  return count;
}

size_t FunctionEngine::lua_memory() const {
  return static_cast<size_t>(lua_gc(lua_, LUA_GCCOUNT, 0)) * 1024 +
         static_cast<size_t>(lua_gc(lua_, LUA_GCCOUNTB, 0));
}

}  // namespace tandem::scripting
