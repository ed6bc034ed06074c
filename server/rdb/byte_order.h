#pragma once
// Fixed-width integers as RDB data stores them (little endian, or big endian where a format says
// so), for the codecs of server/rdb.

#include <cstdint>
#include <string>
#include <string_view>

namespace tandem::rdb {

// Appends the low `bytes` bytes of `v`, least significant first.
inline void AppendLittleEndian(uint64_t v, int bytes, std::string* out) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// The unsigned value of up to 8 little-endian bytes.
inline uint64_t ReadLittleEndian(std::string_view bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    v |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
  }
  return v;
}

// Appends the low `bytes` bytes of `v`, most significant first (RDB's 32/64-bit lengths, stream
// IDs).
inline void AppendBigEndian(uint64_t v, int bytes, std::string* out) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// The unsigned value of up to 8 big-endian bytes.
inline uint64_t ReadBigEndian(std::string_view bytes) {
  uint64_t v = 0;
  for (unsigned char c : bytes) v = (v << 8) | c;
  return v;
}

// The low `bits` bits of `v` (1-64) read as a two's complement number.
inline int64_t SignExtend(uint64_t v, int bits) {
  if (bits == 64) return static_cast<int64_t>(v);
  uint64_t sign = uint64_t{1} << (bits - 1);
  v &= (sign << 1) - 1;
  return (v & sign) ? static_cast<int64_t>(v) - static_cast<int64_t>(sign << 1)
                    : static_cast<int64_t>(v);
}

}  // namespace tandem::rdb
