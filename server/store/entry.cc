#include "server/store/entry.h"

#include <new>

#include "server/base/memory.h"
#include "server/base/number_parse.h"

namespace tandem::store {

static_assert(sizeof(Entry) == 24, "Entry header is part of the per-key memory budget");

namespace {

// Redis stores strings of up to 44 bytes as "embstr" (one allocation with the object header).
constexpr size_t kEmbstrMaxLen = 44;

}  // namespace

std::string_view TypeName(ValueType type) {
  switch (type) {
    case ValueType::kString:
      return "string";
    case ValueType::kList:
      return "list";
    case ValueType::kSet:
      return "set";
    case ValueType::kZSet:
      return "zset";
    case ValueType::kHash:
      return "hash";
    case ValueType::kStream:
      return "stream";
  }
  return "none";
}

StringEncoding EncodingForNewString(std::string_view value) {
  if (value.size() <= 20 && base::IsRedisInteger(value)) return StringEncoding::kInt;
  return value.size() <= kEmbstrMaxLen ? StringEncoding::kEmbstr : StringEncoding::kRaw;
}

std::string_view EncodingName(const Entry& entry) {
  if (!entry.is_string()) return entry.object()->encoding();
  switch (entry.string_encoding()) {
    case StringEncoding::kInt:
      return "int";
    case StringEncoding::kEmbstr:
      return "embstr";
    case StringEncoding::kRaw:
      return "raw";
  }
  return "raw";
}

Entry* Entry::AllocateBlock(size_t key_len, size_t payload, bool with_expire) {
  size_t size = sizeof(Entry) + (with_expire ? 8 : 0) + key_len + payload;
  void* block = base::Allocate(size);
  Entry* e = new (block) Entry();
  e->key_len_ = static_cast<uint32_t>(key_len);
  e->has_expire_ = with_expire ? 1 : 0;
  if (with_expire) e->set_expire_ms(0);
  return e;
}

Entry* Entry::NewString(std::string_view key, std::string_view value, bool with_expire) {
  Entry* e = AllocateBlock(key.size(), value.size(), with_expire);
  std::memcpy(const_cast<char*>(e->key_data()), key.data(), key.size());
  if (!value.empty()) std::memcpy(e->payload(), value.data(), value.size());
  e->value_len_ = static_cast<uint32_t>(value.size());
  e->type_ = static_cast<uint8_t>(ValueType::kString);
  e->encoding_ = static_cast<uint8_t>(EncodingForNewString(value));
  return e;
}

Entry* Entry::NewObject(std::string_view key, std::unique_ptr<Object> object, bool with_expire) {
  Entry* e = AllocateBlock(key.size(), sizeof(Object*), with_expire);
  std::memcpy(const_cast<char*>(e->key_data()), key.data(), key.size());
  e->type_ = static_cast<uint8_t>(object->type());
  Object* raw = object.release();
  std::memcpy(e->payload(), &raw, sizeof(raw));
  return e;
}

void Entry::Destroy(Entry* entry) {
  if (entry == nullptr) return;
  if (!entry->is_string()) delete entry->object();
  base::Free(entry);
}

Entry* Entry::CloneAs(const Entry* entry, std::string_view key) {
  Entry* copy = entry->is_string() ? NewString(key, entry->string_value(), entry->has_expire())
                                   : NewObject(key, entry->object()->Clone(), entry->has_expire());
  if (entry->is_string()) copy->encoding_ = entry->encoding_;
  if (entry->has_expire()) copy->set_expire_ms(entry->expire_ms());
  copy->access_ = entry->access_;
  copy->snapshot_bit_ = entry->snapshot_bit_;
  return copy;
}

Entry* Entry::Rekey(Entry* entry, std::string_view key) {
  size_t payload = entry->is_string() ? entry->value_len_ : sizeof(Object*);
  Entry* e = AllocateBlock(key.size(), payload, entry->has_expire());
  std::memcpy(const_cast<char*>(e->key_data()), key.data(), key.size());
  if (payload > 0) std::memcpy(e->payload(), entry->payload(), payload);
  e->value_len_ = entry->value_len_;
  e->type_ = entry->type_;
  e->encoding_ = entry->encoding_;
  e->access_ = entry->access_;
  e->snapshot_bit_ = entry->snapshot_bit_;
  if (entry->has_expire()) e->set_expire_ms(entry->expire_ms());
  base::Free(entry);  // not Destroy: the Object now belongs to `e`
  return e;
}

size_t Entry::block_size() const { return base::UsableSize(this); }

size_t Entry::string_capacity() const { return base::UsableSize(this) - header_size() - key_len_; }

Entry* Entry::AddExpireSlot(Entry* entry) {
  if (entry->has_expire()) return entry;
  size_t tail = entry->key_len_ + (entry->is_string() ? entry->value_len_ : sizeof(Object*));
  size_t size = sizeof(Entry) + 8 + tail;
  Entry* e = static_cast<Entry*>(base::Reallocate(entry, size));
  char* base_ptr = reinterpret_cast<char*>(e);
  std::memmove(base_ptr + sizeof(Entry) + 8, base_ptr + sizeof(Entry), tail);
  e->has_expire_ = 1;
  e->set_expire_ms(0);
  return e;
}

Entry* Entry::RemoveExpireSlot(Entry* entry) {
  if (!entry->has_expire()) return entry;
  size_t tail = entry->key_len_ + (entry->is_string() ? entry->value_len_ : sizeof(Object*));
  char* base_ptr = reinterpret_cast<char*>(entry);
  std::memmove(base_ptr + sizeof(Entry), base_ptr + sizeof(Entry) + 8, tail);
  entry->has_expire_ = 0;
  return entry;  // the block keeps its size; the 8 bytes become string capacity
}

Entry* Entry::ResizeString(Entry* entry, size_t length) {
  if (length > entry->string_capacity()) {
    // Grow by doubling below 1 MiB and by 1 MiB above, as appends tend to continue.
    size_t want = length < (1u << 20) ? length * 2 : length + (1u << 20);
    size_t size = entry->header_size() + entry->key_len_ + want;
    entry = static_cast<Entry*>(base::Reallocate(entry, size));
  }
  entry->value_len_ = static_cast<uint32_t>(length);
  return entry;
}

Entry* Entry::AssignString(Entry* entry, std::string_view value) {
  size_t capacity = entry->is_string() ? entry->string_capacity() : 0;
  // Reuse the block only when it is not much larger than needed (no hidden memory after a shrink).
  if (entry->is_string() && value.size() <= capacity && capacity <= value.size() * 2 + 64) {
    if (!value.empty()) std::memmove(entry->payload(), value.data(), value.size());
    entry->value_len_ = static_cast<uint32_t>(value.size());
    entry->encoding_ = static_cast<uint8_t>(EncodingForNewString(value));
    return entry;
  }
  Entry* fresh = NewString(entry->key(), value, entry->has_expire());
  if (entry->has_expire()) fresh->set_expire_ms(entry->expire_ms());
  fresh->access_ = entry->access_;
  fresh->snapshot_bit_ = entry->snapshot_bit_;
  fresh->volatile_index = entry->volatile_index;
  fresh->next = entry->next;
  Destroy(entry);
  return fresh;
}

}  // namespace tandem::store
