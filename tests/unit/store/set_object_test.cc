#include "server/store/set_object.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace tandem::store {
namespace {

constexpr size_t kMaxIntset = 512;  // set-max-intset-entries' default

std::vector<std::string> InOrder(const SetObject& s) {
  std::vector<std::string> out;
  s.ForEach([&out](std::string_view m) { out.emplace_back(m); });
  return out;
}

std::set<std::string> Members(const SetObject& s) {
  auto v = InOrder(s);
  return {v.begin(), v.end()};
}

TEST(SetObjectTest, StartsAsAnIntsetAndIteratesInNumericOrder) {
  SetObject s;
  EXPECT_EQ(s.type(), ValueType::kSet);
  EXPECT_EQ(s.encoding(), "intset");
  EXPECT_TRUE(s.Add("10", kMaxIntset));
  EXPECT_TRUE(s.Add("-5", kMaxIntset));
  EXPECT_TRUE(s.Add("9223372036854775807", kMaxIntset));
  EXPECT_FALSE(s.Add("10", kMaxIntset));
  EXPECT_EQ(s.encoding(), "intset");
  EXPECT_EQ(InOrder(s), (std::vector<std::string>{"-5", "10", "9223372036854775807"}));
  EXPECT_TRUE(s.Contains("-5"));
  EXPECT_FALSE(s.Contains("abc"));
  EXPECT_FALSE(s.Contains("010"));  // not canonical, so never an intset member
}

// What Redis's string2ll rejects cannot live in an intset.
TEST(SetObjectTest, NonCanonicalIntegersConvertToHashtable) {
  for (const char* text : {"01", "+1", "-0", " 1", "1 ", "", "9223372036854775808", "1.0", "a"}) {
    SetObject s;
    s.Add("1", kMaxIntset);
    EXPECT_TRUE(s.Add(text, kMaxIntset)) << text;
    EXPECT_EQ(s.encoding(), "hashtable") << text;
    EXPECT_TRUE(s.Contains(text)) << text;
    EXPECT_TRUE(s.Contains("1")) << text;
    EXPECT_EQ(s.size(), 2u) << text;
  }
}

TEST(SetObjectTest, ConvertsWhenTheCountPassesTheLimit) {
  SetObject s;
  for (int i = 0; i < 512; ++i) ASSERT_TRUE(s.Add(std::to_string(i), kMaxIntset));
  EXPECT_EQ(s.encoding(), "intset");
  EXPECT_FALSE(s.Add("5", kMaxIntset));  // an existing member does not count
  EXPECT_EQ(s.encoding(), "intset");
  EXPECT_TRUE(s.Add("512", kMaxIntset));
  EXPECT_EQ(s.encoding(), "hashtable");
  EXPECT_EQ(s.size(), 513u);
  for (int i = 0; i <= 512; ++i) ASSERT_TRUE(s.Contains(std::to_string(i))) << i;
  // One-way: shrinking back below the limit keeps the hashtable.
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(s.Remove(std::to_string(i)));
  EXPECT_EQ(s.encoding(), "hashtable");
  EXPECT_EQ(s.size(), 13u);
}

TEST(SetObjectTest, ZeroLimitMeansHashtableFromTheFirstMember) {
  SetObject s;
  s.Add("1", 0);
  EXPECT_EQ(s.encoding(), "hashtable");
}

TEST(SetObjectTest, RemoveOnBothEncodings) {
  SetObject ints;
  ints.Add("1", kMaxIntset);
  EXPECT_FALSE(ints.Remove("01"));
  EXPECT_FALSE(ints.Remove("x"));
  EXPECT_TRUE(ints.Remove("1"));
  EXPECT_EQ(ints.size(), 0u);

  SetObject strs;
  strs.Add("x", kMaxIntset);
  strs.Add("1", kMaxIntset);
  EXPECT_TRUE(strs.Remove("1"));
  EXPECT_FALSE(strs.Remove("1"));
  EXPECT_EQ(Members(strs), (std::set<std::string>{"x"}));
}

TEST(SetObjectTest, CloneKeepsMembersAndEncoding) {
  SetObject ints;
  ints.Add("3", kMaxIntset);
  auto copy = ints.Clone();
  EXPECT_EQ(copy->encoding(), "intset");
  ints.Add("4", kMaxIntset);
  EXPECT_EQ(Members(static_cast<SetObject&>(*copy)), (std::set<std::string>{"3"}));

  SetObject strs;
  strs.Add("a", kMaxIntset);
  strs.Add("7", kMaxIntset);
  auto copy2 = strs.Clone();
  EXPECT_EQ(copy2->encoding(), "hashtable");
  EXPECT_EQ(Members(static_cast<SetObject&>(*copy2)), (std::set<std::string>{"a", "7"}));
}

TEST(SetObjectTest, IntsetScanReturnsEverythingWithCursorZero) {
  SetObject s;
  for (int i = 0; i < 100; ++i) s.Add(std::to_string(i), kMaxIntset);
  std::set<std::string> seen;
  uint64_t next = s.Scan(12345, [&seen](std::string_view m) { seen.emplace(m); });
  EXPECT_EQ(next, 0u);
  EXPECT_EQ(seen, Members(s));
}

TEST(SetObjectTest, HashtableScanCoversTheSet) {
  SetObject s;
  for (int i = 0; i < 1000; ++i) s.Add("m" + std::to_string(i), kMaxIntset);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int steps = 0;
  do {
    cursor = s.Scan(cursor, [&seen](std::string_view m) { seen.emplace(m); });
  } while (cursor != 0 && ++steps < 100000);
  EXPECT_GT(steps, 1);
  EXPECT_EQ(seen, Members(s));
}

TEST(SetObjectTest, RandomMemberAndPopRandomOnBothEncodings) {
  std::mt19937_64 rng(9);
  for (bool ints : {true, false}) {
    SetObject s;
    for (int i = 0; i < 8; ++i) s.Add((ints ? "" : "m") + std::to_string(i), kMaxIntset);
    EXPECT_EQ(s.is_intset(), ints);
    std::map<std::string, int> hits;
    for (int i = 0; i < 8000; ++i) ++hits[s.RandomMember(rng)];
    ASSERT_EQ(hits.size(), 8u);
    for (const auto& [m, n] : hits) {
      EXPECT_GT(n, 700) << m;
      EXPECT_LT(n, 1300) << m;
    }
    std::set<std::string> model = Members(s);
    while (s.size() > 0) {
      std::string m = s.PopRandom(rng);
      ASSERT_EQ(model.erase(m), 1u) << m;
    }
    EXPECT_TRUE(model.empty());
  }
}

// Random adds and removes of integers and strings against std::set, with a small limit so that
// sets keep crossing the intset -> hashtable threshold.
TEST(SetObjectTest, RandomOperationsMatchStdSet) {
  std::mt19937_64 rng(1234);
  for (int round = 0; round < 40; ++round) {
    SetObject s;
    std::set<std::string> model;
    size_t limit = rng() % 64;
    bool strings_allowed = round % 2 == 0;
    bool was_hashtable = false;
    for (int i = 0; i < 600; ++i) {
      std::string m = std::to_string(static_cast<int64_t>(rng() % 200) - 100);
      if (strings_allowed && rng() % 50 == 0) m = "s" + m;
      if (rng() % 3 != 0) {
        ASSERT_EQ(s.Add(m, limit), model.insert(m).second);
      } else {
        ASSERT_EQ(s.Remove(m), model.erase(m) == 1);
      }
      ASSERT_EQ(s.size(), model.size());
      // The encoding follows Redis's rule and never goes back.
      ASSERT_FALSE(was_hashtable && s.is_intset());
      was_hashtable = !s.is_intset();
      bool all_ints = true;
      for (const auto& x : model) all_ints = all_ints && x[0] != 's';
      ASSERT_TRUE(!s.is_intset() || (all_ints && model.size() <= limit));
    }
    EXPECT_EQ(Members(s), model);
    for (const auto& m : model) EXPECT_TRUE(s.Contains(m));
  }
}

}  // namespace
}  // namespace tandem::store
