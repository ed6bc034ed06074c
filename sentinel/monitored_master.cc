#include "sentinel/monitored_master.h"

namespace tandem::sentinel {

std::string Instance::Address() const {
  // IPv6 addresses are printed bare, as Redis does in replica names.
  return host + ":" + std::to_string(port);
}

Instance* MonitoredMaster::FindReplica(std::string_view host, int port) {
  for (const auto& replica : replicas) {
    if (replica->host == host && replica->port == port) return replica.get();
  }
  return nullptr;
}

Instance* MonitoredMaster::FindSentinel(std::string_view run_id) {
  for (const auto& sentinel : sentinels) {
    if (sentinel->run_id == run_id) return sentinel.get();
  }
  return nullptr;
}

}  // namespace tandem::sentinel
