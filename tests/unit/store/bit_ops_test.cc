#include "server/store/bit_ops.h"

#include <gtest/gtest.h>

#include <climits>
#include <random>
#include <string>
#include <vector>

namespace tandem::store::bits {
namespace {

// The naive model: one entry per bit, most significant bit of each byte first.
std::vector<int> Bits(std::string_view data) {
  std::vector<int> out;
  for (unsigned char c : data) {
    for (int i = 7; i >= 0; --i) out.push_back((c >> i) & 1);
  }
  return out;
}

// Random bytes biased towards 0x00 and 0xFF, so that long runs exercise the word-at-a-time paths.
std::string RandomBitmap(std::mt19937_64& rng, size_t size) {
  std::string s(size, '\0');
  for (char& c : s) {
    switch (rng() % 4) {
      case 0:
        c = '\0';
        break;
      case 1:
        c = '\xff';
        break;
      default:
        c = static_cast<char>(rng() % 256);
    }
  }
  // Occasionally one long run, with a single odd bit somewhere in it.
  if (size > 0 && rng() % 3 == 0) {
    char fill = rng() % 2 ? '\0' : '\xff';
    for (char& c : s) c = fill;
    uint64_t bit = rng() % (size * 8);
    s[bit / 8] = static_cast<char>(s[bit / 8] ^ (0x80 >> (bit % 8)));
  }
  return s;
}

TEST(BitOpsTest, GetAndSetBitUseRedisBitOrder) {
  std::string s(2, '\0');
  EXPECT_FALSE(SetBit(s.data(), 0, true));
  EXPECT_EQ(s, std::string("\x80\x00", 2));
  EXPECT_FALSE(SetBit(s.data(), 15, true));
  EXPECT_EQ(s, std::string("\x80\x01", 2));
  EXPECT_TRUE(SetBit(s.data(), 15, true));
  EXPECT_TRUE(SetBit(s.data(), 0, false));
  EXPECT_EQ(s, std::string("\x00\x01", 2));
  EXPECT_TRUE(GetBit(s, 15));
  EXPECT_FALSE(GetBit(s, 14));
  EXPECT_FALSE(GetBit(s, 16));  // past the end
  EXPECT_FALSE(GetBit(s, UINT64_MAX));
}

TEST(BitOpsTest, PopCountMatchesNaiveCountAcrossWordBoundaries) {
  std::mt19937_64 rng(1);
  for (size_t size = 0; size < 40; ++size) {
    std::string s = RandomBitmap(rng, size);
    uint64_t want = 0;
    for (int b : Bits(s)) want += b;
    EXPECT_EQ(PopCount(s), want) << size;
  }
  EXPECT_EQ(PopCount("foobar"), 26u);
}

TEST(BitOpsTest, CountBitsMatchesNaiveModelOnRandomRanges) {
  std::mt19937_64 rng(2);
  for (int round = 0; round < 3000; ++round) {
    std::string s = RandomBitmap(rng, 1 + rng() % 50);
    std::vector<int> bits = Bits(s);
    uint64_t first = rng() % bits.size();
    uint64_t last = first + rng() % (bits.size() - first);
    uint64_t want = 0;
    for (uint64_t i = first; i <= last; ++i) want += bits[i];
    ASSERT_EQ(CountBits(s, first, last), want)
        << "size " << s.size() << " " << first << ".." << last;
  }
}

TEST(BitOpsTest, FindBitMatchesNaiveModelOnRandomRanges) {
  std::mt19937_64 rng(3);
  for (int round = 0; round < 5000; ++round) {
    std::string s = RandomBitmap(rng, 1 + rng() % 60);
    std::vector<int> bits = Bits(s);
    uint64_t first = rng() % bits.size();
    uint64_t last = first + rng() % (bits.size() - first);
    bool bit = rng() % 2;
    int64_t want = -1;
    for (uint64_t i = first; i <= last; ++i) {
      if (bits[i] == bit) {
        want = static_cast<int64_t>(i);
        break;
      }
    }
    ASSERT_EQ(FindBit(s, first, last, bit), want)
        << "size " << s.size() << " " << first << ".." << last << " bit " << bit;
  }
}

TEST(BitOpsTest, FindBitEdges) {
  std::string ones(20, '\xff');
  EXPECT_EQ(FindBit(ones, 0, 159, false), -1);
  EXPECT_EQ(FindBit(ones, 0, 159, true), 0);
  std::string zeros(20, '\0');
  zeros[19] = 1;
  EXPECT_EQ(FindBit(zeros, 0, 159, true), 159);
  EXPECT_EQ(FindBit(zeros, 0, 158, true), -1);
  EXPECT_EQ(FindBit(zeros, 159, 159, true), 159);
  EXPECT_EQ(FindBit(std::string("\xff\xf0\x00", 3), 0, 23, false), 12);
  EXPECT_EQ(FindBit(std::string("\x00\xff\xf0", 3), 7, 15, true), 8);
}

TEST(BitOpsTest, ClipRange) {
  auto r = ClipRange(0, -1, 10);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, 0u);
  EXPECT_EQ(r->last, 9u);
  r = ClipRange(-3, 100, 10);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, 7u);
  EXPECT_EQ(r->last, 9u);
  r = ClipRange(-100, -50, 10);  // both clip to 0
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, 0u);
  EXPECT_EQ(r->last, 0u);
  EXPECT_FALSE(ClipRange(5, 4, 10));
  EXPECT_FALSE(ClipRange(10, 20, 10));
  EXPECT_FALSE(ClipRange(0, -1, 0));
  EXPECT_FALSE(ClipRange(INT64_MIN, INT64_MIN, 0));
  r = ClipRange(INT64_MIN, INT64_MAX, 3);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, 0u);
  EXPECT_EQ(r->last, 2u);
}

