#include "server/rdb/lzf.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace tandem::rdb {
namespace {

void ExpectRoundTrip(const std::string& in) {
  std::string compressed = LzfCompress(in);
  std::string back;
  ASSERT_TRUE(LzfDecompress(compressed, in.size(), &back)) << in.size();
  EXPECT_EQ(back, in);
}

TEST(LzfTest, RoundTripsAssortedInputs) {
  ExpectRoundTrip("");
  ExpectRoundTrip("a");
  ExpectRoundTrip("abc");
  ExpectRoundTrip(std::string(100000, 'z'));
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "field:" + std::to_string(i % 97) + ",value;";
  ExpectRoundTrip(text);
  std::mt19937 rng(7);
  for (size_t len : {1u, 31u, 32u, 33u, 1000u, 20000u}) {
    std::string noise(len, '\0');
    for (char& c : noise) c = static_cast<char>(rng());
    ExpectRoundTrip(noise);
    // Noise with repeats far apart (past the 8 KB window) and close by.
    ExpectRoundTrip(noise + noise + noise.substr(0, len / 2));
  }
}

TEST(LzfTest, CompressesRepetitiveData) {
  EXPECT_LT(LzfCompress(std::string(10000, 'x')).size(), 200u);
  std::string text;
  for (int i = 0; i < 100; ++i) text += "hello world ";
  EXPECT_LT(LzfCompress(text).size(), text.size() / 4);
}

TEST(LzfTest, DecompressRejectsBadStreams) {
  std::string out;
  EXPECT_FALSE(
      LzfDecompress("\x05"
                    "ab",
                    6, &out));  // literal past the end
  EXPECT_FALSE(LzfDecompress(std::string("\x00"
                                         "a\x20\x05",
                                         4),
                             4, &out));  // offset too far back
  EXPECT_FALSE(LzfDecompress(std::string("\x00"
                                         "a",
                                         2),
                             2, &out));  // too short output
  std::string good = LzfCompress(std::string(50, 'q'));
  EXPECT_FALSE(LzfDecompress(good, 49, &out));  // would overflow the stated length
  EXPECT_TRUE(LzfDecompress(good, 50, &out));
  // A claimed length no stream of this size can produce is refused up front.
  EXPECT_FALSE(LzfDecompress(good, size_t{1} << 40, &out));
  std::string max = LzfCompress(std::string(264 * 10 + 1, 'm'));
  EXPECT_TRUE(LzfDecompress(max, 264 * 10 + 1, &out));
}

}  // namespace
}  // namespace tandem::rdb
