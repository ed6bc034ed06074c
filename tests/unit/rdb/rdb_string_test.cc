#include "server/rdb/rdb_string.h"

#include <gtest/gtest.h>

#include <string>

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
