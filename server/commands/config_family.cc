// CONFIG commands: GET, SET, RESETSTAT, REWRITE, HELP, on top of config::Config.

#include <string>
#include <utility>
#include <vector>

#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/help_reply.h"

namespace tandem::commands {
namespace {

// enable-protected-configs "local" trusts clients on the loopback interface or a unix socket.
bool IsLocalClient(Client& client) {
  std::string peer = client.connection().PeerAddress();
  if (peer.empty() || peer.front() == '/') return true;
  std::string_view host(peer);
  host = host.substr(0, host.rfind(':'));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host == "127.0.0.1" || host == "::1";
}

void ConfigGet(Context& ctx) {
  std::vector<std::string> patterns(ctx.argv.begin() + 2, ctx.argv.end());
  std::vector<std::pair<std::string, std::string>> found = ctx.server.config.Get(patterns);
  resp::ReplyBuilder& r = ctx.reply();
  r.MapHeader(found.size());
  for (const auto& [name, value] : found) {
    r.Bulk(name);
    r.Bulk(value);
  }
}

void ConfigSet(Context& ctx) {
  if (ctx.argv.size() % 2 != 0) return ctx.Error(errors::kSyntax);
  std::vector<std::pair<std::string, std::string>> changes;
  changes.reserve((ctx.argv.size() - 2) / 2);
  for (size_t i = 2; i < ctx.argv.size(); i += 2) {
    changes.emplace_back(std::string(ctx.argv[i]), std::string(ctx.argv[i + 1]));
  }
  config::Config::SetContext context;
  context.client_is_local = IsLocalClient(ctx.client);
  base::Status status = ctx.server.config.Set(changes, context);
  if (!status.ok()) return ctx.Error(status.message());
  ctx.reply().SimpleString("OK");
}

// Resets what INFO reports as counters since start: server and per-command stats, errorstats and
// the keyspace hit/miss/expiry/eviction counts. The write counter (for persistence) and the
// memory peak are not statistics in this sense and stay, as in Redis.
void ConfigResetStat(Context& ctx) {
  ServerStats& stats = ctx.server.stats;
  ServerStats fresh;
  fresh.dirty = stats.dirty;
  fresh.used_memory_peak = stats.used_memory_peak;
  fresh.commands.resize(stats.commands.size());
  stats = std::move(fresh);
  store::KeyspaceStats& keyspace = ctx.keyspace().stats();
  keyspace.expired_keys = 0;
  keyspace.evicted_keys = 0;
  keyspace.keyspace_hits = 0;
  keyspace.keyspace_misses = 0;
  keyspace.expired_time_cap_reached_count = 0;
  keyspace.expired_stale_perc = 0;
  ctx.reply().SimpleString("OK");
}

void ConfigRewrite(Context& ctx) {
  base::Status status = ctx.server.config.Rewrite();
  if (!status.ok()) return ctx.Error(status.message());
  ctx.reply().SimpleString("OK");
}

void ConfigHelp(Context& ctx) {
  ReplyHelp(ctx.reply(), "CONFIG",
            {
                "GET <pattern>",
                "    Return parameters matching the glob-like <pattern> and their values.",
                "SET <directive> <value>",
                "    Set the configuration <directive> to <value>.",
                "RESETSTAT",
                "    Reset statistics reported by the INFO command.",
                "REWRITE",
                "    Rewrite the configuration file.",
            });
}

}  // namespace

void RegisterConfigCommands(CommandTable& table) {
  constexpr uint32_t kAdminSub = kAdmin | kNoScript | kLoading | kStale;
  constexpr std::string_view kServer = "server";
  std::vector<CommandSpec> subcommands = {
      {"get", -3, kAdminSub, 0, 0, 0, 0, ConfigGet, kServer,
       "Get the values of configuration parameters", "2.0.0"},
      {"help", 2, kLoading | kStale, 0, 0, 0, 0, ConfigHelp, kServer,
       "Show helpful text about the different subcommands", "5.0.0"},
      {"resetstat", 2, kAdminSub, 0, 0, 0, 0, ConfigResetStat, kServer,
       "Reset the stats returned by INFO", "2.0.0"},
      {"rewrite", 2, kAdminSub, 0, 0, 0, 0, ConfigRewrite, kServer,
       "Rewrite the configuration file with the in memory configuration", "2.8.0"},
      {"set", -4, kAdminSub, 0, 0, 0, 0, ConfigSet, kServer,
       "Set configuration parameters to the given values", "2.0.0"},
  };
  table.Register({
      ContainerCommand("config", kServer, "A container for server configuration commands", "2.0.0",
                       std::move(subcommands)),
  });
}

}  // namespace tandem::commands
