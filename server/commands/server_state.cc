#include "server/commands/server_state.h"

#include <algorithm>
#include <random>

#include "server/config/keyspace_events.h"

namespace tandem::commands {
namespace {

std::string RandomHex(uint64_t seed, size_t len) {
  std::mt19937_64 rng(seed);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(len, '0');
  for (char& c : out) c = kHex[rng() & 15];
  return out;
}

}  // namespace

ServerState::ServerState(config::Config& cfg, const base::Clock& clk, uint64_t seed)
    : config(cfg),
      clock(clk),
      keyspace(static_cast<int>(cfg.GetInt("databases")), seed),
      acl(commands),
      run_id(RandomHex(seed ^ 0x5eed, 40)),
      start_time_ms(clk.NowMs()),
      pubsub(clk) {
  stats.commands.resize(commands.id_count());
  keyspace.set_on_removed([this](int db, std::string_view key, store::Keyspace::Removal why) {
    namespace ke = config::keyspace_event;
    bool expired = why == store::Keyspace::Removal::kExpired;
    watches.Touched(db, key, /*removed=*/true);
    if (propagation.enabled()) {
      std::string_view del[] = {"DEL", key};
      propagation.Record(db, del);
    }
    NotifyKeyspaceEvent(expired ? ke::kExpired : ke::kEvicted, expired ? "expired" : "evicted", key,
                        db);
  });
}

void ServerState::EndPauseIfDue(int64_t now_ms, bool force) {
  if (pause_mode == PauseMode::kOff || (!force && now_ms < pause_end_ms)) return;
  pause_mode = PauseMode::kOff;
  std::vector<uint64_t> waiting;
  waiting.swap(paused_clients);
  for (uint64_t id : waiting) {
    auto it = clients.find(id);
    if (it != clients.end()) it->second->connection().Resume();
  }
}

void ServerState::RemoveClient(Client* client) {
  clients.erase(client->id());
  monitors.erase(std::remove(monitors.begin(), monitors.end(), client), monitors.end());
  blocking.Remove(*client);
  watches.UnwatchAll(*client);
  pubsub.RemoveClient(*client);
  if (replication != nullptr) replication->ClientClosed(*client);
}

void ServerState::CountError(std::string_view text) {
  size_t space = text.find(' ');
  std::string code(text.substr(0, space));
  ++stats.total_error_replies;
  // Redis caps the number of distinct error codes it tracks at 128.
  auto it = stats.error_counts.find(code);
  if (it != stats.error_counts.end()) {
    ++it->second;
  } else if (stats.error_counts.size() < 128) {
    stats.error_counts.emplace(std::move(code), 1);
  }
}

}  // namespace tandem::commands
