#pragma once
// Failure detection for one sentinel: SDOWN of a single monitored instance (FailureDetector) and
// ODOWN of a primary from the other sentinels' down-votes (DownVoteTally). Redis 7.0's rules
// (shared/reference/redis-replication-sentinel.md §3.5-3.6) plus Tandem's no-flip-flop rules from
// issue 7: a freshly promoted primary gets a fresh, full down-after window, and a down-vote only
// counts for the (address, epoch) it was cast for. Pure: times are passed in, in milliseconds.
// Owner: the sentinel's per-instance record; single-threaded.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace tandem::sentinel {

// Liveness of one instance (primary, replica or sentinel) as seen through this sentinel's link.
// SDOWN when the oldest PING still unanswered was sent more than down-after ago or, with no PING
// outstanding while the link is down, the last valid reply is older than down-after. A new
// detector starts as if a PING had been sent at creation, so an instance that never answers goes
// SDOWN one window after it was first monitored.
class FailureDetector {
 public:
  explicit FailureDetector(int64_t now_ms);

  // A PING went out. Only the first unanswered one starts the clock.
  void OnPingSent(int64_t now_ms);
  // A valid reply (+PONG, -LOADING, -MASTERDOWN) arrived: the instance is alive as of now_ms.
  // Replies timed before the last ResetForPromotion are ignored.
  void OnValidReply(int64_t now_ms);
  // The command link went down or came back.
  void OnLinkDown() { link_down_ = true; }
  void OnLinkUp() { link_down_ = false; }

  // The instance was just promoted to primary: forget every earlier observation and judge it only
  // from replies given from now on, with a full down-after window starting now.
  void ResetForPromotion(int64_t now_ms);

  // How long the instance has gone without answering, as SDOWN measures it (0 when it answers).
  int64_t UnansweredForMs(int64_t now_ms) const;
  // True when UnansweredForMs(now_ms) > down_after_ms: exactly down-after is still up.
  bool IsSubjectivelyDown(int64_t now_ms, int64_t down_after_ms) const;

  // When the last counted valid reply arrived; nullopt when none since creation or promotion.
  std::optional<int64_t> last_valid_reply_ms() const { return last_valid_reply_ms_; }

 private:
  std::optional<int64_t> pending_ping_since_ms_;  // Oldest unanswered PING, if any.
  std::optional<int64_t> last_valid_reply_ms_;
  int64_t window_start_ms_;  // Creation or last promotion; nothing earlier counts.
  bool link_down_ = false;
};

// Which primary a down-vote is about: its address and the configuration epoch under which that
// address became primary. After a failover the primary has a new address and a new epoch, so
// votes cast against the old one no longer count.
struct VoteTarget {
  std::string host;
  int port = 0;
  uint64_t epoch = 0;

  bool operator==(const VoteTarget&) const = default;
};

// The latest SENTINEL is-master-down-by-addr answer of each other sentinel about one primary.
// A vote counts toward ODOWN only while it is "down", at most vote_validity_ms old (Redis: 5 s),
// and cast for exactly the primary's current VoteTarget.
class DownVoteTally {
 public:
  static constexpr int64_t kDefaultVoteValidityMs = 5'000;

  explicit DownVoteTally(int64_t vote_validity_ms = kDefaultVoteValidityMs)
      : vote_validity_ms_(vote_validity_ms) {}

  // Records `sentinel_run_id`'s answer received at now_ms, replacing its previous one.
  void Record(std::string_view sentinel_run_id, const VoteTarget& target, bool down,
              int64_t now_ms);
  // Drops a sentinel's vote (it was forgotten, e.g. SENTINEL RESET or a run id change).
  void Forget(std::string_view sentinel_run_id);
  void Clear() { votes_.clear(); }

  // Number of other sentinels whose counting vote says `current` is down.
  size_t CountDown(const VoteTarget& current, int64_t now_ms) const;

  // ODOWN: this sentinel sees `current` SDOWN and it plus CountDown() reach `quorum`.
  bool IsObjectivelyDown(bool self_sdown, const VoteTarget& current, unsigned quorum,
                         int64_t now_ms) const;

 private:
  struct Vote {
    VoteTarget target;
    bool down = false;
    int64_t received_ms = 0;
  };
  int64_t vote_validity_ms_;
  std::map<std::string, Vote, std::less<>> votes_;  // By sentinel run id.
};

}  // namespace tandem::sentinel
