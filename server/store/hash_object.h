#pragma once
// HashObject: the value of a Redis hash, in one of Redis 7.0's two encodings:
//   "listpack"   field, value, field, value... in one Listpack, searched linearly; used while the
//                hash has at most hash-max-listpack-entries fields and every field and value is at
//                most hash-max-listpack-value bytes;
//   "hashtable"  a StringMap, once either limit is passed. The conversion happens once: a hash
//                never goes back to a listpack (as in Redis).
// The limits are passed to each write (they are config values that CONFIG SET may change).
//
// Views returned by Get and handed to visitors stay valid until the next change to the hash.
// Owner: the keyspace Entry holding it; single-threaded.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string_view>
#include <utility>
#include <vector>

#include "server/store/listpack.h"
#include "server/store/object.h"
#include "server/store/string_map.h"

namespace tandem::store {

// hash-max-listpack-entries and hash-max-listpack-value.
struct HashLimits {
  size_t max_listpack_entries = 512;
  size_t max_listpack_value = 64;
};

class HashObject final : public Object {
 public:
  using Pair = std::pair<std::string_view, std::string_view>;

  HashObject() = default;
  HashObject(const HashObject& other);

  ValueType type() const override { return ValueType::kHash; }
  std::string_view encoding() const override { return is_listpack() ? "listpack" : "hashtable"; }
  std::unique_ptr<Object> Clone() const override;

  bool is_listpack() const { return map_ == nullptr; }
  // Fields in the hash.
  size_t size() const { return is_listpack() ? listpack_.size() / 2 : map_->size(); }
  bool empty() const { return size() == 0; }

  // The value of `field`; nullopt when absent.
  std::optional<std::string_view> Get(std::string_view field) const;
  bool Contains(std::string_view field) const { return Get(field).has_value(); }
  // Sets `field` to `value`; returns true when the field is new. A listpack hash becomes a
  // hashtable first when `field` or `value` is longer than limits.max_listpack_value, and after
  // the write when it holds more than limits.max_listpack_entries fields. Neither view may point
  // into this hash.
  bool Set(std::string_view field, std::string_view value, const HashLimits& limits);
  // Removes `field`; returns false when it was absent.
  bool Delete(std::string_view field);
  // Converts a listpack hash to a hashtable (no-op for a hashtable).
  void ConvertToHashtable();

  // Calls fn(field, value) for every pair: listpack order, or the table's order.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (!is_listpack()) return map_->ForEach(fn);
    for (size_t p = listpack_.begin(); p != listpack_.end();) {
      size_t v = listpack_.Next(p);
      fn(listpack_.Get(p), listpack_.Get(v));
      p = listpack_.Next(v);
    }
  }

  // HSCAN's step: calls fn(field, value) for some pairs and returns the next cursor, 0 when done.
  // A listpack hash visits every pair in one call and returns 0 whatever the cursor. A full scan
  // of a hashtable visits every pair present for the whole scan (some perhaps twice).
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) const {
    if (!is_listpack()) return map_->Scan(cursor, fn);
    ForEach(fn);
    return 0;
  }

  // A random pair. Requires !empty().
  Pair Random(std::mt19937_64& rng) const;
  // Calls fn(pair) `n` times with pairs drawn independently (repeats possible), without holding
  // them all at once. Requires !empty().
  template <typename Fn>
  void RandomPairs(uint64_t n, std::mt19937_64& rng, Fn&& fn) const {
    if (!is_listpack()) {
      for (uint64_t i = 0; i < n; ++i) fn(map_->Random(rng));
      return;
    }
    // Index the listpack once rather than walking it for every pick.
    std::vector<Pair> all = AllPairs();
    for (uint64_t i = 0; i < n; ++i) fn(all[rng() % all.size()]);
  }
  // Appends min(n, size()) distinct random pairs.
  void RandomDistinctPairs(size_t n, std::mt19937_64& rng, std::vector<Pair>* out) const;

 private:
  // The listpack position of `field`'s entry; end() when absent.
  size_t FindInListpack(std::string_view field) const;
  std::vector<Pair> AllPairs() const;

  Listpack listpack_;               // the pairs while listpack-encoded; empty otherwise
  std::unique_ptr<StringMap> map_;  // the pairs once hashtable-encoded
};

}  // namespace tandem::store
