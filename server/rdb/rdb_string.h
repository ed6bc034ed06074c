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
// Writes `s` as Redis 7.0 writes every string (rdbSaveRawString): as an int8/int16/int32 when it
// is at most 11 bytes and the canonical text of such a value; else, when `compress`
// (rdbcompression) and it is longer than 20 bytes, LZF-compressed if that saves more than 4
// bytes; else plainly.
void AppendEncodedString(std::string_view s, bool compress, std::string* out);
// A double as 8 little-endian IEEE-754 bytes (RDB_TYPE_ZSET_2 scores).
void AppendBinaryDouble(double value, std::string* out);
// A double in the old text form (RDB_TYPE_ZSET scores): a length byte and the %.17g text, or the
// single byte 253 for NaN, 254 for +inf, 255 for -inf.
void AppendTextDouble(double value, std::string* out);
// A millisecond Unix time as 8 little-endian bytes (the EXPIRETIME_MS opcode's argument).
void AppendMillisecondTime(int64_t ms, std::string* out);

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
  // The counterparts of AppendBinaryDouble, AppendTextDouble (text that is not a whole number is
  // corrupt) and AppendMillisecondTime; ReadSecondTime reads the old 4-byte little-endian seconds.
  base::StatusOr<double> ReadBinaryDouble();
  base::StatusOr<double> ReadTextDouble();
  base::StatusOr<int64_t> ReadMillisecondTime();
  base::StatusOr<int64_t> ReadSecondTime();
  // The next `n` bytes as they are (fixed-width fields), viewing the buffer.
  base::StatusOr<std::string_view> ReadRaw(size_t n);

 private:
  // The length, or (when *special) the special encoding number.
  base::StatusOr<uint64_t> ReadLengthOrEncoding(bool* special);

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
