#include "server/rdb/redis_listpack.h"

#include <limits>

#include "server/base/number_parse.h"
#include "server/rdb/byte_order.h"

namespace tandem::rdb {
namespace {

constexpr uint8_t kEnd = 0xff;
constexpr size_t kHeaderSize = 6;  // total size (u32) + element count (u16)
constexpr uint32_t kUnknownCount = 65535;

// Entry encodings (the first byte, or its fixed prefix).
constexpr uint8_t kStr12 = 0xe0;
constexpr uint8_t kStr32 = 0xf0;
constexpr uint8_t kInt16 = 0xf1;
constexpr uint8_t kInt24 = 0xf2;
constexpr uint8_t kInt32 = 0xf3;
constexpr uint8_t kInt64 = 0xf4;

base::Status Corrupt(std::string what) {
  return base::Status::Error(base::Status::Code::kCorruption, "listpack: " + std::move(what));
}

// The back-length: the entry's encoded size, 7 bits per byte, most significant group first;
// every byte but the first has its high bit set so a backwards reader knows to continue. Redis's
// thresholds (note 16383, not 16384, already takes three bytes).
void AppendBacklen(uint64_t len, std::string* out) {
  if (len <= 127) {
    out->push_back(static_cast<char>(len));
    return;
  }
  int bytes = len < 16383 ? 2 : len < 2097151 ? 3 : len < 268435455 ? 4 : 5;
  for (int i = bytes - 1; i >= 0; --i) {
    uint8_t group = (len >> (7 * i)) & 127;
    if (i != bytes - 1) group |= 128;
    out->push_back(static_cast<char>(group));
  }
}

void AppendIntegerEntry(int64_t v, std::string* out) {
  size_t start = out->size();
  if (v >= 0 && v <= 127) {
    out->push_back(static_cast<char>(v));
  } else if (v >= -4096 && v <= 4095) {
    uint64_t u = static_cast<uint64_t>(v) & 0x1fff;
    out->push_back(static_cast<char>(0xc0 | (u >> 8)));
    out->push_back(static_cast<char>(u & 0xff));
  } else if (v >= std::numeric_limits<int16_t>::min() && v <= std::numeric_limits<int16_t>::max()) {
    out->push_back(static_cast<char>(kInt16));
    AppendLittleEndian(static_cast<uint64_t>(v), 2, out);
  } else if (v >= -(int64_t{1} << 23) && v < (int64_t{1} << 23)) {
    out->push_back(static_cast<char>(kInt24));
    AppendLittleEndian(static_cast<uint64_t>(v), 3, out);
  } else if (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max()) {
    out->push_back(static_cast<char>(kInt32));
    AppendLittleEndian(static_cast<uint64_t>(v), 4, out);
  } else {
    out->push_back(static_cast<char>(kInt64));
    AppendLittleEndian(static_cast<uint64_t>(v), 8, out);
  }
  AppendBacklen(out->size() - start, out);
}

void AppendStringEntry(std::string_view s, std::string* out) {
  size_t start = out->size();
  if (s.size() < 64) {
    out->push_back(static_cast<char>(0x80 | s.size()));
  } else if (s.size() < 4096) {
    out->push_back(static_cast<char>(kStr12 | (s.size() >> 8)));
    out->push_back(static_cast<char>(s.size() & 0xff));
  } else {
    out->push_back(static_cast<char>(kStr32));
    AppendLittleEndian(s.size(), 4, out);
  }
  out->append(s);
  AppendBacklen(out->size() - start, out);
}

// Decodes the entry at the start of `rest` (non-empty; the bytes before the terminator) into
// `value`. Returns its encoded size without the back-length, or 0 when malformed or truncated.
size_t DecodeEntry(std::string_view rest, std::string* value) {
  auto need = [&](size_t n) { return rest.size() >= n; };
  uint8_t b = static_cast<uint8_t>(rest[0]);
  if (b < 0x80) {
    *value = std::to_string(b);
    return 1;
  }
  if ((b & 0xc0) == 0x80) {  // 6-bit string length
    size_t len = b & 0x3f;
    if (!need(1 + len)) return 0;
    value->assign(rest.substr(1, len));
    return 1 + len;
  }
  if ((b & 0xe0) == 0xc0) {  // 13-bit integer
    if (!need(2)) return 0;
    uint64_t u = (static_cast<uint64_t>(b & 0x1f) << 8) | static_cast<uint8_t>(rest[1]);
    *value = std::to_string(SignExtend(u, 13));
    return 2;
  }
  if ((b & 0xf0) == kStr12) {
    if (!need(2)) return 0;
    size_t len = (static_cast<size_t>(b & 0x0f) << 8) | static_cast<uint8_t>(rest[1]);
    if (!need(2 + len)) return 0;
    value->assign(rest.substr(2, len));
    return 2 + len;
  }
  int width = 0;
  switch (b) {
    case kStr32: {
      if (!need(5)) return 0;
      uint64_t len = ReadLittleEndian(rest.substr(1, 4));
      if (len > rest.size() - 5) return 0;
      value->assign(rest.substr(5, len));
      return 5 + len;
    }
    case kInt16:
      width = 2;
      break;
    case kInt24:
      width = 3;
      break;
    case kInt32:
      width = 4;
      break;
    case kInt64:
      width = 8;
      break;
    default:
      return 0;  // 0xf5..0xfe are unused; 0xff is the terminator, not an entry
  }
  if (!need(1 + width)) return 0;
  *value = std::to_string(SignExtend(ReadLittleEndian(rest.substr(1, width)), width * 8));
  return 1 + width;
}

}  // namespace

void RedisListpackWriter::Append(std::string_view element) {
  // Redis 7.0 (lpEncodeGetType) stores strings that are canonical int64 text (at most 20 bytes,
  // string2ll rules) as integers.
  if (element.size() <= 20) {
    if (auto v = base::ParseInt64(element)) {
      AppendInteger(*v);
      return;
    }
  }
  AppendStringEntry(element, &entries_);
  ++count_;
}

void RedisListpackWriter::AppendInteger(int64_t value) {
  AppendIntegerEntry(value, &entries_);
  ++count_;
}

std::string RedisListpackWriter::Finish() {
  std::string blob;
  blob.reserve(kHeaderSize + entries_.size() + 1);
  AppendLittleEndian(kHeaderSize + entries_.size() + 1, 4, &blob);
  AppendLittleEndian(count_ < kUnknownCount ? count_ : kUnknownCount, 2, &blob);
  blob.append(entries_);
  blob.push_back(static_cast<char>(kEnd));
  entries_.clear();
  count_ = 0;
  return blob;
}

base::StatusOr<std::vector<std::string>> DecodeRedisListpack(std::string_view blob) {
  if (blob.size() < kHeaderSize + 1) return Corrupt("blob shorter than its header");
  if (ReadLittleEndian(blob.substr(0, 4)) != blob.size()) return Corrupt("total size mismatch");
  uint64_t count = ReadLittleEndian(blob.substr(4, 2));
  std::vector<std::string> elements;
  size_t pos = kHeaderSize;
  while (true) {
    if (pos >= blob.size()) return Corrupt("missing terminator");
    if (static_cast<uint8_t>(blob[pos]) == kEnd) break;
    // The last byte is the terminator, so entries must end before it.
    std::string_view rest = blob.substr(pos, blob.size() - 1 - pos);
    std::string value;
    size_t encoded = rest.empty() ? 0 : DecodeEntry(rest, &value);
    if (encoded == 0) return Corrupt("bad entry");
    // The back-length must repeat `encoded` exactly as Redis writes it.
    std::string expected;
    AppendBacklen(encoded, &expected);
    if (rest.size() - encoded < expected.size() ||
        rest.substr(encoded, expected.size()) != expected) {
      return Corrupt("bad back-length");
    }
    pos += encoded + expected.size();
    elements.push_back(std::move(value));
  }
  if (pos != blob.size() - 1) return Corrupt("data after the terminator");
  if (count != kUnknownCount && count != elements.size()) return Corrupt("element count mismatch");
  return elements;
}

}  // namespace tandem::rdb
