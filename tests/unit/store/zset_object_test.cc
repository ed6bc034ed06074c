#include "server/store/zset_object.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace tandem::store {
namespace {

using Element = std::pair<std::string, double>;

// The reference model: member -> score, and the ordered list derived from it.
std::vector<Element> Ordered(const std::map<std::string, double>& model) {
  std::vector<Element> v(model.begin(), model.end());
  std::sort(v.begin(), v.end(), [](const Element& a, const Element& b) {
    if (a.second != b.second) return a.second < b.second;
    return a.first < b.first;
  });
  return v;
}

std::vector<Element> Collect(const ZSetObject& z, RankRange ranks, bool reverse) {
  std::vector<Element> out;
  z.Visit(ranks, reverse, [&](std::string_view m, double s) {
    out.emplace_back(std::string(m), s);
    return true;
  });
  return out;
}

// Checks every query of `z` against the model.
void ExpectMatches(const ZSetObject& z, const std::map<std::string, double>& model,
                   std::mt19937& rng) {
  std::vector<Element> want = Ordered(model);
  ASSERT_EQ(z.size(), want.size());
  ASSERT_EQ(Collect(z, {0, z.size()}, false), want);
  std::vector<Element> reversed(want.rbegin(), want.rend());
  ASSERT_EQ(Collect(z, {0, z.size()}, true), reversed);
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(z.Rank(want[i].first, false), i);
    ASSERT_EQ(z.Rank(want[i].first, true), want.size() - 1 - i);
    ASSERT_EQ(z.Score(want[i].first), want[i].second);
    auto [member, score] = z.At(i);
    ASSERT_EQ(member, want[i].first);
    ASSERT_EQ(score, want[i].second);
  }
  EXPECT_FALSE(z.Score("absent-member").has_value());
  EXPECT_FALSE(z.Rank("absent-member", false).has_value());

  // Random score ranges: the rank interval must hold exactly the model's members in range.
  for (int round = 0; round < 5; ++round) {
    std::uniform_int_distribution<int> pick(-5, 105);
    ScoreRange range{static_cast<double>(pick(rng)), static_cast<double>(pick(rng)), rng() % 2 == 0,
                     rng() % 2 == 0};
    std::vector<Element> in;
    for (const Element& e : want)
      if (range.AboveMin(e.second) && range.BelowMax(e.second)) in.push_back(e);
    RankRange ranks = z.RanksInScoreRange(range);
    ASSERT_EQ(ranks.size(), in.size());
    ASSERT_EQ(Collect(z, ranks, false), in);
  }
}

std::string RandomMember(std::mt19937& rng, size_t max_length) {
  std::uniform_int_distribution<size_t> len(0, max_length);
  std::string s(len(rng), 'a');
  for (char& c : s) c = static_cast<char>('a' + rng() % 4);
  return s;
}

// Random adds, updates, removals, range removals and pops on both encodings; the set converts
// to a skiplist midway when the limits are low.
void RunRandomized(ZSetLimits limits, int ops, size_t max_member_length, uint32_t seed) {
  std::mt19937 rng(seed);
  ZSetObject z(limits);
  std::map<std::string, double> model;
  for (int op = 0; op < ops; ++op) {
    std::string member = RandomMember(rng, max_member_length);
    double score = static_cast<double>(rng() % 100);
    switch (rng() % 10) {
      case 0:
      case 1:
      case 2:
      case 3: {
        auto r = z.Add(member, score, ZSetObject::kNone, limits);
        bool existed = model.count(member) != 0;
        bool changed = existed && model[member] != score;
        EXPECT_EQ(r.outcome, !existed  ? ZSetObject::AddOutcome::kAdded
                             : changed ? ZSetObject::AddOutcome::kUpdated
                                       : ZSetObject::AddOutcome::kUnchanged);
        model[member] = score;
        break;
      }
      case 4: {
        auto r = z.Add(member, score, ZSetObject::kIncr, limits);
        model[member] += score;
        EXPECT_EQ(r.score, model[member]);
        break;
      }
      case 5:
      case 6:
        EXPECT_EQ(z.Remove(member), model.erase(member) == 1);
        break;
      case 7: {
        std::vector<Element> ordered = Ordered(model);
        size_t begin = ordered.empty() ? 0 : rng() % ordered.size();
        size_t end = std::min(ordered.size(), begin + rng() % 3);
        EXPECT_EQ(z.RemoveRanks({begin, end}), end - begin);
        for (size_t i = begin; i < end; ++i) model.erase(ordered[i].first);
        break;
      }
      case 8: {
        bool max = rng() % 2 == 0;
        std::vector<Element> ordered = Ordered(model);
        if (max) std::reverse(ordered.begin(), ordered.end());
        std::vector<Element> popped;
        size_t n = z.Pop(2, max, [&](std::string_view m, double s) {
          popped.emplace_back(std::string(m), s);
          return true;
        });
        ordered.resize(std::min<size_t>(2, ordered.size()));
        EXPECT_EQ(n, ordered.size());
        EXPECT_EQ(popped, ordered);
        for (const Element& e : popped) model.erase(e.first);
        break;
      }
      case 9: {
        auto r = z.Add(member, score, ZSetObject::kGt | ZSetObject::kXx, limits);
        auto it = model.find(member);
        if (it == model.end()) {
          EXPECT_EQ(r.outcome, ZSetObject::AddOutcome::kSkipped);
        } else if (score > it->second) {
          it->second = score;
          EXPECT_EQ(r.outcome, ZSetObject::AddOutcome::kUpdated);
        } else {
          EXPECT_EQ(r.outcome, ZSetObject::AddOutcome::kSkipped);
        }
        break;
      }
    }
    if (op % 50 == 0) ExpectMatches(z, model, rng);
  }
  ExpectMatches(z, model, rng);
  // A clone is equal and independent.
  auto clone = z.Clone();
  auto& copy = static_cast<ZSetObject&>(*clone);
  ExpectMatches(copy, model, rng);
  EXPECT_EQ(copy.encoding(), z.encoding());
  copy.Pop(copy.size(), false, [](std::string_view, double) { return true; });
  EXPECT_TRUE(copy.empty());
  ExpectMatches(z, model, rng);
}

