#include "server/store/string_set.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace tandem::store {
namespace {

std::set<std::string> Members(const StringSet& s) {
  std::set<std::string> out;
  s.ForEach([&out](std::string_view m) { EXPECT_TRUE(out.emplace(m).second) << m; });
  return out;
}

TEST(StringSetTest, InsertContainsErase) {
  StringSet s;
  EXPECT_FALSE(s.Contains("a"));
  EXPECT_FALSE(s.Erase("a"));
  EXPECT_TRUE(s.Insert("a"));
  EXPECT_FALSE(s.Insert("a"));
  EXPECT_TRUE(s.Insert(""));  // the empty string is a member like any other
  EXPECT_TRUE(s.Insert(std::string("x\0y", 3)));
  EXPECT_TRUE(s.Contains(std::string("x\0y", 3)));
  EXPECT_FALSE(s.Contains("x"));
  EXPECT_EQ(s.size(), 3u);
  EXPECT_TRUE(s.Erase(""));
  EXPECT_EQ(Members(s), (std::set<std::string>{"a", std::string("x\0y", 3)}));
}

// Lengths around the one-byte varint limit (127) and beyond two bytes.
TEST(StringSetTest, LongMembersRoundTrip) {
  StringSet s;
  std::vector<std::string> members = {std::string(127, 'a'), std::string(128, 'b'),
                                      std::string(20000, 'c')};
  for (const auto& m : members) EXPECT_TRUE(s.Insert(m));
  for (const auto& m : members) EXPECT_TRUE(s.Contains(m));
  EXPECT_EQ(Members(s), std::set<std::string>(members.begin(), members.end()));
}

TEST(StringSetTest, GrowsAboveThreeQuartersAndShrinksBelowAnEighth) {
  StringSet s;
  for (int i = 0; i < 3; ++i) s.Insert(std::to_string(i));
  EXPECT_EQ(s.capacity(), 4u);
  s.Insert("3");
  EXPECT_EQ(s.capacity(), 8u);
  for (int i = 4; i < 1000; ++i) s.Insert(std::to_string(i));
  EXPECT_EQ(s.capacity(), 2048u);
  for (int i = 0; i < 990; ++i) ASSERT_TRUE(s.Erase(std::to_string(i)));
  EXPECT_EQ(s.size(), 10u);
  EXPECT_LE(s.capacity(), 32u);
  for (int i = 990; i < 1000; ++i) EXPECT_TRUE(s.Contains(std::to_string(i)));
  for (int i = 990; i < 1000; ++i) EXPECT_TRUE(s.Erase(std::to_string(i)));
  EXPECT_EQ(s.capacity(), 0u);  // an empty set holds no table
}

TEST(StringSetTest, ReserveAvoidsGrowth) {
  StringSet s;
  s.Reserve(100);
  size_t capacity = s.capacity();
  for (int i = 0; i < 100; ++i) s.Insert(std::to_string(i));
  EXPECT_EQ(s.capacity(), capacity);
}

TEST(StringSetTest, CopyIsDeep) {
  StringSet a;
  for (int i = 0; i < 50; ++i) a.Insert("m" + std::to_string(i));
  StringSet b(a);
  b.Erase("m1");
  b.Insert("extra");
  EXPECT_TRUE(a.Contains("m1"));
  EXPECT_FALSE(a.Contains("extra"));
  EXPECT_EQ(a.size(), 50u);
  EXPECT_EQ(b.size(), 50u);
  StringSet c(std::move(b));
  EXPECT_TRUE(c.Contains("extra"));
}

TEST(StringSetTest, RandomOperationsMatchStdSet) {
  std::mt19937_64 rng(11);
  StringSet s;
  std::set<std::string> model;
  for (int i = 0; i < 50000; ++i) {
    // A small key space with phases of mostly inserts then mostly erases, to cross both the
    // growth and the shrink thresholds many times.
    std::string m = "k" + std::to_string(rng() % 3000);
    bool insert_phase = (i / 5000) % 2 == 0;
    uint64_t op = rng() % 10;
    if (op < (insert_phase ? 7u : 3u)) {
      ASSERT_EQ(s.Insert(m), model.insert(m).second);
    } else if (op < 9) {
      ASSERT_EQ(s.Erase(m), model.erase(m) == 1);
    } else {
      ASSERT_EQ(s.Contains(m), model.count(m) == 1);
    }
    ASSERT_EQ(s.size(), model.size());
  }
  EXPECT_EQ(Members(s), model);
}

TEST(StringSetTest, RandomIsRoughlyUniform) {
  StringSet s;
  for (int i = 0; i < 10; ++i) s.Insert(std::to_string(i));
  std::mt19937_64 rng(3);
  std::map<std::string, int> hits;
  for (int i = 0; i < 20000; ++i) ++hits[std::string(s.Random(rng))];
  ASSERT_EQ(hits.size(), 10u);
  for (const auto& [member, n] : hits) {
    EXPECT_GT(n, 1600) << member;
    EXPECT_LT(n, 2400) << member;
  }
}

TEST(StringSetTest, PopRandomRemovesWhatItReturns) {
  StringSet s;
  std::set<std::string> model;
  for (int i = 0; i < 300; ++i) {
    s.Insert("p" + std::to_string(i));
    model.insert("p" + std::to_string(i));
  }
  std::mt19937_64 rng(5);
  while (s.size() > 0) {
    std::string m = s.PopRandom(rng);
    ASSERT_EQ(model.erase(m), 1u) << m;
    ASSERT_FALSE(s.Contains(m));
  }
  EXPECT_TRUE(model.empty());
}

// Runs a scan to the end, applying `between` after every step.
template <typename Fn>
std::multiset<std::string> ScanAll(const StringSet& s, Fn between) {
  std::multiset<std::string> seen;
  uint64_t cursor = 0;
  int steps = 0;
  do {
    cursor = s.Scan(cursor, [&seen](std::string_view m) { seen.emplace(m); });
    between(steps++);
  } while (cursor != 0 && steps < 1000000);
  EXPECT_EQ(cursor, 0u);
  return seen;
}

TEST(StringSetTest, ScanReportsEveryMemberOnceWhenTheSetIsUnchanged) {
  StringSet s;
  for (int i = 0; i < 1000; ++i) s.Insert("s" + std::to_string(i));
  auto seen = ScanAll(s, [](int) {});
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 1000u);
}

