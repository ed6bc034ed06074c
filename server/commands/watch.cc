#include "server/commands/watch.h"

#include <algorithm>

#include "server/commands/db_key.h"

namespace tandem::commands {

void WatchRegistry::Watch(Client& client, int db, std::string_view key, bool live_now) {
  ClientWatches& cw = clients_[&client];
  for (const Watched& w : cw.keys) {
    if (w.db == db && w.key == key) return;
  }
  cw.keys.push_back({db, std::string(key), live_now});
  by_key_[DbKeyId(db, key)].push_back(&client);
}

void WatchRegistry::Touched(int db, std::string_view key, bool removed) {
  if (by_key_.empty()) return;
  auto it = by_key_.find(DbKeyId(db, key));
  if (it == by_key_.end()) return;
  for (Client* client : it->second) {
    ClientWatches& cw = clients_[client];
    if (!removed) {
      cw.broken = true;
      continue;
    }
    for (const Watched& w : cw.keys) {
      if (w.db == db && w.key == key && w.live_at_watch) cw.broken = true;
    }
  }
}

size_t WatchRegistry::watched_keys(const Client& client) const {
  auto it = clients_.find(&client);
  return it == clients_.end() ? 0 : it->second.keys.size();
}

void WatchRegistry::UnwatchAll(Client& client) {
  auto it = clients_.find(&client);
  if (it == clients_.end()) return;
  for (const Watched& w : it->second.keys) {
    auto k = by_key_.find(DbKeyId(w.db, w.key));
    if (k == by_key_.end()) continue;
    std::erase(k->second, &client);
    if (k->second.empty()) by_key_.erase(k);
  }
  clients_.erase(it);
}

}  // namespace tandem::commands
