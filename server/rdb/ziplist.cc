#include "server/rdb/ziplist.h"

#include <cstdint>

#include "server/rdb/byte_order.h"

namespace tandem::rdb {
namespace {

constexpr size_t kHeaderSize = 10;  // total bytes (u32), tail offset (u32), count (u16)
constexpr uint8_t kEnd = 0xff;
constexpr uint8_t kBigPrevLen = 0xfe;
constexpr uint32_t kUnknownCount = 65535;

base::Status Corrupt(std::string what) {
  return base::Status::Error(base::Status::Code::kCorruption, "ziplist: " + std::move(what));
}

// Decodes the encoding and data at the start of `rest` (the bytes before the terminator) into
// `value`; returns their size, or 0 when malformed or truncated.
size_t DecodeBody(std::string_view rest, std::string* value) {
  if (rest.empty()) return 0;
  uint8_t b = static_cast<uint8_t>(rest[0]);
  size_t header = 0;
  uint64_t len = 0;
  switch (b >> 6) {
    case 0:
      header = 1;
      len = b & 0x3f;
      break;
    case 1:
      if (rest.size() < 2) return 0;
      header = 2;
      len = (static_cast<uint64_t>(b & 0x3f) << 8) | static_cast<uint8_t>(rest[1]);
      break;
    case 2:
      if (b != 0x80 || rest.size() < 5) return 0;
      header = 5;
      for (int i = 1; i <= 4; ++i) len = (len << 8) | static_cast<uint8_t>(rest[i]);
      break;
    default: {
      int width = 0;
      switch (b) {
        case 0xc0:
          width = 2;
          break;
        case 0xd0:
          width = 4;
          break;
        case 0xe0:
          width = 8;
          break;
        case 0xf0:
          width = 3;
          break;
        case 0xfe:
          width = 1;
          break;
        default:
          if (b >= 0xf1 && b <= 0xfd) {
            *value = std::to_string((b & 0x0f) - 1);
            return 1;
          }
          return 0;
      }
      if (rest.size() < 1 + static_cast<size_t>(width)) return 0;
      *value = std::to_string(SignExtend(ReadLittleEndian(rest.substr(1, width)), width * 8));
      return 1 + width;
    }
  }
  if (len > rest.size() - header) return 0;
  value->assign(rest.substr(header, len));
  return header + len;
}

}  // namespace

base::StatusOr<std::vector<std::string>> DecodeZiplist(std::string_view blob) {
  if (blob.size() < kHeaderSize + 1) return Corrupt("blob shorter than its header");
  if (ReadLittleEndian(blob.substr(0, 4)) != blob.size()) return Corrupt("total size mismatch");
  uint64_t tail = ReadLittleEndian(blob.substr(4, 4));
  uint64_t count = ReadLittleEndian(blob.substr(8, 2));
  std::vector<std::string> elements;
  size_t pos = kHeaderSize;
  size_t prev_size = 0;
  size_t last = kHeaderSize;  // offset of the last entry (the header's size when empty)
  while (true) {
    if (pos >= blob.size()) return Corrupt("missing terminator");
    if (static_cast<uint8_t>(blob[pos]) == kEnd) break;
    // Entries end before the last byte, the terminator.
    std::string_view rest = blob.substr(pos, blob.size() - 1 - pos);
    if (rest.empty()) return Corrupt("missing terminator");
    size_t prevlen_size = 1;
    uint64_t prevlen = static_cast<uint8_t>(rest[0]);
    if (prevlen == kBigPrevLen) {
      if (rest.size() < 5) return Corrupt("truncated entry");
      prevlen_size = 5;
      prevlen = ReadLittleEndian(rest.substr(1, 4));
    }
    if (prevlen != prev_size) return Corrupt("previous-entry size mismatch");
    std::string value;
    size_t body = DecodeBody(rest.substr(prevlen_size), &value);
    if (body == 0) return Corrupt("bad entry");
    last = pos;
    prev_size = prevlen_size + body;
    pos += prev_size;
    elements.push_back(std::move(value));
  }
  if (pos != blob.size() - 1) return Corrupt("data after the terminator");
  if (tail != last) return Corrupt("tail offset mismatch");
  if (count != kUnknownCount && count != elements.size()) return Corrupt("element count mismatch");
  return elements;
}

}  // namespace tandem::rdb
