#pragma once
// RDB's length and string encodings (docs: Redis's rdb.h), shared by RDB files and DUMP payloads.
// Lengths: 00xxxxxx (6 bits), 01xxxxxx xxxxxxxx (14 bits, big endian), 0x80 + 4 bytes big endian,
// 0x81 + 8 bytes big endian; 11xxxxxx marks a special string encoding: 0 int8, 1 int16, 2 int32
// (little endian, as decimal text), 3 LZF (compressed length, length, data).

#include <cstdint>
#include <string>
#include <string_view>

#include "server/base/status.h"

namespace tandem::rdb {

inline constexpr int kRdbVersion = 10;  // what Redis 7.0 writes

void AppendLength(uint64_t len, std::string* out);
// Writes `s` plainly (length + bytes), which every RDB reader accepts.
void AppendString(std::string_view s, std::string* out);

// Reads RDB values from a buffer. Every read fails with kCorruption on truncated or malformed
// input and then leaves the position unspecified.
class BufferReader {
 public:
  explicit BufferReader(std::string_view data) : data_(data) {}
  bool at_end() const { return pos_ == data_.size(); }
  size_t position() const { return pos_; }

  base::StatusOr<uint8_t> ReadByte();
  base::StatusOr<uint64_t> ReadLength();
  // A string in any of its encodings (plain, integer, LZF).
  base::StatusOr<std::string> ReadString();

 private:
  // The length, or (when *special) the special encoding number.
  base::StatusOr<uint64_t> ReadLengthOrEncoding(bool* special);
  base::StatusOr<std::string_view> Take(size_t n);

  std::string_view data_;
  size_t pos_ = 0;
};

// DUMP payloads end with the RDB version (2 bytes, little endian) and the CRC64 of everything
// before the CRC (8 bytes, little endian).
std::string WrapDumpPayload(std::string body);
// The body of a payload whose footer is valid (version not newer than ours, CRC matching);
// an error otherwise.
base::StatusOr<std::string_view> UnwrapDumpPayload(std::string_view payload);

}  // namespace tandem::rdb
