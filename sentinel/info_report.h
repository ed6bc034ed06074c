#pragma once
// What a sentinel reads from a server's INFO reply (Redis 7.0's sentinelRefreshInstanceInfo, see
// shared reference §3.3 and §1.11 for the fields and their layout). A pure parser: it reports the
// fields it finds and leaves acting on them (roles, +slave, +reboot) to the caller.

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "sentinel/instance.h"

namespace tandem::sentinel {

// master_link_down_ms of a replica whose link to its master was never up (INFO
// "master_link_down_since_seconds:-1"). Redis stores -1000 there, which makes such a replica look
// freshly synced to its replica selection; we report it as down forever instead, so a replica that
// never got its master's data is never promoted.
inline constexpr int64_t kLinkNeverUpMs = std::numeric_limits<int64_t>::max();

// One "slaveN:" line of a master's INFO.
struct ReportedReplica {
  std::string host;
  int port = 0;
  bool operator==(const ReportedReplica&) const = default;
};

// Every field keeps its default when INFO does not carry it or carries a value that is not
// strictly a number of the right range (base::ParseInt64 rules).
struct InfoReport {
  std::string run_id;                          // "run_id:", only when exactly 40 hex digits
  ReportedRole role = ReportedRole::kUnknown;  // "role:master" / "role:slave"
  std::string master_host;                     // replicas: "master_host:"
  int master_port = 0;                         // replicas: "master_port:" (0..65535)
  bool master_link_up = false;                 // "master_link_status:up" (any case)
  // "master_link_down_since_seconds:" x 1000 (present only while the link is down); 0 when
  // absent, kLinkNeverUpMs when negative (never up).
  int64_t master_link_down_ms = 0;
  int priority = 100;              // "slave_priority:" (non-negative)
  int64_t repl_offset = 0;         // "slave_repl_offset:"
  int64_t master_repl_offset = 0;  // "master_repl_offset:" (what a master has; ranks a replica
                                   // that was already promoted)
  bool replica_announced = true;   // "replica_announced:0" makes it false, "1" true
  // Masters: the "slaveN:" lines in order, in the 7.0 form "ip=..,port=..,state=..,..." or the
  // pre-2.8 form "ip,port,state". Lines without a host or a valid port are skipped.
  std::vector<ReportedReplica> replicas;
};

// Parses INFO text. Lines end in "\r\n" or "\n"; section headers ("# Replication"), blank lines,
// unknown fields and lines without ':' are ignored. Never fails.
InfoReport ParseInfo(std::string_view text);

}  // namespace tandem::sentinel
