#include "server/store/table.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace tandem::store {
namespace {

std::string Key(const char* prefix, int i) { return prefix + std::to_string(i); }

void InsertKeys(Table& t, const char* prefix, int n) {
  for (int i = 0; i < n; ++i) t.Insert(Entry::NewString(Key(prefix, i), "v", false));
}

void DetachKeys(Table& t, const char* prefix, int n) {
  for (int i = 0; i < n; ++i) Entry::Destroy(t.Detach(Key(prefix, i)));
}

TEST(TableTest, InsertFindDetach) {
  Table t(1);
  EXPECT_EQ(t.Find("a"), nullptr);
  EXPECT_EQ(t.Detach("a"), nullptr);
  Entry* a = Entry::NewString("a", "1", false);
  t.Insert(a);
  t.Insert(Entry::NewString("b", "2", false));
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.Find("a"), a);
  EXPECT_EQ(t.Find("b")->string_value(), "2");
  EXPECT_EQ(t.Find("c"), nullptr);

  Entry* detached = t.Detach("a");
  EXPECT_EQ(detached, a);
  EXPECT_EQ(detached->next, nullptr);
  EXPECT_EQ(t.Find("a"), nullptr);
  EXPECT_EQ(t.size(), 1u);
  Entry::Destroy(detached);
}

TEST(TableTest, ManyKeysWithCollidingBuckets) {
  Table t(7);
  InsertKeys(t, "k", 1000);
  EXPECT_EQ(t.size(), 1000u);
  for (int i = 0; i < 1000; ++i) ASSERT_NE(t.Find(Key("k", i)), nullptr) << i;
  for (int i = 0; i < 1000; i += 2) Entry::Destroy(t.Detach(Key("k", i)));
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(t.Find(Key("k", i)) != nullptr, i % 2 == 1) << i;
}

TEST(TableTest, GrowsAtLoadOneAndShrinksBelowOneEighth) {
  Table t(3);
  EXPECT_EQ(t.bucket_count(), 0u);
  InsertKeys(t, "k", 1);
  EXPECT_EQ(t.bucket_count(), 4u);
  InsertKeys(t, "g", 1000);
  EXPECT_GE(t.bucket_count(), t.size());
  EXPECT_EQ(t.bucket_count(), 1024u);
  DetachKeys(t, "g", 1000);
  EXPECT_EQ(t.size(), 1u);
  EXPECT_LE(t.bucket_count(), 8u);
  EXPECT_NE(t.Find("k0"), nullptr);
}

TEST(TableTest, CopyOnWriteFriendlyTableGrowsOnlyPastFivePerBucketAndNeverShrinks) {
  Table t(3);
  InsertKeys(t, "k", 64);
  ASSERT_FALSE(t.rehashing());
  ASSERT_EQ(t.bucket_count(), 64u);
  t.set_copy_on_write_friendly(true);
  InsertKeys(t, "g", 64 * 4);  // 5 per bucket: no resize yet
  EXPECT_EQ(t.bucket_count(), 64u);
  DetachKeys(t, "g", 64 * 4);
  DetachKeys(t, "k", 60);
  EXPECT_EQ(t.bucket_count(), 64u);  // a normal table would shrink here
  InsertKeys(t, "h", 64 * 5);        // past 5 per bucket: a forced resize, then entries stay put
  EXPECT_TRUE(t.rehashing());
  t.set_copy_on_write_friendly(false);
  while (t.Rehash(1000)) {
  }
  for (int i = 0; i < 64 * 5; ++i) ASSERT_NE(t.Find(Key("h", i)), nullptr) << i;
  EXPECT_EQ(t.size(), 4u + 64 * 5);
}

TEST(TableTest, ReserveSizesAnEmptyTableOnce) {
  Table t(3);
  t.Reserve(1000);
  EXPECT_EQ(t.bucket_count(), 1024u);
  InsertKeys(t, "k", 1000);
  EXPECT_FALSE(t.rehashing());  // no growth on the way
  EXPECT_EQ(t.bucket_count(), 1024u);
  t.Reserve(100000);  // holds entries: a no-op
  EXPECT_EQ(t.bucket_count(), 1024u);
  for (int i = 0; i < 1000; ++i) ASSERT_NE(t.Find(Key("k", i)), nullptr) << i;
}

TEST(TableTest, RelinkReplacesTheLinkedEntry) {
  Table t(5);
  InsertKeys(t, "k", 20);
  Entry* old = t.Find("k7");
  Entry* fresh = Entry::NewString("k7", "new", false);
  fresh->next = old->next;
  t.Relink(old, fresh);
  Entry::Destroy(old);
  EXPECT_EQ(t.Find("k7"), fresh);
  EXPECT_EQ(t.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_NE(t.Find(Key("k", i)), nullptr);
}

TEST(TableTest, ForEachAndClear) {
  Table t(2);
  InsertKeys(t, "k", 50);
  std::set<std::string> seen;
  t.ForEach([&](Entry* e) { seen.insert(std::string(e->key())); });
  EXPECT_EQ(seen.size(), 50u);
  t.Clear();
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.Find("k1"), nullptr);
  InsertKeys(t, "k", 3);  // usable again after Clear
  EXPECT_EQ(t.size(), 3u);
}

TEST(TableTest, MoveTransfersEntries) {
  Table a(1);
  InsertKeys(a, "k", 10);
  Table b(std::move(a));
  EXPECT_EQ(b.size(), 10u);
  EXPECT_NE(b.Find("k3"), nullptr);
  Table c(9);
  InsertKeys(c, "other", 2);
  c = std::move(b);
  EXPECT_EQ(c.size(), 10u);
  EXPECT_NE(c.Find("k3"), nullptr);
  EXPECT_EQ(c.Find("other0"), nullptr);
}

