#include "server/store/string_set.h"

#include <bit>
#include <cstring>
#include <utility>

#include "server/base/memory.h"
#include "server/store/scan_cursor.h"

namespace tandem::store {
namespace {

constexpr size_t kMinCapacity = 4;

// One seed per process, random so that clients cannot choose members that collide.
size_t HashSeed() {
  static const size_t seed = std::random_device{}();
  return seed;
}

// The smallest table that holds `count` members at a load of at most 3/4.
size_t CapacityFor(size_t count) {
  size_t capacity = kMinCapacity;
  while (count * 4 > capacity * 3) capacity *= 2;
  return capacity;
}

size_t VarintSize(size_t n) {
  size_t bytes = 1;
  while (n >= 0x80) {
    n >>= 7;
    ++bytes;
  }
  return bytes;
}

// A heap block holding `member` as [varint length][bytes].
char* NewBlock(std::string_view member) {
  size_t header = VarintSize(member.size());
  auto* block = static_cast<char*>(base::Allocate(header + member.size()));
  size_t n = member.size();
  char* p = block;
  while (n >= 0x80) {
    *p++ = static_cast<char>((n & 0x7F) | 0x80);
    n >>= 7;
  }
  *p++ = static_cast<char>(n);
  std::memcpy(p, member.data(), member.size());
  return block;
}

char** NewSlots(size_t capacity) {
  return static_cast<char**>(base::AllocateZeroed(capacity, sizeof(char*)));
}

}  // namespace

std::string_view StringSet::View(const char* block) {
  size_t n = 0;
  int shift = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(block);
  while (*p & 0x80) {
    n |= static_cast<size_t>(*p++ & 0x7F) << shift;
    shift += 7;
  }
  n |= static_cast<size_t>(*p++) << shift;
  return {reinterpret_cast<const char*>(p), n};
}

StringSet::~StringSet() {
  for (size_t i = 0; i < capacity_; ++i) base::Free(slots_[i]);
  base::Free(slots_);
}

StringSet::StringSet(const StringSet& other) : capacity_(other.capacity_), size_(other.size_) {
  if (capacity_ == 0) return;
  // Same seed and capacity: every member keeps its slot.
  slots_ = NewSlots(capacity_);
  for (size_t i = 0; i < capacity_; ++i) {
    if (other.slots_[i] != nullptr) slots_[i] = NewBlock(View(other.slots_[i]));
  }
}

StringSet::StringSet(StringSet&& other) noexcept
    : slots_(std::exchange(other.slots_, nullptr)),
      capacity_(std::exchange(other.capacity_, 0)),
      size_(std::exchange(other.size_, 0)) {}

StringSet& StringSet::operator=(StringSet&& other) noexcept {
  if (this != &other) {
    StringSet dying(std::move(*this));
    slots_ = std::exchange(other.slots_, nullptr);
    capacity_ = std::exchange(other.capacity_, 0);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

size_t StringSet::Home(std::string_view member) const {
  return std::_Hash_bytes(member.data(), member.size(), HashSeed()) & (capacity_ - 1);
}

size_t StringSet::Probe(std::string_view member) const {
  size_t mask = capacity_ - 1;
  size_t i = Home(member);
  while (slots_[i] != nullptr && View(slots_[i]) != member) i = (i + 1) & mask;
  return i;
}

bool StringSet::Contains(std::string_view member) const {
  return capacity_ != 0 && slots_[Probe(member)] != nullptr;
}

bool StringSet::Insert(std::string_view member) {
  if (capacity_ != 0 && slots_[Probe(member)] != nullptr) return false;
  if ((size_ + 1) * 4 > capacity_ * 3) Rehash(CapacityFor(size_ + 1));
  slots_[Probe(member)] = NewBlock(member);
  ++size_;
  return true;
}

bool StringSet::Erase(std::string_view member) {
  if (capacity_ == 0) return false;
  size_t slot = Probe(member);
  if (slots_[slot] == nullptr) return false;
  EraseSlot(slot);
  return true;
}

void StringSet::EraseSlot(size_t hole) {
  base::Free(slots_[hole]);
  --size_;
  // Backward shift: pull later members of the run into the hole unless that would put them
  // before their home slot, so that no lookup meets an empty slot before its member.
  size_t mask = capacity_ - 1;
  for (size_t j = (hole + 1) & mask; slots_[j] != nullptr; j = (j + 1) & mask) {
    size_t home = Home(View(slots_[j]));
    bool home_in_gap = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (home_in_gap) continue;
    slots_[hole] = slots_[j];
    hole = j;
  }
  slots_[hole] = nullptr;
  if (size_ == 0) {
    base::Free(std::exchange(slots_, nullptr));
    capacity_ = 0;
  } else if (capacity_ > kMinCapacity && size_ * 8 < capacity_) {
    Rehash(CapacityFor(size_));
  }
}

void StringSet::Reserve(size_t count) {
  size_t capacity = CapacityFor(count);
  if (capacity > capacity_) Rehash(capacity);
}

void StringSet::Rehash(size_t capacity) {
  char** old = std::exchange(slots_, NewSlots(capacity));
  size_t old_capacity = std::exchange(capacity_, capacity);
  for (size_t i = 0; i < old_capacity; ++i) {
    if (old[i] != nullptr) slots_[Probe(View(old[i]))] = old[i];
  }
  base::Free(old);
}

std::string_view StringSet::Random(std::mt19937_64& rng) const {
  // The load is at least 1/8 (or the table is at its minimum size), so this takes few draws.
  size_t mask = capacity_ - 1;
  while (true) {
    const char* block = slots_[rng() & mask];
    if (block != nullptr) return View(block);
  }
}

std::string StringSet::PopRandom(std::mt19937_64& rng) {
  size_t mask = capacity_ - 1;
  size_t slot = rng() & mask;
  while (slots_[slot] == nullptr) slot = rng() & mask;
  std::string member(View(slots_[slot]));
  EraseSlot(slot);
  return member;
}

uint64_t StringSet::Scan(uint64_t cursor, const std::function<void(std::string_view)>& fn) const {
  if (capacity_ == 0) return 0;
  size_t mask = capacity_ - 1;
  size_t bucket = cursor & mask;
  // The members whose home is `bucket` all lie in the run of full slots that starts there.
  for (size_t i = bucket; slots_[i] != nullptr; i = (i + 1) & mask) {
    std::string_view member = View(slots_[i]);
    if (Home(member) == bucket) fn(member);
  }
  return NextScanCursor(cursor, mask);
}

}  // namespace tandem::store
