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
  for (size_t p = lp.Last();; p = lp.Prev(p)) {
    out.emplace_back(lp.Get(p));
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
  EXPECT_EQ(copy.allocated(), copy.bytes());
  EXPECT_TRUE(lp.empty());
}

// Random inserts, replaces and erases checked against a deque after every step.
TEST(ListpackTest, RandomizedAgainstDeque) {
  std::mt19937 rng(7);
  Listpack lp;
  std::deque<std::string> model;
  for (int step = 0; step < 4000; ++step) {
    int op = static_cast<int>(rng() % 4);
    size_t len = rng() % 4 == 0 ? rng() % 20000 : rng() % 40;
    std::string value(len, static_cast<char>('a' + rng() % 26));
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
