#pragma once
// The connections a sentinel keeps to one instance: a command link (PING, INFO, the failover's
// REPLICAOF, is-master-down-by-addr) and, for primaries and replicas, a pub/sub link subscribed to
// __sentinel__:hello. Destroying the link closes both connections, and no callback of theirs runs
// afterwards (net::RespClient's contract), so an Instance may be dropped at any time outside its
// own callbacks. Owner: Instance::link; sentinel thread only.

#include <cstddef>
#include <cstdint>
#include <memory>

#include "server/net/resp_client.h"

namespace tandem::sentinel {

class InstanceLink {
 public:
  InstanceLink(std::shared_ptr<net::RespClient> cmd, std::shared_ptr<net::RespClient> pubsub,
               int64_t now_ms)
      : cmd(std::move(cmd)), pubsub(std::move(pubsub)), created_ms(now_ms) {}
  ~InstanceLink() {
    if (cmd) cmd->Close();
    if (pubsub) pubsub->Close();
  }
  InstanceLink(const InstanceLink&) = delete;
  InstanceLink& operator=(const InstanceLink&) = delete;

  // Both connections needed are up and usable.
  bool usable() const { return cmd_ready && (!pubsub || pubsub->connected()); }
  size_t pending_commands() const { return cmd ? cmd->pending() : 0; }

  std::shared_ptr<net::RespClient> cmd;
  std::shared_ptr<net::RespClient> pubsub;  // null for links to sentinels
  int64_t created_ms;
  bool cmd_ready = false;  // connected and AUTH/CLIENT SETNAME sent
  bool failed = false;     // a connection ended: the owner drops the link and retries later
};

}  // namespace tandem::sentinel
