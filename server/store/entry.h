#pragma once
// Entry: one key and its value in a single heap block. This is where per-key memory is won:
// a 16-byte key with a 16-byte string value costs one 64-byte block plus a bucket slot.
//
// Layout: [Entry header][expire_ms (int64), only when has_expire()][key bytes][payload]
//   string payload: the value bytes; capacity runs to the end of the block.
//   object payload: an owned Object* (8 bytes, unaligned).
// Blocks are allocated with base::Allocate so they count in used_memory. Operations that change
// the block size return the (possibly moved) Entry; the owner (Database) relinks it.

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#include "server/store/object.h"

namespace tandem::store {

// The longest string an entry holds (its length field is 32 bits).
inline constexpr int64_t kMaxStringLength = 0xFFFFFFFF;
// The longest key (31 bits: the length field's top bit is the snapshot bit). proto-max-bulk-len is
// capped to it, so no request argument is longer; larger bulks are refused with Redis's error.
inline constexpr int64_t kMaxKeyLength = 0x7FFFFFFF;

// What OBJECT ENCODING reports for a string; the bytes are always stored as they are.
enum class StringEncoding : uint8_t { kInt, kEmbstr, kRaw };

class Entry {
 public:
  static Entry* NewString(std::string_view key, std::string_view value, bool with_expire);
  static Entry* NewObject(std::string_view key, std::unique_ptr<Object> object, bool with_expire);
  // Frees the block and the Object it owns.
  static void Destroy(Entry* entry);
  // Returns a copy of `entry` under `key` (value deep-copied), with the same expiry.
  static Entry* CloneAs(const Entry* entry, std::string_view key);
  // Returns `entry`'s value, expiry and access data under `key` in a new block and frees `entry`
  // (its Object, if any, moves without a copy: RENAME is O(1)). `entry` must be detached.
  static Entry* Rekey(Entry* entry, std::string_view key);
  // Returns the entry with an expire slot added (value unset) or removed. May move the block.
  static Entry* AddExpireSlot(Entry* entry);
  static Entry* RemoveExpireSlot(Entry* entry);
  // Makes room for a string of `length` bytes (keeping the current bytes); growth is amortised for
  // appends. Sets the length. May move the block. Requires a string entry.
  static Entry* ResizeString(Entry* entry, size_t length);
  // Returns `entry` carrying `value` instead of its string value (in place when the block fits
  // it without waste, else a new block), keeping the expire slot.
  static Entry* AssignString(Entry* entry, std::string_view value);

  Entry(const Entry&) = delete;
  Entry& operator=(const Entry&) = delete;

  std::string_view key() const { return {key_data(), key_len_}; }
  ValueType type() const { return static_cast<ValueType>(type_); }
  bool is_string() const { return type() == ValueType::kString; }

  std::string_view string_value() const { return {payload(), value_len_}; }
  char* mutable_string_data() { return payload(); }
  StringEncoding string_encoding() const { return static_cast<StringEncoding>(encoding_); }
  // Marks a string modified in place (APPEND, SETRANGE): Redis reports these as "raw".
  void set_raw_encoding() { encoding_ = static_cast<uint8_t>(StringEncoding::kRaw); }
  // For values rewritten whole in place: INCR's result is "int", INCRBYFLOAT's never is.
  void set_string_encoding(StringEncoding encoding) { encoding_ = static_cast<uint8_t>(encoding); }

  Object* object() const {
    Object* obj;
    std::memcpy(&obj, payload(), sizeof(obj));
    return obj;
  }

  bool has_expire() const { return has_expire_ != 0; }
  int64_t expire_ms() const {
    int64_t v;
    std::memcpy(&v, reinterpret_cast<const char*>(this + 1), sizeof(v));
    return v;
  }
  void set_expire_ms(int64_t when) { std::memcpy(reinterpret_cast<char*>(this + 1), &when, 8); }

  // Which side of a point-in-time snapshot the entry is on (snapshot_cursor.h): the entry is
  // pending while a snapshot runs and the bit differs from the keyspace's epoch. Blocks made from
  // an old one (resize, reassign, expire slot, Rekey, CloneAs) keep it.
  bool snapshot_bit() const { return snapshot_bit_ != 0; }
  void set_snapshot_bit(bool on) { snapshot_bit_ = on ? 1 : 0; }

  // LRU clock or LFU data (see eviction.h), 24 bits.
  uint32_t access() const { return access_; }
  void set_access(uint32_t v) { access_ = v & 0xFFFFFF; }

  // Bucket chain link, owned by Table.
  Entry* next = nullptr;
  // Position in the database's volatile-key index; meaningful only when has_expire().
  uint32_t volatile_index = 0;

  // Bytes this entry occupies on the heap, including its Object's own estimate is not included.
  size_t block_size() const;

 private:
  Entry() = default;
  static Entry* AllocateBlock(size_t key_len, size_t payload, bool with_expire);
  size_t header_size() const { return sizeof(Entry) + (has_expire_ ? 8 : 0); }
  const char* key_data() const { return reinterpret_cast<const char*>(this) + header_size(); }
  char* payload() const { return const_cast<char*>(key_data()) + key_len_; }
  size_t string_capacity() const;

  // Keys are limited to kMaxKeyLength: the top bit is the snapshot bit.
  uint32_t key_len_ : 31 = 0;
  uint32_t snapshot_bit_ : 1 = 0;
  uint32_t value_len_ = 0;
  uint32_t access_ : 24 = 0;
  uint32_t type_ : 4 = 0;
  uint32_t encoding_ : 3 = 0;
  uint32_t has_expire_ : 1 = 0;
};

StringEncoding EncodingForNewString(std::string_view value);
// The encoding OBJECT ENCODING and DEBUG OBJECT report ("int", "embstr", "raw", or the object's).
std::string_view EncodingName(const Entry& entry);

}  // namespace tandem::store
