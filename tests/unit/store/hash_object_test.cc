#include "server/store/hash_object.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace tandem::store {
namespace {

std::map<std::string, std::string> Contents(const HashObject& h) {
  std::map<std::string, std::string> out;
  h.ForEach([&out](std::string_view f, std::string_view v) {
    EXPECT_TRUE(out.emplace(std::string(f), std::string(v)).second) << "duplicate field " << f;
  });
  return out;
}

// The value of `field` as an owned copy (Get's view may point into a decoding buffer).
std::optional<std::string> Get(const HashObject& h, std::string_view field) {
  HashObject::TextBuffer buf;
  std::optional<std::string_view> value = h.Get(field, buf);
  if (!value) return std::nullopt;
  return std::string(*value);
}

TEST(HashObjectTest, StartsAsAnEmptyListpack) {
  HashObject h;
  EXPECT_EQ(h.type(), ValueType::kHash);
  EXPECT_EQ(h.encoding(), "listpack");
  EXPECT_TRUE(h.empty());
  EXPECT_FALSE(Get(h, "f").has_value());
  EXPECT_FALSE(h.Delete("f"));
}

TEST(HashObjectTest, SetReportsNewFieldsAndReplaces) {
  HashObject h;
  HashLimits limits;
  EXPECT_TRUE(h.Set("f", "1", limits));
  EXPECT_FALSE(h.Set("f", "22", limits));
  EXPECT_TRUE(h.Set("", "", limits));
  EXPECT_EQ(h.size(), 2u);
  EXPECT_EQ(Get(h, "f"), "22");
  EXPECT_EQ(Get(h, ""), "");
  EXPECT_TRUE(h.Contains(""));
}

TEST(HashObjectTest, ConvertsPastTheEntryLimit) {
  HashObject h;
  HashLimits limits{4, 64};
  for (int i = 0; i < 4; ++i) h.Set("f" + std::to_string(i), "v", limits);
  EXPECT_EQ(h.encoding(), "listpack");
  h.Set("f0", "updated", limits);  // an update does not add an entry
  EXPECT_EQ(h.encoding(), "listpack");
  h.Set("f4", "v", limits);
  EXPECT_EQ(h.encoding(), "hashtable");
  EXPECT_EQ(h.size(), 5u);
  EXPECT_EQ(Get(h, "f0"), "updated");
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(h.Delete("f" + std::to_string(i)));
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.encoding(), "hashtable");  // never back
}

TEST(HashObjectTest, ConvertsOnALongFieldOrValue) {
  HashLimits limits{512, 3};
  HashObject a, b;
  a.Set("abc", "xyz", limits);
  EXPECT_EQ(a.encoding(), "listpack");
  a.Set("abc", "wxyz", limits);
  EXPECT_EQ(a.encoding(), "hashtable");
  EXPECT_EQ(Get(a, "abc"), "wxyz");
  b.Set("abcd", "", limits);
  EXPECT_EQ(b.encoding(), "hashtable");
}

TEST(HashObjectTest, ZeroEntryLimitMeansHashtableFromTheFirstField) {
  HashObject h;
  h.Set("f", "v", HashLimits{0, 64});
  EXPECT_EQ(h.encoding(), "hashtable");
  EXPECT_EQ(Get(h, "f"), "v");
}

TEST(HashObjectTest, CloneIsDeep) {
  for (size_t entries : {size_t{512}, size_t{1}}) {
    HashObject h;
    HashLimits limits{entries, 64};
    h.Set("a", "1", limits);
    h.Set("b", "2", limits);
    auto copy = h.Clone();
    auto* c = static_cast<HashObject*>(copy.get());
    EXPECT_EQ(c->encoding(), h.encoding());
    c->Set("a", "changed", limits);
    c->Delete("b");
    EXPECT_EQ(Get(h, "a"), "1");
    EXPECT_EQ(Get(h, "b"), "2");
    EXPECT_EQ(c->size(), 1u);
  }
}

// Random operations against std::map, with limits small enough that many hashes convert midway.
TEST(HashObjectTest, RandomizedAgainstStdMap) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 40; ++round) {
    HashLimits limits{static_cast<size_t>(rng() % 40), static_cast<size_t>(rng() % 12)};
    HashObject h;
    std::map<std::string, std::string> model;
    bool converted = false;
    for (int op = 0; op < 400; ++op) {
      std::string field = (rng() % 2 ? "f" : "") + std::to_string(rng() % 60);
      if (rng() % 8 == 0) field += std::string(rng() % 16, 'x');
      switch (rng() % 4) {
        case 0:
        case 1: {
          // Text, or integers (some stored as integer entries, some not canonical).
          std::string value(rng() % 14, static_cast<char>('a' + rng() % 26));
          if (rng() % 3 == 0) value = std::to_string(static_cast<int64_t>(rng()) >> (rng() % 64));
          if (rng() % 8 == 0) value = "0" + value;
          bool was_listpack = h.is_listpack();
          EXPECT_EQ(h.Set(field, value, limits), model.count(field) == 0);
          model[field] = value;
          if (was_listpack && !h.is_listpack()) {
            converted = true;
            // Converted for a reason: too many entries, or a long field or value.
            EXPECT_TRUE(model.size() > limits.max_listpack_entries ||
                        field.size() > limits.max_listpack_value ||
                        value.size() > limits.max_listpack_value);
          }
          break;
        }
        case 2:
          EXPECT_EQ(h.Delete(field), model.erase(field) == 1);
          break;
        default: {
          auto it = model.find(field);
          std::optional<std::string> got = Get(h, field);
          ASSERT_EQ(got.has_value(), it != model.end());
          if (got) {
            EXPECT_EQ(*got, it->second);
          }
        }
      }
      if (!converted) {
        EXPECT_TRUE(h.is_listpack());
      }
      ASSERT_EQ(h.size(), model.size());
    }
    EXPECT_EQ(Contents(h), model);
  }
}

