#include "server/store/string_map.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>
#include <new>

#include "server/base/memory.h"

namespace tandem::store {
namespace {

constexpr size_t kMinBuckets = 4;

// One seed per process, so that clients cannot choose fields that all collide.
size_t Seed() {
  static const size_t seed = (static_cast<size_t>(std::random_device{}()) << 32) ^
                             static_cast<size_t>(std::random_device{}());
  return seed;
}

}  // namespace

StringMap::~StringMap() {
  for (size_t i = 0; i < bucket_count_; ++i) {
    for (Node* n = buckets_[i]; n != nullptr;) {
      Node* next = n->next;
      base::Free(n);
      n = next;
    }
  }
  base::Free(buckets_);
}

StringMap::StringMap(const StringMap& other) {
  if (other.bucket_count_ == 0) return;
  Resize(other.bucket_count_);
  other.ForEach([this](std::string_view f, std::string_view v) { Set(f, v); });
}

StringMap::Node* StringMap::NewNode(std::string_view field, std::string_view value) {
  auto* n = static_cast<Node*>(base::Allocate(sizeof(Node) + field.size() + value.size()));
  n->next = nullptr;
  n->field_len = static_cast<uint32_t>(field.size());
  n->value_len = static_cast<uint32_t>(value.size());
  if (!field.empty()) std::memcpy(n->bytes(), field.data(), field.size());
  if (!value.empty()) std::memcpy(n->bytes() + field.size(), value.data(), value.size());
  return n;
}

uint64_t StringMap::Hash(std::string_view field) {
  return std::_Hash_bytes(field.data(), field.size(), Seed());
}

StringMap::Node** StringMap::FindLink(std::string_view field) const {
  Node** link = &buckets_[Hash(field) & (bucket_count_ - 1)];
  while (*link != nullptr && (*link)->field() != field) link = &(*link)->next;
  return link;
}

std::string_view StringMap::Find(std::string_view field, bool* found) const {
  *found = false;
  if (size_ == 0) return {};
  Node* n = *FindLink(field);
  if (n == nullptr) return {};
  *found = true;
  return n->value();
}

bool StringMap::Set(std::string_view field, std::string_view value) {
  if (bucket_count_ == 0) Resize(kMinBuckets);
  Node** link = FindLink(field);
  Node* old = *link;
  if (old != nullptr) {
    if (base::UsableSize(old) >= sizeof(Node) + field.size() + value.size()) {
      // The new value fits the block: rewrite it in place.
      if (!value.empty()) std::memmove(old->bytes() + old->field_len, value.data(), value.size());
      old->value_len = static_cast<uint32_t>(value.size());
    } else {
      Node* fresh = NewNode(field, value);
      fresh->next = old->next;
      *link = fresh;
      base::Free(old);
    }
    return false;
  }
  *link = NewNode(field, value);
  if (++size_ > bucket_count_) Resize(bucket_count_ * 2);
  return true;
}

bool StringMap::Erase(std::string_view field) {
  if (size_ == 0) return false;
  Node** link = FindLink(field);
  Node* n = *link;
  if (n == nullptr) return false;
  *link = n->next;
  base::Free(n);
  --size_;
  if (bucket_count_ > kMinBuckets && size_ * 8 < bucket_count_) {
    Resize(std::max(kMinBuckets, std::bit_ceil(size_)));
  }
  return true;
}

void StringMap::Resize(size_t bucket_count) {
  auto** fresh = static_cast<Node**>(base::AllocateZeroed(bucket_count, sizeof(Node*)));
  for (size_t i = 0; i < bucket_count_; ++i) {
    for (Node* n = buckets_[i]; n != nullptr;) {
      Node* next = n->next;
      Node*& head = fresh[Hash(n->field()) & (bucket_count - 1)];
      n->next = head;
      head = n;
      n = next;
    }
  }
  base::Free(buckets_);
  buckets_ = fresh;
  bucket_count_ = bucket_count;
}

std::pair<std::string_view, std::string_view> StringMap::Random(std::mt19937_64& rng) const {
  // The load stays at least 1/8 (see Erase), so a non-empty bucket turns up in a few tries.
  const Node* head;
  do {
    head = buckets_[rng() & (bucket_count_ - 1)];
  } while (head == nullptr);
  size_t chain = 0;
  for (const Node* n = head; n != nullptr; n = n->next) ++chain;
  const Node* pick = head;
  for (size_t i = rng() % chain; i > 0; --i) pick = pick->next;
  return {pick->field(), pick->value()};
}

}  // namespace tandem::store
