// Command family: the append-only file: BGREWRITEAOF (the work is persistence::AofManager's,
// reached through ServerState::aof).

#include "server/commands/command_table.h"
#include "server/commands/context.h"

namespace tandem::commands {
namespace {

void BgRewriteAof(Context& ctx) {
  if (ctx.server.aof == nullptr) return ctx.Error("ERR Background AOF rewriting is not available");
  base::StatusOr<std::string> started = ctx.server.aof->BackgroundRewrite(ctx.client.in_exec);
  if (!started.ok()) return ctx.Error(started.status().message());
  ctx.reply().SimpleString(*started);
}

}  // namespace

void RegisterAofCommands(CommandTable& table) {
  table.Register({
      {"bgrewriteaof", 1, kAdmin | kNoScript, 0, 0, 0, 0, BgRewriteAof, "server",
       "Asynchronously rewrite the append-only file", "1.0.0"},
  });
}

}  // namespace tandem::commands
