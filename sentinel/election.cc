#include "sentinel/election.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

namespace tandem::sentinel {

bool EpochState::Observe(uint64_t epoch) {
  if (epoch <= current_) return false;
  current_ = epoch;
  return true;
}

std::optional<std::string> Winner(std::span<const LeaderVote> votes, uint64_t epoch, size_t voters,
                                  unsigned quorum) {
  std::set<std::string_view> seen;
  std::map<std::string_view, size_t> counts;
  for (const LeaderVote& vote : votes) {
    if (vote.epoch != epoch || vote.leader.empty()) continue;
    if (!seen.insert(vote.voter).second) continue;
    ++counts[vote.leader];
  }
  size_t majority = voters / 2 + 1;
  for (const auto& [leader, count] : counts) {
    // At most one candidate can hold a majority, so the first found is the only one.
    if (count >= majority && count >= quorum) return std::string(leader);
  }
  return std::nullopt;
}

int64_t RetryDelayMs(const ElectionTiming& timing, const RandomSource& random) {
  if (timing.retry_jitter_ms <= 0) return timing.retry_min_ms;
  return timing.retry_min_ms +
         static_cast<int64_t>(random() % static_cast<uint64_t>(timing.retry_jitter_ms));
}

Election::Election(EpochState& epochs, std::string my_run_id, ElectionTiming timing,
                   RandomSource random, std::string leader, uint64_t leader_epoch)
    : epochs_(epochs),
      my_run_id_(std::move(my_run_id)),
      timing_(timing),
      random_(std::move(random)),
      leader_(std::move(leader)),
      leader_epoch_(leader_epoch) {}

Election::VoteReply Election::Vote(uint64_t req_epoch, std::string_view candidate, int64_t now_ms) {
  VoteReply reply;
  reply.epoch_raised = epochs_.Observe(req_epoch);
  if (leader_epoch_ < req_epoch && epochs_.current() <= req_epoch) {
    leader_ = std::string(candidate);
    leader_epoch_ = epochs_.current();
    reply.voted = true;
    if (leader_ != my_run_id_) {
      hold_off_until_ms_ = std::max(hold_off_until_ms_, now_ms + timing_.election_timeout_ms +
                                                            RetryDelayMs(timing_, random_));
    }
  }
  reply.leader = leader_;
  reply.leader_epoch = leader_epoch_;
  return reply;
}

uint64_t Election::StartAttempt(int64_t now_ms) {
  attempt_epoch_ = epochs_.Advance();
  attempt_started_ms_ = now_ms;
  return attempt_epoch_;
}

std::optional<std::string> Election::Tally(std::span<const LeaderVote> peer_votes, size_t voters,
                                           unsigned quorum, int64_t now_ms) {
  std::map<std::string_view, size_t> counts;
  for (const LeaderVote& vote : peer_votes) {
    if (vote.epoch == attempt_epoch_ && !vote.leader.empty()) ++counts[vote.leader];
  }
  std::string_view favourite = my_run_id_;
  size_t most = 0;
  for (const auto& [leader, count] : counts) {
    if (count > most) {  // Ascending keys: a tie keeps the smaller run id.
      most = count;
      favourite = leader;
    }
  }
  Vote(attempt_epoch_, favourite, now_ms);

  std::vector<LeaderVote> all(peer_votes.begin(), peer_votes.end());
  if (leader_epoch_ == attempt_epoch_) all.push_back({my_run_id_, leader_, leader_epoch_});
  return Winner(all, attempt_epoch_, voters, quorum);
}

bool Election::AttemptTimedOut(int64_t now_ms) const {
  return now_ms - attempt_started_ms_ > timing_.election_timeout_ms;
}

void Election::AttemptFailed(int64_t now_ms) {
  hold_off_until_ms_ = std::max(hold_off_until_ms_, now_ms + RetryDelayMs(timing_, random_));
}

void Election::LeaderLost(int64_t now_ms) {
  if (leader_.empty() || leader_ == my_run_id_ || lost_leader_epoch_ == leader_epoch_) return;
  lost_leader_epoch_ = leader_epoch_;
  hold_off_until_ms_ = std::min(hold_off_until_ms_, now_ms + RetryDelayMs(timing_, random_));
}

}  // namespace tandem::sentinel