TEST(TableTest, RandomReturnsOnlyPresentEntries) {
  Table t(4);
  std::mt19937_64 rng(11);
  EXPECT_EQ(t.Random(rng), nullptr);
  InsertKeys(t, "k", 30);
  std::set<std::string_view> seen;
  for (int i = 0; i < 3000; ++i) {
    Entry* e = t.Random(rng);
    ASSERT_EQ(t.Find(e->key()), e);
    seen.insert(e->key());
  }
  EXPECT_EQ(seen.size(), 30u);
}

// Runs a full SCAN, calling `between` after every step, and returns every key seen.
template <typename Fn>
std::multiset<std::string> FullScan(const Table& t, Fn between) {
  std::multiset<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = t.Scan(cursor, [&](Entry* e) { seen.insert(std::string(e->key())); });
    between();
  } while (cursor != 0);
  return seen;
}

TEST(TableTest, ScanWithoutResizeReturnsEachKeyOnce) {
  Table t(8);
  InsertKeys(t, "k", 500);
  std::multiset<std::string> seen = FullScan(t, [] {});
  EXPECT_EQ(seen.size(), 500u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 500u);
  EXPECT_EQ(Table(1).Scan(0, [](Entry*) {}), 0u);  // empty table: done at once
}

// The SCAN guarantee: a key present from the first call to the last is returned, however the
// table grows or shrinks between calls.
TEST(TableTest, ScanReturnsStableKeysWhileTheTableGrowsAndShrinks) {
  for (uint64_t seed = 0; seed < 5; ++seed) {
    Table t(seed);
    InsertKeys(t, "stable", 60);
    int step = 0;
    size_t smallest = t.bucket_count(), largest = t.bucket_count();
    std::multiset<std::string> seen = FullScan(t, [&] {
      // Grow by many keys, then shrink back, then churn a little.
      switch (step++ % 4) {
        case 0:
          InsertKeys(t, "tmp", 2000);
          break;
        case 1:
          DetachKeys(t, "tmp", 2000);
          break;
        case 2:
          InsertKeys(t, "few", 10);
          break;
        case 3:
          DetachKeys(t, "few", 10);
          break;
      }
      smallest = std::min(smallest, t.bucket_count());
      largest = std::max(largest, t.bucket_count());
    });
    for (int i = 0; i < 60; ++i) EXPECT_GT(seen.count(Key("stable", i)), 0u) << seed << " " << i;
    EXPECT_GE(largest, 2048u);
    EXPECT_LE(smallest, 128u);
  }
}

// Resizes are incremental: a SCAN that runs while entries sit in two bucket arrays still returns
// every stable key, for a growing and for a shrinking table.
TEST(TableTest, ScanReturnsStableKeysAcrossAnIncrementalResize) {
  for (bool grow : {true, false}) {
    Table t(grow ? 11 : 12);
    InsertKeys(t, "stable", 300);
    if (!grow) InsertKeys(t, "tmp", 4000);
    int mid_resize_calls = 0, step = 0;
    std::multiset<std::string> seen = FullScan(t, [&] {
      // A few writes per call, so the resize advances slowly while the scan goes on.
      for (int i = 0; i < 4; ++i, ++step) {
        if (grow) {
          t.Insert(Entry::NewString(Key("tmp", step), "", false));
        } else if (step < 4000) {
          Entry::Destroy(t.Detach(Key("tmp", step)));
        }
      }
      if (t.rehashing()) ++mid_resize_calls;
    });
    for (int i = 0; i < 300; ++i) EXPECT_GT(seen.count(Key("stable", i)), 0u) << grow << " " << i;
    EXPECT_GT(mid_resize_calls, 0) << "the scan never met a resize in progress";
  }
}

TEST(TableTest, IncrementalResizeKeepsEveryEntryFindable) {
  Table t(13);
  InsertKeys(t, "k", 1025);  // the 1025th insert starts a resize to 2048 buckets
  EXPECT_TRUE(t.rehashing());
  EXPECT_EQ(t.bucket_count(), 2048u);
  for (int i = 0; i < 1025; ++i) ASSERT_NE(t.Find(Key("k", i)), nullptr) << i;
  std::mt19937_64 rng(1);
  for (int i = 0; i < 100; ++i) ASSERT_NE(t.Random(rng), nullptr);
  size_t visited = 0;
  t.ForEach([&](Entry*) { ++visited; });
  EXPECT_EQ(visited, 1025u);
  while (t.Rehash(64)) {
  }
  EXPECT_FALSE(t.rehashing());
  for (int i = 0; i < 1025; ++i) ASSERT_NE(t.Find(Key("k", i)), nullptr) << i;
}

TEST(TableTest, ScanSurvivesRandomResizes) {
  std::mt19937_64 rng(99);
  for (int round = 0; round < 20; ++round) {
    Table t(rng());
    InsertKeys(t, "stable", 1 + static_cast<int>(rng() % 100));
    size_t stable = t.size();
    int extra = 0;
    std::multiset<std::string> seen = FullScan(t, [&] {
      if (rng() % 8 != 0) return;  // resize now and then, by a random amount either way
      int target = static_cast<int>(rng() % 800);
      while (extra < target) t.Insert(Entry::NewString(Key("x", extra++), "", false));
      while (extra > target) Entry::Destroy(t.Detach(Key("x", --extra)));
    });
    for (size_t i = 0; i < stable; ++i)
      ASSERT_GT(seen.count(Key("stable", static_cast<int>(i))), 0u) << round << " " << i;
  }
}

}  // namespace
}  // namespace tandem::store
