#include "server/store/intset.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <set>
#include <string>

namespace tandem::store {
namespace {

std::string Hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

TEST(IntSetTest, EmptySetIsTheTwoByteHeader) {
  IntSet s;
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.width(), 2u);
  EXPECT_FALSE(s.Contains(0));
  EXPECT_EQ(Hex(s.blob()), "0200000000000000");
}

TEST(IntSetTest, KeepsValuesSortedAndDistinct) {
  IntSet s;
  EXPECT_TRUE(s.Insert(5));
  EXPECT_TRUE(s.Insert(-3));
  EXPECT_TRUE(s.Insert(2));
  EXPECT_FALSE(s.Insert(5));
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s.At(0), -3);
  EXPECT_EQ(s.At(1), 2);
  EXPECT_EQ(s.At(2), 5);
  EXPECT_TRUE(s.Contains(2));
  EXPECT_FALSE(s.Contains(3));
  EXPECT_TRUE(s.Erase(2));
  EXPECT_FALSE(s.Erase(2));
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(s.At(1), 5);
}

// The block is Redis's intset: u32 encoding, u32 length, little-endian values.
TEST(IntSetTest, BlobHasRedisLayout) {
  IntSet s;
  s.Insert(2);
  s.Insert(1);
  EXPECT_EQ(Hex(s.blob()),
            "02000000"
            "02000000"
            "0100"
            "0200");
  s.Insert(65536);
  EXPECT_EQ(s.width(), 4u);
  EXPECT_EQ(Hex(s.blob()),
            "04000000"
            "03000000"
            "01000000"
            "02000000"
            "00000100");
}

TEST(IntSetTest, UpgradesWidthAndPlacesTheWideValueAtTheRightEnd) {
  IntSet s;
  s.Insert(10);
  s.Insert(-10);
  s.Insert(INT64_MIN);  // needs 8 bytes, goes first
  EXPECT_EQ(s.width(), 8u);
  EXPECT_EQ(s.At(0), INT64_MIN);
  EXPECT_EQ(s.At(1), -10);
  EXPECT_EQ(s.At(2), 10);
  s.Insert(INT64_MAX);  // already 8 bytes, goes last
  EXPECT_EQ(s.At(3), INT64_MAX);

  IntSet t;
  t.Insert(-1);
  t.Insert(40000);  // 4 bytes, positive: goes last
  EXPECT_EQ(t.width(), 4u);
  EXPECT_EQ(t.At(0), -1);
  EXPECT_EQ(t.At(1), 40000);
  EXPECT_FALSE(t.Contains(INT64_MAX));  // wider than the encoding: absent without a search
  EXPECT_FALSE(t.Erase(INT64_MAX));
}

TEST(IntSetTest, WidthNeverShrinks) {
  IntSet s;
  s.Insert(1);
  s.Insert(1LL << 40);
  s.Erase(1LL << 40);
  EXPECT_EQ(s.width(), 8u);
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(s.At(0), 1);
}

TEST(IntSetTest, CopyIsDeepAndMoveEmptiesTheSource) {
  IntSet a;
  a.Insert(7);
  IntSet b(a);
  b.Insert(8);
  EXPECT_EQ(a.size(), 1u);
  EXPECT_EQ(b.size(), 2u);
  IntSet c(std::move(b));
  EXPECT_EQ(c.size(), 2u);
  EXPECT_EQ(b.size(), 0u);  // NOLINT(bugprone-use-after-move): moved-from state is specified
  a = std::move(c);
  EXPECT_EQ(a.size(), 2u);
}

TEST(IntSetTest, RandomOperationsMatchStdSet) {
  std::mt19937_64 rng(7);
  IntSet s;
  std::set<int64_t> model;
  // Values from all three widths so that upgrades happen along the way.
  auto draw = [&rng]() -> int64_t {
    switch (rng() % 3) {
      case 0:
        return static_cast<int64_t>(rng() % 200) - 100;
      case 1:
        return static_cast<int64_t>(rng() % 200000) - 100000;
      default:
        return static_cast<int64_t>(rng() % 64) + (INT64_MAX - 64);
    }
  };
  for (int i = 0; i < 20000; ++i) {
    int64_t v = draw();
    switch (rng() % 3) {
      case 0:
        ASSERT_EQ(s.Insert(v), model.insert(v).second);
        break;
      case 1:
        ASSERT_EQ(s.Erase(v), model.erase(v) == 1);
        break;
      default:
        ASSERT_EQ(s.Contains(v), model.count(v) == 1);
    }
    ASSERT_EQ(s.size(), model.size());
  }
  size_t i = 0;
  for (int64_t v : model) ASSERT_EQ(s.At(i++), v);
}

}  // namespace
}  // namespace tandem::store
