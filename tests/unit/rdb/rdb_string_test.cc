#include "server/rdb/rdb_string.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "tests/unit/rdb/test_bytes.h"

namespace tandem::rdb {
namespace {

std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

TEST(RdbStringTest, LengthsUseTheSmallestEncoding) {
  for (uint64_t len : {0ull, 63ull, 64ull, 16383ull, 16384ull, 4294967295ull, 4294967296ull}) {
    std::string out;
    AppendLength(len, &out);
    size_t expected = len < 64 ? 1 : len < 16384 ? 2 : len <= 4294967295ull ? 5 : 9;
    EXPECT_EQ(out.size(), expected) << len;
    BufferReader reader(out);
    auto back = reader.ReadLength();
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, len);
    EXPECT_TRUE(reader.at_end());
  }
}

TEST(RdbStringTest, PlainStringsRoundTrip) {
  std::string out;
  AppendString("hello", &out);
  AppendString(std::string(300, 'x'), &out);
  BufferReader reader(out);
  EXPECT_EQ(*reader.ReadString(), "hello");
  EXPECT_EQ(*reader.ReadString(), std::string(300, 'x'));
  EXPECT_TRUE(reader.at_end());
}

// DUMP payloads recorded from redis-server 7.0.15.
TEST(RdbStringTest, ReadsRedisIntegerAndLzfStrings) {
  std::string lzf_payload = FromHex("00c30e34016161e0210001626340020162630a0054ae9a0753da2fb6");
  auto lzf = UnwrapDumpPayload(lzf_payload);
  ASSERT_TRUE(lzf.ok());
  BufferReader reader(lzf->substr(1));  // after the type byte (0: string)
  EXPECT_EQ(*reader.ReadString(), std::string(44, 'a') + "bcabcabc");

  std::string int_payload = FromHex("00c139300a009d94ea2793fc08b9");
  auto integer = UnwrapDumpPayload(int_payload);
  ASSERT_TRUE(integer.ok());
  BufferReader int_reader(integer->substr(1));
  EXPECT_EQ(*int_reader.ReadString(), "12345");
}

TEST(RdbStringTest, DumpPayloadFooterIsChecked) {
  const std::string body(
      "\x00\x03"
      "abc",
      5);
  std::string payload = WrapDumpPayload(body);
  ASSERT_TRUE(UnwrapDumpPayload(payload).ok());
  EXPECT_EQ(*UnwrapDumpPayload(payload), body);
  std::string bad_crc = payload;
  bad_crc.back() ^= 1;
  EXPECT_FALSE(UnwrapDumpPayload(bad_crc).ok());
  std::string newer = payload;
  newer[newer.size() - 10] = 11;  // version 11
  EXPECT_FALSE(UnwrapDumpPayload(newer).ok());
  EXPECT_FALSE(UnwrapDumpPayload("short").ok());
}

TEST(RdbStringTest, TruncatedAndMalformedInputFails) {
  BufferReader truncated(
      std::string_view("\x05"
                       "ab",
                       3));
  EXPECT_FALSE(truncated.ReadString().ok());
  std::string bad_lzf_bytes = FromHex("c3030a01ffff");
  BufferReader bad_lzf(bad_lzf_bytes);
  EXPECT_FALSE(bad_lzf.ReadString().ok());
}

}  // namespace
}  // namespace tandem::rdb