TEST(BitOpsTest, CombinePadsShorterSourcesWithZeros) {
  std::vector<std::string_view> sources = {std::string_view("\xff\x0f\x01", 3), "\xf0"};
  EXPECT_EQ(Combine(BitOp::kAnd, sources), std::string("\xf0\x00\x00", 3));
  EXPECT_EQ(Combine(BitOp::kOr, sources), std::string("\xff\x0f\x01", 3));
  EXPECT_EQ(Combine(BitOp::kXor, sources), std::string("\x0f\x0f\x01", 3));
  std::vector<std::string_view> one = {std::string_view("\x0f\x00", 2)};
  EXPECT_EQ(Combine(BitOp::kNot, one), std::string("\xf0\xff", 2));
  std::vector<std::string_view> empty_first = {"", "\x0f"};
  EXPECT_EQ(Combine(BitOp::kAnd, empty_first), std::string(1, '\0'));
  EXPECT_EQ(Combine(BitOp::kOr, empty_first), "\x0f");
  std::vector<std::string_view> all_empty = {"", ""};
  EXPECT_EQ(Combine(BitOp::kXor, all_empty), "");
  EXPECT_EQ(Combine(BitOp::kNot, std::vector<std::string_view>{""}), "");
}

TEST(BitOpsTest, FieldsRoundTripAgainstNaiveBits) {
  std::mt19937_64 rng(4);
  for (int round = 0; round < 2000; ++round) {
    std::string s = RandomBitmap(rng, 10);
    int width = 1 + static_cast<int>(rng() % 64);
    uint64_t offset = rng() % (80 - width + 1);
    uint64_t value = rng();
    SetField(s.data(), offset, width, value);
    std::vector<int> bits = Bits(s);
    uint64_t naive = 0;
    for (int i = 0; i < width; ++i) naive = (naive << 1) | bits[offset + i];
    uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
    ASSERT_EQ(naive, value & mask);
    ASSERT_EQ(GetUnsignedField(s, offset, width), value & mask);
    __int128 wide = naive;
    if (bits[offset] == 1) wide -= static_cast<__int128>(1) << width;  // negative: minus 2^width
    const int64_t want_signed = static_cast<int64_t>(wide);
    ASSERT_EQ(GetSignedField(s, offset, width), want_signed) << width;
  }
}

