#pragma once
// Table: the hash table of one database. Chained buckets (the chain link lives in Entry), a
// power-of-two bucket count, grown when the load reaches 1 and shrunk below 1/8.
//
// SCAN uses Redis's reverse-binary cursor: the cursor's bits are incremented from the top, so a
// full iteration visits every entry present throughout even if the table is resized between calls
// (entries may be returned more than once after a shrink).
//
// Owner: one Database; single-threaded. The table owns its entries and destroys them.

#include <cstdint>
#include <functional>
#include <random>
#include <string_view>
#include <vector>

#include "server/store/entry.h"

namespace tandem::store {

class Table {
 public:
  explicit Table(uint64_t seed) : seed_(seed) {}
  ~Table();
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;
  Table(Table&& other) noexcept;
  Table& operator=(Table&& other) noexcept;

  Entry* Find(std::string_view key) const;
  // Adds an entry whose key is absent.
  void Insert(Entry* entry);
  // Unlinks and returns the entry under `key` (null when absent); the caller owns it.
  Entry* Detach(std::string_view key);
  // Puts `fresh` where `old` was linked. `fresh` has old's key; `old` may already be freed (it is
  // only compared, never read).
  void Relink(const Entry* old, Entry* fresh);
  // Destroys every entry.
  void Clear();

  size_t size() const { return size_; }
  size_t bucket_count() const { return buckets_.size(); }

  // Calls fn for each entry of the buckets at `cursor` and returns the next cursor (0 when done).
  uint64_t Scan(uint64_t cursor, const std::function<void(Entry*)>& fn) const;
  // A uniformly chosen bucket's random entry; null when empty.
  Entry* Random(std::mt19937_64& rng) const;
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (Entry* head : buckets_)
      for (Entry* e = head; e != nullptr;) {
        Entry* next = e->next;
        fn(e);
        e = next;
      }
  }

 private:
  size_t IndexOf(std::string_view key) const;
  void Resize(size_t bucket_count);
  void MaybeShrink();

  uint64_t seed_;
  std::vector<Entry*> buckets_;
  size_t size_ = 0;
};

}  // namespace tandem::store