namespace tandem::rdb {
namespace {

std::string Encoded(std::string_view s, bool compress) {
  std::string out;
  AppendEncodedString(s, compress, &out);
  return out;
}

TEST(RdbEncodedStringTest, MatchesRedisDumps) {
  // Value bytes of SET k <v> DUMPs from redis-server 7.0 (after the type byte).
  EXPECT_EQ(testing::ToHex(Encoded("12345", true)), "c13930");
  EXPECT_EQ(testing::ToHex(Encoded("-5", true)), "c0fb");
  EXPECT_EQ(testing::ToHex(Encoded("1099511627776", true)), "0d31303939353131363237373736");
  EXPECT_EQ(testing::ToHex(Encoded("hello", true)), "0568656c6c6f");
  EXPECT_EQ(testing::ToHex(Encoded("0012", true)), "0430303132");
  EXPECT_EQ(Encoded(std::string(50, 'a'), false), "\x32" + std::string(50, 'a'));
}

TEST(RdbEncodedStringTest, IntegerWidthsAndLimits) {
  EXPECT_EQ(testing::ToHex(Encoded("127", false)), "c07f");
  EXPECT_EQ(testing::ToHex(Encoded("-128", false)), "c080");
  EXPECT_EQ(testing::ToHex(Encoded("128", false)), "c18000");
  EXPECT_EQ(testing::ToHex(Encoded("-32769", false)), "c2ff7fffff");
  EXPECT_EQ(testing::ToHex(Encoded("2147483647", false)), "c2ffffff7f");
  EXPECT_EQ(testing::ToHex(Encoded("-2147483648", false)), "c200000080");
  // 11 bytes and int32: integer; beyond int32 or not canonical: plain text.
  EXPECT_EQ(testing::ToHex(Encoded("2147483648", false)), "0a32313437343833363438");
  EXPECT_EQ(Encoded("-0", false), "\x02-0");
  EXPECT_EQ(Encoded("+1", false), "\x02+1");
  for (std::string_view s : {"0", "-1", "255", "-32768", "65536", "-2147483648", "2147483648"}) {
    std::string bytes = Encoded(s, true);
    BufferReader reader(bytes);
    EXPECT_EQ(*reader.ReadString(), s);
    EXPECT_TRUE(reader.at_end());
  }
}

TEST(RdbEncodedStringTest, CompressesOnlyWhenAllowedLongAndWorthIt) {
  std::string repetitive(50, 'a');
  std::string compressed = Encoded(repetitive, true);
  EXPECT_EQ(static_cast<uint8_t>(compressed[0]), 0xc3);
  EXPECT_LT(compressed.size(), 20u);
  BufferReader reader(compressed);
  EXPECT_EQ(*reader.ReadString(), repetitive);
  EXPECT_TRUE(reader.at_end());
  // 20 bytes is never compressed; incompressible data stays plain.
  EXPECT_EQ(Encoded(std::string(20, 'a'), true), "\x14" + std::string(20, 'a'));
  std::string noise;
  for (int i = 0; i < 40; ++i) noise.push_back(static_cast<char>(i * 37 + 11));
  EXPECT_EQ(Encoded(noise, true), "\x28" + noise);
}

TEST(RdbEncodedStringTest, RedisLzfStringDecodes) {
  // SET k aaaa...(50) dumped by redis-server 7.0 with rdbcompression yes.
  std::string bytes = testing::FromHex("c30932016161e02500016161");
  BufferReader reader(bytes);
  auto s = reader.ReadString();
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(*s, std::string(50, 'a'));
}

TEST(RdbEncodedStringTest, DoublesAndTimesRoundTrip) {
  std::string out;
  AppendBinaryDouble(1.5, &out);
  EXPECT_EQ(testing::ToHex(out), "000000000000f83f");
  out.clear();
  for (double d : {0.1, -3.0, 1e300, HUGE_VAL, -HUGE_VAL}) AppendTextDouble(d, &out);
  AppendTextDouble(NAN, &out);
  AppendMillisecondTime(1700000000123, &out);
  AppendBinaryDouble(-2.25, &out);
  BufferReader reader(out);
  EXPECT_EQ(*reader.ReadTextDouble(), 0.1);
  EXPECT_EQ(*reader.ReadTextDouble(), -3.0);
  EXPECT_EQ(*reader.ReadTextDouble(), 1e300);
  EXPECT_EQ(*reader.ReadTextDouble(), HUGE_VAL);
  EXPECT_EQ(*reader.ReadTextDouble(), -HUGE_VAL);
  EXPECT_TRUE(std::isnan(*reader.ReadTextDouble()));
  EXPECT_EQ(*reader.ReadMillisecondTime(), 1700000000123);
  EXPECT_EQ(*reader.ReadBinaryDouble(), -2.25);
  EXPECT_TRUE(reader.at_end());
  EXPECT_EQ(testing::ToHex(out.substr(0, 20)), "13302e3130303030303030303030303030303031");
  BufferReader bad(
      "\x03"
      "1x5");
  EXPECT_FALSE(bad.ReadTextDouble().ok());
  BufferReader short_time("\x01\x02\x03");
  EXPECT_FALSE(short_time.ReadSecondTime().ok());
}

}  // namespace
}  // namespace tandem::rdb
