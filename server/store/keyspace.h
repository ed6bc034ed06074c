#pragma once
// Keyspace: the numbered databases, expiry (lazy on lookup and the active cycle), access tracking
// for eviction, and the keyspace statistics INFO reports.
//
// Owner: the server; one thread. Time comes from the caller (now_ms) so tests drive it.

#include <cstdint>
#include <functional>
#include <random>
#include <string_view>
#include <vector>

#include "server/store/database.h"
#include "server/store/eviction.h"

namespace tandem::store {

class SnapshotCursor;

struct KeyspaceStats {
  uint64_t expired_keys = 0;
  uint64_t evicted_keys = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t expired_time_cap_reached_count = 0;
  double expired_stale_perc = 0;  // share of sampled volatile keys found expired, last cycle
};

// What a lookup does with a key whose TTL has passed.
enum class ExpiryMode {
  kDelete,  // a master (or a write on a writable replica): deletes it (lazy expiry), returns null
  kHide,    // a replica serving reads: returns null but keeps it until the master's DEL arrives
  kKeep,    // a replica applying its master's stream: the key is live until the master deletes it
};

class Keyspace {
 public:
  Keyspace(int database_count, uint64_t seed);

  int database_count() const { return static_cast<int>(dbs_.size()); }
  Database& db(int index) { return dbs_[index]; }
  const Database& db(int index) const { return dbs_[index]; }

  // Returns the live entry under `key`: an expired one is deleted first (lazy expiry) and null is
  // returned, or as expiry_mode() says. Does not count hits or touch the access data.
  Entry* Find(int db, std::string_view key, int64_t now_ms);
  // Find plus keyspace_hits/misses and an access touch: what read commands use.
  Entry* Lookup(int db, std::string_view key, int64_t now_ms);
  // Records an access to `entry` for eviction (not while copy-on-write friendly: see below).
  void Touch(Entry* entry, int64_t now_ms) {
    if (!cow_friendly_) TouchEntry(entry, eviction_, now_ms);
  }
  // Set while a forked child shares memory with the server: accesses stop updating the entries'
  // LRU/LFU data and the tables stop moving entries (Table::set_copy_on_write_friendly), so that
  // reads and rehashing do not make the kernel copy pages (Redis does the same).
  void set_copy_on_write_friendly(bool on);
  // A new key's access data, to be set after creation.
  void InitAccess(Entry* entry, int64_t now_ms) {
    entry->set_access(InitialAccess(eviction_, now_ms));
  }
  static bool IsExpired(const Entry* entry, int64_t now_ms) {
    return entry->has_expire() && entry->expire_ms() <= now_ms;
  }
  // Set by the dispatcher for each call (kDelete unless this node is a replica).
  void set_expiry_mode(ExpiryMode mode) { expiry_mode_ = mode; }
  ExpiryMode expiry_mode() const { return expiry_mode_; }
  // A random live key (expired ones met on the way are deleted, as expiry_mode() allows); null
  // when the db is empty.
  Entry* RandomKey(int db, int64_t now_ms);

  void SwapDatabases(int a, int b) { dbs_[a].Swap(dbs_[b]); }
  void FlushAll();
  size_t TotalKeys() const;

  // One run of the active expiry cycle: samples volatile keys in every database and deletes the
  // expired ones, repeating while more than 10% of a sample was expired, for at most budget_us
  // (measured with clock_us). Returns the number of keys deleted.
  size_t ActiveExpireCycle(int64_t now_ms, int64_t budget_us,
                           const std::function<int64_t()>& clock_us);

  // Advances the databases' resizes in progress for at most budget_us (Redis's activerehashing),
  // so that a table which stopped receiving writes does not stay half-resized.
  void IncrementalRehash(int64_t budget_us, const std::function<int64_t()>& clock_us);

  // Why a key went away without a command deleting it.
  enum class Removal { kExpired, kEvicted };
  using RemovedFn = std::function<void(int db, std::string_view key, Removal why)>;
  // Called before a key is deleted by expiry or eviction (WATCH, notifications, propagation).
  void set_on_removed(RemovedFn fn) { on_removed_ = std::move(fn); }
  // Every removal by expiry or eviction calls this before deleting: a running snapshot writes the
  // key first, then on_removed runs.
  void NotifyRemoved(int db, std::string_view key, Removal why);

  // Point-in-time snapshots (snapshot_cursor.h): an entry whose snapshot bit differs from the
  // epoch belongs to the running snapshot and is not written yet; new entries get the epoch.
  bool snapshot_epoch() const { return epoch_; }
  // Flips the epoch (a snapshot starts) or sets it; the databases stamp new entries with it.
  void set_snapshot_epoch(bool epoch);
  // The running snapshot (null when none), registered by SnapshotCursor.
  SnapshotCursor* snapshot() const { return snapshot_; }
  void set_snapshot(SnapshotCursor* cursor) { snapshot_ = cursor; }

  EvictionConfig& eviction() { return eviction_; }
  std::vector<EvictionCandidate>& eviction_pool() { return eviction_pool_; }
  KeyspaceStats& stats() { return stats_; }
  std::mt19937_64& rng() { return rng_; }

 private:
  void ExpireEntry(int db, Entry* entry);

  std::vector<Database> dbs_;
  EvictionConfig eviction_;
  std::vector<EvictionCandidate> eviction_pool_;
  KeyspaceStats stats_;
  std::mt19937_64 rng_;
  RemovedFn on_removed_;
  bool cow_friendly_ = false;
  ExpiryMode expiry_mode_ = ExpiryMode::kDelete;
  bool epoch_ = false;
  SnapshotCursor* snapshot_ = nullptr;
};

}  // namespace tandem::store
