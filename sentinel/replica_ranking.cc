#include "sentinel/replica_ranking.h"

#include <algorithm>
#include <cctype>

namespace tandem::sentinel {
namespace {

// Negative, zero or positive as `a` sorts before, with or after `b`, ignoring ASCII case.
int CompareIgnoringCase(const std::string& a, const std::string& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    int ca = std::tolower(static_cast<unsigned char>(a[i]));
    int cb = std::tolower(static_cast<unsigned char>(b[i]));
    if (ca != cb) return ca - cb;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

}  // namespace

bool IsPromotable(const ReplicaView& replica, const RankingParams& params, int64_t now_ms) {
  if (replica.sdown || replica.disconnected) return false;
  if (now_ms - replica.last_reply_ms > params.ping_period_ms * 5) return false;
  if (replica.priority == 0) return false;
  int64_t info_validity =
      params.master_sdown ? params.ping_period_ms * 5 : params.info_period_ms * 3;
  if (now_ms - replica.info_refresh_ms > info_validity) return false;
  int64_t max_link_down = params.down_after_ms * 10;
  if (params.master_sdown) max_link_down += now_ms - params.master_sdown_since_ms;
  // INFO omits master_link_down_since_seconds while the link is up, so a remembered value is
  // stale then; Redis keeps it, which can wrongly exclude a healthy replica.
  int64_t link_down = replica.link_up ? 0 : replica.master_link_down_ms;
  return link_down <= max_link_down;
}

bool RanksBefore(const ReplicaView& a, const ReplicaView& b) {
  if (a.priority != b.priority) return a.priority < b.priority;
  if (a.repl_offset != b.repl_offset) return a.repl_offset > b.repl_offset;
  if (a.run_id.empty() || b.run_id.empty()) return !a.run_id.empty() && b.run_id.empty();
  return CompareIgnoringCase(a.run_id, b.run_id) < 0;
}

std::optional<size_t> SelectReplica(std::span<const ReplicaView> replicas,
                                    const RankingParams& params, int64_t now_ms) {
  std::optional<size_t> best;
  for (size_t i = 0; i < replicas.size(); ++i) {
    if (!IsPromotable(replicas[i], params, now_ms)) continue;
    if (!best || RanksBefore(replicas[i], replicas[*best])) best = i;
  }
  return best;
}

}  // namespace tandem::sentinel
