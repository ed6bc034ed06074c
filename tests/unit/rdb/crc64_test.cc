#include "server/rdb/crc64.h"

#include <gtest/gtest.h>

namespace tandem::rdb {
namespace {

TEST(Crc64Test, MatchesRedisCheckValue) {
  EXPECT_EQ(Crc64(0, "123456789"), 0xe9c6d914c4b8d9caULL);
  EXPECT_EQ(Crc64(0, ""), 0u);
}

TEST(Crc64Test, CanBeComputedInPieces) {
  EXPECT_EQ(Crc64(Crc64(0, "1234"), "56789"), Crc64(0, "123456789"));
}

}  // namespace
}  // namespace tandem::rdb
