#pragma once
// StringSet: a set of byte strings, the general encoding of sets (OBJECT ENCODING "hashtable").
//
// A flat open-addressing table with linear probing: one pointer per slot (null when empty), each
// pointing at a heap block holding one member as [varint length][bytes]. A member costs its bytes,
// one or more length bytes, the allocator's rounding and 8 / load bytes of slots, against some 60
// bytes of overhead for a node-based set. The slot count is a power of two; the table grows when
// the load would pass 3/4 and shrinks when it falls below 1/8, so a random slot is a member with
// probability >= 1/8 (Random stays cheap and exactly uniform). Erase shifts the rest of the probe
// run back instead of leaving tombstones, so every member sits between its home slot (hash & mask)
// and the first empty slot after it.
//
// Members never move in memory while they are in the set: views returned by Random/ForEach/Scan
// stay valid until that member is erased or the set is destroyed.
//
// Owner: one SetObject; single-threaded. All memory is counted in used_memory.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <string_view>

namespace tandem::store {

class StringSet {
 public:
  StringSet() = default;
  ~StringSet();
  StringSet(const StringSet& other);
  StringSet& operator=(const StringSet&) = delete;
  StringSet(StringSet&& other) noexcept;
  StringSet& operator=(StringSet&& other) noexcept;

  size_t size() const { return size_; }
  // Number of slots (0 before the first insert).
  size_t capacity() const { return capacity_; }
  bool Contains(std::string_view member) const;
  // Adds `member`; false when it was already present.
  bool Insert(std::string_view member);
  // Removes `member`; false when it was absent.
  bool Erase(std::string_view member);
  // Sizes the table for `count` members so that inserting them does not grow it again.
  void Reserve(size_t count);

  // A uniformly chosen member; requires size() > 0.
  std::string_view Random(std::mt19937_64& rng) const;
  // Removes a uniformly chosen member and returns it; requires size() > 0.
  std::string PopRandom(std::mt19937_64& rng);

  // Calls fn(std::string_view) for every member, in slot order. fn must not change the set.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (size_t i = 0; i < capacity_; ++i) {
      if (slots_[i] != nullptr) fn(View(slots_[i]));
    }
  }

  // One step of an SSCAN-style iteration (start with cursor 0): calls fn for the members whose
  // home slot is the cursor's bucket and returns the next cursor, 0 when done. A member present
  // from the first call to the last is reported at least once even if the set grows or shrinks
  // in between (see scan_cursor.h); members added or removed meanwhile may or may not be.
  uint64_t Scan(uint64_t cursor, const std::function<void(std::string_view)>& fn) const;

 private:
  static std::string_view View(const char* block);
  size_t Home(std::string_view member) const;
  // The slot holding `member`, or the empty slot that ends its probe run. Requires capacity_ > 0.
  size_t Probe(std::string_view member) const;
  void EraseSlot(size_t slot);
  void Rehash(size_t capacity);

  char** slots_ = nullptr;
  size_t capacity_ = 0;  // 0 or a power of two
  size_t size_ = 0;
};

}  // namespace tandem::store
