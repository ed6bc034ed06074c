#pragma once
// Table: the hash table of one database. Chained buckets (the chain link lives in Entry), a
// power-of-two bucket count, grown when the load reaches 1 and shrunk below 1/8.
//
// Resizing is incremental, as in Redis: a resize allocates the new bucket array and every write
// then moves a few buckets of the old one (Rehash() moves more, from the cron), so no single
// command pays for moving a million entries. While a resize is in progress an entry is in exactly
// one of the two arrays; entries never move in memory, only between chains.
//
// SCAN uses Redis's reverse-binary cursor: the cursor's bits are incremented from the top, so a
// full iteration visits every entry present throughout even if the table is resized between calls
// (entries may be returned more than once after a shrink). Mid-resize, a cursor visits a bucket of
// the smaller array and every bucket of the larger one that it expands to.
//
// Owner: one Database; single-threaded. The table owns its entries and destroys them.

#include <cstdint>
#include <functional>
#include <random>
#include <string_view>
#include <utility>

#include "server/store/entry.h"

namespace tandem::store {

// An owned, zero-initialised array of bucket heads (calloc-backed: see base::AllocateZeroed).
class BucketArray {
 public:
  BucketArray() = default;
  explicit BucketArray(size_t size);
  ~BucketArray();
  BucketArray(BucketArray&& other) noexcept { swap(other); }
  BucketArray& operator=(BucketArray&& other) noexcept {
    BucketArray(std::move(other)).swap(*this);
    return *this;
  }
  void swap(BucketArray& other) noexcept {
    std::swap(slots_, other.slots_);
    std::swap(size_, other.size_);
  }
  Entry*& operator[](size_t i) { return slots_[i]; }
  Entry* operator[](size_t i) const { return slots_[i]; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  Entry** begin() const { return slots_; }
  Entry** end() const { return slots_ + size_; }

 private:
  Entry** slots_ = nullptr;
  size_t size_ = 0;
};

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
  // Sizes the buckets of an empty table for `n` entries at once (RDB's RESIZEDB hint), so that a
  // load does not grow the table step by step. No-op on a table that holds entries.
  void Reserve(size_t n);

  size_t size() const { return size_; }
  // Buckets of the current array (the one a resize in progress moves entries into).
  size_t bucket_count() const { return buckets_.size(); }
  bool rehashing() const { return !old_.empty(); }
  // While a forked child (BGSAVE, AOF rewrite) shares the parent's pages, moving entries between
  // buckets would copy every page they sit on: then the table neither shrinks nor moves entries
  // on writes, and grows only past 5 entries per bucket (as Redis's dict_force_resize_ratio).
  void set_copy_on_write_friendly(bool on) { cow_friendly_ = on; }
  // Moves up to `buckets` non-empty buckets of a resize in progress. Returns true while one is.
  bool Rehash(size_t buckets);

  // Calls fn for each entry of the buckets at `cursor` and returns the next cursor (0 when done).
  uint64_t Scan(uint64_t cursor, const std::function<void(Entry*)>& fn) const;
  // A uniformly chosen bucket's random entry; null when empty.
  Entry* Random(std::mt19937_64& rng) const;
  // Calls fn for every entry. fn must not change the table.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (size_t i = rehash_index_; i < old_.size(); ++i) ForEachInChain(old_[i], fn);
    for (Entry* head : buckets_) ForEachInChain(head, fn);
  }

 private:
  template <typename Fn>
  static void ForEachInChain(Entry* head, Fn& fn) {
    for (Entry* e = head; e != nullptr;) {
      Entry* next = e->next;
      fn(e);
      e = next;
    }
  }
  uint64_t Hash(std::string_view key) const;
  // The link that points at the entry with this key (or, with `target`, at that very entry),
  // searching the unmoved old chain and the current one: mid-resize an entry may be in either.
  // Null when absent.
  Entry** FindLink(uint64_t hash, std::string_view key, const Entry* target = nullptr);
  void StartResize(size_t bucket_count);
  void FinishRehash();
  void MaybeShrink();

  uint64_t seed_;
  BucketArray buckets_;      // the current array
  BucketArray old_;          // the array being drained; empty when no resize is in progress
  size_t rehash_index_ = 0;  // old_[0, rehash_index_) are already moved (and empty)
  size_t size_ = 0;
  bool cow_friendly_ = false;
};

}  // namespace tandem::store