TEST(StringSetTest, ScanSurvivesGrowthBetweenSteps) {
  StringSet s;
  for (int i = 0; i < 100; ++i) s.Insert("old" + std::to_string(i));
  int added = 0;
  // Growth stops at some point: a table that doubles faster than the cursor advances is never
  // done (in Redis either).
  auto seen = ScanAll(s, [&](int) {
    for (int j = 0; j < 20 && added < 3000; ++j) s.Insert("new" + std::to_string(added++));
  });
  EXPECT_GT(s.capacity(), 256u);  // the table grew several times during the scan
  for (int i = 0; i < 100; ++i) EXPECT_EQ(seen.count("old" + std::to_string(i)), 1u) << i;
}

TEST(StringSetTest, ScanSurvivesShrinkingBetweenSteps) {
  StringSet s;
  for (int i = 0; i < 2000; ++i) s.Insert("gone" + std::to_string(i));
  for (int i = 0; i < 50; ++i) s.Insert("kept" + std::to_string(i));
  size_t start_capacity = s.capacity();
  int removed = 0;
  auto seen = ScanAll(s, [&](int) {
    for (int j = 0; j < 200 && removed < 2000; ++j) s.Erase("gone" + std::to_string(removed++));
  });
  EXPECT_LT(s.capacity(), start_capacity);
  for (int i = 0; i < 50; ++i) EXPECT_GE(seen.count("kept" + std::to_string(i)), 1u) << i;
}

}  // namespace
}  // namespace tandem::store
