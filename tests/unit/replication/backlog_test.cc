#include "replication/backlog.h"

#include <gtest/gtest.h>

namespace tandem::replication {
namespace {

std::string From(const Backlog& b, int64_t offset) {
  std::string out;
  b.CopyFrom(offset, out);
  return out;
}

TEST(BacklogTest, EmptyWindowIsTheNextByte) {
  Backlog b(16, 100);
  EXPECT_EQ(b.end_offset(), 100);
  EXPECT_EQ(b.first_offset(), 101);
  EXPECT_EQ(b.histlen(), 0);
  EXPECT_TRUE(b.Contains(101));
  EXPECT_FALSE(b.Contains(100));
  EXPECT_FALSE(b.Contains(102));
  EXPECT_EQ(From(b, 101), "");
}

TEST(BacklogTest, OffsetsCountFromOne) {
  Backlog b(16, 0);
  b.Append("abcdef");
  EXPECT_EQ(b.end_offset(), 6);
  EXPECT_EQ(b.first_offset(), 1);
  EXPECT_EQ(b.histlen(), 6);
  EXPECT_EQ(From(b, 1), "abcdef");
  EXPECT_EQ(From(b, 4), "def");
  EXPECT_EQ(From(b, 7), "");
  EXPECT_TRUE(b.Contains(1));
  EXPECT_TRUE(b.Contains(7));
  EXPECT_FALSE(b.Contains(0));
  EXPECT_FALSE(b.Contains(8));
}

TEST(BacklogTest, WrapsAroundKeepingTheNewestBytes) {
  Backlog b(8, 0);
  b.Append("abcde");
  b.Append("fghij");  // wraps: holds "cdefghij"
  EXPECT_EQ(b.end_offset(), 10);
  EXPECT_EQ(b.histlen(), 8);
  EXPECT_EQ(b.first_offset(), 3);
  EXPECT_EQ(From(b, 3), "cdefghij");
  EXPECT_EQ(From(b, 9), "ij");
  EXPECT_FALSE(b.Contains(2));
  EXPECT_TRUE(b.Contains(3));
  EXPECT_TRUE(b.Contains(11));
  b.Append("kl");
  EXPECT_EQ(From(b, 5), "efghijkl");
}

TEST(BacklogTest, AppendLargerThanCapacity) {
  Backlog b(4, 10);
  b.Append("xy");
  b.Append("0123456789");
  EXPECT_EQ(b.end_offset(), 22);
  EXPECT_EQ(b.first_offset(), 19);
  EXPECT_EQ(From(b, 19), "6789");
  b.Append("a");
  EXPECT_EQ(From(b, 20), "789a");
}

TEST(BacklogTest, ManySmallAppendsMatchAReference) {
  Backlog b(37, 0);
  std::string all;
  for (int i = 0; i < 500; ++i) {
    std::string piece(static_cast<size_t>(i % 11), static_cast<char>('a' + i % 26));
    b.Append(piece);
    all += piece;
  }
  ASSERT_EQ(b.end_offset(), static_cast<int64_t>(all.size()));
  EXPECT_EQ(From(b, b.first_offset()), all.substr(all.size() - 37));
}

TEST(BacklogTest, ResizeKeepsTheNewestBytes) {
  Backlog b(8, 0);
  b.Append("abcdefghij");  // holds "cdefghij"
  b.Resize(4);
  EXPECT_EQ(b.capacity(), 4u);
  EXPECT_EQ(b.end_offset(), 10);
  EXPECT_EQ(b.first_offset(), 7);
  EXPECT_EQ(From(b, 7), "ghij");
  b.Resize(16);
  EXPECT_EQ(From(b, 7), "ghij");
  b.Append("klmnop");
  EXPECT_EQ(From(b, 7), "ghijklmnop");
  EXPECT_EQ(b.first_offset(), 7);
}

TEST(BacklogTest, ResetDropsEverything) {
  Backlog b(8, 0);
  b.Append("abc");
  b.Reset(500);
  EXPECT_EQ(b.histlen(), 0);
  EXPECT_EQ(b.first_offset(), 501);
  b.Append("z");
  EXPECT_EQ(From(b, 501), "z");
  EXPECT_FALSE(b.Contains(500));
}

}  // namespace
}  // namespace tandem::replication
