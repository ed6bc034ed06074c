#pragma once
// StringMap: a compact string -> string hash map, the "hashtable" encoding of large hashes.
//
// Each pair is one heap block [next][field length][value length][field bytes][value bytes] on a
// chain; the bucket array is a power of two, grown when the load reaches 1 and shrunk below 1/8
// (Redis's rules for hash dicts). A resize moves every pair at once: unlike store::Table it is not
// incremental, which is fine for the sizes hashes reach in practice.
//
// Scan uses Redis's reverse-binary cursor, so a full scan returns every pair present for the
// whole scan even when the map is resized between calls (pairs may come twice after a shrink).
//
// Owner: one HashObject; single-threaded. Views returned by Find and passed to visitors stay
// valid until the next change to the map.

#include <cstddef>
#include <cstdint>
#include <random>
#include <string_view>

#include "server/store/scan_cursor.h"

namespace tandem::store {

class StringMap {
 public:
  StringMap() = default;
  ~StringMap();
  StringMap(const StringMap& other);
  StringMap& operator=(const StringMap&) = delete;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t bucket_count() const { return bucket_count_; }

  // The value of `field`; `found` tells an absent field from an empty value.
  std::string_view Find(std::string_view field, bool* found) const;
  // Sets `field` to `value`; returns true when the field is new.
  bool Set(std::string_view field, std::string_view value);
  // Removes `field`; returns false when it was absent.
  bool Erase(std::string_view field);

  // Calls fn(field, value) for every pair. fn must not change the map.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (size_t i = 0; i < bucket_count_; ++i) {
      for (const Node* n = buckets_[i]; n != nullptr; n = n->next) fn(n->field(), n->value());
    }
  }
  // Calls fn(field, value) for the pairs of the bucket(s) at `cursor`; returns the next cursor
  // (0 when the scan is complete).
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) const {
    if (bucket_count_ == 0) return 0;
    for (const Node* n = buckets_[cursor & (bucket_count_ - 1)]; n != nullptr; n = n->next)
      fn(n->field(), n->value());
    return NextScanCursor(cursor, bucket_count_ - 1);
  }
  // A random pair (a random non-empty bucket, then a random pair of its chain). Requires !empty().
  std::pair<std::string_view, std::string_view> Random(std::mt19937_64& rng) const;

 private:
  struct Node {
    Node* next;
    uint32_t field_len;
    uint32_t value_len;
    char* bytes() { return reinterpret_cast<char*>(this + 1); }
    const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }
    std::string_view field() const { return {bytes(), field_len}; }
    std::string_view value() const { return {bytes() + field_len, value_len}; }
  };

  static Node* NewNode(std::string_view field, std::string_view value);
  static uint64_t Hash(std::string_view field);
  // The link that points at `field`'s node, or the null link ending its chain when absent.
  Node** FindLink(std::string_view field) const;
  void Resize(size_t bucket_count);

  Node** buckets_ = nullptr;
  size_t bucket_count_ = 0;
  size_t size_ = 0;
};

}  // namespace tandem::store
