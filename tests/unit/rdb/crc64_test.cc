#include "server/rdb/crc64.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace tandem::rdb {
namespace {

TEST(Crc64Test, MatchesRedisCheckValue) {
  EXPECT_EQ(Crc64(0, "123456789"), 0xe9c6d914c4b8d9caULL);
  EXPECT_EQ(Crc64(0, ""), 0u);
}

TEST(Crc64Test, CanBeComputedInPieces) {
  EXPECT_EQ(Crc64(Crc64(0, "1234"), "56789"), Crc64(0, "123456789"));
}

// The definition, one bit at a time, against the 8-bytes-at-a-time loop at every alignment and tail
// length.
TEST(Crc64Test, MatchesTheBitwiseDefinition) {
  auto bitwise = [](std::string_view data) {
    uint64_t crc = 0;
    for (unsigned char c : data) {
      crc ^= c;
      for (int bit = 0; bit < 8; ++bit)
        crc = (crc & 1) ? (crc >> 1) ^ 0x95ac9329ac4bc9b5ULL : crc >> 1;
    }
    return crc;
  };
  std::mt19937 rng(7);
  std::string data(300, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  for (size_t start = 0; start < 8; ++start) {
    for (size_t len = 0; len + start <= 80; ++len) {
      std::string_view piece(data.data() + start, len);
      ASSERT_EQ(Crc64(0, piece), bitwise(piece)) << start << " " << len;
    }
  }
}

}  // namespace
}  // namespace tandem::rdb
