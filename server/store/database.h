#pragma once
// Database: one numbered keyspace (SELECT n). Owns a Table of entries and an index of the keys
// that carry a TTL ("volatile" keys) so that active expiry and volatile-* eviction can sample
// them in O(1) without walking the whole table.
//
// Invariant: an entry has_expire() exactly when it is in the volatile index, at position
// entry->volatile_index. Every operation that may move an entry's block returns the new pointer.
// Expiry is not checked here: Keyspace decides what "live" means.

#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

#include "server/store/entry.h"
#include "server/store/table.h"

namespace tandem::store {

class Database {
 public:
  explicit Database(uint64_t seed) : table_(seed) {}

  Entry* Find(std::string_view key) const { return table_.Find(key); }
  size_t size() const { return table_.size(); }
  size_t expires() const { return volatile_.size(); }

  // Adds a new key (absent before). Indexes it if it carries an expire. Stamps it with the
  // snapshot epoch: a key created while a snapshot runs is not part of it.
  void Add(Entry* entry);
  // Sets `key` to a string value, creating it if absent. An existing value of any type is replaced;
  // its TTL is dropped unless keep_ttl.
  Entry* SetString(std::string_view key, std::string_view value, bool keep_ttl);
  // Resizes a string entry's value to `length` bytes, keeping its bytes (see Entry::ResizeString).
  Entry* ResizeString(Entry* entry, size_t length);
  // Sets an absolute expire time in ms.
  Entry* SetExpire(Entry* entry, int64_t when_ms);
  // Removes the TTL; returns false when there was none.
  bool Persist(Entry* entry);
  // Deletes and frees.
  bool Delete(std::string_view key);
  void Delete(Entry* entry) { Entry::Destroy(Detach(entry->key())); }
  // Unlinks (and unindexes) the entry under key; the caller owns it. Null when absent.
  Entry* Detach(std::string_view key);
  void Clear();
  // Pre-sizes an empty database for `keys` keys (Table::Reserve).
  void Reserve(size_t keys) { table_.Reserve(keys); }
  void Swap(Database& other) noexcept;

  uint64_t Scan(uint64_t cursor, const std::function<void(Entry*)>& fn) const {
    return table_.Scan(cursor, fn);
  }
  Entry* RandomEntry(std::mt19937_64& rng) const { return table_.Random(rng); }
  // A uniformly chosen key with a TTL; null when none.
  Entry* RandomVolatile(std::mt19937_64& rng) const {
    return volatile_.empty() ? nullptr : volatile_[rng() % volatile_.size()];
  }
  // Advances a resize in progress by up to `buckets` buckets; true while one is.
  bool Rehash(size_t buckets) { return table_.Rehash(buckets); }
  void set_copy_on_write_friendly(bool on) { table_.set_copy_on_write_friendly(on); }
  // The snapshot bit new entries get (Keyspace keeps it equal to its epoch).
  void set_snapshot_epoch(bool epoch) { snapshot_epoch_ = epoch; }
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    table_.ForEach(std::forward<Fn>(fn));
  }

 private:
  // Points the table and the volatile index at `fresh`, which replaced `old` (same key).
  void Moved(const Entry* old, Entry* fresh);
  void Unindex(Entry* entry);

  Table table_;
  std::vector<Entry*> volatile_;
  bool snapshot_epoch_ = false;
};

}  // namespace tandem::store
