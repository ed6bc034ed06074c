#include "server/rdb/lzf.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace tandem::rdb {
namespace {

constexpr size_t kMaxLiteral = 32;
constexpr size_t kMaxOffset = 8192;
constexpr size_t kMaxMatch = 264;  // 2 + 7 + 255
constexpr int kHashBits = 14;

uint32_t Hash3(const unsigned char* p) {
  uint32_t v = (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2];
  return (v * 2654435761u) >> (32 - kHashBits);
}

void FlushLiteral(std::string_view in, size_t start, size_t end, std::string* out) {
  while (start < end) {
    size_t run = std::min(end - start, kMaxLiteral);
    out->push_back(static_cast<char>(run - 1));
    out->append(in.substr(start, run));
    start += run;
  }
}

}  // namespace

std::string LzfCompress(std::string_view in) {
  const auto* data = reinterpret_cast<const unsigned char*>(in.data());
  // Latest position of each hash. Reused across calls without clearing (clearing 16K slots per
  // call dominated saving small values): a stale slot is only a candidate, which the byte
  // comparison below accepts or rejects, and positions at or past `i` are ignored.
  thread_local std::vector<uint32_t> last(size_t{1} << kHashBits, 0);
  std::string out;
  out.reserve(in.size());
  size_t literal_start = 0;
  size_t i = 0;
  while (i + 2 < in.size()) {
    uint32_t h = Hash3(data + i);
    size_t ref = last[h];
    last[h] = static_cast<uint32_t>(i);
    if (ref >= i || i - ref > kMaxOffset || data[ref] != data[i] || data[ref + 1] != data[i + 1] ||
        data[ref + 2] != data[i + 2]) {
      ++i;
      continue;
    }
    size_t len = 3;
    while (len < kMaxMatch && i + len < in.size() && data[ref + len] == data[i + len]) ++len;
    FlushLiteral(in, literal_start, i, &out);
    size_t off = i - ref - 1;
    size_t code = len - 2;
    if (code < 7) {
      out.push_back(static_cast<char>((code << 5) | (off >> 8)));
    } else {
      out.push_back(static_cast<char>((7 << 5) | (off >> 8)));
      out.push_back(static_cast<char>(code - 7));
    }
    out.push_back(static_cast<char>(off & 0xff));
    // Index the positions the match covers so later data can refer to them.
    for (size_t k = i + 1; k < i + len && k + 2 < in.size(); ++k) {
      last[Hash3(data + k)] = static_cast<uint32_t>(k);
    }
    i += len;
    literal_start = i;
  }
  FlushLiteral(in, literal_start, in.size(), &out);
  return out;
}

bool LzfDecompress(std::string_view in, size_t out_len, std::string* out) {
  out->clear();
  // Each 3-byte back-reference yields at most kMaxMatch bytes: refuse impossible lengths before
  // reserving them (a corrupt payload could claim terabytes).
  if (out_len / kMaxMatch > in.size() / 3 + 1) return false;
  out->resize(out_len);
  char* dst = out->data();
  size_t o = 0;  // bytes produced
  size_t i = 0;
  while (i < in.size()) {
    unsigned ctrl = static_cast<unsigned char>(in[i++]);
    if (ctrl < 32) {
      size_t run = ctrl + 1;
      if (i + run > in.size() || o + run > out_len) return false;
      std::memcpy(dst + o, in.data() + i, run);
      o += run;
      i += run;
      continue;
    }
    size_t len = ctrl >> 5;
    if (len == 7) {
      if (i >= in.size()) return false;
      len += static_cast<unsigned char>(in[i++]);
    }
    if (i >= in.size()) return false;
    size_t back = ((ctrl & 0x1f) << 8) + static_cast<unsigned char>(in[i++]) + 1;
    len += 2;
    if (back > o || o + len > out_len) return false;
    const char* from = dst + o - back;
    if (back >= len) {
      std::memcpy(dst + o, from, len);
    } else {
      // The match overlaps the bytes it produces (a run): byte by byte.
      for (size_t k = 0; k < len; ++k) dst[o + k] = from[k];
    }
    o += len;
  }
  return o == out_len;
}

}  // namespace tandem::rdb
