#include "server/rdb/redis_listpack.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/rdb/test_bytes.h"

namespace tandem::rdb {
namespace {

using testing::FromHex;
using testing::ToHex;

// The elements of a list whose single quicklist node redis-server 7.0 dumped as kAllEncodingsHex:
// every integer width at its bounds, strings with 6-, 12- and 32-bit lengths, and texts that look
// numeric but are not canonical int64s (so stay strings).
std::vector<std::string> AllEncodingsElements() {
  return {"0",
          "127",
          "128",
          "-1",
          "-4096",
          "4095",
          "4096",
          "-4097",
          "32767",
          "-32768",
          "32768",
          "8388607",
          "-8388608",
          "8388608",
          "2147483647",
          "-2147483648",
          "2147483648",
          "9223372036854775807",
          "-9223372036854775808",
          "",
          "a",
          std::string(63, 'x'),
          std::string(64, 'y'),
          std::string(4095, 'z'),
          std::string(4096, 'w'),
          "01",
          "-0",
          "+1",
          "99999999999999999999",
          "1.5"};
}

constexpr std::string_view kAllEncodingsHex =
    "202100001e0000017f01c08002dfff02d00002cfff02f1001003f1ffef03f1ff7f03f1008003f200800004f2ffff"
    "7f04f200008004f30000800005f3ffffff7f05f30000008005f4000000800000000009f4ffffffffffffff7f09f4"
    "0000000000000080098001816102bf{78*63}40e040{79*64}42efff{7a*4095}2081f000100000{77*4096}2085"
    "82303103822d3003822b310394{39*20}1583312e3504ff";

// RPUSH l a b 1 2, as dumped by redis-server 7.0.
constexpr std::string_view kSmallHex = "11000000040081610281620201010201ff";

TEST(RedisListpackTest, WriterMatchesRedisForEveryEncoding) {
  RedisListpackWriter writer;
  for (const std::string& e : AllEncodingsElements()) writer.Append(e);
  EXPECT_EQ(writer.count(), 30u);
  EXPECT_EQ(ToHex(writer.Finish()), ToHex(FromHex(kAllEncodingsHex)));
  EXPECT_EQ(writer.count(), 0u);
  EXPECT_EQ(ToHex(writer.Finish()), "070000000000ff");
}

TEST(RedisListpackTest, WriterMatchesSmallRedisList) {
  RedisListpackWriter writer;
  writer.Append("a");
  writer.Append("b");
  writer.AppendInteger(1);
  writer.Append("2");
  EXPECT_EQ(ToHex(writer.Finish()), kSmallHex);
}

TEST(RedisListpackTest, DecoderReadsRedisBlobs) {
  auto all = DecodeRedisListpack(FromHex(kAllEncodingsHex));
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ(*all, AllEncodingsElements());
  auto small = DecodeRedisListpack(FromHex(kSmallHex));
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(*small, (std::vector<std::string>{"a", "b", "1", "2"}));
  auto empty = DecodeRedisListpack(FromHex("070000000000ff"));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(RedisListpackTest, BackLengthsAtEveryWidthRoundTrip) {
  // Entry sizes 127/128 (1 or 2 back-length bytes), 16382/16383 (2 or 3), 2097150/2097151 (3 or 4).
  for (size_t entry : {127u, 128u, 16382u, 16383u, 2097150u, 2097151u}) {
    size_t header = entry - 2 < 4096 ? 2 : 5;
    std::string s(entry - header, 's');
    RedisListpackWriter writer;
    writer.Append(s);
    writer.Append("tail");
    std::string blob = writer.Finish();
    size_t backlen = entry <= 127 ? 1 : entry < 16383 ? 2 : entry < 2097151 ? 3 : 4;
    EXPECT_EQ(blob.size(), 6 + entry + backlen + 6 + 1) << entry;
    auto back = DecodeRedisListpack(blob);
    ASSERT_TRUE(back.ok()) << entry << " " << back.status().message();
    EXPECT_EQ(*back, (std::vector<std::string>{s, "tail"}));
  }
}

TEST(RedisListpackTest, UnknownCountIsAccepted) {
  std::string blob = FromHex(kSmallHex);
  blob[4] = '\xff';
  blob[5] = '\xff';
  auto back = DecodeRedisListpack(blob);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->size(), 4u);
}

TEST(RedisListpackTest, EveryTruncationIsRejected) {
  for (std::string_view hex : {kAllEncodingsHex, kSmallHex}) {
    std::string blob = FromHex(hex);
    for (size_t len = 0; len < blob.size(); ++len) {
      std::string cut = blob.substr(0, len);
      EXPECT_FALSE(DecodeRedisListpack(cut).ok()) << len;
      // Even with the header's total size fixed up to match the cut.
      if (len >= 4) {
        for (int i = 0; i < 4; ++i) cut[i] = static_cast<char>((len >> (8 * i)) & 0xff);
        EXPECT_FALSE(DecodeRedisListpack(cut).ok()) << len;
      }
    }
  }
}

TEST(RedisListpackTest, CorruptBlobsAreRejected) {
  const std::string good = FromHex(kSmallHex);
  auto corrupt = [&](size_t pos, char byte) {
    std::string b = good;
    b[pos] = byte;
    return DecodeRedisListpack(b).ok();
  };
  EXPECT_TRUE(DecodeRedisListpack(good).ok());
  EXPECT_FALSE(corrupt(4, 3));       // count says 3, there are 4
  EXPECT_FALSE(corrupt(4, 5));       // count says 5
  EXPECT_FALSE(corrupt(8, 3));       // back-length of "a" wrong
  EXPECT_FALSE(corrupt(6, '\x83'));  // "a" claims 3 bytes
  EXPECT_FALSE(corrupt(6, '\xf5'));  // unused encoding
  EXPECT_FALSE(corrupt(6, '\xff'));  // terminator too early
  EXPECT_FALSE(corrupt(16, 0));      // terminator replaced
  EXPECT_FALSE(corrupt(0, 0x12));    // total size larger than the blob
  std::string trailing = good + "x";
  trailing[0] = static_cast<char>(trailing.size());
  EXPECT_FALSE(DecodeRedisListpack(trailing).ok());  // bytes after the terminator
  // A 32-bit string length near 2^32 must not wrap any bound check.
  std::string huge = FromHex("0e0000000100f0fcffffff0102ff");
  EXPECT_FALSE(DecodeRedisListpack(huge).ok());
}

}  // namespace
}  // namespace tandem::rdb