TEST(BitOpsTest, FieldReadsPastTheEndAsZeros) {
  std::string s("\xff", 1);
  EXPECT_EQ(GetUnsignedField(s, 4, 8), 0xF0u);
  EXPECT_EQ(GetSignedField(s, 4, 8), -16);
  EXPECT_EQ(GetUnsignedField(s, 8, 63), 0u);
  EXPECT_EQ(GetSignedField(std::string(8, '\xff'), 0, 64), -1);
  EXPECT_EQ(GetSignedField(s, 0, 1), -1);
}

// ---- Overflow -----------------------------------------------------------------------------------

TEST(BitOpsTest, SignedOverflowPolicies) {
  EXPECT_EQ(AddSigned(100, 27, 8, Overflow::kFail), 127);
  EXPECT_EQ(AddSigned(100, 28, 8, Overflow::kWrap), -128);
  EXPECT_EQ(AddSigned(100, 28, 8, Overflow::kSat), 127);
  EXPECT_EQ(AddSigned(100, 28, 8, Overflow::kFail), std::nullopt);
  EXPECT_EQ(AddSigned(-100, -29, 8, Overflow::kWrap), 127);
  EXPECT_EQ(AddSigned(-100, -29, 8, Overflow::kSat), -128);
  EXPECT_EQ(AddSigned(-100, -28, 8, Overflow::kFail), -128);
  // 64 bits: the sum overflows int64 itself.
  EXPECT_EQ(AddSigned(INT64_MAX, 1, 64, Overflow::kWrap), INT64_MIN);
  EXPECT_EQ(AddSigned(INT64_MAX, 1, 64, Overflow::kSat), INT64_MAX);
  EXPECT_EQ(AddSigned(INT64_MAX, 1, 64, Overflow::kFail), std::nullopt);
  EXPECT_EQ(AddSigned(INT64_MIN, -1, 64, Overflow::kWrap), INT64_MAX);
  EXPECT_EQ(AddSigned(INT64_MIN, -1, 64, Overflow::kSat), INT64_MIN);
  EXPECT_EQ(AddSigned(INT64_MIN, INT64_MIN, 64, Overflow::kWrap), 0);
  EXPECT_EQ(AddSigned(INT64_MAX, INT64_MIN, 64, Overflow::kFail), -1);
  // A 1-bit signed field holds -1 and 0.
  EXPECT_EQ(AddSigned(0, 1, 1, Overflow::kWrap), -1);
  EXPECT_EQ(AddSigned(0, 1, 1, Overflow::kSat), 0);
  EXPECT_EQ(AddSigned(-1, -1, 1, Overflow::kSat), -1);
  EXPECT_EQ(AddSigned(-1, 1, 1, Overflow::kFail), 0);
  // SET passes an out-of-range value with incr 0.
  EXPECT_EQ(AddSigned(200, 0, 8, Overflow::kWrap), -56);
  EXPECT_EQ(AddSigned(-200, 0, 8, Overflow::kSat), -128);
  EXPECT_EQ(AddSigned(INT64_MIN, 0, 8, Overflow::kWrap), 0);
  EXPECT_EQ(AddSigned(INT64_MAX, 0, 63, Overflow::kWrap), -1);
}

