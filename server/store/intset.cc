#include "server/store/intset.h"

#include <bit>
#include <cstring>

#include "server/base/memory.h"

namespace tandem::store {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the intset block is stored little-endian, as the host order");

constexpr size_t kHeaderSize = 8;  // u32 encoding + u32 length

// The narrowest width (bytes) that holds `value`.
size_t WidthFor(int64_t value) {
  if (value >= INT16_MIN && value <= INT16_MAX) return 2;
  if (value >= INT32_MIN && value <= INT32_MAX) return 4;
  return 8;
}

uint32_t LoadU32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

void StoreU32(char* p, uint32_t v) { std::memcpy(p, &v, sizeof(v)); }

int64_t LoadValue(const char* p, size_t width) {
  if (width == 2) {
    int16_t v;
    std::memcpy(&v, p, 2);
    return v;
  }
  if (width == 4) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  int64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

void StoreValue(char* p, size_t width, int64_t value) {
  if (width == 2) {
    auto v = static_cast<int16_t>(value);
    std::memcpy(p, &v, 2);
  } else if (width == 4) {
    auto v = static_cast<int32_t>(value);
    std::memcpy(p, &v, 4);
  } else {
    std::memcpy(p, &value, 8);
  }
}

// The header of an empty set of 2-byte values, for blob() before any insert.
constexpr char kEmptyBlob[kHeaderSize] = {2, 0, 0, 0, 0, 0, 0, 0};

}  // namespace

IntSet::~IntSet() { base::Free(block_); }

IntSet::IntSet(const IntSet& other) {
  if (other.block_ == nullptr) return;
  std::string_view bytes = other.blob();
  block_ = static_cast<char*>(base::Allocate(bytes.size()));
  std::memcpy(block_, bytes.data(), bytes.size());
}

IntSet& IntSet::operator=(IntSet&& other) noexcept {
  if (this != &other) {
    base::Free(block_);
    block_ = other.block_;
    other.block_ = nullptr;
  }
  return *this;
}

size_t IntSet::size() const { return block_ == nullptr ? 0 : LoadU32(block_ + 4); }

size_t IntSet::width() const { return block_ == nullptr ? 2 : LoadU32(block_); }

char* IntSet::values() const { return block_ + kHeaderSize; }

void IntSet::set_size(size_t size) { StoreU32(block_ + 4, static_cast<uint32_t>(size)); }

int64_t IntSet::At(size_t index) const { return LoadValue(values() + index * width(), width()); }

void IntSet::Store(size_t index, int64_t value) {
  StoreValue(values() + index * width(), width(), value);
}

size_t IntSet::LowerBound(int64_t value, bool* found) const {
  size_t lo = 0, hi = size();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (At(mid) < value) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  *found = lo < size() && At(lo) == value;
  return lo;
}

bool IntSet::Contains(int64_t value) const {
  if (WidthFor(value) > width()) return false;
  bool found;
  LowerBound(value, &found);
  return found;
}

void IntSet::Resize(size_t count, size_t width) {
  bool fresh = block_ == nullptr;
  block_ = static_cast<char*>(base::Reallocate(block_, kHeaderSize + count * width));
  if (fresh) {
    StoreU32(block_, static_cast<uint32_t>(width));
    set_size(0);
  }
}

bool IntSet::Insert(int64_t value) {
  size_t needed = WidthFor(value);
  if (needed > width()) {
    UpgradeAndInsert(value, needed);
    return true;
  }
  bool found;
  size_t index = LowerBound(value, &found);
  if (found) return false;
  size_t n = size(), w = width();
  Resize(n + 1, w);
  std::memmove(values() + (index + 1) * w, values() + index * w, (n - index) * w);
  Store(index, value);
  set_size(n + 1);
  return true;
}

void IntSet::UpgradeAndInsert(int64_t value, size_t new_width) {
  size_t n = size(), old_width = width();
  Resize(n + 1, new_width);
  StoreU32(block_, static_cast<uint32_t>(new_width));
  // A value that needs a wider encoding lies outside the current range: it goes first when
  // negative, last otherwise. Widen from the back so no value is overwritten before it is read.
  size_t shift = value < 0 ? 1 : 0;
  for (size_t i = n; i-- > 0;) {
    int64_t v = LoadValue(values() + i * old_width, old_width);
    StoreValue(values() + (i + shift) * new_width, new_width, v);
  }
  Store(value < 0 ? 0 : n, value);
  set_size(n + 1);
}

bool IntSet::Erase(int64_t value) {
  if (WidthFor(value) > width()) return false;
  bool found;
  size_t index = LowerBound(value, &found);
  if (!found) return false;
  EraseAt(index);
  return true;
}

void IntSet::EraseAt(size_t index) {
  size_t n = size(), w = width();
  std::memmove(values() + index * w, values() + (index + 1) * w, (n - index - 1) * w);
  set_size(n - 1);
  Resize(n - 1, w);
}

std::string_view IntSet::blob() const {
  if (block_ == nullptr) return {kEmptyBlob, kHeaderSize};
  return {block_, kHeaderSize + size() * width()};
}

}  // namespace tandem::store
