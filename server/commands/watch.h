#pragma once
// WatchRegistry: the keys clients WATCH, and which clients' transactions a write has broken.
//
// A client's EXEC fails when, since its WATCH, a watched key was written (Touched), its database
// flushed, or the key expired (Redis 7.0: a key live at WATCH time and logically expired at EXEC
// time breaks the transaction even before anything deletes it).
//
// Owner: ServerState; server thread only. Clients are removed by UnwatchAll before they go away.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/commands/client.h"

namespace tandem::commands {

class WatchRegistry {
 public:
  // Adds (db, key) to the client's watched keys; `live_now` is whether the key exists and has not
  // expired at this moment.
  void Watch(Client& client, int db, std::string_view key, bool live_now);
  // Marks every client watching (db, key) as broken. An expiry or eviction (`removed`) breaks
  // only the watches taken while the key was live.
  void Touched(int db, std::string_view key, bool removed = false);
  // FLUSHDB/FLUSHALL/SWAPDB: marks clients watching a key of `db` (every db when db < 0) that
  // `exists(db, key)` says is present as broken (as Redis 7.0, watching an absent key survives).
  template <typename ExistsFn>
  void TouchedDb(int db, ExistsFn&& exists) {
    for (auto& [client, cw] : clients_) {
      for (const Watched& w : cw.keys) {
        if ((db < 0 || w.db == db) && exists(w.db, w.key)) cw.broken = true;
      }
    }
  }
  // True when the client's transaction must abort. `expired(db, key)` tells whether a key is
  // present but logically expired now.
  template <typename ExpiredFn>
  bool Broken(const Client& client, ExpiredFn&& expired) const {
    auto it = clients_.find(&client);
    if (it == clients_.end()) return false;
    if (it->second.broken) return true;
    for (const Watched& w : it->second.keys) {
      if (w.live_at_watch && expired(w.db, w.key)) return true;
    }
    return false;
  }
  bool watching(const Client& client) const { return clients_.count(&client) != 0; }
  size_t watched_keys(const Client& client) const;
  size_t total_watched_keys() const { return by_key_.size(); }
  // Forgets the client's watches (EXEC, DISCARD, UNWATCH, disconnect).
  void UnwatchAll(Client& client);

 private:
  struct Watched {
    int db;
    std::string key;
    bool live_at_watch;
  };
  struct ClientWatches {
    std::vector<Watched> keys;
    bool broken = false;
  };

  std::unordered_map<const Client*, ClientWatches> clients_;
  std::unordered_map<std::string, std::vector<Client*>> by_key_;
};

}  // namespace tandem::commands