TEST(ZSetObjectTest, RandomizedListpack) { RunRandomized({1000000, 1000}, 2000, 3, 1); }

TEST(ZSetObjectTest, RandomizedSkiplist) {
  ZSetLimits no_listpack{0, 64};
  EXPECT_EQ(ZSetObject(no_listpack).encoding(), "skiplist");
  RunRandomized(no_listpack, 5000, 6, 2);
}

TEST(ZSetObjectTest, RandomizedWithConversion) { RunRandomized({16, 64}, 3000, 5, 3); }

TEST(ZSetObjectTest, ConvertsWhenCountOrLengthExceedsLimits) {
  ZSetLimits limits{3, 5};
  ZSetObject z(limits);
  EXPECT_EQ(z.encoding(), "listpack");
  for (std::string m : {"a", "b", "c"}) z.Add(m, 1, ZSetObject::kNone, limits);
  EXPECT_EQ(z.encoding(), "listpack");
  z.Add("a", 5, ZSetObject::kNone, limits);  // an update never converts
  EXPECT_EQ(z.encoding(), "listpack");
  z.Add("d", 1, ZSetObject::kNone, limits);
  EXPECT_EQ(z.encoding(), "skiplist");
  EXPECT_EQ(z.Rank("a", false), 3u);
  z.Remove("a");
  z.Remove("b");
  EXPECT_EQ(z.encoding(), "skiplist");  // never converts back

  ZSetObject y(limits);
  y.Add("12345", 1, ZSetObject::kNone, limits);
  EXPECT_EQ(y.encoding(), "listpack");
  y.Add("123456", 1, ZSetObject::kNone, limits);
  EXPECT_EQ(y.encoding(), "skiplist");
  EXPECT_EQ(y.size(), 2u);
}

TEST(ZSetObjectTest, OrdersTiesByMemberBytesAndZerosEqual) {
  for (size_t entries : {size_t{128}, size_t{0}}) {
    ZSetLimits limits{entries, 64};
    ZSetObject z(limits);
    z.Add("b", 0.0, ZSetObject::kNone, limits);
    z.Add("ab", -0.0, ZSetObject::kNone, limits);
    z.Add("a", 0.0, ZSetObject::kNone, limits);
    z.Add(std::string("\xff", 1), 0.0, ZSetObject::kNone, limits);
    z.Add("", 0.0, ZSetObject::kNone, limits);
    std::vector<std::string> order;
    z.ForEach([&](std::string_view m, double) {
      order.emplace_back(m);
      return true;
    });
    EXPECT_EQ(order, (std::vector<std::string>{"", "a", "ab", "b", "\xff"}));
    // -0.0 keeps its sign in a skiplist only (a listpack stores 0, as Redis's), and setting 0.0
    // over it is no change.
    EXPECT_EQ(std::signbit(*z.Score("ab")), !z.is_listpack());
    EXPECT_EQ(z.Add("ab", 0.0, ZSetObject::kNone, limits).outcome,
              ZSetObject::AddOutcome::kUnchanged);
  }
}

