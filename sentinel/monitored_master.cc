#include "sentinel/monitored_master.h"

namespace tandem::sentinel {

std::string_view FailoverStateName(FailoverState state) {
  switch (state) {
    case FailoverState::kNone:
      return "none";
    case FailoverState::kWaitStart:
      return "wait_start";
    case FailoverState::kSelectReplica:
      return "select_slave";
    case FailoverState::kSendReplicaOfNoOne:
      return "send_slaveof_noone";
    case FailoverState::kWaitPromotion:
      return "wait_promotion";
    case FailoverState::kReconfReplicas:
      return "reconf_slaves";
  }
  return "unknown";
}

Instance* MonitoredMaster::FindReplica(std::string_view host, int port) {
  for (const std::unique_ptr<Instance>& replica : replicas) {
    if (replica->port == port && replica->host == host) return replica.get();
  }
  return nullptr;
}

Instance* MonitoredMaster::FindSentinel(std::string_view run_id) {
  if (run_id.empty()) return nullptr;  // an empty run id is no run id
  for (const std::unique_ptr<Instance>& sentinel : sentinels) {
    if (sentinel->run_id == run_id) return sentinel.get();
  }
  return nullptr;
}

}  // namespace tandem::sentinel
