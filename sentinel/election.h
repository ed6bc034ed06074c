#pragma once
// Epochs, leader votes and the retry delay of a failed election (Redis 7.0's sentinelVoteLeader
// and sentinelGetLeader, shared/reference/redis-replication-sentinel.md §3.7), with issue 7's
// change: after a failed or aborted election the next attempt comes after a randomised delay of a
// few seconds instead of Redis's 2 x failover-timeout. Pure: time and randomness are injected.
// Owner: the sentinel (EpochState) and its record of each monitored primary (Election);
// single-threaded.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tandem::sentinel {

// The sentinel-wide current epoch, shared by the elections of all monitored primaries. It only
// grows; the caller persists it in the state file whenever it changes.
class EpochState {
 public:
  explicit EpochState(uint64_t current = 0) : current_(current) {}
  uint64_t current() const { return current_; }
  // Adopts `epoch` when it is higher (a vote request or a hello); true when it was.
  bool Observe(uint64_t epoch);
  // Starts a new epoch for this sentinel's own failover attempt and returns it.
  uint64_t Advance() { return ++current_; }

 private:
  uint64_t current_;
};

// One sentinel's vote as reported by it: `voter` voted for `leader` in `epoch`.
struct LeaderVote {
  std::string voter;
  std::string leader;
  uint64_t epoch = 0;
};

// The leader of `epoch`, if any: the candidate voted for in `epoch` by more than half of `voters`
// (every sentinel known for this primary, this one included, reachable or not) and by at least
// `quorum`. Votes of other epochs are ignored, and so is any repeated vote of the same voter.
std::optional<std::string> Winner(std::span<const LeaderVote> votes, uint64_t epoch, size_t voters,
                                  unsigned quorum);

// Returns any 64-bit value; production uses a seeded engine, tests a fixed sequence.
using RandomSource = std::function<uint64_t()>;

struct ElectionTiming {
  int64_t election_timeout_ms = 10'000;  // min(10 s, failover-timeout), as Redis.
  int64_t retry_min_ms = 1'000;          // Retry delay after a failed attempt: at least this ...
  int64_t retry_jitter_ms = 2'000;       // ... plus a random part below this (0: none).
};

// A delay in [retry_min_ms, retry_min_ms + retry_jitter_ms), randomised so that sentinels whose
// attempts split the vote do not collide again.
int64_t RetryDelayMs(const ElectionTiming& timing, const RandomSource& random);

// This sentinel's side of the leader elections for one monitored primary: the vote it gave (at
// most one per epoch, never for an epoch older than one it voted in) and when it may next start
// its own attempt.
class Election {
 public:
  // `leader`/`leader_epoch` restore the last vote from the state file (empty/0 when none).
  Election(EpochState& epochs, std::string my_run_id, ElectionTiming timing, RandomSource random,
           std::string leader = {}, uint64_t leader_epoch = 0);

  struct VoteReply {
    std::string leader;         // Who this sentinel voted for last; empty when nobody yet.
    uint64_t leader_epoch = 0;  // The epoch of that vote.
    bool epoch_raised = false;  // The request raised the current epoch (+new-epoch).
    bool voted = false;         // The vote was given by this call (+vote-for-leader).
  };
  // A vote request (SENTINEL is-master-down-by-addr with a run id) for `candidate` in
  // `req_epoch`. The current epoch first rises to req_epoch; the vote goes to `candidate` only if
  // this sentinel has not voted in req_epoch or later. Voting for another sentinel holds off this
  // sentinel's own attempts for the election timeout plus a retry delay, so the leader it chose
  // gets its full election window. The reply carries the vote in force, whoever it went to.
  VoteReply Vote(uint64_t req_epoch, std::string_view candidate, int64_t now_ms);

  // Whether an own failover attempt may start now (no hold-off in force).
  bool MayStartAttempt(int64_t now_ms) const { return now_ms >= hold_off_until_ms_; }
  // Starts an own attempt in a new epoch and returns that epoch.
  uint64_t StartAttempt(int64_t now_ms);
  // Redis's sentinelGetLeader for the running attempt: casts this sentinel's vote (for the
  // candidate most voted for by `peer_votes` in the attempt's epoch, ties to the smaller run id,
  // or for itself) unless it already voted in that epoch, then returns Winner() over the peers'
  // votes and its own. `voters` counts every known sentinel including this one.
  std::optional<std::string> Tally(std::span<const LeaderVote> peer_votes, size_t voters,
                                   unsigned quorum, int64_t now_ms);
  // True when the running attempt has gone longer than the election timeout without a leader.
  bool AttemptTimedOut(int64_t now_ms) const;
  // The attempt failed or was aborted: the next one may start after RetryDelayMs().
  void AttemptFailed(int64_t now_ms);
  // The sentinel this one voted for (leader()) is gone (judged down) before finishing: the
  // hold-off of that vote shrinks to RetryDelayMs() from now, once per vote, instead of waiting
  // out that leader's whole election window. No effect on a vote for itself.
  void LeaderLost(int64_t now_ms);

  const std::string& leader() const { return leader_; }
  uint64_t leader_epoch() const { return leader_epoch_; }
  uint64_t attempt_epoch() const { return attempt_epoch_; }  // 0 when no attempt was started.

 private:
  EpochState& epochs_;
  std::string my_run_id_;
  ElectionTiming timing_;
  RandomSource random_;
  std::string leader_;
  uint64_t leader_epoch_;
  uint64_t attempt_epoch_ = 0;
  int64_t attempt_started_ms_ = 0;
  int64_t hold_off_until_ms_ = 0;
  uint64_t lost_leader_epoch_ = 0;  // the vote LeaderLost() already shortened
};

}  // namespace tandem::sentinel