TEST(ZSetObjectTest, AddFlagsAndNan) {
  for (size_t entries : {size_t{128}, size_t{0}}) {
    ZSetLimits limits{entries, 64};
    ZSetObject z(limits);
    using O = ZSetObject::AddOutcome;
    const double inf = std::numeric_limits<double>::infinity();
    EXPECT_EQ(z.Add("m", 5, ZSetObject::kXx, limits).outcome, O::kSkipped);
    EXPECT_EQ(z.Add("m", 5, ZSetObject::kNx, limits).outcome, O::kAdded);
    EXPECT_EQ(z.Add("m", 6, ZSetObject::kNx, limits).outcome, O::kSkipped);
    EXPECT_EQ(z.Add("m", 4, ZSetObject::kGt, limits).outcome, O::kSkipped);
    EXPECT_EQ(z.Add("m", 4, ZSetObject::kLt, limits).outcome, O::kUpdated);
    auto r = z.Add("m", 2, ZSetObject::kIncr | ZSetObject::kGt, limits);
    EXPECT_EQ(r.outcome, O::kUpdated);
    EXPECT_EQ(r.score, 6);
    EXPECT_EQ(z.Add("m", -1, ZSetObject::kIncr | ZSetObject::kGt, limits).outcome, O::kSkipped);
    EXPECT_EQ(z.Add("m", inf, ZSetObject::kNone, limits).outcome, O::kUpdated);
    EXPECT_EQ(z.Add("m", -inf, ZSetObject::kIncr, limits).outcome, O::kNan);
    EXPECT_EQ(z.Score("m"), inf);
    EXPECT_EQ(z.Add("n", 3, ZSetObject::kIncr, limits).score, 3);  // new: 0 + increment
  }
}

TEST(ZSetObjectTest, LexRanges) {
  for (size_t entries : {size_t{128}, size_t{0}}) {
    ZSetLimits limits{entries, 64};
    ZSetObject z(limits);
    for (std::string m : {"a", "b", "c", "d", "e"}) z.Add(m, 0, ZSetObject::kNone, limits);
    using K = LexBound::Kind;
    auto count = [&](LexBound min, LexBound max) { return z.RanksInLexRange({min, max}).size(); };
    EXPECT_EQ(count({K::kMinusInfinity, {}}, {K::kPlusInfinity, {}}), 5u);
    EXPECT_EQ(count({K::kInclusive, "b"}, {K::kInclusive, "d"}), 3u);
    EXPECT_EQ(count({K::kExclusive, "b"}, {K::kExclusive, "d"}), 1u);
    EXPECT_EQ(count({K::kExclusive, "bb"}, {K::kPlusInfinity, {}}), 3u);
    EXPECT_EQ(count({K::kPlusInfinity, {}}, {K::kPlusInfinity, {}}), 0u);
    EXPECT_EQ(count({K::kInclusive, "d"}, {K::kInclusive, "b"}), 0u);
    RankRange r = z.RanksInLexRange({{K::kInclusive, "b"}, {K::kExclusive, "e"}});
    EXPECT_EQ(r.begin, 1u);
    EXPECT_EQ(r.end, 4u);
    EXPECT_EQ(z.RemoveRanks(r), 3u);
    EXPECT_EQ(z.size(), 2u);
  }
}

TEST(ZSetObjectTest, ScanVisitsEveryMemberAcrossResizes) {
  ZSetLimits limits{0, 64};
  ZSetObject z(limits);
  for (int i = 0; i < 1000; ++i) z.Add("m" + std::to_string(i), i, ZSetObject::kNone, limits);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int steps = 0;
  do {
    cursor = z.Scan(cursor, [&](std::string_view m, double) {
      seen.emplace(m);
      return true;
    });
    // Grow the set midway: members present throughout must still all be seen.
    if (++steps == 100) {
      for (int i = 1000; i < 3000; ++i)
        z.Add("m" + std::to_string(i), i, ZSetObject::kNone, limits);
    }
  } while (cursor != 0 && steps < 100000);
  EXPECT_EQ(cursor, 0u);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.count("m" + std::to_string(i))) << i;
}

TEST(ZSetObjectTest, LargeSetRanks) {
  ZSetLimits limits;
  ZSetObject z(limits);
  const int n = 20000;
  for (int i = n - 1; i >= 0; --i) z.Add("m" + std::to_string(i), i, ZSetObject::kNone, limits);
  EXPECT_EQ(z.encoding(), "skiplist");
  for (int i = 0; i < n; i += 97) {
    EXPECT_EQ(z.Rank("m" + std::to_string(i), false), static_cast<size_t>(i));
    EXPECT_EQ(z.At(i).first, "m" + std::to_string(i));
  }
  for (int i = 0; i < n; i += 2) z.Remove("m" + std::to_string(i));
  EXPECT_EQ(z.size(), static_cast<size_t>(n / 2));
  EXPECT_EQ(z.Rank("m19999", false), static_cast<size_t>(n / 2 - 1));
  EXPECT_EQ(z.RanksInScoreRange({100, 199}).size(), 50u);
}

}  // namespace
}  // namespace tandem::store