TEST(BitOpsTest, UnsignedOverflowPolicies) {
  EXPECT_EQ(AddUnsigned(250, 5, 8, Overflow::kFail), 255u);
  EXPECT_EQ(AddUnsigned(250, 6, 8, Overflow::kWrap), 0u);
  EXPECT_EQ(AddUnsigned(250, 6, 8, Overflow::kSat), 255u);
  EXPECT_EQ(AddUnsigned(250, 6, 8, Overflow::kFail), std::nullopt);
  EXPECT_EQ(AddUnsigned(5, -6, 8, Overflow::kWrap), 255u);
  EXPECT_EQ(AddUnsigned(5, -6, 8, Overflow::kSat), 0u);
  EXPECT_EQ(AddUnsigned(5, -5, 8, Overflow::kFail), 0u);
  EXPECT_EQ(AddUnsigned(0, INT64_MIN, 8, Overflow::kWrap), 0u);
  EXPECT_EQ(AddUnsigned(0, INT64_MIN, 8, Overflow::kSat), 0u);
  EXPECT_EQ(AddUnsigned(0, INT64_MIN, 63, Overflow::kFail), std::nullopt);
  const uint64_t u63_max = (uint64_t{1} << 63) - 1;
  EXPECT_EQ(AddUnsigned(u63_max, 1, 63, Overflow::kWrap), 0u);
  EXPECT_EQ(AddUnsigned(u63_max - 1, 1, 63, Overflow::kFail), u63_max);
  EXPECT_EQ(AddUnsigned(0, INT64_MAX, 63, Overflow::kFail), u63_max);
  EXPECT_EQ(AddUnsigned(1, INT64_MAX, 63, Overflow::kSat), u63_max);
  EXPECT_EQ(AddUnsigned(1, 1, 1, Overflow::kWrap), 0u);
  // SET of -1 (as unsigned) counts as an overflow upward.
  EXPECT_EQ(AddUnsigned(static_cast<uint64_t>(-1), 0, 8, Overflow::kWrap), 255u);
  EXPECT_EQ(AddUnsigned(static_cast<uint64_t>(-1), 0, 8, Overflow::kSat), 255u);
  EXPECT_EQ(AddUnsigned(static_cast<uint64_t>(-300), 0, 8, Overflow::kSat), 255u);
  EXPECT_EQ(AddUnsigned(static_cast<uint64_t>(-300), 0, 8, Overflow::kWrap), 212u);
  EXPECT_EQ(AddUnsigned(256, 0, 8, Overflow::kFail), std::nullopt);
}

// Compares both adders with exact 128-bit arithmetic on random widths, values and increments.
TEST(BitOpsTest, AddersMatchWideArithmetic) {
  std::mt19937_64 rng(5);
  auto random_int = [&]() -> int64_t {
    switch (rng() % 3) {
      case 0:
        return static_cast<int64_t>(rng());
      case 1:
        return static_cast<int64_t>(rng() % 512) - 256;
      default:
        return static_cast<int64_t>(rng() >> (rng() % 64)) * (rng() % 2 ? 1 : -1);
    }
  };
  for (int round = 0; round < 20000; ++round) {
    const int width = 1 + static_cast<int>(rng() % 64);
    const __int128 max = (static_cast<__int128>(1) << (width - 1)) - 1;
    const __int128 min = -max - 1;
    const int64_t incr = random_int();
    const auto policy = static_cast<Overflow>(rng() % 3);
    // Signed: a value inside the field's range.
    __int128 v = random_int();
    if (v > max || v < min) v = min + (v - min) % (max - min + 1);
    if (v < min) v += max - min + 1;
    const __int128 sum = v + incr;
    auto got = AddSigned(static_cast<int64_t>(v), incr, width, policy);
    if (sum >= min && sum <= max) {
      ASSERT_EQ(got, static_cast<int64_t>(sum));
    } else if (policy == Overflow::kFail) {
      ASSERT_EQ(got, std::nullopt);
    } else if (policy == Overflow::kSat) {
      ASSERT_EQ(got, static_cast<int64_t>(sum > max ? max : min));
    } else {
      __int128 span = max - min + 1;
      __int128 wrapped = ((sum - min) % span + span) % span + min;
      ASSERT_EQ(got, static_cast<int64_t>(wrapped)) << width;
    }
    if (width == 64) continue;
    // Unsigned of the same width.
    const __int128 umax = (static_cast<__int128>(1) << width) - 1;
    const uint64_t uv = rng() & static_cast<uint64_t>(umax);
    const __int128 usum = static_cast<__int128>(uv) + incr;
    auto ugot = AddUnsigned(uv, incr, width, policy);
    if (usum >= 0 && usum <= umax) {
      ASSERT_EQ(ugot, static_cast<uint64_t>(usum));
    } else if (policy == Overflow::kFail) {
      ASSERT_EQ(ugot, std::nullopt);
    } else if (policy == Overflow::kSat) {
      ASSERT_EQ(ugot, static_cast<uint64_t>(usum > umax ? umax : 0));
    } else {
      ASSERT_EQ(ugot, static_cast<uint64_t>(((usum % (umax + 1)) + umax + 1) % (umax + 1)));
    }
  }
}

}  // namespace
}  // namespace tandem::store::bits
