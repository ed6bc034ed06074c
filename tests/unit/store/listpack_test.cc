#include "server/store/listpack.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <random>
#include <string>
#include <vector>

namespace tandem::store {
namespace {

std::vector<std::string> Forward(const Listpack& lp) {
  // ForEach decodes integer entries.
  std::vector<std::string> out;
  lp.ForEach([&](size_t, std::string_view v) {
    out.emplace_back(v);
    return true;
  });
  return out;
}

std::vector<std::string> Backward(const Listpack& lp) {
  std::vector<std::string> out;
  if (lp.empty()) return out;
  Listpack::TextBuffer buf;
  for (size_t p = lp.Last();; p = lp.Prev(p)) {
    out.emplace_back(lp.Get(p, buf));
    if (p == lp.begin()) break;
  }
  return out;
}

TEST(ListpackTest, PushAndIterateBothWays) {
  Listpack lp;
  lp.PushBack("b");
  lp.PushFront("a");
  lp.PushBack("");
  lp.PushBack(std::string(300, 'x'));  // two-byte length and back-length
  EXPECT_EQ(lp.size(), 4u);
  EXPECT_EQ(Forward(lp), (std::vector<std::string>{"a", "b", "", std::string(300, 'x')}));
  EXPECT_EQ(Backward(lp), (std::vector<std::string>{std::string(300, 'x'), "", "b", "a"}));
  EXPECT_EQ(lp.Get(lp.Seek(-1)), std::string(300, 'x'));
  EXPECT_EQ(lp.Get(lp.Seek(1)), "b");
  EXPECT_EQ(lp.Seek(4), lp.end());
  EXPECT_EQ(lp.Seek(-5), lp.end());
}

TEST(ListpackTest, SmallEntriesCostTwoBytesOfOverhead) {
  Listpack lp;
  lp.PushBack(std::string(16, 'k'));
  EXPECT_EQ(lp.bytes(), 18u);
}

TEST(ListpackTest, ReplaceEraseAndCopy) {
  Listpack lp;
  for (const char* v : {"a", "b", "c", "d"}) lp.PushBack(v);
  lp.Replace(lp.Seek(1), std::string(200, 'B'));
  lp.Replace(lp.Seek(2), "");
  size_t after = lp.Erase(lp.Seek(0), 2);
  EXPECT_EQ(lp.Get(after), "");
  Listpack copy = lp;
  lp.Clear();
  EXPECT_EQ(Forward(copy), (std::vector<std::string>{"", "d"}));
  // A copy holds just its bytes, up to the allocator's rounding (glibc leaves a remainder under
  // its 32-byte minimum chunk unsplit).
  EXPECT_GE(copy.allocated(), copy.bytes());
  EXPECT_LT(copy.allocated(), copy.bytes() + 40);
  EXPECT_TRUE(lp.empty());
}

TEST(ListpackTest, SixtyFourByteStringsTakeATwoByteHeader) {
  Listpack lp;
  lp.PushBack(std::string(63, 'x'));
  EXPECT_EQ(lp.bytes(), 65u);
  lp.PushBack(std::string(64, 'y'));
  EXPECT_EQ(lp.bytes(), 65u + 67u);
  EXPECT_EQ(lp.Get(lp.Seek(1)), std::string(64, 'y'));
}

TEST(ListpackTest, IntegerEntriesRoundTripTheirText) {
  Listpack lp(IntegerEntries::kYes);
  const std::vector<std::string> values = {
      "0", "-1", "127", "128", "-128", "-129", "32767", "-32768", "1000000", "-8388608",
      "9223372036854775807", "-9223372036854775808",
      // Not canonical int64 text: kept as strings.
      "9223372036854775808", "007", "-0", "+1", " 1", "1 ", "", "-", "1e3", "0x10", "12a"};
  for (const std::string& v : values) lp.PushBack(v);
  EXPECT_EQ(Forward(lp), values);
  std::vector<std::string> reversed(values.rbegin(), values.rend());
  EXPECT_EQ(Backward(lp), reversed);
  Listpack::TextBuffer buf;
  EXPECT_EQ(lp.Get(lp.Seek(11), buf), "-9223372036854775808");
  EXPECT_EQ(lp.Get(lp.Seek(13), buf), "007");
}

TEST(ListpackTest, IntegerEntriesAreCompact) {
  Listpack ints(IntegerEntries::kYes);
  Listpack text;
  ints.PushBack("100");  // 1 byte
  EXPECT_EQ(ints.bytes(), 3u);
  ints.PushBack("1000000");  // 3 bytes
  EXPECT_EQ(ints.bytes(), 3u + 5u);
  ints.PushBack("-9223372036854775808");  // 8 bytes
  EXPECT_EQ(ints.bytes(), 3u + 5u + 10u);
  text.PushBack("1000000");
  EXPECT_EQ(text.bytes(), 9u);  // a listpack without integer entries keeps the text
  EXPECT_EQ(text.Get(text.begin()), "1000000");
  Listpack copy = ints;
  EXPECT_TRUE(copy.integer_entries());
  copy.Replace(copy.Seek(0), "abc");
  copy.Replace(copy.Seek(1), "-5");
  EXPECT_EQ(Forward(copy), (std::vector<std::string>{"abc", "-5", "-9223372036854775808"}));
}

// Random inserts, replaces and erases checked against a deque after every step, with and without
// integer entries.
class ListpackRandomTest : public testing::TestWithParam<IntegerEntries> {};

INSTANTIATE_TEST_SUITE_P(Encodings, ListpackRandomTest,
                         testing::Values(IntegerEntries::kNo, IntegerEntries::kYes));

TEST_P(ListpackRandomTest, RandomizedAgainstDeque) {
  std::mt19937 rng(7);
  Listpack lp(GetParam());
  std::deque<std::string> model;
  for (int step = 0; step < 4000; ++step) {
    int op = static_cast<int>(rng() % 4);
    size_t len = rng() % 4 == 0 ? rng() % 20000 : rng() % 40;
    std::string value(len, static_cast<char>('a' + rng() % 26));
    if (rng() % 3 == 0) {
      // An integer of 1 to 8 bytes (either sign), sometimes with a leading zero (then text).
      uint64_t bits = (uint64_t{rng()} << 32 | rng()) >> (rng() % 64);
      if (rng() % 2 == 0) bits = ~bits;  // negative
      value = (rng() % 10 == 0 ? "0" : "") + std::to_string(static_cast<int64_t>(bits));
    }
    if (op <= 1 || model.empty()) {
      size_t i = model.empty() ? 0 : rng() % (model.size() + 1);
      size_t pos = i == model.size() ? lp.end() : lp.Seek(static_cast<int64_t>(i));
      lp.Insert(pos, value);
      model.insert(model.begin() + static_cast<std::ptrdiff_t>(i), value);
    } else if (op == 2) {
      size_t i = rng() % model.size();
      lp.Replace(lp.Seek(static_cast<int64_t>(i)), value);
      model[i] = value;
    } else {
      size_t i = rng() % model.size();
      size_t n = 1 + rng() % 3;
      lp.Erase(lp.Seek(static_cast<int64_t>(i)), n);
      model.erase(model.begin() + static_cast<std::ptrdiff_t>(i),
                  model.begin() + static_cast<std::ptrdiff_t>(std::min(model.size(), i + n)));
    }
    ASSERT_EQ(lp.size(), model.size());
    if (step % 97 == 0) {
      std::vector<std::string> expect(model.begin(), model.end());
      ASSERT_EQ(Forward(lp), expect);
      std::reverse(expect.begin(), expect.end());
      ASSERT_EQ(Backward(lp), expect);
    }
  }
}

}  // namespace
}  // namespace tandem::store
