#include "server/store/keyspace.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace tandem::store {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

class KeyspaceTest : public ::testing::Test {
 protected:
  KeyspaceTest() {
    ks_.set_on_removed([this](int db, std::string_view key, Keyspace::Removal) {
      removed_.emplace_back(db, key);
    });
  }
  Entry* Add(int db, const std::string& key, int64_t expire_ms = 0) {
    Entry* e = ks_.db(db).SetString(key, "v", false);
    if (expire_ms != 0) e = ks_.db(db).SetExpire(e, expire_ms);
    ks_.InitAccess(e, kNow);
    return e;
  }

  Keyspace ks_{3, 17};
  std::vector<std::pair<int, std::string>> removed_;
};

TEST_F(KeyspaceTest, FindExpiresLazilyAtTheExpireTime) {
  Entry* e = Add(1, "k", kNow + 1000);
  EXPECT_EQ(ks_.Find(1, "k", kNow + 999), e);
  EXPECT_FALSE(Keyspace::IsExpired(e, kNow + 999));
  EXPECT_TRUE(Keyspace::IsExpired(e, kNow + 1000));
  // Still stored until something looks at it.
  EXPECT_EQ(ks_.db(1).size(), 1u);
  EXPECT_EQ(ks_.Find(1, "k", kNow + 1000), nullptr);
  EXPECT_EQ(ks_.db(1).size(), 0u);
  EXPECT_EQ(ks_.db(1).expires(), 0u);
  EXPECT_EQ(ks_.stats().expired_keys, 1u);
  EXPECT_EQ(removed_, (std::vector<std::pair<int, std::string>>{{1, "k"}}));
  // Find counts no hit or miss.
  EXPECT_EQ(ks_.stats().keyspace_hits + ks_.stats().keyspace_misses, 0u);
}

TEST_F(KeyspaceTest, ReplicaModesHideOrKeepExpiredKeysWithoutDeleting) {
  Entry* e = Add(0, "k", kNow + 1000);
  ks_.set_expiry_mode(ExpiryMode::kHide);  // a replica's reader
  EXPECT_EQ(ks_.Find(0, "k", kNow + 1000), nullptr);
  EXPECT_EQ(ks_.RandomKey(0, kNow + 1000), e) << "the only key, even expired, as Redis's replica";
  EXPECT_EQ(ks_.db(0).size(), 1u);
  ks_.set_expiry_mode(ExpiryMode::kKeep);  // the master's stream
  EXPECT_EQ(ks_.Find(0, "k", kNow + 1000), e);
  EXPECT_EQ(ks_.stats().expired_keys, 0u);
  EXPECT_TRUE(removed_.empty());
  ks_.set_expiry_mode(ExpiryMode::kDelete);  // a master
  EXPECT_EQ(ks_.Find(0, "k", kNow + 1000), nullptr);
  EXPECT_EQ(ks_.db(0).size(), 0u);
}

