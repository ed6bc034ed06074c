#pragma once
// What one sentinel knows about one instance it watches: a monitored primary, one of its replicas
// or another sentinel watching the same primary. Filled by the probes (PING and INFO replies,
// hellos, is-master-down-by-addr answers) and read by detection, failover and the SENTINEL
// commands. Times are milliseconds on the sentinel's monotonic clock; 0 means "never".
// Owner: the MonitoredMaster it belongs to (monitored_master.h); sentinel thread only.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sentinel/failure_detector.h"

namespace tandem::sentinel {

class InstanceLink;

enum class InstanceKind { kMaster, kReplica, kSentinel };

// The role an instance reported in its last INFO.
enum class ReportedRole { kUnknown, kMaster, kReplica };

// The failover steps of a replica being repointed by the leader (Redis's SRI_RECONF_* flags):
// kNone -> kSent (REPLICAOF sent) -> kInProgress (INFO shows the new master) -> kDone (link up).
enum class ReconfState { kNone, kSent, kInProgress, kDone };

struct Instance {
  Instance(InstanceKind kind, std::string host, int port, int64_t now_ms)
      : kind(kind), host(std::move(host)), port(port), detector(now_ms), created_ms(now_ms) {}

  InstanceKind kind;
  std::string host;
  int port;
  std::string run_id;  // INFO run_id (servers) or the hello's run id (sentinels); may be empty
  // The connections to it; null while none is open (then it counts as disconnected).
  std::shared_ptr<InstanceLink> link;
  FailureDetector detector;
  int64_t created_ms;
  int64_t link_attempt_ms = 0;  // last connection attempt (at most one per second)

  // Probes.
  int64_t last_ping_sent_ms = 0;   // last PING sent (0: none outstanding, Redis's act_ping_time)
  int64_t last_ping_reply_ms = 0;  // any PING reply
  int64_t last_ok_ping_ms = 0;     // last valid PING reply (+PONG, -LOADING, -MASTERDOWN)
  int64_t last_pubsub_ms = 0;      // last message on the pub/sub link
  int64_t last_hello_ms = 0;       // sentinels: last hello received from it
  bool sdown = false;
  int64_t sdown_since_ms = 0;

  // From the last INFO reply (masters and replicas).
  int64_t info_refresh_ms = 0;
  int64_t info_sent_ms = 0;  // last INFO sent
  std::string info_text;     // SENTINEL INFO-CACHE
  ReportedRole role = ReportedRole::kUnknown;
  int64_t role_reported_ms = 0;  // when `role` last changed
  std::string master_host;       // replicas: INFO master_host
  int master_port = 0;
  bool master_link_up = false;      // INFO master_link_status:up
  int64_t master_link_down_ms = 0;  // INFO master_link_down_since_seconds x 1000
  int priority = 100;               // INFO slave_priority
  int64_t repl_offset = 0;          // INFO slave_repl_offset
  bool replica_announced = true;    // INFO replica_announced

  // Sentinels: their last is-master-down-by-addr answer about the master (says_master_down is
  // SENTINEL's master_down flag, cleared once the answer is older than a vote's validity; the
  // votes that count for ODOWN are in MonitoredMaster::down_votes).
  bool says_master_down = false;
  int64_t master_down_reply_ms = 0;
  std::string voted_leader;  // empty: none ("?" in SENTINEL SENTINELS)
  uint64_t voted_leader_epoch = 0;

  // Replicas during a failover run by this sentinel.
  ReconfState reconf = ReconfState::kNone;
  int64_t reconf_sent_ms = 0;
  bool promoted = false;  // the replica chosen for promotion
  // The primary this record replaced in a failover known to this sentinel: when it comes back
  // still a primary it is repointed at once (Redis waits 8 s), so it stops acknowledging writes.
  bool demoted_primary = false;
  // A server reporting a role other than the one configured, seen since (for +convert-to-slave).
  int64_t wrong_role_since_ms = 0;

  // "ip:port", the name of a replica in SENTINEL REPLICAS and events.
  std::string Address() const;
};

}  // namespace tandem::sentinel
