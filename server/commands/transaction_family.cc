// Transaction commands: MULTI, EXEC, DISCARD, WATCH, UNWATCH. Queueing itself happens in the
// dispatcher (every pre-check lives there); EXEC runs the queue through it again.

#include <string_view>
#include <vector>

#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/store/keyspace.h"

namespace tandem::commands {
namespace {

void Multi(Context& ctx) {
  if (ctx.client.multi) return ctx.Error(errors::kMultiNested);
  ctx.client.multi.emplace();
  ctx.reply().SimpleString("OK");
}

void Exec(Context& ctx) {
  Client& c = ctx.client;
  if (!c.multi) return ctx.Error(errors::kExecWithoutMulti);
  Transaction tx = std::move(*c.multi);
  c.multi.reset();
  store::Keyspace& keyspace = ctx.keyspace();
  int64_t now_ms = ctx.now_ms;
  bool broken = ctx.server.watches.Broken(c, [&](int db, std::string_view key) {
    store::Entry* e = keyspace.db(db).Find(key);
    return e != nullptr && store::Keyspace::IsExpired(e, now_ms);
  });
  ctx.server.watches.UnwatchAll(c);
  if (tx.aborted) return ctx.Error(errors::kExecAbort);
  if (broken) return ctx.reply().NullArray();

  ctx.reply().ArrayHeader(tx.commands.size());
  c.in_exec = true;
  std::vector<std::string_view> argv;
  for (const std::vector<std::string>& command : tx.commands) {
    argv.assign(command.begin(), command.end());
    ctx.server.runner->RunQueued(c, argv);
  }
  c.in_exec = false;
}

void Discard(Context& ctx) {
  if (!ctx.client.multi) return ctx.Error(errors::kDiscardWithoutMulti);
  ctx.client.multi.reset();
  ctx.server.watches.UnwatchAll(ctx.client);
  ctx.reply().SimpleString("OK");
}

void Watch(Context& ctx) {
  if (ctx.client.multi) return ctx.Error(errors::kWatchInMulti);
  store::Database& db = ctx.db();
  for (size_t i = 1; i < ctx.argv.size(); ++i) {
    store::Entry* e = db.Find(ctx.argv[i]);
    bool live = e != nullptr && !store::Keyspace::IsExpired(e, ctx.now_ms);
    ctx.server.watches.Watch(ctx.client, ctx.client.db, ctx.argv[i], live);
  }
  ctx.reply().SimpleString("OK");
}

void Unwatch(Context& ctx) {
  ctx.server.watches.UnwatchAll(ctx.client);
  ctx.reply().SimpleString("OK");
}

}  // namespace

void RegisterTransactionCommands(CommandTable& table) {
  constexpr std::string_view kGroup = "transactions";
  constexpr uint32_t kTx = kNoScript | kLoading | kStale | kFast | kAllowBusy;
  table.Register({
      {"multi", 1, kTx, 0, 0, 0, kAclTransaction, Multi, kGroup,
       "Mark the start of a transaction block", "1.2.0"},
      {"exec", 1, kNoScript | kLoading | kStale | kSkipSlowlog, 0, 0, 0, kAclTransaction, Exec,
       kGroup, "Execute all commands issued after MULTI", "1.2.0"},
      {"discard", 1, kTx, 0, 0, 0, kAclTransaction, Discard, kGroup,
       "Discard all commands issued after MULTI", "2.0.0"},
      {"watch", -2, kTx, 1, -1, 1, kAclTransaction, Watch, kGroup,
       "Watch the given keys to determine execution of the MULTI/EXEC block", "2.2.0", "RO"},
      {"unwatch", 1, kTx, 0, 0, 0, kAclTransaction, Unwatch, kGroup,
       "Forget about all watched keys", "2.2.0"},
  });
}

}  // namespace tandem::commands
