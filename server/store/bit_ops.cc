#include "server/store/bit_ops.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace tandem::store::bits {
namespace {

uint64_t LoadWord(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof(w));
  return w;
}

// Sign-extends the low `bits` bits of `v` (bits < 64).
int64_t SignExtend(uint64_t v, int bits) {
  const uint64_t sign = uint64_t{1} << (bits - 1);
  v &= (sign << 1) - 1;
  return static_cast<int64_t>((v ^ sign) - sign);
}

}  // namespace

bool GetBit(std::string_view data, uint64_t offset) {
  uint64_t byte = offset / 8;
  if (byte >= data.size()) return false;
  return (static_cast<uint8_t>(data[byte]) >> (7 - offset % 8)) & 1;
}

bool SetBit(char* data, uint64_t offset, bool value) {
  uint8_t& byte = reinterpret_cast<uint8_t&>(data[offset / 8]);
  const uint8_t mask = static_cast<uint8_t>(0x80 >> (offset % 8));
  bool old = (byte & mask) != 0;
  byte = value ? (byte | mask) : (byte & ~mask);
  return old;
}

uint64_t PopCount(std::string_view data) {
  uint64_t count = 0;
  size_t i = 0;
  for (; i + 8 <= data.size(); i += 8) count += std::popcount(LoadWord(data.data() + i));
  for (; i < data.size(); ++i) count += std::popcount(static_cast<uint8_t>(data[i]));
  return count;
}

uint64_t CountBits(std::string_view data, uint64_t first, uint64_t last) {
  uint64_t count = 0;
  uint64_t pos = first;
  for (; pos <= last && pos % 8 != 0; ++pos) count += GetBit(data, pos);
  // Whole bytes inside the range, then the bits of a partial last byte.
  const uint64_t begin_byte = pos / 8, end_byte = (last + 1) / 8;
  if (begin_byte < end_byte) {
    count += PopCount(data.substr(begin_byte, end_byte - begin_byte));
    pos = end_byte * 8;
  }
  for (; pos <= last; ++pos) count += GetBit(data, pos);
  return count;
}

int64_t FindBit(std::string_view data, uint64_t first, uint64_t last, bool bit) {
  uint64_t pos = first;
  for (; pos <= last && pos % 8 != 0; ++pos) {
    if (GetBit(data, pos) == bit) return static_cast<int64_t>(pos);
  }
  // Whole bytes inside the range: skip the ones without the bit, eight at a time first.
  const uint8_t skip = bit ? 0x00 : 0xFF;
  const uint64_t skip_word = bit ? 0 : ~uint64_t{0};
  const uint64_t end_byte = (last + 1) / 8;
  uint64_t byte = pos / 8;
  while (byte + 8 <= end_byte && LoadWord(data.data() + byte) == skip_word) byte += 8;
  while (byte < end_byte && static_cast<uint8_t>(data[byte]) == skip) ++byte;
  if (byte < end_byte) {
    uint8_t v = static_cast<uint8_t>(data[byte]);
    if (!bit) v = static_cast<uint8_t>(~v);
    return static_cast<int64_t>(byte * 8 + std::countl_zero(v));
  }
  for (pos = std::max(pos, byte * 8); pos <= last; ++pos) {
    if (GetBit(data, pos) == bit) return static_cast<int64_t>(pos);
  }
  return -1;
}

std::optional<Range> ClipRange(int64_t start, int64_t end, uint64_t total) {
  const int64_t n = static_cast<int64_t>(total);
  if (start < 0) start += n;
  if (end < 0) end += n;
  start = std::max<int64_t>(start, 0);
  end = std::min(std::max<int64_t>(end, 0), n - 1);
  if (start > end) return std::nullopt;
  return Range{static_cast<uint64_t>(start), static_cast<uint64_t>(end)};
}

std::string Combine(BitOp op, std::span<const std::string_view> sources) {
  size_t length = 0;
  for (std::string_view s : sources) length = std::max(length, s.size());
  std::string out(length, '\0');
  if (sources.empty() || length == 0) return out;
  if (!sources[0].empty()) std::memcpy(out.data(), sources[0].data(), sources[0].size());
  if (op == BitOp::kNot) {
    for (char& c : out) c = static_cast<char>(~c);
    return out;
  }
  for (size_t k = 1; k < sources.size(); ++k) {
    std::string_view s = sources[k];
    switch (op) {
      case BitOp::kAnd:
        for (size_t i = 0; i < s.size(); ++i) out[i] &= s[i];
        // Past its end the source is zero: AND clears the rest.
        std::memset(out.data() + s.size(), 0, length - s.size());
        break;
      case BitOp::kOr:
        for (size_t i = 0; i < s.size(); ++i) out[i] |= s[i];
        break;
      case BitOp::kXor:
        for (size_t i = 0; i < s.size(); ++i) out[i] ^= s[i];
        break;
      case BitOp::kNot:
        break;
    }
  }
  return out;
}

uint64_t GetUnsignedField(std::string_view data, uint64_t offset, int bits) {
  uint64_t value = 0;
  for (int i = 0; i < bits; ++i) value = (value << 1) | GetBit(data, offset + i);
  return value;
}

int64_t GetSignedField(std::string_view data, uint64_t offset, int bits) {
  uint64_t value = GetUnsignedField(data, offset, bits);
  return bits == 64 ? static_cast<int64_t>(value) : SignExtend(value, bits);
}

void SetField(char* data, uint64_t offset, int bits, uint64_t value) {
  for (int i = 0; i < bits; ++i) SetBit(data, offset + i, (value >> (bits - 1 - i)) & 1);
}

std::optional<int64_t> AddSigned(int64_t value, int64_t incr, int bits, Overflow policy) {
  const int64_t max = bits == 64 ? INT64_MAX : (int64_t{1} << (bits - 1)) - 1;
  const int64_t min = -max - 1;
  int64_t sum;
  bool above, below;
  if (__builtin_add_overflow(value, incr, &sum)) {
    above = incr > 0;  // the true sum is beyond int64 itself
    below = !above;
  } else {
    above = sum > max;
    below = sum < min;
  }
  if (!above && !below) return sum;
  switch (policy) {
    case Overflow::kFail:
      return std::nullopt;
    case Overflow::kSat:
      return above ? max : min;
    case Overflow::kWrap:
      break;
  }
  // Unsigned addition is defined modulo 2^64; keep the field's low bits.
  uint64_t wrapped = static_cast<uint64_t>(value) + static_cast<uint64_t>(incr);
  return bits == 64 ? static_cast<int64_t>(wrapped) : SignExtend(wrapped, bits);
}

std::optional<uint64_t> AddUnsigned(uint64_t value, int64_t incr, int bits, Overflow policy) {
  const uint64_t max = (uint64_t{1} << bits) - 1;
  bool above = false, below = false;
  if (value > max) {
    above = true;
  } else if (incr >= 0) {
    above = static_cast<uint64_t>(incr) > max - value;
  } else {
    below = uint64_t{0} - static_cast<uint64_t>(incr) > value;  // |incr| without overflow
  }
  if (!above && !below) return value + static_cast<uint64_t>(incr);
  switch (policy) {
    case Overflow::kFail:
      return std::nullopt;
    case Overflow::kSat:
      return above ? max : 0;
    case Overflow::kWrap:
      break;
  }
  return (value + static_cast<uint64_t>(incr)) & max;
}

}  // namespace tandem::store::bits
