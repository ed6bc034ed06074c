#include "server/store/table.h"

#include <algorithm>
#include <bit>
#include <utility>

#include "server/base/memory.h"
#include "server/store/scan_cursor.h"

namespace tandem::store {
namespace {

constexpr size_t kMinBuckets = 4;
// Buckets a write moves of a resize in progress (and how many empty ones it may skip per moved
// one): enough that a resize always ends before the next one is due.
constexpr size_t kBucketsPerWrite = 2;
constexpr size_t kEmptyVisitsPerBucket = 10;

void EmitChain(Entry* head, const std::function<void(Entry*)>& fn) {
  for (Entry* e = head; e != nullptr; e = e->next) fn(e);
}

}  // namespace

BucketArray::BucketArray(size_t size)
    : slots_(static_cast<Entry**>(base::AllocateZeroed(size, sizeof(Entry*)))), size_(size) {}

BucketArray::~BucketArray() { base::Free(slots_); }

Table::~Table() { Clear(); }

Table::Table(Table&& other) noexcept
    : seed_(other.seed_),
      buckets_(std::move(other.buckets_)),
      old_(std::move(other.old_)),
      rehash_index_(other.rehash_index_),
      size_(other.size_) {
  other.rehash_index_ = 0;
  other.size_ = 0;
}

Table& Table::operator=(Table&& other) noexcept {
  if (this != &other) {
    Clear();
    seed_ = other.seed_;
    buckets_ = std::move(other.buckets_);
    old_ = std::move(other.old_);
    rehash_index_ = other.rehash_index_;
    size_ = other.size_;
    other.rehash_index_ = 0;
    other.size_ = 0;
  }
  return *this;
}

uint64_t Table::Hash(std::string_view key) const {
  return std::_Hash_bytes(key.data(), key.size(), static_cast<size_t>(seed_));
}

Entry** Table::FindLink(uint64_t hash, std::string_view key, const Entry* target) {
  Entry** heads[2] = {nullptr, &buckets_[hash & (buckets_.size() - 1)]};
  if (rehashing()) {
    size_t old_index = hash & (old_.size() - 1);
    if (old_index >= rehash_index_) heads[0] = &old_[old_index];
  }
  for (Entry** link : heads) {
    for (; link != nullptr && *link != nullptr; link = &(*link)->next) {
      if (target != nullptr ? *link == target : (*link)->key() == key) return link;
    }
  }
  return nullptr;
}

Entry* Table::Find(std::string_view key) const {
  if (size_ == 0) return nullptr;
  Entry** link = const_cast<Table*>(this)->FindLink(Hash(key), key);
  return link != nullptr ? *link : nullptr;
}

void Table::Insert(Entry* entry) {
  size_t max_load = cow_friendly_ ? 5 : 1;
  if (!rehashing() && size_ + 1 > buckets_.size() * max_load) {
    StartResize(std::max(kMinBuckets, buckets_.size() * 2));
  }
  // New entries always go to the current array, so a resize never has to revisit them.
  Entry*& head = buckets_[Hash(entry->key()) & (buckets_.size() - 1)];
  entry->next = head;
  head = entry;
  ++size_;
  if (!cow_friendly_) Rehash(kBucketsPerWrite);
}

Entry* Table::Detach(std::string_view key) {
  if (size_ == 0) return nullptr;
  Entry** link = FindLink(Hash(key), key);
  if (link == nullptr) return nullptr;
  Entry* e = *link;
  *link = e->next;
  e->next = nullptr;
  --size_;
  if (!cow_friendly_) {
    Rehash(kBucketsPerWrite);
    MaybeShrink();
  }
  return e;
}

void Table::Relink(const Entry* old, Entry* fresh) {
  // fresh->next was copied from old by realloc or by the replacing code.
  if (Entry** link = FindLink(Hash(fresh->key()), fresh->key(), old)) *link = fresh;
}

void Table::Clear() {
  for (BucketArray* array : {&old_, &buckets_}) {
    for (Entry* head : *array) {
      for (Entry* e = head; e != nullptr;) {
        Entry* next = e->next;
        Entry::Destroy(e);
        e = next;
      }
    }
    *array = BucketArray();
  }
  rehash_index_ = 0;
  size_ = 0;
}

void Table::Reserve(size_t n) {
  if (size_ != 0 || rehashing() || n <= buckets_.size()) return;
  buckets_ = BucketArray(std::bit_ceil(std::max(n, kMinBuckets)));
}

void Table::StartResize(size_t bucket_count) {
  // At most one resize at a time: finish the previous one first (this only happens when a table
  // shrinks again soon after a resize, so the work is small).
  FinishRehash();
  if (size_ == 0) {
    buckets_ = BucketArray(bucket_count);
    return;
  }
  old_ = std::move(buckets_);
  buckets_ = BucketArray(bucket_count);
  rehash_index_ = 0;
}

bool Table::Rehash(size_t buckets) {
  size_t empty_visits = buckets * kEmptyVisitsPerBucket;
  while (rehashing() && buckets > 0) {
    if (rehash_index_ == old_.size()) {
      old_ = BucketArray();
      rehash_index_ = 0;
      break;
    }
    Entry* e = old_[rehash_index_];
    if (e == nullptr) {
      ++rehash_index_;
      if (--empty_visits == 0) break;
      continue;
    }
    while (e != nullptr) {
      Entry* next = e->next;
      Entry*& head = buckets_[Hash(e->key()) & (buckets_.size() - 1)];
      e->next = head;
      head = e;
      e = next;
    }
    old_[rehash_index_++] = nullptr;
    --buckets;
  }
  if (rehashing() && rehash_index_ == old_.size()) {
    old_ = BucketArray();
    rehash_index_ = 0;
  }
  return rehashing();
}

void Table::FinishRehash() {
  while (Rehash(old_.size())) {
  }
}

void Table::MaybeShrink() {
  if (buckets_.size() > kMinBuckets && size_ * 8 < buckets_.size()) {
    StartResize(std::max(kMinBuckets, std::bit_ceil(std::max<size_t>(size_, 1))));
  }
}

uint64_t Table::Scan(uint64_t cursor, const std::function<void(Entry*)>& fn) const {
  if (buckets_.empty()) return 0;
  if (!rehashing()) {
    uint64_t mask = buckets_.size() - 1;
    EmitChain(buckets_[cursor & mask], fn);
    return NextScanCursor(cursor, mask);
  }
  // Mid-resize: the bucket of the smaller array, then every bucket of the larger array that it
  // expands to (they share the cursor's low bits). Moved old buckets are empty, so visiting them
  // is harmless.
  const BucketArray& small = old_.size() < buckets_.size() ? old_ : buckets_;
  const BucketArray& large = old_.size() < buckets_.size() ? buckets_ : old_;
  uint64_t small_mask = small.size() - 1, large_mask = large.size() - 1;
  EmitChain(small[cursor & small_mask], fn);
  do {
    EmitChain(large[cursor & large_mask], fn);
    cursor = NextScanCursor(cursor, large_mask);
  } while (cursor & (small_mask ^ large_mask));
  return cursor;
}

Entry* Table::Random(std::mt19937_64& rng) const {
  if (size_ == 0) return nullptr;
  // A uniformly chosen non-empty bucket among the not-yet-moved old ones and the current ones.
  size_t old_left = old_.size() - rehash_index_;
  size_t total = old_left + buckets_.size();
  Entry* head = nullptr;
  while (head == nullptr) {
    size_t pick = rng() % total;
    head = pick < old_left ? old_[rehash_index_ + pick] : buckets_[pick - old_left];
  }
  size_t len = 0;
  for (Entry* e = head; e != nullptr; e = e->next) ++len;
  size_t pick = rng() % len;
  while (pick-- > 0) head = head->next;
  return head;
}

}  // namespace tandem::store
