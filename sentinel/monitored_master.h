#pragma once
// One primary watched under a `sentinel monitor` name: its configuration, its current address
// (which changes with every failover), the replicas and other sentinels discovered around it, the
// detection and election state, and the failover this sentinel is running for it, if any.
// Owner: the Sentinel (sentinel.h); sentinel thread only.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sentinel/election.h"
#include "sentinel/failure_detector.h"
#include "sentinel/instance.h"
#include "sentinel/sentinel_config.h"

namespace tandem::sentinel {

// A failover run by this sentinel (Redis's SENTINEL_FAILOVER_STATE_*):
// kNone -> kWaitStart (election) -> kSelectReplica -> kSendReplicaOfNoOne -> kWaitPromotion
//   -> (the record switches to the new primary at once: +switch-master) kReconfReplicas -> kNone.
// Unlike Redis, which switches only after every replica was repointed, clients see the new primary
// as soon as it has taken the role. An abort before the promotion goes back to kNone.
enum class FailoverState {
  kNone,                // no failover in progress
  kWaitStart,           // waiting to be elected leader of the failover epoch
  kSelectReplica,       // elected: choosing the replica to promote
  kSendReplicaOfNoOne,  // sending REPLICAOF NO ONE to it
  kWaitPromotion,       // waiting for its INFO to say role:master
  kReconfReplicas,      // switched: repointing the other replicas, parallel-syncs at a time
};

// Redis's names for the states ("none", "wait_start", "select_slave", "send_slaveof_noone",
// "wait_promotion", "reconf_slaves"), as in SENTINEL MASTER's failover-state.
std::string_view FailoverStateName(FailoverState state);

struct MonitoredMaster {
  MonitoredMaster(MasterConfig config, EpochState& epochs, std::string my_run_id,
                  ElectionTiming timing, RandomSource random, int64_t now_ms,
                  std::string leader = {}, uint64_t leader_epoch = 0)
      : config(std::move(config)),
        self(InstanceKind::kMaster, this->config.host, this->config.port, now_ms),
        election(epochs, std::move(my_run_id), timing, std::move(random), std::move(leader),
                 leader_epoch) {}

  MasterConfig config;  // name, quorum, timeouts, auth; config.host/port are the first address
  Instance self;        // the primary at its current address
  uint64_t config_epoch = 0;
  std::vector<std::unique_ptr<Instance>> replicas;   // discovered from its INFO; unique address
  std::vector<std::unique_ptr<Instance>> sentinels;  // discovered from hellos; unique run id

  // Detection.
  DownVoteTally down_votes;
  bool odown = false;
  int64_t odown_since_ms = 0;
  int64_t last_vote_request_ms = 0;  // last round of is-master-down-by-addr sent
  int64_t last_hello_sent_ms = 0;    // 0 forces a hello round at the next tick

  // Election and failover.
  Election election;
  FailoverState failover_state = FailoverState::kNone;
  uint64_t failover_epoch = 0;
  int64_t failover_start_ms = 0;
  int64_t failover_state_change_ms = 0;
  bool force_failover = false;  // SENTINEL FAILOVER: no ODOWN or election needed
  // The replica being promoted, one of `replicas` (until the switch; then null).
  Instance* promoted = nullptr;

  // A switch to a new address decided inside a link callback (promotion seen in INFO, a hello
  // with a newer configuration epoch), carried out by the next tick.
  struct PendingSwitch {
    std::string host;
    int port = 0;
    uint64_t epoch = 0;
    std::string from;  // run id of the sentinel whose hello told of it; empty: this one
  };
  std::optional<PendingSwitch> pending_switch;

  Instance* FindReplica(std::string_view host, int port);
  Instance* FindSentinel(std::string_view run_id);
};

}  // namespace tandem::sentinel
