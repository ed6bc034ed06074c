#include "server/store/eviction.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/base/memory.h"
#include "server/store/keyspace.h"

// base::UsedMemory() counts every allocation of the test process, including those eviction makes
// for its candidate pool. Values are therefore large (kValueSize) and memory targets are set half a
// value away from a whole number of keys, so that the small allocations around do not change how
// many keys must go.

namespace tandem::store {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;
constexpr size_t kValueSize = 64 * 1024;

class EvictionTest : public ::testing::Test {
 protected:
  EvictionTest() {
    ks_.eviction().samples = 64;  // sample (almost) every key: the best victim is always seen
    ks_.set_on_removed(
        [this](int, std::string_view key, Keyspace::Removal) { removed_.emplace_back(key); });
    removed_.reserve(256);
  }
  void UsePolicy(EvictionPolicy policy) { ks_.eviction().policy = policy; }
  Entry* Add(int db, const std::string& key, int64_t expire_ms = 0) {
    Entry* e = ks_.db(db).SetString(key, std::string(kValueSize, 'v'), false);
    if (expire_ms != 0) e = ks_.db(db).SetExpire(e, expire_ms);
    ks_.InitAccess(e, kNow);
    return e;
  }
  // Evicts until the memory of `keys` keys is free; returns the number of keys evicted.
  size_t FreeKeys(size_t keys) {
    return EvictToTarget(ks_, base::UsedMemory() + kValueSize / 2 - keys * kValueSize, kNow, &ok_);
  }
  // Evicts until memory is back to `before` (taken with no keys), give or take half a value.
  size_t EvictAllSince(size_t before) {
    return EvictToTarget(ks_, before + kValueSize / 2, kNow, &ok_);
  }

