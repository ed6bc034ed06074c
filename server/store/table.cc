#include "server/store/table.h"

#include <bit>
#include <utility>

namespace tandem::store {
namespace {

constexpr size_t kMinBuckets = 4;

uint64_t HashKey(std::string_view key, uint64_t seed) {
  return std::_Hash_bytes(key.data(), key.size(), static_cast<size_t>(seed));
}

// Reverses the bits of v (SCAN cursors count from the top bit down).
uint64_t ReverseBits(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
  v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
  return __builtin_bswap64(v);
}

}  // namespace

Table::~Table() { Clear(); }

Table::Table(Table&& other) noexcept
    : seed_(other.seed_), buckets_(std::move(other.buckets_)), size_(other.size_) {
  other.buckets_.clear();
  other.size_ = 0;
}

Table& Table::operator=(Table&& other) noexcept {
  if (this != &other) {
    Clear();
    seed_ = other.seed_;
    buckets_ = std::move(other.buckets_);
    size_ = other.size_;
    other.buckets_.clear();
    other.size_ = 0;
  }
  return *this;
}

size_t Table::IndexOf(std::string_view key) const {
  return HashKey(key, seed_) & (buckets_.size() - 1);
}

Entry* Table::Find(std::string_view key) const {
  if (size_ == 0) return nullptr;
  for (Entry* e = buckets_[IndexOf(key)]; e != nullptr; e = e->next) {
    if (e->key() == key) return e;
  }
  return nullptr;
}

void Table::Insert(Entry* entry) {
  if (size_ + 1 > buckets_.size()) Resize(std::max(kMinBuckets, buckets_.size() * 2));
  Entry*& head = buckets_[IndexOf(entry->key())];
  entry->next = head;
  head = entry;
  ++size_;
}

Entry* Table::Detach(std::string_view key) {
  if (size_ == 0) return nullptr;
  for (Entry** link = &buckets_[IndexOf(key)]; *link != nullptr; link = &(*link)->next) {
    Entry* e = *link;
    if (e->key() == key) {
      *link = e->next;
      e->next = nullptr;
      --size_;
      MaybeShrink();
      return e;
    }
  }
  return nullptr;
}

void Table::Relink(const Entry* old, Entry* fresh) {
  for (Entry** link = &buckets_[IndexOf(fresh->key())]; *link != nullptr; link = &(*link)->next) {
    if (*link == old) {
      *link = fresh;  // fresh->next was copied from old by realloc or by the replacing code
      return;
    }
  }
}

void Table::Clear() {
  for (Entry*& head : buckets_) {
    for (Entry* e = head; e != nullptr;) {
      Entry* next = e->next;
      Entry::Destroy(e);
      e = next;
    }
    head = nullptr;
  }
  size_ = 0;
  std::vector<Entry*>().swap(buckets_);
}

void Table::Resize(size_t bucket_count) {
  std::vector<Entry*> old = std::move(buckets_);
  buckets_.assign(bucket_count, nullptr);
  for (Entry* head : old) {
    for (Entry* e = head; e != nullptr;) {
      Entry* next = e->next;
      Entry*& slot = buckets_[IndexOf(e->key())];
      e->next = slot;
      slot = e;
      e = next;
    }
  }
}

void Table::MaybeShrink() {
  if (buckets_.size() > kMinBuckets && size_ * 8 < buckets_.size()) {
    Resize(std::max(kMinBuckets, std::bit_ceil(std::max<size_t>(size_, 1))));
  }
}

uint64_t Table::Scan(uint64_t cursor, const std::function<void(Entry*)>& fn) const {
  if (buckets_.empty()) return 0;
  uint64_t mask = buckets_.size() - 1;
  for (Entry* e = buckets_[cursor & mask]; e != nullptr; e = e->next) fn(e);
  // Increment the cursor's unmasked high bits in reverse order.
  cursor |= ~mask;
  cursor = ReverseBits(cursor);
  cursor++;
  cursor = ReverseBits(cursor);
  return cursor;
}

Entry* Table::Random(std::mt19937_64& rng) const {
  if (size_ == 0) return nullptr;
  Entry* head = nullptr;
  while (head == nullptr) head = buckets_[rng() & (buckets_.size() - 1)];
  size_t len = 0;
  for (Entry* e = head; e != nullptr; e = e->next) ++len;
  size_t pick = rng() % len;
  while (pick-- > 0) head = head->next;
  return head;
}

}  // namespace tandem::store
