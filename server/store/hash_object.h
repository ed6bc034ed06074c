#pragma once
// HashObject: the value of a Redis hash, in one of Redis 7.0's two encodings:
//   "listpack"   field, value, field, value... in one Listpack with integer entries (a field or
//                value that is the canonical text of an int64 is stored as an integer, as in
//                Redis), searched linearly; used while the
//                hash has at most hash-max-listpack-entries fields and every field and value is at
//                most hash-max-listpack-value bytes;
//   "hashtable"  a StringMap, once either limit is passed. The conversion happens once: a hash
//                never goes back to a listpack (as in Redis).
// The limits are passed to each write (they are config values that CONFIG SET may change).
//
// Views returned by Get and Random stay valid until the next change to the hash or the reuse of
// the buffer passed to them; views handed to visitors only during the call.
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
  // Where an integer entry is decoded to text.
  using TextBuffer = Listpack::TextBuffer;
  struct PairBuffer {
    TextBuffer field;
    TextBuffer value;
  };

  HashObject() = default;
  HashObject(const HashObject& other);

  ValueType type() const override { return ValueType::kHash; }
  std::string_view encoding() const override { return is_listpack() ? "listpack" : "hashtable"; }
  std::unique_ptr<Object> Clone() const override;

  bool is_listpack() const { return map_ == nullptr; }
  // Fields in the hash.
  size_t size() const { return is_listpack() ? listpack_.size() / 2 : map_->size(); }
  bool empty() const { return size() == 0; }

  // The value of `field` (decoded into `buf` when stored as an integer); nullopt when absent.
  std::optional<std::string_view> Get(std::string_view field, TextBuffer& buf) const;
  bool Contains(std::string_view field) const;
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
    PairBuffer buf;
    for (size_t p = listpack_.begin(); p != listpack_.end();) {
      size_t v = listpack_.Next(p);
      fn(listpack_.Get(p, buf.field), listpack_.Get(v, buf.value));
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

  // A random pair (decoded into `buf` where needed). Requires !empty().
  Pair Random(std::mt19937_64& rng, PairBuffer& buf) const;
  // Calls fn(pair) `n` times with pairs drawn independently (repeats possible), without holding
  // them all at once. Requires !empty().
  template <typename Fn>
  void RandomPairs(uint64_t n, std::mt19937_64& rng, Fn&& fn) const {
    if (!is_listpack()) {
      for (uint64_t i = 0; i < n; ++i) fn(map_->Random(rng));
      return;
    }
    // Index the listpack once rather than walking it for every pick.
    std::vector<size_t> all = FieldPositions();
    PairBuffer buf;
    for (uint64_t i = 0; i < n; ++i) fn(PairAt(all[rng() % all.size()], buf));
  }
  // Calls fn(pair) for min(n, size()) distinct random pairs.
  template <typename Fn>
  void RandomDistinctPairs(size_t n, std::mt19937_64& rng, Fn&& fn) const {
    if (!is_listpack()) {
      std::vector<Pair> pairs;
      RandomDistinctMapPairs(n, rng, &pairs);
      for (const Pair& pair : pairs) fn(pair);
      return;
    }
    // A partial Fisher-Yates shuffle of the field positions.
    std::vector<size_t> all = FieldPositions();
    PairBuffer buf;
    for (size_t i = 0; i < n && i < all.size(); ++i) {
      std::swap(all[i], all[i + rng() % (all.size() - i)]);
      fn(PairAt(all[i], buf));
    }
  }

 private:
  // The listpack position of `field`'s entry; end() when absent.
  size_t FindInListpack(std::string_view field) const;
  // The listpack positions of every field, in order.
  std::vector<size_t> FieldPositions() const;
  // The pair whose field is at listpack position `pos`.
  Pair PairAt(size_t pos, PairBuffer& buf) const;
  // Appends min(n, size()) distinct random pairs of a hashtable.
  void RandomDistinctMapPairs(size_t n, std::mt19937_64& rng, std::vector<Pair>* out) const;

  Listpack listpack_{IntegerEntries::kYes};  // the pairs while listpack-encoded; empty otherwise
  std::unique_ptr<StringMap> map_;           // the pairs once hashtable-encoded
};

}  // namespace tandem::store
