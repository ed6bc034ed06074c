// Command family: functions: FUNCTION LOAD/DELETE/FLUSH/LIST/DUMP/RESTORE/STATS/KILL/HELP, FCALL,
// FCALL_RO. The libraries live in scripting::FunctionEngine; a function runs for a client through
// script_runner.cc, as an EVAL script does.

#include <chrono>
#include <string_view>
#include <vector>

#include "server/base/ascii_case.h"
#include "server/base/glob.h"
#include "server/base/memory.h"
#include "server/base/number_parse.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/function_payload.h"
#include "server/commands/help_reply.h"
#include "server/commands/script_runner.h"
#include "server/scripting/shebang.h"

namespace tandem::commands {
namespace {

using scripting::FunctionEngine;
using scripting::Library;
using scripting::LuaFunction;

// How long a library's code may run in FUNCTION LOAD (Redis: LOAD_TIMEOUT_MS). RESTORE gets the
// same limit, where Redis 7.0 has none (a looping library would hang the server).
constexpr std::chrono::milliseconds kLoadTimeout{500};

constexpr std::string_view kFunctionNotFound = "ERR Function not found";
constexpr std::string_view kBadNumkeys = "ERR Bad number of keys provided";
constexpr std::string_view kFlushOption = "ERR FUNCTION FLUSH only supports SYNC|ASYNC option";
constexpr std::string_view kRestorePolicy =
    "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.";
constexpr std::string_view kLibraryNameMissing = "ERR library name argument was not given";

// Function flags in the order FUNCTION LIST shows them.
constexpr std::pair<scripting::ScriptFlag, std::string_view> kFlagNames[] = {
    {scripting::kScriptNoWrites, "no-writes"},
    {scripting::kScriptAllowOom, "allow-oom"},
    {scripting::kScriptAllowStale, "allow-stale"},
    {scripting::kScriptNoCluster, "no-cluster"},
    {scripting::kScriptAllowCrossSlotKeys, "allow-cross-slot-keys"},
};

bool OverMaxmemory(const Context& ctx) {
  int64_t maxmemory = ctx.server.settings.maxmemory;
  return maxmemory > 0 && base::UsedMemory() > static_cast<size_t>(maxmemory);
}

// FCALL function numkeys key... arg...; `read_only_command` for FCALL_RO.
void FcallGeneric(Context& ctx, bool read_only_command) {
  const LuaFunction* fn = LuaFunctions(ctx.server).FindFunction(ctx.argv[1]);
  if (fn == nullptr) return ctx.Error(kFunctionNotFound);
  std::optional<int64_t> numkeys = base::ParseInt64(ctx.argv[2]);
  if (!numkeys) return ctx.Error(kBadNumkeys);
  if (*numkeys > static_cast<int64_t>(ctx.argv.size()) - 3) {
    return ctx.Error(errors::kNumkeysTooMany);
  }
  if (*numkeys < 0) return ctx.Error(errors::kNumkeysNegative);

  // A function always declares whether it may write (no compatibility mode as for EVAL).
  bool no_writes = (fn->flags & scripting::kScriptNoWrites) != 0;
  bool allow_oom = (fn->flags & scripting::kScriptAllowOom) != 0;
  if (!no_writes && read_only_command) return ctx.Error(errors::kScriptWriteFlagWithRo);
  bool oom = OverMaxmemory(ctx);
  if (oom && !no_writes && !allow_oom) return ctx.Error(errors::kOom);

  ScriptCallRules rules;
  rules.read_only = read_only_command || no_writes;
  rules.allow_oom = allow_oom;
  rules.oom_at_start = oom;
  size_t n = static_cast<size_t>(*numkeys);
  RunFunction(ctx, *fn, ctx.argv.subspan(3, n), ctx.argv.subspan(3 + n), rules);
}

void Fcall(Context& ctx) { FcallGeneric(ctx, false); }
void FcallRo(Context& ctx) { FcallGeneric(ctx, true); }

// FUNCTION LOAD [REPLACE] code
void FunctionLoad(Context& ctx) {
  bool replace = false;
  for (size_t i = 2; i + 1 < ctx.argv.size(); ++i) {
    if (!base::EqualsIgnoreCase(ctx.argv[i], "replace")) {
      return ctx.Error("ERR Unknown option given: " + std::string(ctx.argv[i]));
    }
    replace = true;
  }
  base::StatusOr<std::string> name =
      LuaFunctions(ctx.server).Load(ctx.argv.back(), replace, kLoadTimeout);
  if (!name.ok()) return ctx.Error(name.status().message());
  ctx.Dirty();
  ctx.reply().Bulk(*name);
}

void FunctionDelete(Context& ctx) {
  base::Status status = LuaFunctions(ctx.server).Delete(ctx.argv[2]);
  if (!status.ok()) return ctx.Error(status.message());
  ctx.Dirty();
  ctx.reply().SimpleString("OK");
}

// FUNCTION FLUSH [ASYNC|SYNC]: both free the libraries at once.
void FunctionFlush(Context& ctx) {
  if (ctx.argv.size() > 3) return ctx.Error(errors::SubcommandSyntax("function", ctx.argv[1]));
  if (ctx.argv.size() == 3 && !base::EqualsIgnoreCase(ctx.argv[2], "sync") &&
      !base::EqualsIgnoreCase(ctx.argv[2], "async")) {
    return ctx.Error(kFlushOption);
  }
  LuaFunctions(ctx.server).Flush();
  ctx.Dirty();
  ctx.reply().SimpleString("OK");
}

void ReplyFunction(resp::ReplyBuilder& reply, const LuaFunction& fn) {
  reply.MapHeader(3);
  reply.Bulk("name");
  reply.Bulk(fn.name);
  reply.Bulk("description");
  if (fn.description) {
    reply.Bulk(*fn.description);
  } else {
    reply.Null();
  }
  reply.Bulk("flags");
  size_t count = 0;
  for (const auto& [bit, name] : kFlagNames) count += (fn.flags & bit) ? 1 : 0;
  reply.SetHeader(count);
  for (const auto& [bit, name] : kFlagNames) {
    if (fn.flags & bit) reply.SimpleString(name);
  }
}

// FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]
void FunctionList(Context& ctx) {
  bool with_code = false;
  std::optional<std::string_view> pattern;
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    if (!with_code && base::EqualsIgnoreCase(ctx.argv[i], "withcode")) {
      with_code = true;
    } else if (!pattern && base::EqualsIgnoreCase(ctx.argv[i], "libraryname")) {
      if (i + 1 >= ctx.argv.size()) return ctx.Error(kLibraryNameMissing);
      pattern = ctx.argv[++i];
    } else {
      return ctx.Error("ERR Unknown argument " + std::string(ctx.argv[i]));
    }
  }
  std::vector<const Library*> shown;
  for (const auto& [name, library] : LuaFunctions(ctx.server).libraries()) {
    if (!pattern || base::GlobMatch(*pattern, name, true)) shown.push_back(library.get());
  }
  resp::ReplyBuilder& reply = ctx.reply();
  reply.ArrayHeader(shown.size());
  for (const Library* library : shown) {
    reply.MapHeader(with_code ? 4 : 3);
    reply.Bulk("library_name");
    reply.Bulk(library->name);
    reply.Bulk("engine");
    reply.Bulk("LUA");
    reply.Bulk("functions");
    reply.ArrayHeader(library->functions.size());
    for (const LuaFunction& fn : library->functions) ReplyFunction(reply, fn);
    if (with_code) {
      reply.Bulk("library_code");
      reply.Bulk(library->code);
    }
  }
}

void FunctionDump(Context& ctx) {
  std::vector<std::string_view> codes;
  for (const auto& [name, library] : LuaFunctions(ctx.server).libraries()) {
    codes.push_back(library->code);
  }
  ctx.reply().Bulk(EncodeFunctionPayload(codes));
}

// FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]
void FunctionRestore(Context& ctx) {
  if (ctx.argv.size() > 4) return ctx.Error(errors::SubcommandSyntax("function", ctx.argv[1]));
  scripting::RestorePolicy policy = scripting::RestorePolicy::kAppend;
  if (ctx.argv.size() == 4) {
    std::string_view name = ctx.argv[3];
    if (base::EqualsIgnoreCase(name, "append")) {
      policy = scripting::RestorePolicy::kAppend;
    } else if (base::EqualsIgnoreCase(name, "replace")) {
      policy = scripting::RestorePolicy::kReplace;
    } else if (base::EqualsIgnoreCase(name, "flush")) {
      policy = scripting::RestorePolicy::kFlush;
    } else {
      return ctx.Error(kRestorePolicy);
    }
  }
  base::StatusOr<std::vector<std::string>> codes = DecodeFunctionPayload(ctx.argv[2]);
  if (!codes.ok()) return ctx.Error(codes.status().message());
  base::Status status = LuaFunctions(ctx.server).Restore(*codes, policy, kLoadTimeout);
  if (!status.ok()) return ctx.Error(status.message());
  ctx.Dirty();
  ctx.reply().SimpleString("OK");
}

// FUNCTION STATS: the running function (allow-busy: sent while one is busy) and the counts.
void FunctionStats(Context& ctx) {
  const RunningScript& running = ctx.server.script;
  if (running.running && !running.is_function) return ctx.Error(errors::kBusyScript);
  resp::ReplyBuilder& reply = ctx.reply();
  reply.MapHeader(2);
  reply.Bulk("running_script");
  if (running.running) {
    reply.MapHeader(3);
    reply.Bulk("name");
    reply.Bulk(running.function_name);
    reply.Bulk("command");
    reply.ArrayHeader(running.command.size());
    for (const std::string& arg : running.command) reply.Bulk(arg);
    reply.Bulk("duration_ms");
    reply.Integer(ctx.server.clock.NowMs() - running.start_ms);
  } else {
    reply.Null();
  }
  const FunctionEngine& engine = LuaFunctions(ctx.server);
  reply.Bulk("engines");
  reply.MapHeader(1);
  reply.Bulk("LUA");
  reply.MapHeader(2);
  reply.Bulk("libraries_count");
  reply.Integer(static_cast<int64_t>(engine.libraries().size()));
  reply.Bulk("functions_count");
  reply.Integer(static_cast<int64_t>(engine.function_count()));
}

// FUNCTION KILL: stops a busy function that has not written (SCRIPT KILL stops EVAL scripts).
void FunctionKill(Context& ctx) {
  RunningScript& script = ctx.server.script;
  if (!script.running) return ctx.Error(errors::kNotBusy);
  if (script.wrote) return ctx.Error(errors::kUnkillableScript);
  if (!script.is_function) return ctx.Error(errors::kBusyScript);
  script.kill_requested = true;
  ctx.reply().SimpleString("OK");
}

void FunctionHelp(Context& ctx) {
  ReplyHelp(
      ctx.reply(), "FUNCTION",
      {
          "LOAD [REPLACE] <FUNCTION CODE>",
          "    Create a new library with the given library name and code.",
          "DELETE <LIBRARY NAME>",
          "    Delete the given library.",
          "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
          "    Return general information on all the libraries:",
          "    * Library name",
          "    * The engine used to run the Library",
          "    * Library description",
          "    * Functions list",
          "    * Library code (if WITHCODE is given)",
          "    It also possible to get only function that matches a pattern using LIBRARYNAME "
          "argument.",
          "STATS",
          "    Return information about the current function running:",
          "    * Function name",
          "    * Command used to run the function",
          "    * Duration in MS that the function is running",
          "    If no function is running, return nil",
          "    In addition, returns a list of available engines.",
          "KILL",
          "    Kill the current running function.",
          "FLUSH [ASYNC|SYNC]",
          "    Delete all the libraries.",
          "    When called without the optional mode argument, the behavior is determined by the",
          "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
          "    * ASYNC: Asynchronously flush the libraries.",
          "    * SYNC: Synchronously flush the libraries.",
          "DUMP",
          "    Return a serialized payload representing the current libraries, can be restored "
          "using FUNCTION RESTORE command",
          "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
          "    Restore the libraries represented by the given payload, it is possible to give a "
          "restore policy to",
          "    control how to handle existing libraries (default APPEND):",
          "    * FLUSH: delete all existing libraries.",
          "    * APPEND: appends the restored libraries to the existing libraries. On collision, "
          "abort.",
          "    * REPLACE: appends the restored libraries to the existing libraries, On collision, "
          "replace the old",
          "      libraries with the new libraries (notice that even on this option there is a "
          "chance of failure",
          "      in case of functions name collision with another library).",
      });
}

}  // namespace

