// Command family: Lua scripts: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT. The Lua side (sandbox,
// cache, conversions) is server/scripting; running a script for a client is script_runner.cc.

#include <string_view>
#include <vector>

#include "server/base/ascii_case.h"
#include "server/base/memory.h"
#include "server/base/number_parse.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/help_reply.h"
#include "server/commands/script_runner.h"

namespace tandem::commands {
namespace {

using scripting::CachedScript;

// True when used memory is over maxmemory (the dispatcher has already tried to evict).
bool OverMaxmemory(const Context& ctx) {
  int64_t maxmemory = ctx.server.settings.maxmemory;
  return maxmemory > 0 && base::UsedMemory() > static_cast<size_t>(maxmemory);
}

// EVAL script|sha numkeys key... arg...; `read_only_command` for EVAL_RO and EVALSHA_RO.
void EvalGeneric(Context& ctx, bool by_sha, bool read_only_command) {
  std::optional<int64_t> numkeys = base::ParseInt64(ctx.argv[2]);
  if (!numkeys) return ctx.Error(errors::kNotInteger);
  if (*numkeys < 0) return ctx.Error(errors::kNumkeysNegative);
  if (*numkeys > static_cast<int64_t>(ctx.argv.size()) - 3) {
    return ctx.Error(errors::kNumkeysTooMany);
  }

  scripting::LuaEngine& engine = LuaScripts(ctx.server);
  const CachedScript* script = nullptr;
  if (by_sha) {
    script = engine.Find(ctx.argv[1]);
    if (script == nullptr) return ctx.Error(errors::kNoMatchingScript);
  } else {
    base::StatusOr<const CachedScript*> loaded = engine.Load(ctx.argv[1]);
    if (!loaded.ok()) return ctx.Error(loaded.status().message());
    script = *loaded;
  }

  // A script with a shebang declares up front whether it may write; one without (compatibility
  // mode) is only checked command by command.
  uint32_t flags = script->shebang.flags;
  bool oom = OverMaxmemory(ctx);
  if (script->shebang.present && !(flags & scripting::kScriptNoWrites)) {
    if (oom && !(flags & scripting::kScriptAllowOom)) return ctx.Error(errors::kOom);
    if (read_only_command) return ctx.Error(errors::kScriptWriteFlagWithRo);
  }
  ScriptCallRules rules;
  rules.read_only = read_only_command || (flags & scripting::kScriptNoWrites);
  rules.allow_oom = (flags & scripting::kScriptAllowOom) != 0;
  rules.oom_at_start = oom;
  size_t n = static_cast<size_t>(*numkeys);
  RunScript(ctx, *script, ctx.argv.subspan(3, n), ctx.argv.subspan(3 + n), rules);
}

void Eval(Context& ctx) { EvalGeneric(ctx, false, false); }
void EvalSha(Context& ctx) { EvalGeneric(ctx, true, false); }
void EvalRo(Context& ctx) { EvalGeneric(ctx, false, true); }
void EvalShaRo(Context& ctx) { EvalGeneric(ctx, true, true); }

void ScriptLoad(Context& ctx) {
  base::StatusOr<const CachedScript*> loaded = LuaScripts(ctx.server).Load(ctx.argv[2]);
  if (!loaded.ok()) return ctx.Error(loaded.status().message());
  ctx.reply().Bulk((*loaded)->sha);
}

void ScriptExists(Context& ctx) {
  scripting::LuaEngine& engine = LuaScripts(ctx.server);
  ctx.reply().ArrayHeader(ctx.argv.size() - 2);
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    ctx.reply().Integer(engine.Find(ctx.argv[i]) != nullptr ? 1 : 0);
  }
}

// SCRIPT FLUSH [ASYNC|SYNC]: both flush at once (the cache is freed in place).
void ScriptFlush(Context& ctx) {
  if (ctx.argv.size() > 3 ||
      (ctx.argv.size() == 3 && !base::EqualsIgnoreCase(ctx.argv[2], "sync") &&
       !base::EqualsIgnoreCase(ctx.argv[2], "async"))) {
    return ctx.Error(errors::kScriptFlushOption);
  }
  LuaScripts(ctx.server).Flush();
  ctx.reply().SimpleString("OK");
}

void ScriptKill(Context& ctx) {
  RunningScript& script = ctx.server.script;
  if (!script.running) return ctx.Error(errors::kNotBusy);
  if (script.wrote) return ctx.Error(errors::kUnkillableScript);
  if (script.is_function) return ctx.Error(errors::kBusyFunction);  // FUNCTION KILL stops those
  script.kill_requested = true;
  ctx.reply().SimpleString("OK");
}

// Tandem has no Lua debugger: SCRIPT DEBUG NO is accepted, YES and SYNC are refused.
void ScriptDebug(Context& ctx) {
  if (base::EqualsIgnoreCase(ctx.argv[2], "no")) return ctx.reply().SimpleString("OK");
  if (base::EqualsIgnoreCase(ctx.argv[2], "yes") || base::EqualsIgnoreCase(ctx.argv[2], "sync")) {
    return ctx.Error("ERR SCRIPT DEBUG is not supported: this server has no Lua debugger");
  }
  ctx.Error(errors::kScriptDebugOption);
}

void ScriptHelp(Context& ctx) {
  ReplyHelp(ctx.reply(), "SCRIPT",
            {
                "DEBUG (YES|SYNC|NO)",
                "    Set the debug mode for subsequent scripts executed.",
                "EXISTS <sha1> [<sha1> ...]",
                "    Return information about the existence of the scripts in the script cache.",
                "FLUSH [ASYNC|SYNC]",
                "    Flush the Lua scripts cache. Very dangerous on replicas.",
                "    When called without the optional mode argument, the behavior is determined "
                "by the",
                "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                "    * ASYNC: Asynchronously flush the scripts cache.",
                "    * SYNC: Synchronously flush the scripts cache.",
                "KILL",
                "    Kill the currently executing Lua script.",
                "LOAD <script>",
                "    Load a script into the scripts cache without executing it.",
            });
}

}  // namespace