TEST_F(KeyspaceTest, FindLeavesAccessDataAlone) {
  Entry* e = Add(0, "k");
  e->set_access(123);
  ks_.Find(0, "k", kNow + 50'000);
  EXPECT_EQ(e->access(), 123u);
}

TEST_F(KeyspaceTest, LookupCountsHitsAndMissesAndTouches) {
  Entry* e = Add(0, "k");
  Add(0, "gone", kNow + 10);
  EXPECT_EQ(ks_.Lookup(0, "k", kNow + 30'000), e);
  EXPECT_EQ(IdleTimeMs(e, kNow + 30'000), 0);
  EXPECT_EQ(IdleTimeMs(e, kNow + 35'000), 5000);
  EXPECT_EQ(ks_.Lookup(0, "missing", kNow), nullptr);
  EXPECT_EQ(ks_.Lookup(0, "gone", kNow + 10), nullptr);  // expired: a miss
  EXPECT_EQ(ks_.stats().keyspace_hits, 1u);
  EXPECT_EQ(ks_.stats().keyspace_misses, 2u);
  EXPECT_EQ(ks_.stats().expired_keys, 1u);
}

TEST_F(KeyspaceTest, InitAccessFollowsThePolicy) {
  Entry* e = Add(0, "k");
  EXPECT_EQ(IdleTimeMs(e, kNow), 0);
  ks_.eviction().policy = EvictionPolicy::kAllKeysLfu;
  ks_.InitAccess(e, kNow);
  EXPECT_EQ(LfuFrequency(e, ks_.eviction(), kNow), 5);
}

TEST_F(KeyspaceTest, ActiveExpireCycleRemovesEveryKeyWhenAllAreExpired) {
  for (int i = 0; i < 300; ++i) Add(2, "e" + std::to_string(i), kNow + i);
  size_t deleted = ks_.ActiveExpireCycle(kNow + 1000, 1'000'000, [] { return int64_t{0}; });
  EXPECT_EQ(deleted, 300u);
  EXPECT_EQ(ks_.db(2).size(), 0u);
  EXPECT_EQ(ks_.stats().expired_keys, 300u);
  EXPECT_EQ(removed_.size(), 300u);
  EXPECT_GT(ks_.stats().expired_stale_perc, 0);
}

TEST_F(KeyspaceTest, ActiveExpireCycleRemovesOnlyExpiredKeysAndTouchesNoLiveOne) {
  std::vector<Entry*> live;
  for (int i = 0; i < 200; ++i) Add(0, "dead" + std::to_string(i), kNow - 1);
  for (int i = 0; i < 100; ++i) live.push_back(Add(0, "ttl" + std::to_string(i), kNow + 60'000));
  for (int i = 0; i < 50; ++i) live.push_back(Add(0, "plain" + std::to_string(i)));
  for (Entry* e : live) e->set_access(4242);

  size_t deleted = ks_.ActiveExpireCycle(kNow, 1'000'000, [] { return int64_t{0}; });
  EXPECT_GT(deleted, 0u);
  EXPECT_EQ(ks_.db(0).size(), 350u - deleted);
  EXPECT_EQ(ks_.stats().expired_keys, deleted);
  for (int i = 0; i < 100; ++i) EXPECT_NE(ks_.db(0).Find("ttl" + std::to_string(i)), nullptr);
  for (int i = 0; i < 50; ++i) EXPECT_NE(ks_.db(0).Find("plain" + std::to_string(i)), nullptr);
  for (Entry* e : live) EXPECT_EQ(e->access(), 4242u);
  for (const auto& [db, key] : removed_) EXPECT_EQ(key.rfind("dead", 0), 0u) << key;
  // The cycle stops once few sampled keys are expired: what is left is a small share.
  size_t dead_left = ks_.db(0).size() - 150;
  EXPECT_LT(dead_left, 60u);
}

TEST_F(KeyspaceTest, ActiveExpireCycleStopsAtItsTimeBudget) {
  for (int i = 0; i < 1000; ++i) Add(0, "e" + std::to_string(i), kNow - 1);
  int64_t fake_us = 0;
  size_t deleted = ks_.ActiveExpireCycle(kNow, 500, [&] { return fake_us += 1000; });
  EXPECT_EQ(deleted, 20u);  // one sample round, all of it expired
  EXPECT_EQ(ks_.stats().expired_time_cap_reached_count, 1u);
  EXPECT_EQ(ks_.db(0).size(), 980u);
}

TEST_F(KeyspaceTest, RandomKeySkipsAndDeletesExpiredKeys) {
  for (int i = 0; i < 10; ++i) Add(0, "dead" + std::to_string(i), kNow - 1);
  Entry* alive = Add(0, "alive");
  for (int i = 0; i < 20; ++i) EXPECT_EQ(ks_.RandomKey(0, kNow), alive);
  EXPECT_EQ(ks_.RandomKey(1, kNow), nullptr);
  for (int i = 0; i < 5; ++i) Add(1, "dead" + std::to_string(i), kNow - 1);
  EXPECT_EQ(ks_.RandomKey(1, kNow), nullptr);
  EXPECT_EQ(ks_.db(1).size(), 0u);
}

TEST_F(KeyspaceTest, SwapFlushAndTotals) {
  Add(0, "a");
  Add(0, "b", kNow + 5);
  Add(1, "c");
  EXPECT_EQ(ks_.TotalKeys(), 3u);
  ks_.SwapDatabases(0, 1);
  EXPECT_NE(ks_.db(0).Find("c"), nullptr);
  EXPECT_EQ(ks_.db(1).size(), 2u);
  EXPECT_EQ(ks_.db(1).expires(), 1u);
  ks_.FlushAll();
  EXPECT_EQ(ks_.TotalKeys(), 0u);
  EXPECT_EQ(ks_.db(1).expires(), 0u);
}

TEST_F(KeyspaceTest, IncrementalRehashFinishesResizesLeftHalfDone) {
  for (int i = 0; i < 1025; ++i) Add(1, "k" + std::to_string(i));  // starts a resize
  int64_t fake_us = 0;
  ks_.IncrementalRehash(1'000'000, [&] { return fake_us; });
  EXPECT_FALSE(ks_.db(1).Rehash(0));
  for (int i = 0; i < 1025; ++i) ASSERT_NE(ks_.db(1).Find("k" + std::to_string(i)), nullptr);
  // The budget is honoured: with the clock past it, one step of work and no more.
  for (int i = 0; i < 1025; ++i) Add(2, "k" + std::to_string(i));
  ks_.IncrementalRehash(0, [&] { return fake_us += 10; });
  EXPECT_TRUE(ks_.db(2).Rehash(0));
}

}  // namespace
}  // namespace tandem::store