void RegisterFunctionCommands(CommandTable& table) {
  constexpr std::string_view kGroup = "scripting";
  auto sub = [&](std::string_view name, int arity, uint32_t flags, Handler handler,
                 std::string_view summary, std::string_view since = "7.0.0") {
    return CommandSpec{name, arity, flags, 0, 0, 0, kAclScripting, handler, kGroup, summary, since};
  };
  std::vector<CommandSpec> subcommands = {
      sub("delete", 3, kWrite | kNoScript, FunctionDelete, "Delete a function by name"),
      sub("dump", 2, kNoScript, FunctionDump,
          "Dump all functions into a serialized binary payload"),
      sub("flush", -2, kWrite | kNoScript, FunctionFlush, "Deleting all functions"),
      sub("help", 2, kLoading | kStale, FunctionHelp,
          "Show helpful text about the different subcommands"),
      sub("kill", 2, kNoScript | kAllowBusy, FunctionKill,
          "Kill the function currently in execution."),
      sub("list", -2, kNoScript, FunctionList, "List information about all the functions"),
      sub("load", -3, kWrite | kDenyOom | kNoScript, FunctionLoad,
          "Create a function with the given arguments (name, code, description)"),
      sub("restore", -3, kWrite | kDenyOom | kNoScript, FunctionRestore,
          "Restore all the functions on the given payload"),
      sub("stats", 2, kNoScript | kAllowBusy, FunctionStats,
          "Return information about the function currently running (name, description, duration)"),
  };
  table.Register({
      ScriptCallCommand("fcall", kMayReplicate, Fcall, "Invoke a function", "7.0.0",
                        "RW ACCESS UPDATE"),
      ScriptCallCommand("fcall_ro", kReadonly, FcallRo, "Invoke a read-only function", "7.0.0",
                        "RO ACCESS"),
      ContainerCommand("function", kGroup, "A container for function commands", "7.0.0",
                       std::move(subcommands)),
  });
}

}  // namespace tandem::commands
