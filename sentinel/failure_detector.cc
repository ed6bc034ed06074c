#include "sentinel/failure_detector.h"

namespace tandem::sentinel {

FailureDetector::FailureDetector(int64_t now_ms)
    : pending_ping_since_ms_(now_ms), window_start_ms_(now_ms) {}

void FailureDetector::OnPingSent(int64_t now_ms) {
  if (!pending_ping_since_ms_) pending_ping_since_ms_ = now_ms;
}

void FailureDetector::OnValidReply(int64_t now_ms) {
  if (now_ms < window_start_ms_) return;
  last_valid_reply_ms_ = now_ms;
  pending_ping_since_ms_.reset();
}

void FailureDetector::ResetForPromotion(int64_t now_ms) {
  // A pending PING from before the promotion must not eat into the new window, and neither may
  // a reply given before it: the window opens now, as for a newly monitored instance.
  window_start_ms_ = now_ms;
  pending_ping_since_ms_ = now_ms;
  last_valid_reply_ms_.reset();
}

int64_t FailureDetector::UnansweredForMs(int64_t now_ms) const {
  if (pending_ping_since_ms_) return now_ms - *pending_ping_since_ms_;
  if (link_down_) return now_ms - last_valid_reply_ms_.value_or(window_start_ms_);
  return 0;
}

bool FailureDetector::IsSubjectivelyDown(int64_t now_ms, int64_t down_after_ms) const {
  return UnansweredForMs(now_ms) > down_after_ms;
}

void DownVoteTally::Record(std::string_view sentinel_run_id, const VoteTarget& target, bool down,
                           int64_t now_ms) {
  auto it = votes_.find(sentinel_run_id);
  if (it == votes_.end()) it = votes_.emplace(std::string(sentinel_run_id), Vote{}).first;
  it->second = Vote{target, down, now_ms};
}

void DownVoteTally::Forget(std::string_view sentinel_run_id) {
  auto it = votes_.find(sentinel_run_id);
  if (it != votes_.end()) votes_.erase(it);
}

size_t DownVoteTally::CountDown(const VoteTarget& current, int64_t now_ms) const {
  size_t count = 0;
  for (const auto& [run_id, vote] : votes_) {
    if (vote.down && vote.target == current && now_ms - vote.received_ms <= vote_validity_ms_) {
      ++count;
    }
  }
  return count;
}

bool DownVoteTally::IsObjectivelyDown(bool self_sdown, const VoteTarget& current, unsigned quorum,
                                      int64_t now_ms) const {
  if (!self_sdown) return false;
  return 1 + CountDown(current, now_ms) >= quorum;
}

}  // namespace tandem::sentinel
