#include "server/store/eviction.h"

#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <vector>

#include "server/base/memory.h"
#include "server/store/keyspace.h"

namespace tandem::store {
namespace {

constexpr uint32_t kLruMax = (1u << 24) - 1;
constexpr uint8_t kLfuInitVal = 5;  // new keys start here so they are not evicted at once
constexpr size_t kPoolSize = 16;

uint32_t LruClock(int64_t now_ms) { return static_cast<uint32_t>(now_ms / 1000) & kLruMax; }
uint32_t Minutes(int64_t now_ms) { return static_cast<uint32_t>(now_ms / 60000) & 0xFFFF; }

uint8_t LfuDecayed(uint32_t access, const EvictionConfig& config, int64_t now_ms) {
  uint32_t last = access >> 8;
  uint8_t counter = access & 0xFF;
  uint32_t now = Minutes(now_ms);
  uint32_t elapsed = now >= last ? now - last : 65535 - last + now;
  uint32_t periods = config.lfu_decay_time > 0 ? elapsed / config.lfu_decay_time : 0;
  return periods >= counter ? 0 : static_cast<uint8_t>(counter - periods);
}

uint8_t LfuLogIncrement(uint8_t counter, int factor, std::mt19937_64& rng) {
  if (counter == 255) return counter;
  double r = static_cast<double>(rng()) / static_cast<double>(std::mt19937_64::max());
  double base = counter > kLfuInitVal ? counter - kLfuInitVal : 0;
  double p = 1.0 / (base * factor + 1);
  return r < p ? counter + 1 : counter;
}

std::mt19937_64& TouchRng() {
  static std::mt19937_64 rng(0x7a6d);
  return rng;
}

bool IsVolatilePolicy(EvictionPolicy p) {
  return p == EvictionPolicy::kVolatileLru || p == EvictionPolicy::kVolatileLfu ||
         p == EvictionPolicy::kVolatileRandom || p == EvictionPolicy::kVolatileTtl;
}

// A random key of `db` (only among keys with a TTL when volatile_only); null when none.
Entry* SampleKey(Keyspace& ks, int db, bool volatile_only) {
  Database& d = ks.db(db);
  return volatile_only ? d.RandomVolatile(ks.rng()) : d.RandomEntry(ks.rng());
}

// Higher score = better eviction candidate.
uint64_t Score(const Entry* e, const EvictionConfig& config, int64_t now_ms) {
  switch (config.policy) {
    case EvictionPolicy::kAllKeysLfu:
    case EvictionPolicy::kVolatileLfu:
      return 255 - LfuDecayed(e->access(), config, now_ms);
    case EvictionPolicy::kVolatileTtl:
      return std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(e->expire_ms());
    default:
      return static_cast<uint64_t>(IdleTimeMs(e, now_ms));
  }
}

// Samples keys into the pool (kept sorted by score, best last), as Redis's eviction pool does.
void FillPool(Keyspace& ks, int64_t now_ms, std::vector<EvictionCandidate>& pool) {
  const EvictionConfig& config = ks.eviction();
  bool volatile_only = IsVolatilePolicy(config.policy);
  for (int db = 0; db < ks.database_count(); ++db) {
    Database& d = ks.db(db);
    if ((volatile_only ? d.expires() : d.size()) == 0) continue;
    for (int i = 0; i < config.samples; ++i) {
      Entry* e = SampleKey(ks, db, volatile_only);
      uint64_t score = Score(e, config, now_ms);
      if (pool.size() == kPoolSize && score <= pool.front().score) continue;
      bool present = std::any_of(pool.begin(), pool.end(), [&](const EvictionCandidate& c) {
        return c.db == db && c.key == e->key();
      });
      if (present) continue;
      if (pool.size() == kPoolSize) pool.erase(pool.begin());
      auto pos =
          std::lower_bound(pool.begin(), pool.end(), score,
                           [](const EvictionCandidate& c, uint64_t s) { return c.score < s; });
      pool.insert(pos, EvictionCandidate{score, db, std::string(e->key())});
    }
  }
}

// Picks one key to evict; null when none.
Entry* PickVictim(Keyspace& ks, int64_t now_ms, std::vector<EvictionCandidate>& pool, int* db_out) {
  const EvictionConfig& config = ks.eviction();
  bool volatile_only = IsVolatilePolicy(config.policy);
  if (config.policy == EvictionPolicy::kAllKeysRandom ||
      config.policy == EvictionPolicy::kVolatileRandom) {
    // Each database once, from a random one, as Redis's round-robin over databases.
    int db = static_cast<int>(ks.rng()() % ks.database_count());
    for (int i = 0; i < ks.database_count(); ++i, db = (db + 1) % ks.database_count()) {
      if (Entry* e = SampleKey(ks, db, volatile_only)) {
        *db_out = db;
        return e;
      }
    }
    return nullptr;
  }
  FillPool(ks, now_ms, pool);
  while (!pool.empty()) {
    EvictionCandidate c = std::move(pool.back());
    pool.pop_back();
    Entry* e = ks.db(c.db).Find(c.key);
    if (e != nullptr && (!volatile_only || e->has_expire())) {
      *db_out = c.db;
      return e;
    }
  }
  return nullptr;
}

}  // namespace

std::optional<EvictionPolicy> ParseEvictionPolicy(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, EvictionPolicy>, 8> kNames{{
      {"noeviction", EvictionPolicy::kNoEviction},
      {"allkeys-lru", EvictionPolicy::kAllKeysLru},
      {"volatile-lru", EvictionPolicy::kVolatileLru},
      {"allkeys-lfu", EvictionPolicy::kAllKeysLfu},
      {"volatile-lfu", EvictionPolicy::kVolatileLfu},
      {"allkeys-random", EvictionPolicy::kAllKeysRandom},
      {"volatile-random", EvictionPolicy::kVolatileRandom},
      {"volatile-ttl", EvictionPolicy::kVolatileTtl},
  }};
  for (const auto& [n, p] : kNames)
    if (n == name) return p;
  return std::nullopt;
}

bool UsesLfu(EvictionPolicy policy) {
  return policy == EvictionPolicy::kAllKeysLfu || policy == EvictionPolicy::kVolatileLfu;
}

uint32_t InitialAccess(const EvictionConfig& config, int64_t now_ms) {
  if (UsesLfu(config.policy)) return (Minutes(now_ms) << 8) | kLfuInitVal;
  return LruClock(now_ms);
}

void TouchEntry(Entry* entry, const EvictionConfig& config, int64_t now_ms) {
  if (UsesLfu(config.policy)) {
    uint8_t counter = LfuDecayed(entry->access(), config, now_ms);
    counter = LfuLogIncrement(counter, config.lfu_log_factor, TouchRng());
    entry->set_access((Minutes(now_ms) << 8) | counter);
  } else {
    entry->set_access(LruClock(now_ms));
  }
}

int64_t IdleTimeMs(const Entry* entry, int64_t now_ms) {
  uint32_t now = LruClock(now_ms);
  uint32_t then = entry->access();
  uint32_t idle_s = now >= then ? now - then : (kLruMax - then) + now;
  return static_cast<int64_t>(idle_s) * 1000;
}

uint8_t LfuFrequency(const Entry* entry, const EvictionConfig& config, int64_t now_ms) {
  return LfuDecayed(entry->access(), config, now_ms);
}

uint32_t AccessFromLoaded(uint32_t current, const EvictionConfig& config, int64_t idle_s, int freq,
                          int64_t now_ms) {
  if (UsesLfu(config.policy)) {
    return freq >= 0 ? (Minutes(now_ms) << 8) | static_cast<uint8_t>(freq) : current;
  }
  if (idle_s < 0) return current;
  // The clock wraps every 2^24 s (194 days); a longer idle time is the longest it can show.
  int64_t clamped = std::min<int64_t>(idle_s, kLruMax);
  return (LruClock(now_ms) - static_cast<uint32_t>(clamped)) & kLruMax;
}

size_t EvictToTarget(Keyspace& keyspace, size_t target_bytes, int64_t now_ms, bool* ok) {
  *ok = true;
  if (base::UsedMemory() <= target_bytes) return 0;
  if (keyspace.eviction().policy == EvictionPolicy::kNoEviction) {
    *ok = false;
    return 0;
  }
  std::vector<EvictionCandidate>& pool = keyspace.eviction_pool();
  size_t evicted = 0;
  while (base::UsedMemory() > target_bytes) {
    int db = 0;
    Entry* victim = PickVictim(keyspace, now_ms, pool, &db);
    if (victim == nullptr) {
      *ok = false;
      break;
    }
    keyspace.NotifyRemoved(db, victim->key(), Keyspace::Removal::kEvicted);
    keyspace.db(db).Delete(victim);
    ++keyspace.stats().evicted_keys;
    ++evicted;
  }
  return evicted;
}

}  // namespace tandem::store
