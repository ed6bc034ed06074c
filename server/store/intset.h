#pragma once
// IntSet: a sorted set of distinct 64-bit integers in one contiguous heap block, the compact
// encoding of small all-integer sets (OBJECT ENCODING "intset").
//
// The block is laid out exactly as Redis's intset, which is also the RDB "set as intset" payload:
//   u32 encoding (bytes per value: 2, 4 or 8), u32 length, then `length` values, all little-endian,
//   in ascending order.
// The width is the smallest that holds every value ever inserted; it grows on insert and never
// shrinks (as in Redis). The block is resized to fit on every change, so inserts and erases cost
// O(n) moves and lookups O(log n) by binary search.
//
// Owner: one SetObject; single-threaded. The block is counted in used_memory (base::Allocate).

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tandem::store {

class IntSet {
 public:
  IntSet() = default;
  ~IntSet();
  IntSet(const IntSet& other);
  IntSet& operator=(const IntSet&) = delete;
  IntSet(IntSet&& other) noexcept : block_(other.block_) { other.block_ = nullptr; }
  IntSet& operator=(IntSet&& other) noexcept;

  size_t size() const;
  // Bytes per value (2, 4 or 8).
  size_t width() const;
  bool Contains(int64_t value) const;
  // Adds `value`; false when it was already present.
  bool Insert(int64_t value);
  // Removes `value`; false when it was absent.
  bool Erase(int64_t value);
  // The value at `index` in ascending order; requires index < size().
  int64_t At(size_t index) const;
  // Removes the value at `index`; requires index < size().
  void EraseAt(size_t index);

  // The block in Redis's intset layout (see above); an empty set gives the 8-byte header.
  std::string_view blob() const;

 private:
  // Index of the first value >= `value` (size() when none), and whether it equals `value`.
  size_t LowerBound(int64_t value, bool* found) const;
  void Store(size_t index, int64_t value);
  // Resizes the block for `count` values of `width` bytes (the header fields are left as they
  // were, except in a new block, which starts as an empty set of `width`).
  void Resize(size_t count, size_t width);
  // Re-encodes every value with `width` bytes and inserts `value`, which needs that width and so
  // is below or above every current value.
  void UpgradeAndInsert(int64_t value, size_t width);
  char* values() const;
  void set_size(size_t size);

  char* block_ = nullptr;  // null when empty and never grown
};

}  // namespace tandem::store
