// Persistence commands: SAVE, BGSAVE, LASTSAVE (the work is SnapshotControl's, in
// server/persistence).

#include "server/base/ascii_case.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"

namespace tandem::commands {
namespace {

void Save(Context& ctx) {
  if (ctx.server.snapshots == nullptr) return ctx.Error("ERR");
  base::Status status = ctx.server.snapshots->Save();
  if (!status.ok()) return ctx.Error(status.message());
  ctx.reply().SimpleString("OK");
}

// BGSAVE [SCHEDULE].
void BgSave(Context& ctx) {
  bool schedule = false;
  if (ctx.argv.size() > 1) {
    if (ctx.argv.size() != 2 || !base::EqualsIgnoreCase(ctx.argv[1], "schedule")) {
      return ctx.Error(errors::kSyntax);
    }
    schedule = true;
  }
  if (ctx.server.snapshots == nullptr) return ctx.Error("ERR");
  base::StatusOr<std::string> reply =
      ctx.server.snapshots->BackgroundSave(schedule, ctx.client.in_exec);
  if (!reply.ok()) return ctx.Error(reply.status().message());
  ctx.reply().SimpleString(*reply);
}

void LastSave(Context& ctx) { ctx.reply().Integer(ctx.server.last_save_unix()); }

}  // namespace

void RegisterPersistenceCommands(CommandTable& table) {
  table.Register({
      {"save", 1, kAdmin | kNoScript | kNoMulti, 0, 0, 0, 0, Save, "server",
       "Synchronously save the dataset to disk", "1.0.0"},
      {"bgsave", -1, kAdmin | kNoScript, 0, 0, 0, 0, BgSave, "server",
       "Asynchronously save the dataset to disk", "1.0.0"},
      {"lastsave", 1, kLoading | kStale | kFast, 0, 0, 0, kAclAdmin | kAclDangerous, LastSave,
       "server", "Get the UNIX time stamp of the last successful save to disk", "1.0.0"},
  });
}

}  // namespace tandem::commands
