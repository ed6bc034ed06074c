#pragma once
// Replication ids (Redis's replid / replid2 / second_replid_offset) and the master's PSYNC
// decision (docs/replication.md).
//
// A replication id names one history of the stream. After a promotion the old id becomes
// `replid2`, valid up to `second_offset` (the first offset the new history owns), so that the
// promoted node's former siblings can continue with a partial sync.

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "replication/backlog.h"

namespace tandem::replication {

struct ReplicationIds {
  std::string replid;                                                // 40 lowercase hex characters
  std::string replid2 = "0000000000000000000000000000000000000000";  // 40 '0's: no previous history
  int64_t second_offset = -1;  // second_repl_offset: -1 when replid2 is unset

  // A fresh random id (40 hex chars); replid2 cleared.
  static ReplicationIds Fresh(std::mt19937_64& rng);
  // Promotion: replid2 := replid, second_offset := `master_offset` + 1, replid := a new random id.
  void Shift(int64_t master_offset, std::mt19937_64& rng);
  // Forgets replid2 (second_offset -1).
  void ClearSecond();
};

// A random 40-hex-character id.
std::string RandomReplicationId(std::mt19937_64& rng);

// What the master answers to PSYNC <replid> <offset>.
enum class PsyncDecision {
  kContinue,    // +CONTINUE: the requested bytes are in the backlog of this history
  kFullResync,  // +FULLRESYNC and an RDB transfer
};

struct PsyncVerdict {
  PsyncDecision decision;
  std::string reason;  // for the log when a full resync is needed ("replid mismatch", ...)
};

// Redis 7.0's masterTryPartialResynchronization test: the replid is ours, or our replid2 with
// `offset` <= second_offset; and `offset` is inside the backlog (null: no backlog).
// "?" or an offset of -1 always gives a full resync.
PsyncVerdict DecidePsync(const ReplicationIds& ids, const Backlog* backlog,
                         std::string_view requested_replid, int64_t requested_offset);

}  // namespace tandem::replication
