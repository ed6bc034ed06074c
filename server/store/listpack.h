#pragma once
// Listpack: a sequence of short byte strings in one contiguous heap buffer. It is the compact
// encoding behind small hashes and sorted sets and behind each node of a list (as Redis's
// listpack).
//
// Entry layout: [header varint][payload][back-length], where the back-length holds the size of the
// header plus the payload, written so that it can be read from its last byte backwards (7 bits per
// byte, high bit = "more bytes before this one"). The header is 2 * length for a string entry
// (one byte up to 63 bytes, as in Redis) and 2 * n + 1 for an integer entry: n bytes (1-8) of a
// little-endian two's complement int64. Iteration works both ways in O(1) per step; insertion and
// removal move the bytes after the point (O(buffer)), which is why callers cap the size
// (hash-max-listpack-entries, list-max-listpack-size, ...).
//
// Integer entries are opt-in (IntegerEntries::kYes): then a value that is the canonical text of an
// int64 ("-12", not "012", "+1" or "-0") is stored as an integer entry and read back as the same
// text, so 1,000,000 costs 5 bytes instead of 9. Such a listpack must be read with the Get overload
// that takes a TextBuffer.
//
// Positions are byte offsets of entries; end() (== bytes()) is one past the last entry.
// Capacity is what the allocator gave (its usable size), so that no rounding goes to waste.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace tandem::store {

enum class IntegerEntries : bool { kNo, kYes };

class Listpack {
 public:
  // Room for the text of any int64 (INT64_MIN is 20 characters).
  using TextBuffer = char[20];

  Listpack() = default;
  explicit Listpack(IntegerEntries integers) : integers_(integers == IntegerEntries::kYes) {}
  Listpack(const Listpack& other);
  Listpack& operator=(const Listpack& other);
  Listpack(Listpack&&) noexcept = default;
  Listpack& operator=(Listpack&&) noexcept = default;

  size_t size() const { return count_; }  // entries
  bool empty() const { return count_ == 0; }
  size_t bytes() const { return used_; }  // encoded size
  size_t allocated() const { return capacity_; }
  bool integer_entries() const { return integers_; }
  // Encoded size of a string entry of `len` bytes: an upper bound for any entry of that text.
  static size_t EntrySize(size_t len);

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
  // The entry at `pos` as text, decoded into `buf` for an integer entry; the view lives until the
  // listpack changes or `buf` is reused.
  std::string_view Get(size_t pos, TextBuffer& buf) const;
  // The same for a listpack without integer entries (checked in debug builds).
  std::string_view Get(size_t pos) const;

  // Inserts `value` before the entry at `pos` (end(): appends). Returns the new entry's position.
  // `value` must not point into this listpack.
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
    TextBuffer buf;
    for (size_t p = 0; p < used_; p = Next(p)) {
      if (!fn(p, Get(p, buf))) return;
    }
  }

 private:
  struct FreeBuffer {
    void operator()(char* p) const;
  };

  // Grows the buffer to hold at least `bytes`.
  void Reserve(size_t bytes);
  // Replaces the buffer with one of `bytes` (> 0) holding the used bytes.
  void Resize(size_t bytes);

  std::unique_ptr<char[], FreeBuffer> data_;
  uint32_t used_ = 0;
  uint32_t capacity_ = 0;
  uint32_t count_ = 0;
  bool integers_ = false;
};

}  // namespace tandem::store
