#include "server/rdb/rdb_string.h"

#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "server/base/number_parse.h"
#include "server/rdb/byte_order.h"
#include "server/rdb/crc64.h"
#include "server/rdb/lzf.h"

namespace tandem::rdb {
namespace {

base::Status Corrupt(std::string what) {
  return base::Status::Error(base::Status::Code::kCorruption, std::move(what));
}

}  // namespace

void AppendLength(uint64_t len, std::string* out) {
  if (len < (1u << 6)) {
    out->push_back(static_cast<char>(len));
  } else if (len < (1u << 14)) {
    out->push_back(static_cast<char>(0x40 | (len >> 8)));
    out->push_back(static_cast<char>(len & 0xff));
  } else if (len <= UINT32_MAX) {
    out->push_back(static_cast<char>(0x80));
    AppendBigEndian(len, 4, out);
  } else {
    out->push_back(static_cast<char>(0x81));
    AppendBigEndian(len, 8, out);
  }
}

void AppendString(std::string_view s, std::string* out) {
  AppendLength(s.size(), out);
  out->append(s);
}

void AppendEncodedString(std::string_view s, bool compress, std::string* out) {
  if (s.size() <= 11) {
    if (auto v = base::ParseInt64(s)) {
      if (*v >= INT8_MIN && *v <= INT8_MAX) {
        out->push_back(static_cast<char>(0xc0));
        AppendLittleEndian(static_cast<uint64_t>(*v), 1, out);
        return;
      }
      if (*v >= INT16_MIN && *v <= INT16_MAX) {
        out->push_back(static_cast<char>(0xc1));
        AppendLittleEndian(static_cast<uint64_t>(*v), 2, out);
        return;
      }
      if (*v >= INT32_MIN && *v <= INT32_MAX) {
        out->push_back(static_cast<char>(0xc2));
        AppendLittleEndian(static_cast<uint64_t>(*v), 4, out);
        return;
      }
    }
  }
  if (compress && s.size() > 20) {
    // Redis gives lzf_compress an output buffer of len - 4 bytes and stores plainly when the
    // compressed form does not fit.
    std::string compressed = LzfCompress(s);
    if (compressed.size() <= s.size() - 4) {
      out->push_back(static_cast<char>(0xc3));
      AppendLength(compressed.size(), out);
      AppendLength(s.size(), out);
      out->append(compressed);
      return;
    }
  }
  AppendString(s, out);
}

void AppendBinaryDouble(double value, std::string* out) {
  AppendLittleEndian(std::bit_cast<uint64_t>(value), 8, out);
}

void AppendTextDouble(double value, std::string* out) {
  if (std::isnan(value)) {
    out->push_back(static_cast<char>(253));
  } else if (std::isinf(value)) {
    out->push_back(static_cast<char>(value > 0 ? 254 : 255));
  } else {
    char buf[32];
    int len = std::snprintf(buf, sizeof(buf), "%.17g", value);
    out->push_back(static_cast<char>(len));
    out->append(buf, len);
  }
}

void AppendMillisecondTime(int64_t ms, std::string* out) {
  AppendLittleEndian(static_cast<uint64_t>(ms), 8, out);
}

base::StatusOr<std::string_view> BufferReader::ReadRaw(size_t n) {
  if (data_.size() - pos_ < n) return Corrupt("unexpected end of data");
  std::string_view bytes = data_.substr(pos_, n);
  pos_ += n;
  return bytes;
}

base::StatusOr<uint8_t> BufferReader::ReadByte() {
  auto b = ReadRaw(1);
  if (!b.ok()) return b.status();
  return static_cast<uint8_t>((*b)[0]);
}

base::StatusOr<uint64_t> BufferReader::ReadLengthOrEncoding(bool* special) {
  *special = false;
  auto first = ReadByte();
  if (!first.ok()) return first.status();
  uint8_t b = *first;
  switch (b >> 6) {
    case 0:
      return b & 0x3f;
    case 1: {
      auto next = ReadByte();
      if (!next.ok()) return next.status();
      return (static_cast<uint64_t>(b & 0x3f) << 8) | *next;
    }
    case 3:
      *special = true;
      return b & 0x3f;
  }
  int bytes = b == 0x80 ? 4 : b == 0x81 ? 8 : 0;
  if (bytes == 0) return Corrupt("unknown length encoding");
  auto raw = ReadRaw(bytes);
  if (!raw.ok()) return raw.status();
  return ReadBigEndian(*raw);
}

base::StatusOr<uint64_t> BufferReader::ReadLength() {
  bool special = false;
  auto len = ReadLengthOrEncoding(&special);
  if (len.ok() && special) return Corrupt("encoded value where a length was expected");
  return len;
}

base::StatusOr<std::string> BufferReader::ReadString() {
  bool special = false;
  auto len = ReadLengthOrEncoding(&special);
  if (!len.ok()) return len.status();
  if (!special) {
    auto bytes = ReadRaw(*len);
    if (!bytes.ok()) return bytes.status();
    return std::string(*bytes);
  }
  if (*len <= 2) {
    int width = 1 << *len;  // int8, int16, int32
    auto raw = ReadRaw(width);
    if (!raw.ok()) return raw.status();
    uint64_t v = ReadLittleEndian(*raw);
    int64_t signed_v = width == 1   ? static_cast<int8_t>(v)
                       : width == 2 ? static_cast<int16_t>(v)
                                    : static_cast<int32_t>(v);
    return std::to_string(signed_v);
  }
  if (*len != 3) return Corrupt("unknown string encoding");
  auto compressed_len = ReadLength();
  if (!compressed_len.ok()) return compressed_len.status();
  auto plain_len = ReadLength();
  if (!plain_len.ok()) return plain_len.status();
  auto compressed = ReadRaw(*compressed_len);
  if (!compressed.ok()) return compressed.status();
  std::string plain;
  if (!LzfDecompress(*compressed, *plain_len, &plain)) return Corrupt("bad LZF data");
  return plain;
}

base::StatusOr<double> BufferReader::ReadBinaryDouble() {
  auto raw = ReadRaw(8);
  if (!raw.ok()) return raw.status();
  return std::bit_cast<double>(ReadLittleEndian(*raw));
}

base::StatusOr<double> BufferReader::ReadTextDouble() {
  auto len = ReadByte();
  if (!len.ok()) return len.status();
  switch (*len) {
    case 253:
      return std::numeric_limits<double>::quiet_NaN();
    case 254:
      return std::numeric_limits<double>::infinity();
    case 255:
      return -std::numeric_limits<double>::infinity();
  }
  auto text = ReadRaw(*len);
  if (!text.ok()) return text.status();
  auto value = base::ParseDouble(*text);
  if (!value) return Corrupt("bad double text");
  return *value;
}

base::StatusOr<int64_t> BufferReader::ReadMillisecondTime() {
  auto raw = ReadRaw(8);
  if (!raw.ok()) return raw.status();
  return static_cast<int64_t>(ReadLittleEndian(*raw));
}

base::StatusOr<int64_t> BufferReader::ReadSecondTime() {
  auto raw = ReadRaw(4);
  if (!raw.ok()) return raw.status();
  return static_cast<int64_t>(static_cast<int32_t>(ReadLittleEndian(*raw)));
}

std::string WrapDumpPayload(std::string body) {
  body.push_back(static_cast<char>(kRdbVersion & 0xff));
  body.push_back(static_cast<char>(kRdbVersion >> 8));
  uint64_t crc = Crc64(0, body);
  for (int i = 0; i < 8; ++i) body.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return body;
}

base::StatusOr<std::string_view> UnwrapDumpPayload(std::string_view payload) {
  if (payload.size() < 10) return Corrupt("payload too short");
  std::string_view footer = payload.substr(payload.size() - 10);
  if (ReadLittleEndian(footer.substr(0, 2)) > static_cast<uint64_t>(kRdbVersion)) {
    return Corrupt("payload from a newer RDB version");
  }
  if (Crc64(0, payload.substr(0, payload.size() - 8)) != ReadLittleEndian(footer.substr(2))) {
    return Corrupt("payload checksum mismatch");
  }
  return payload.substr(0, payload.size() - 10);
}

}  // namespace tandem::rdb
