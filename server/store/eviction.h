#pragma once
// maxmemory policies and the per-key access data they use (Entry::access(), 24 bits):
//   LRU policies: a clock in seconds (mod 2^24), as Redis's LRU_CLOCK with 1000 ms resolution.
//   LFU policies: 16 bits of minutes (last decrement time) and an 8-bit logarithmic counter, with
//   lfu-log-factor and lfu-decay-time as in Redis.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/store/entry.h"

namespace tandem::store {

class Keyspace;

enum class EvictionPolicy {
  kNoEviction,
  kAllKeysLru,
  kVolatileLru,
  kAllKeysLfu,
  kVolatileLfu,
  kAllKeysRandom,
  kVolatileRandom,
  kVolatileTtl,
};

// Parses a maxmemory-policy name ("allkeys-lru", ...).
std::optional<EvictionPolicy> ParseEvictionPolicy(std::string_view name);
bool UsesLfu(EvictionPolicy policy);

struct EvictionConfig {
  EvictionPolicy policy = EvictionPolicy::kNoEviction;
  int samples = 5;          // maxmemory-samples
  int lfu_log_factor = 10;  // lfu-log-factor
  int lfu_decay_time = 1;   // lfu-decay-time (minutes)
};

// A sampled key that may be evicted later; higher score = better victim. Kept across evictions
// (best last), as Redis's eviction pool, so that each eviction benefits from earlier samples.
struct EvictionCandidate {
  uint64_t score;
  int db;
  std::string key;
};

// Access data for a key created now.
uint32_t InitialAccess(const EvictionConfig& config, int64_t now_ms);
// Records an access (LRU clock refresh or LFU probabilistic increment after decay).
void TouchEntry(Entry* entry, const EvictionConfig& config, int64_t now_ms);
// OBJECT IDLETIME, in ms (LRU policies).
int64_t IdleTimeMs(const Entry* entry, int64_t now_ms);
// OBJECT FREQ: the LFU counter after decay (LFU policies).
uint8_t LfuFrequency(const Entry* entry, const EvictionConfig& config, int64_t now_ms);
// What RESTORE IDLETIME / FREQ and an RDB's IDLE / FREQ opcodes set, as Redis's
// objectSetLRUOrLFU: under an LFU policy `freq` (when >= 0) becomes the counter; under any other
// policy the key gets `idle_s` seconds of idle time (when >= 0). `current` is kept otherwise.
uint32_t AccessFromLoaded(uint32_t current, const EvictionConfig& config, int64_t idle_s, int freq,
                          int64_t now_ms);

// Frees keys by the configured policy until base::UsedMemory() <= target_bytes or nothing is left
// to evict. Returns the number of keys evicted (also counted in the keyspace stats).
// Returns false in `*ok` when memory is still above target (nothing evictable).
size_t EvictToTarget(Keyspace& keyspace, size_t target_bytes, int64_t now_ms, bool* ok);

}  // namespace tandem::store