TEST(HashObjectTest, ScanOfAListpackReturnsEverythingWithCursorZero) {
  HashObject h;
  HashLimits limits;
  h.Set("a", "1", limits);
  h.Set("b", "2", limits);
  std::vector<std::string> seen;
  uint64_t next = h.Scan(12345, [&](std::string_view f, std::string_view v) {
    seen.push_back(std::string(f) + "=" + std::string(v));
  });
  EXPECT_EQ(next, 0u);
  EXPECT_EQ(seen, (std::vector<std::string>{"a=1", "b=2"}));
}

// Every field present for the whole scan is returned, though the table grows and shrinks between
// steps.
TEST(HashObjectTest, ScanOfAHashtableSurvivesResizes) {
  HashLimits limits{8, 64};
  HashObject h;
  for (int i = 0; i < 100; ++i) h.Set("stable" + std::to_string(i), "v", limits);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int steps = 0, churn = 0;
  do {
    cursor = h.Scan(cursor, [&](std::string_view f, std::string_view) { seen.emplace(f); });
    // Alternately add many and remove them again, forcing grows and shrinks.
    if (++steps % 20 < 10) {
      for (int i = 0; i < 100; ++i) h.Set("churn" + std::to_string(churn++), "v", limits);
    } else {
      for (int i = 0; i < 100 && churn > 0; ++i) h.Delete("churn" + std::to_string(--churn));
    }
    ASSERT_LT(steps, 100000);
  } while (cursor != 0);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(seen.count("stable" + std::to_string(i)), 1u) << i;
}

TEST(HashObjectTest, RandomPicksComeFromTheHash) {
  std::mt19937_64 rng(3);
  for (size_t entries : {size_t{512}, size_t{4}}) {
    HashObject h;
    HashLimits limits{entries, 64};
    std::map<std::string, std::string> model;
    for (int i = 0; i < 20; ++i) {
      h.Set("f" + std::to_string(i), "v" + std::to_string(i), limits);
      model["f" + std::to_string(i)] = "v" + std::to_string(i);
    }
    std::set<std::string> single_seen;
    // A random bucket, then a random node of its chain (as Redis's dictGetRandomKey): a field in
    // a long chain may come up only once in ~100 draws, and the hash seed differs per process, so
    // 4000 draws make missing one practically impossible (400 missed one in about 1% of runs).
    for (int i = 0; i < 4000; ++i) {
      HashObject::PairBuffer buf;
      auto [f, v] = h.Random(rng, buf);
      ASSERT_EQ(model.at(std::string(f)), v);
      single_seen.emplace(f);
    }
    EXPECT_EQ(single_seen.size(), 20u);

    size_t calls = 0;
    h.RandomPairs(50, rng, [&](const HashObject::Pair& p) {
      ++calls;
      EXPECT_EQ(model.at(std::string(p.first)), p.second);
    });
    EXPECT_EQ(calls, 50u);

    for (size_t n : {size_t{0}, size_t{3}, size_t{10}, size_t{19}, size_t{20}, size_t{100}}) {
      std::vector<std::pair<std::string, std::string>> pairs;
      h.RandomDistinctPairs(
          n, rng, [&pairs](const HashObject::Pair& p) { pairs.emplace_back(p.first, p.second); });
      EXPECT_EQ(pairs.size(), std::min<size_t>(n, 20));
      std::set<std::string> fields;
      for (auto& [f, v] : pairs) {
        EXPECT_EQ(model.at(std::string(f)), v);
        fields.insert(f);
      }
      EXPECT_EQ(fields.size(), pairs.size()) << "repeated field for n=" << n;
    }
  }
}

TEST(HashObjectTest, IntegerFieldsAndValuesReadBackAsTheirText) {
  HashLimits limits;
  HashObject h;
  const std::vector<std::pair<std::string, std::string>> pairs = {{"1", "9223372036854775807"},
                                                                  {"-1", "-9223372036854775808"},
                                                                  {"0", "-0"},
                                                                  {"012", "+1"},
                                                                  {"f", "123456"},
                                                                  {"g", " 7"},
                                                                  {"h", "1e3"},
                                                                  {"i", "99999999999999999999"}};
  for (const auto& [f, v] : pairs) EXPECT_TRUE(h.Set(f, v, limits));
  EXPECT_TRUE(h.is_listpack());
  for (const auto& [f, v] : pairs) EXPECT_EQ(Get(h, f), v) << f;
  EXPECT_FALSE(Get(h, "01").has_value());
  EXPECT_FALSE(Get(h, "-01").has_value());
  EXPECT_TRUE(h.Contains("-1"));
  EXPECT_EQ(Contents(h), (std::map<std::string, std::string>(pairs.begin(), pairs.end())));
  EXPECT_EQ(Contents(*static_cast<HashObject*>(h.Clone().get())), Contents(h));
  h.ConvertToHashtable();
  for (const auto& [f, v] : pairs) EXPECT_EQ(Get(h, f), v) << f;
}

TEST(HashObjectTest, ListpackPairsDecodeIntoTheirOwnBuffers) {
  HashLimits limits;
  HashObject h;
  h.Set("10", "20", limits);
  std::mt19937_64 rng(5);
  HashObject::PairBuffer buf;
  auto [f, v] = h.Random(rng, buf);
  EXPECT_EQ(f, "10");
  EXPECT_EQ(v, "20");
  h.RandomPairs(3, rng, [](const HashObject::Pair& p) {
    EXPECT_EQ(p.first, "10");
    EXPECT_EQ(p.second, "20");
  });
}

}  // namespace
}  // namespace tandem::store
