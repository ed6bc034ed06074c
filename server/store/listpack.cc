#include "server/store/listpack.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstring>
#include <limits>

#include "server/base/memory.h"

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

// Below this capacity a buffer grows to exactly what is needed (as the allocator rounds it): the
// listpacks of small hashes and sorted sets stay tight. Above it, growth adds an eighth, so that
// appends to a list node amortise.
constexpr size_t kExactGrowthBelow = 512;

size_t EntrySizeForPayload(size_t header, size_t payload) {
  size_t body = VarintSize(header) + payload;
  return body + VarintSize(body);
}

// What an entry for a value looks like: a string, or an int64 of `int_bytes` bytes.
struct Encoding {
  size_t size;       // the whole entry
  size_t int_bytes;  // 0 for a string entry
  int64_t int_value;
};

// Whether `v` is the canonical text of an int64: what to_chars would print for it.
bool ParseCanonicalInt(std::string_view v, int64_t* out) {
  if (v.empty() || v.size() > 20) return false;
  size_t digits = v[0] == '-' ? 1 : 0;
  if (digits == v.size() || (v[digits] == '0' && v.size() > 1)) return false;  // "-", "01", "-0"
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), *out);
  return ec == std::errc() && ptr == v.data() + v.size();
}

size_t IntBytes(int64_t v) {
  size_t n = 1;
  while (n < 8 && (v < -(int64_t{1} << (8 * n - 1)) || v >= (int64_t{1} << (8 * n - 1)))) ++n;
  return n;
}

Encoding Encode(std::string_view value, bool integers) {
  int64_t i;
  if (integers && ParseCanonicalInt(value, &i)) {
    size_t n = IntBytes(i);
    return {EntrySizeForPayload(2 * n + 1, n), n, i};
  }
  return {EntrySizeForPayload(2 * value.size(), value.size()), 0, 0};
}

// Writes the entry `e` for `value` at `p`.
void WriteEntry(char* p, std::string_view value, const Encoding& e) {
  size_t header;
  size_t payload;
  if (e.int_bytes > 0) {
    payload = e.int_bytes;
    header = WriteVarint(p, 2 * payload + 1);
    auto u = static_cast<uint64_t>(e.int_value);
    for (size_t i = 0; i < payload; ++i) p[header + i] = static_cast<char>(u >> (8 * i));
  } else {
    payload = value.size();
    header = WriteVarint(p, 2 * payload);
    if (payload > 0) std::memcpy(p + header, value.data(), payload);
  }
  size_t body = header + payload;
  WriteBackLength(p + body, e.size - body, body);
}

}  // namespace

size_t Listpack::EntrySize(size_t len) { return EntrySizeForPayload(2 * len, len); }

void Listpack::FreeBuffer::operator()(char* p) const { base::Free(p); }

Listpack::Listpack(const Listpack& other)
    : used_(other.used_), count_(other.count_), integers_(other.integers_) {
  if (used_ > 0) {
    data_.reset(static_cast<char*>(base::Allocate(used_)));
    capacity_ = static_cast<uint32_t>(
        std::min<size_t>(base::UsableSize(data_.get()), std::numeric_limits<uint32_t>::max()));
    std::memcpy(data_.get(), other.data_.get(), used_);
  }
}

Listpack& Listpack::operator=(const Listpack& other) {
  if (this != &other) *this = Listpack(other);
  return *this;
}

size_t Listpack::Next(size_t pos) const {
  size_t h;
  size_t header = ReadVarint(data_.get() + pos, &h);
  size_t body = header + (h >> 1);
  return pos + body + VarintSize(body);
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

std::string_view Listpack::Get(size_t pos, TextBuffer& buf) const {
  size_t h;
  const char* p = data_.get() + pos;
  p += ReadVarint(p, &h);
  size_t payload = h >> 1;
  if ((h & 1) == 0) return {p, payload};
  uint64_t u = 0;
  for (size_t i = 0; i < payload; ++i)
    u |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  if (payload < 8) {
    uint64_t sign = uint64_t{1} << (8 * payload - 1);
    u = (u ^ sign) - sign;  // sign-extend
  }
  auto result = std::to_chars(buf, buf + sizeof(TextBuffer), static_cast<int64_t>(u));
  return {buf, static_cast<size_t>(result.ptr - buf)};
}

std::string_view Listpack::Get(size_t pos) const {
  size_t h;
  size_t header = ReadVarint(data_.get() + pos, &h);
  assert((h & 1) == 0 && "an integer entry needs Get(pos, buf)");
  return {data_.get() + pos + header, h >> 1};
}

void Listpack::Resize(size_t bytes) {
  data_.reset(static_cast<char*>(base::Reallocate(data_.release(), bytes)));
  capacity_ = static_cast<uint32_t>(
      std::min<size_t>(base::UsableSize(data_.get()), std::numeric_limits<uint32_t>::max()));
}

void Listpack::Reserve(size_t bytes) {
  if (bytes <= capacity_) return;
  if (capacity_ >= kExactGrowthBelow) bytes = std::max(bytes, size_t{capacity_} + capacity_ / 8);
  Resize(bytes);
}

size_t Listpack::Insert(size_t pos, std::string_view value) {
  Encoding e = Encode(value, integers_);
  Reserve(used_ + e.size);
  char* p = data_.get() + pos;
  std::memmove(p + e.size, p, used_ - pos);
  WriteEntry(p, value, e);
  used_ += static_cast<uint32_t>(e.size);
  ++count_;
  return pos;
}

size_t Listpack::Replace(size_t pos, std::string_view value) {
  size_t old_size = Next(pos) - pos;
  Encoding e = Encode(value, integers_);
  if (e.size > old_size) Reserve(used_ + e.size - old_size);
  char* p = data_.get() + pos;
  std::memmove(p + e.size, p + old_size, used_ - pos - old_size);
  WriteEntry(p, value, e);
  used_ = static_cast<uint32_t>(used_ + e.size - old_size);
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
  if (used_ == 0) return Clear();
  // Less than the allocator's 16-byte granularity to gain: nothing to give back.
  if (capacity_ - used_ < 16) return;
  Resize(used_);
}

}  // namespace tandem::store