  Keyspace ks_{2, 99};
  std::vector<std::string> removed_;
  bool ok_ = false;
};

TEST(EvictionPolicyTest, ParsesEveryPolicyName) {
  EXPECT_EQ(ParseEvictionPolicy("noeviction"), EvictionPolicy::kNoEviction);
  EXPECT_EQ(ParseEvictionPolicy("allkeys-lru"), EvictionPolicy::kAllKeysLru);
  EXPECT_EQ(ParseEvictionPolicy("volatile-lru"), EvictionPolicy::kVolatileLru);
  EXPECT_EQ(ParseEvictionPolicy("allkeys-lfu"), EvictionPolicy::kAllKeysLfu);
  EXPECT_EQ(ParseEvictionPolicy("volatile-lfu"), EvictionPolicy::kVolatileLfu);
  EXPECT_EQ(ParseEvictionPolicy("allkeys-random"), EvictionPolicy::kAllKeysRandom);
  EXPECT_EQ(ParseEvictionPolicy("volatile-random"), EvictionPolicy::kVolatileRandom);
  EXPECT_EQ(ParseEvictionPolicy("volatile-ttl"), EvictionPolicy::kVolatileTtl);
  EXPECT_EQ(ParseEvictionPolicy("lru"), std::nullopt);
  EXPECT_EQ(ParseEvictionPolicy(""), std::nullopt);
  EXPECT_TRUE(UsesLfu(EvictionPolicy::kAllKeysLfu));
  EXPECT_TRUE(UsesLfu(EvictionPolicy::kVolatileLfu));
  EXPECT_FALSE(UsesLfu(EvictionPolicy::kAllKeysLru));
}

TEST_F(EvictionTest, NothingToDoBelowTheTarget) {
  UsePolicy(EvictionPolicy::kAllKeysRandom);
  Add(0, "k");
  EXPECT_EQ(EvictToTarget(ks_, base::UsedMemory(), kNow, &ok_), 0u);
  EXPECT_TRUE(ok_);
  EXPECT_EQ(ks_.db(0).size(), 1u);
}

TEST_F(EvictionTest, NoEvictionRefuses) {
  for (int i = 0; i < 10; ++i) Add(0, "k" + std::to_string(i));
  EXPECT_EQ(FreeKeys(1), 0u);
  EXPECT_FALSE(ok_);
  EXPECT_EQ(ks_.db(0).size(), 10u);
}

TEST_F(EvictionTest, AllKeysRandomFreesUntilTheTarget) {
  UsePolicy(EvictionPolicy::kAllKeysRandom);
  for (int i = 0; i < 50; ++i) Add(i % 2, "k" + std::to_string(i));
  EXPECT_EQ(FreeKeys(10), 10u);
  EXPECT_TRUE(ok_);
  EXPECT_EQ(ks_.TotalKeys(), 40u);
  EXPECT_EQ(ks_.stats().evicted_keys, 10u);
  EXPECT_EQ(removed_.size(), 10u);
}

TEST_F(EvictionTest, AllKeysPoliciesCanEvictEveryKey) {
  for (EvictionPolicy policy :
       {EvictionPolicy::kAllKeysLru, EvictionPolicy::kAllKeysLfu, EvictionPolicy::kAllKeysRandom}) {
    UsePolicy(policy);
    size_t before = base::UsedMemory();
    for (int i = 0; i < 20; ++i) Add(i % 2, "k" + std::to_string(i), i % 3 == 0 ? kNow + i : 0);
    EXPECT_EQ(EvictAllSince(before), 20u);
    EXPECT_TRUE(ok_);
    EXPECT_EQ(ks_.TotalKeys(), 0u);
  }
}

TEST_F(EvictionTest, VolatilePoliciesNeverEvictKeysWithoutTtl) {
  for (EvictionPolicy policy : {EvictionPolicy::kVolatileLru, EvictionPolicy::kVolatileLfu,
                                EvictionPolicy::kVolatileRandom, EvictionPolicy::kVolatileTtl}) {
    UsePolicy(policy);
    size_t before = base::UsedMemory();
    for (int i = 0; i < 20; ++i) {
      Add(i % 2, "plain" + std::to_string(i));
      Add(i % 2, "ttl" + std::to_string(i), kNow + 1000 + i);
    }
    EXPECT_EQ(EvictAllSince(before), 20u);
    EXPECT_FALSE(ok_);  // still above target, nothing left that may go
    EXPECT_EQ(ks_.TotalKeys(), 20u);
    for (int i = 0; i < 20; ++i)
      EXPECT_NE(ks_.db(i % 2).Find("plain" + std::to_string(i)), nullptr);
    ks_.FlushAll();
  }
}

TEST_F(EvictionTest, VolatileTtlPicksTheNearestExpiry) {
  UsePolicy(EvictionPolicy::kVolatileTtl);
  for (int i : {5, 2, 9, 7, 3, 8, 6, 4}) Add(i % 2, "t" + std::to_string(i), kNow + 1000 * i);
  Add(0, "plain");
  for (int expected : {2, 3, 4}) {
    EXPECT_EQ(FreeKeys(1), 1u);
    ASSERT_EQ(removed_.size(), static_cast<size_t>(expected - 1));
    EXPECT_EQ(removed_.back(), "t" + std::to_string(expected));
  }
}

TEST_F(EvictionTest, AllKeysLruPicksTheLongestIdle) {
  UsePolicy(EvictionPolicy::kAllKeysLru);
  for (int i = 0; i < 10; ++i) {
    Entry* e = Add(0, "k" + std::to_string(i));
    TouchEntry(e, ks_.eviction(), kNow - 10'000 * (i == 6 ? 100 : i));  // k6 is the oldest
  }
  EXPECT_EQ(FreeKeys(1), 1u);
  EXPECT_EQ(removed_, std::vector<std::string>{"k6"});
  EXPECT_EQ(FreeKeys(1), 1u);
  EXPECT_EQ(removed_.back(), "k9");
}

TEST_F(EvictionTest, AllKeysLfuKeepsTheMostFrequent) {
  UsePolicy(EvictionPolicy::kAllKeysLfu);
  for (int i = 0; i < 10; ++i) Add(0, "k" + std::to_string(i));
  Entry* hot = Add(0, "hot");
  for (int i = 0; i < 200; ++i) TouchEntry(hot, ks_.eviction(), kNow);
  EXPECT_GT(LfuFrequency(hot, ks_.eviction(), kNow), 5);
  EXPECT_EQ(FreeKeys(10), 10u);
  ASSERT_EQ(ks_.db(0).size(), 1u);
  EXPECT_NE(ks_.db(0).Find("hot"), nullptr);
}

TEST_F(EvictionTest, LfuCounterGrowsWithTouchesAndDecaysWithTime) {
  UsePolicy(EvictionPolicy::kAllKeysLfu);
  Entry* e = Add(0, "k");
  const EvictionConfig& config = ks_.eviction();
  EXPECT_EQ(LfuFrequency(e, config, kNow), 5);
  uint8_t last = 5;
  for (int i = 0; i < 1000; ++i) {
    TouchEntry(e, config, kNow);
    uint8_t now = LfuFrequency(e, config, kNow);
    ASSERT_GE(now, last);
    last = now;
  }
  // Logarithmic: 1000 hits raise the counter well above the start but far below 255.
  EXPECT_GT(last, 10);
  EXPECT_LT(last, 100);
  // One point lost per lfu-decay-time minute without access.
  EXPECT_EQ(LfuFrequency(e, config, kNow + 3 * 60'000), last - 3);
  ks_.eviction().lfu_decay_time = 0;  // no decay
  EXPECT_EQ(LfuFrequency(e, config, kNow + 3 * 60'000), last);
}

TEST_F(EvictionTest, LruIdleTimeIsInWholeSeconds) {
  Entry* e = Add(0, "k");
  EXPECT_EQ(IdleTimeMs(e, kNow), 0);
  EXPECT_EQ(IdleTimeMs(e, kNow + 5000), 5000);
  EXPECT_EQ(IdleTimeMs(e, kNow + 5999), 5000);
  TouchEntry(e, ks_.eviction(), kNow + 7000);
  EXPECT_EQ(IdleTimeMs(e, kNow + 7000), 0);
}

}  // namespace
}  // namespace tandem::store
