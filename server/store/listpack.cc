#include "server/store/listpack.h"

#include <algorithm>
#include <cstring>

namespace tandem::store {
namespace {

size_t VarintSize(size_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Forward varint: 7 bits per byte, least significant first, high bit = more bytes follow.
size_t WriteVarint(char* out, size_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    out[n++] = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out[n++] = static_cast<char>(v);
  return n;
}

size_t ReadVarint(const char* in, size_t* v) {
  size_t value = 0;
  size_t n = 0;
  int shift = 0;
  uint8_t byte;
  do {
    byte = static_cast<uint8_t>(in[n++]);
    value |= static_cast<size_t>(byte & 0x7F) << shift;
    shift += 7;
  } while (byte & 0x80);
  *v = value;
  return n;
}

// Back-length: the same 7-bit groups, least significant in the LAST byte, so a reader starting at
// the end walks backwards; the high bit marks "more bytes before this one".
void WriteBackLength(char* out, size_t size, size_t v) {
  for (size_t i = 0; i < size; ++i) {
    uint8_t more = i + 1 < size ? 0x80 : 0;
    out[size - 1 - i] = static_cast<char>(((v >> (7 * i)) & 0x7F) | more);
  }
}

// Reads the back-length that ends just before `end`; sets *size to its byte count.
size_t ReadBackLength(const char* end, size_t* size) {
  size_t value = 0;
  size_t n = 0;
  int shift = 0;
  uint8_t byte;
  do {
    byte = static_cast<uint8_t>(*(end - 1 - n));
    value |= static_cast<size_t>(byte & 0x7F) << shift;
    shift += 7;
    ++n;
  } while (byte & 0x80);
  *size = n;
  return value;
}

// Encoded size of an entry holding `len` bytes.
size_t EntrySize(size_t len) {
  size_t body = VarintSize(len) + len;
  return body + VarintSize(body);
}

}  // namespace

Listpack::Listpack(const Listpack& other)
    : used_(other.used_), capacity_(other.used_), count_(other.count_) {
  if (used_ > 0) {
    data_ = std::make_unique_for_overwrite<char[]>(used_);
    std::memcpy(data_.get(), other.data_.get(), used_);
  }
}

Listpack& Listpack::operator=(const Listpack& other) {
  if (this != &other) *this = Listpack(other);
  return *this;
}

size_t Listpack::Next(size_t pos) const {
  size_t len;
  size_t header = ReadVarint(data_.get() + pos, &len);
  return pos + header + len + VarintSize(header + len);
}

size_t Listpack::Prev(size_t pos) const {
  size_t back_size;
  size_t body = ReadBackLength(data_.get() + pos, &back_size);
  return pos - back_size - body;
}

size_t Listpack::Seek(int64_t index) const {
  if (index < 0) index += count_;
  if (index < 0 || static_cast<uint64_t>(index) >= count_) return end();
  if (static_cast<uint64_t>(index) <= count_ / 2) {
    size_t p = 0;
    for (int64_t i = 0; i < index; ++i) p = Next(p);
    return p;
  }
  size_t p = used_;
  for (int64_t i = count_; i > index; --i) p = Prev(p);
  return p;
}

std::string_view Listpack::Get(size_t pos) const {
  size_t len;
  size_t header = ReadVarint(data_.get() + pos, &len);
  return {data_.get() + pos + header, len};
}

void Listpack::Reserve(size_t bytes) {
  if (bytes <= capacity_) return;
  // Grow by an eighth beyond the need: small values stay tight, appends amortise.
  size_t cap = std::max(bytes, static_cast<size_t>(capacity_) + capacity_ / 8);
  auto fresh = std::make_unique_for_overwrite<char[]>(cap);
  if (used_ > 0) std::memcpy(fresh.get(), data_.get(), used_);
  data_ = std::move(fresh);
  capacity_ = static_cast<uint32_t>(cap);
}

size_t Listpack::Insert(size_t pos, std::string_view value) {
  size_t size = EntrySize(value.size());
  Reserve(used_ + size);
  char* p = data_.get() + pos;
  std::memmove(p + size, p, used_ - pos);
  size_t header = WriteVarint(p, value.size());
  if (!value.empty()) std::memcpy(p + header, value.data(), value.size());
  size_t body = header + value.size();
  WriteBackLength(p + body, size - body, body);
  used_ += static_cast<uint32_t>(size);
  ++count_;
  return pos;
}

size_t Listpack::Replace(size_t pos, std::string_view value) {
  size_t old_size = Next(pos) - pos;
  size_t new_size = EntrySize(value.size());
  if (new_size > old_size) Reserve(used_ + new_size - old_size);
  char* p = data_.get() + pos;
  std::memmove(p + new_size, p + old_size, used_ - pos - old_size);
  size_t header = WriteVarint(p, value.size());
  if (!value.empty()) std::memcpy(p + header, value.data(), value.size());
  size_t body = header + value.size();
  WriteBackLength(p + body, new_size - body, body);
  used_ = static_cast<uint32_t>(used_ + new_size - old_size);
  return pos;
}

size_t Listpack::Erase(size_t pos, size_t n) {
  size_t stop = pos;
  size_t removed = 0;
  while (removed < n && stop < used_) {
    stop = Next(stop);
    ++removed;
  }
  std::memmove(data_.get() + pos, data_.get() + stop, used_ - stop);
  used_ -= static_cast<uint32_t>(stop - pos);
  count_ -= static_cast<uint32_t>(removed);
  return pos;
}

void Listpack::Clear() {
  data_.reset();
  used_ = capacity_ = count_ = 0;
}

void Listpack::ShrinkToFit() {
  if (capacity_ == used_) return;
  if (used_ == 0) return Clear();
  auto fresh = std::make_unique_for_overwrite<char[]>(used_);
  std::memcpy(fresh.get(), data_.get(), used_);
  data_ = std::move(fresh);
  capacity_ = used_;
}

}  // namespace tandem::store
