#pragma once
// Choosing the replica to promote, by Redis 7.0's rules (sentinelSelectSlave; see
// shared/reference/redis-replication-sentinel.md §3.9). Pure: the caller gathers what its probes
// learned about each replica into ReplicaView rows and passes the current time.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace tandem::sentinel {

// What the sentinel knows about one replica of the failing primary. Times are absolute
// milliseconds on the sentinel's clock; durations end in _ms too but say so.
struct ReplicaView {
  std::string host;
  int port = 0;
  std::string run_id;               // INFO run_id; empty when unknown (ranks after any known one).
  bool link_up = false;             // INFO master_link_status:up.
  bool disconnected = false;        // The sentinel's command link to it is down.
  bool sdown = false;               // The sentinel judges it subjectively down.
  int64_t last_reply_ms = 0;        // When it last gave a valid PING reply.
  int64_t info_refresh_ms = 0;      // When its last INFO reply arrived.
  int64_t master_link_down_ms = 0;  // Duration from INFO master_link_down_since_seconds (x1000).
  int priority = 100;               // INFO slave_priority; 0 means "never promote".
  int64_t repl_offset = 0;          // INFO slave_repl_offset.
};

struct RankingParams {
  int64_t down_after_ms = 30'000;     // The primary's down-after-milliseconds.
  bool master_sdown = false;          // Whether this sentinel sees the primary SDOWN ...
  int64_t master_sdown_since_ms = 0;  // ... and since when.
  int64_t ping_period_ms = 1'000;     // Sentinel's PING period.
  int64_t info_period_ms = 10'000;    // Sentinel's normal INFO period.
};

// True when `replica` may be promoted at `now_ms`. It may not when it is SDOWN or disconnected,
// its last valid reply is older than 5 PING periods, its priority is 0, its INFO is older than
// 5 PING periods (primary SDOWN: INFO then comes every second) or 3 INFO periods (otherwise), or
// it reports its link to the primary down for longer than 10 x down-after plus the time the
// primary has been SDOWN. Every limit is inclusive: exactly at the limit still qualifies.
bool IsPromotable(const ReplicaView& replica, const RankingParams& params, int64_t now_ms);

// Strict "better candidate" order among promotable replicas: lower priority, then higher
// replication offset, then the smaller run id compared case-insensitively (empty last).
bool RanksBefore(const ReplicaView& a, const ReplicaView& b);

// The index in `replicas` of the replica to promote, or nullopt when none is promotable.
// Among equals (same priority, offset and run id) the earlier index wins.
std::optional<size_t> SelectReplica(std::span<const ReplicaView> replicas,
                                    const RankingParams& params, int64_t now_ms);

}  // namespace tandem::sentinel
