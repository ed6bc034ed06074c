#include "server/store/string_map.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <unordered_map>

#include "server/base/memory.h"

namespace tandem::store {
namespace {

TEST(StringMapTest, SetFindErase) {
  StringMap m;
  bool found = true;
  EXPECT_EQ(m.Find("a", &found), "");
  EXPECT_FALSE(found);
  EXPECT_TRUE(m.Set("a", "1"));
  EXPECT_FALSE(m.Set("a", "a much longer value than before"));
  EXPECT_EQ(m.Find("a", &found), "a much longer value than before");
  EXPECT_TRUE(found);
  EXPECT_FALSE(m.Set("a", ""));
  EXPECT_EQ(m.Find("a", &found), "");
  EXPECT_TRUE(found);
  EXPECT_TRUE(m.Erase("a"));
  EXPECT_FALSE(m.Erase("a"));
  EXPECT_TRUE(m.empty());
}

TEST(StringMapTest, GrowsAndShrinksWithTheLoad) {
  StringMap m;
  for (int i = 0; i < 1000; ++i) m.Set("k" + std::to_string(i), "v");
  EXPECT_GE(m.bucket_count(), 1000u);
  EXPECT_EQ(m.bucket_count() & (m.bucket_count() - 1), 0u);  // a power of two
  for (int i = 0; i < 990; ++i) ASSERT_TRUE(m.Erase("k" + std::to_string(i)));
  EXPECT_LE(m.bucket_count(), 80u);  // load at least 1/8
  bool found;
  for (int i = 990; i < 1000; ++i) {
    m.Find("k" + std::to_string(i), &found);
    EXPECT_TRUE(found) << i;
  }
}

TEST(StringMapTest, RandomizedAgainstUnorderedMap) {
  std::mt19937_64 rng(5);
  StringMap m;
  std::unordered_map<std::string, std::string> model;
  for (int op = 0; op < 20000; ++op) {
    std::string key = "k" + std::to_string(rng() % 500);
    if (rng() % 3 != 0) {
      std::string value(rng() % 40, 'v');
      EXPECT_EQ(m.Set(key, value), model.count(key) == 0);
      model[key] = value;
    } else {
      EXPECT_EQ(m.Erase(key), model.erase(key) == 1);
    }
  }
  ASSERT_EQ(m.size(), model.size());
  size_t visited = 0;
  m.ForEach([&](std::string_view k, std::string_view v) {
    ++visited;
    EXPECT_EQ(model.at(std::string(k)), v);
  });
  EXPECT_EQ(visited, model.size());
  StringMap copy(m);
  EXPECT_EQ(copy.size(), m.size());
  for (auto& [k, v] : model) {
    bool found;
    EXPECT_EQ(copy.Find(k, &found), v);
    EXPECT_TRUE(found);
  }
}

TEST(StringMapTest, ScanVisitsEveryBucketOnce) {
  StringMap m;
  for (int i = 0; i < 100; ++i) m.Set(std::to_string(i), "v");
  std::multiset<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = m.Scan(cursor, [&](std::string_view k, std::string_view) { seen.emplace(k); });
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 100u);  // no resize in between: no repeats
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 100u);
}

TEST(StringMapTest, FreesEverything) {
  size_t before = base::UsedMemory();
  {
    StringMap m;
    for (int i = 0; i < 200; ++i) m.Set("key" + std::to_string(i), std::string(i, 'x'));
    for (int i = 0; i < 200; i += 2) m.Set("key" + std::to_string(i), std::string(300 - i, 'y'));
    EXPECT_GT(base::UsedMemory(), before);
  }
  EXPECT_EQ(base::UsedMemory(), before);
}

}  // namespace
}  // namespace tandem::store
