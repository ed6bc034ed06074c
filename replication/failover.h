#pragma once
// FAILOVER's pure pieces (Redis 7.0's coordinated switchover, reference §1.10): its states as INFO
// master_failover_state names them, and its argument parser. The state machine itself is part of
// Replication (failover.cc).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "server/base/status.h"

namespace tandem::replication {

// Flow: kNone --(FAILOVER: writes paused)--> kWaitForSync --(the target ACKed the whole stream, or
// TIMEOUT passed with FORCE: this master becomes the target's replica)--> kInProgress --(the target
// answered PSYNC <replid> <offset> FAILOVER with +CONTINUE/+FULLRESYNC)--> kNone. ABORT, a TIMEOUT
// without FORCE, or a refused PSYNC go back to kNone as a master; writes resume in every case.
enum class FailoverState {
  kNone,         // "no-failover"
  kWaitForSync,  // "waiting-for-sync": waiting for a replica's ACK to reach master_repl_offset
  kInProgress,   // "failover-in-progress": a replica of the target, asking it to take over
};

// INFO replication's master_failover_state value.
const char* FailoverStateName(FailoverState state);

// FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT milliseconds], parsed.
struct FailoverArgs {
  bool abort = false;  // FAILOVER ABORT (only alone)
  std::string host;    // TO host port; empty: the first replica that catches up
  int64_t port = 0;
  int64_t timeout_ms = 0;  // 0: none
  bool force = false;
};

// Parses argv (argv[0] is the command name) as Redis 7.0 does: each option at most once, in any
// order. The error's message is the reply text (syntax error, a port or timeout that is not an
// integer, a timeout <= 0). The checks that depend on the server (FORCE needs TO and TIMEOUT among
// them) are the caller's, in Redis's order.
base::StatusOr<FailoverArgs> ParseFailoverArgs(std::span<const std::string_view> argv);

}  // namespace tandem::replication
