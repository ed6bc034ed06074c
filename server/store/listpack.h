#pragma once
// Listpack: a sequence of short byte strings in one contiguous heap buffer. It is the compact
// encoding behind small hashes and sorted sets and behind each node of a list (as Redis's
// listpack).
//
// Entry layout: [length varint][bytes][back-length], where the back-length holds the size of the
// length varint plus the bytes, written so that it can be read from its last byte backwards (7
// bits per byte, high bit = "more bytes before this one"). Iteration works both ways in O(1) per
// step; insertion and removal move the bytes after the point (O(buffer)), which is why callers cap
// the size (hash-max-listpack-entries, list-max-listpack-size, ...).
//
// Positions are byte offsets of entries; end() (== bytes()) is one past the last entry.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace tandem::store {

class Listpack {
 public:
  Listpack() = default;
  Listpack(const Listpack& other);
  Listpack& operator=(const Listpack& other);
  Listpack(Listpack&&) noexcept = default;
  Listpack& operator=(Listpack&&) noexcept = default;

  size_t size() const { return count_; }  // entries
  bool empty() const { return count_ == 0; }
  size_t bytes() const { return used_; }  // encoded size
  size_t allocated() const { return capacity_; }

  size_t begin() const { return 0; }
  size_t end() const { return used_; }
  // The entry after / before the one at `pos`. Next(last) == end(); Prev(begin()) is invalid.
  size_t Next(size_t pos) const;
  size_t Prev(size_t pos) const;
  // The last entry's position; end() when empty.
  size_t Last() const { return used_ == 0 ? used_ : Prev(used_); }
  // The position of the entry at `index` (negative: from the end, -1 the last); end() when out of
  // range. O(index) from the nearer end.
  size_t Seek(int64_t index) const;
  std::string_view Get(size_t pos) const;

  // Inserts `value` before the entry at `pos` (end(): appends). Returns the new entry's position.
  size_t Insert(size_t pos, std::string_view value);
  void PushBack(std::string_view value) { Insert(end(), value); }
  void PushFront(std::string_view value) { Insert(begin(), value); }
  // Replaces the entry at `pos`; returns its (unchanged) position.
  size_t Replace(size_t pos, std::string_view value);
  // Removes `n` entries starting at `pos`; returns the position of the entry that followed them.
  size_t Erase(size_t pos, size_t n = 1);
  void Clear();
  // Frees unused capacity.
  void ShrinkToFit();

  // Visits entries from the front while fn(pos, value) returns true.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (size_t p = 0; p < used_; p = Next(p)) {
      if (!fn(p, Get(p))) return;
    }
  }

 private:
  void Reserve(size_t bytes);

  std::unique_ptr<char[]> data_;
  uint32_t used_ = 0;
  uint32_t capacity_ = 0;
  uint32_t count_ = 0;
};

}  // namespace tandem::store