void RegisterScriptingCommands(CommandTable& table) {
  constexpr std::string_view kGroup = "scripting";
  std::vector<CommandSpec> script_subcommands = {
      {"debug", 3, kNoScript, 0, 0, 0, kAclScripting, ScriptDebug, kGroup,
       "Set the debug mode for executed scripts.", "3.2.0"},
      {"exists", -3, kNoScript, 0, 0, 0, kAclScripting, ScriptExists, kGroup,
       "Check existence of scripts in the script cache.", "2.6.0"},
      {"flush", -2, kNoScript, 0, 0, 0, kAclScripting, ScriptFlush, kGroup,
       "Remove all the scripts from the script cache.", "2.6.0"},
      {"help", 2, kLoading | kStale, 0, 0, 0, kAclScripting, ScriptHelp, kGroup,
       "Show helpful text about the different subcommands", "5.0.0"},
      {"kill", 2, kNoScript | kAllowBusy, 0, 0, 0, kAclScripting, ScriptKill, kGroup,
       "Kill the script currently in execution.", "2.6.0"},
      {"load", 3, kNoScript | kStale, 0, 0, 0, kAclScripting, ScriptLoad, kGroup,
       "Load the specified Lua script into the script cache.", "2.6.0"},
  };
  table.Register({
      ScriptCallCommand("eval", kMayReplicate, Eval, "Execute a Lua script server side", "2.6.0",
                        "RW ACCESS UPDATE"),
      ScriptCallCommand("evalsha", kMayReplicate, EvalSha, "Execute a Lua script server side",
                        "2.6.0", "RW ACCESS UPDATE"),
      ScriptCallCommand("eval_ro", kReadonly, EvalRo, "Execute a read-only Lua script server side",
                        "7.0.0", "RO ACCESS"),
      ScriptCallCommand("evalsha_ro", kReadonly, EvalShaRo,
                        "Execute a read-only Lua script server side", "7.0.0", "RO ACCESS"),
      ContainerCommand("script", kGroup, "A container for Lua scripts management commands", "2.6.0",
                       std::move(script_subcommands)),
  });
}

}  // namespace tandem::commands
