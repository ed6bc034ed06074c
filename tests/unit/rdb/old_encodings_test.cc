// Ziplist, zipmap and intset blobs. The vectors are hand-built from the formats' specifications and
// were each accepted by redis-server 7.0's RESTORE (inside a DUMP payload) with the values below.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/rdb/intset_blob.h"
#include "server/rdb/ziplist.h"
#include "server/rdb/zipmap.h"
#include "tests/unit/rdb/test_bytes.h"

namespace tandem::rdb {
namespace {

using testing::FromHex;

// Every ziplist encoding: the immediates 0 and 12, int8/16/24/32/64 at their bounds, strings with
// 6- and 14-bit lengths.
constexpr std::string_view kAllHex =
    "10020000e0000000150000f102fd02fe0d03feff03fe7f03fe8003c0800004c0ff7f04c0008004f000800005f0ff"
    "ff7f05f000008005d0ffffff7f06d00000008006e000000080000000000ae000000000000000800a000203616263"
    "053f{78*63}414040{79*64}43412c{7a*300}ff";
// A 300-byte string then "a", whose previous-entry size takes the 5-byte form.
constexpr std::string_view kBigPrevHex = "4101000039010000020000412c{71*300}fe2f0100000161ff";
constexpr std::string_view kEmptyHex = "0b0000000a0000000000ff";

std::vector<std::string> AllElements() {
  return {"0",
          "12",
          "13",
          "-1",
          "127",
          "-128",
          "128",
          "32767",
          "-32768",
          "32768",
          "8388607",
          "-8388608",
          "2147483647",
          "-2147483648",
          "2147483648",
          "-9223372036854775808",
          "",
          "abc",
          std::string(63, 'x'),
          std::string(64, 'y'),
          std::string(300, 'z')};
}

// Every proper prefix of `blob`, with and without the leading u32 size patched to match.
template <typename Decode>
void ExpectEveryTruncationRejected(const std::string& blob, Decode decode, bool size_prefix) {
  for (size_t len = 0; len < blob.size(); ++len) {
    std::string cut = blob.substr(0, len);
    EXPECT_FALSE(decode(cut).ok()) << len;
    if (size_prefix && len >= 4) {
      for (int i = 0; i < 4; ++i) cut[i] = static_cast<char>((len >> (8 * i)) & 0xff);
      EXPECT_FALSE(decode(cut).ok()) << len;
    }
  }
}

TEST(ZiplistTest, DecodesEveryEncoding) {
  auto all = DecodeZiplist(FromHex(kAllHex));
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ(*all, AllElements());
  auto big = DecodeZiplist(FromHex(kBigPrevHex));
  ASSERT_TRUE(big.ok()) << big.status().message();
  EXPECT_EQ(*big, (std::vector<std::string>{std::string(300, 'q'), "a"}));
  auto empty = DecodeZiplist(FromHex(kEmptyHex));
  ASSERT_TRUE(empty.ok()) << empty.status().message();
  EXPECT_TRUE(empty->empty());
}

TEST(ZiplistTest, RejectsTruncationAndCorruption) {
  for (std::string_view hex : {kAllHex, kBigPrevHex, kEmptyHex}) {
    ExpectEveryTruncationRejected(FromHex(hex), DecodeZiplist, true);
  }
  const std::string good = FromHex(kBigPrevHex);
  auto with = [&](size_t pos, char byte) {
    std::string b = good;
    b[pos] = byte;
    return DecodeZiplist(b).ok();
  };
  ASSERT_TRUE(DecodeZiplist(good).ok());
  EXPECT_FALSE(with(4, 0x3a));      // tail offset
  EXPECT_FALSE(with(8, 3));         // count
  EXPECT_FALSE(with(10, 1));        // first entry's previous size must be 0
  EXPECT_FALSE(with(315, 0x30));    // second entry's previous size
  EXPECT_FALSE(with(318, 0x02));    // "a" claims 2 bytes
  EXPECT_FALSE(with(318, '\xf0'));  // int24 reads past the end
  EXPECT_FALSE(with(318, '\xff'));  // terminator too early
  EXPECT_FALSE(with(320, 0));       // terminator replaced
  std::string unknown_count = good;
  unknown_count[8] = '\xff';
  unknown_count[9] = '\xff';
  EXPECT_TRUE(DecodeZiplist(unknown_count).ok());
}

// Fields f1=v1, n=5, long=300 x 'q' (a 5-byte length); then a=1, bb=22 with 2 free bytes each.
constexpr std::string_view kZipmapHex =
    "0302663102007631016e010035046c6f6e67fe2c01000000{71*300}ff";
constexpr std::string_view kZipmapFreeHex = "0201610102310000026262020232320000ff";

TEST(ZipmapTest, DecodesPairs) {
  auto pairs = DecodeZipmap(FromHex(kZipmapHex));
  ASSERT_TRUE(pairs.ok()) << pairs.status().message();
  ASSERT_EQ(pairs->size(), 3u);
  EXPECT_EQ((*pairs)[0], std::make_pair(std::string("f1"), std::string("v1")));
  EXPECT_EQ((*pairs)[1], std::make_pair(std::string("n"), std::string("5")));
  EXPECT_EQ((*pairs)[2], std::make_pair(std::string("long"), std::string(300, 'q')));
  auto free = DecodeZipmap(FromHex(kZipmapFreeHex));
  ASSERT_TRUE(free.ok()) << free.status().message();
  ASSERT_EQ(free->size(), 2u);
  EXPECT_EQ((*free)[1], std::make_pair(std::string("bb"), std::string("22")));
}

TEST(ZipmapTest, RejectsTruncationAndCorruption) {
  for (std::string_view hex : {kZipmapHex, kZipmapFreeHex}) {
    ExpectEveryTruncationRejected(FromHex(hex), DecodeZipmap, false);
  }
  std::string bad_count = FromHex(kZipmapFreeHex);
  bad_count[0] = 3;
  EXPECT_FALSE(DecodeZipmap(bad_count).ok());
  bad_count[0] = static_cast<char>(254);  // unknown count
  EXPECT_TRUE(DecodeZipmap(bad_count).ok());
  EXPECT_FALSE(DecodeZipmap(FromHex(kZipmapFreeHex) + "00").ok());
  std::string big_free = FromHex(kZipmapFreeHex);
  big_free[4] = 9;  // "a"'s free bytes run past the end
  EXPECT_FALSE(DecodeZipmap(big_free).ok());
}

TEST(IntsetBlobTest, DecodesEveryWidth) {
  // SADD s 1 2 3 / 1 -70000 5 / 1 2^40, as DUMPed by redis-server 7.0; then width 8 holding small
  // values (which Redis accepts).
  EXPECT_EQ(*DecodeIntsetBlob(FromHex("0200000003000000010002000300")),
            (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(*DecodeIntsetBlob(FromHex("040000000300000090eefeff0100000005000000")),
            (std::vector<int64_t>{-70000, 1, 5}));
  EXPECT_EQ(*DecodeIntsetBlob(FromHex("080000000200000001000000000000000000000000010000")),
            (std::vector<int64_t>{1, int64_t{1} << 40}));
  EXPECT_EQ(*DecodeIntsetBlob(FromHex("080000000200000001000000000000000200000000000000")),
            (std::vector<int64_t>{1, 2}));
}

TEST(IntsetBlobTest, RejectsMalformedBlobs) {
  std::string good = FromHex("0200000003000000010002000300");
  ExpectEveryTruncationRejected(good, DecodeIntsetBlob, false);
  EXPECT_FALSE(DecodeIntsetBlob(FromHex("0300000001000000010000")).ok());      // width 3
  EXPECT_FALSE(DecodeIntsetBlob(FromHex("0200000000000000")).ok());            // empty
  EXPECT_FALSE(DecodeIntsetBlob(FromHex("02000000020000000200010000")).ok());  // descending
  EXPECT_FALSE(DecodeIntsetBlob(FromHex("020000000200000001000100")).ok());    // duplicate
  EXPECT_FALSE(DecodeIntsetBlob(FromHex("02000000020000000100020003")).ok());  // odd size
  EXPECT_FALSE(DecodeIntsetBlob(FromHex("0200000003000000010002000300"
                                        "0400"))
                   .ok());
}

}  // namespace
}  // namespace tandem::rdb
