// The failover this sentinel runs for a primary (docs/sentinel.md): start an attempt in a new
// epoch, get elected, choose and promote a replica, switch the record to it at once, repoint the
// other replicas parallel-syncs at a time. A manual SENTINEL FAILOVER of a reachable primary asks
// the primary itself to hand over (FAILOVER TO), so no write it acknowledged is lost.

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "sentinel/event_text.h"
#include "sentinel/instance_link.h"
#include "sentinel/replica_ranking.h"
#include "sentinel/sentinel.h"

namespace tandem::sentinel {
namespace {

constexpr int64_t kReconfSentTimeoutMs = 10'000;
// How long replica selection waits for INFO replies given after the primary was lost.
constexpr int64_t kFinalOffsetsWaitMs = 1'000;

std::string_view StateEvent(FailoverState state) {
  switch (state) {
    case FailoverState::kSelectReplica:
      return "+failover-state-select-slave";
    case FailoverState::kSendReplicaOfNoOne:
      return "+failover-state-send-slaveof-noone";
    case FailoverState::kWaitPromotion:
      return "+failover-state-wait-promotion";
    case FailoverState::kReconfReplicas:
      return "+failover-state-reconf-slaves";
    default:
      return {};
  }
}

bool Usable(const Instance& instance) {
  return instance.link && instance.link->cmd_ready && !instance.sdown;
}

}  // namespace

void Sentinel::SetFailoverState(MonitoredMaster& master, FailoverState state, int64_t now) {
  master.failover_state = state;
  master.failover_state_change_ms = now;
  std::string_view event = StateEvent(state);
  if (!event.empty()) Event(event, &master.self, master, "");
}

void Sentinel::CheckFailover(MonitoredMaster& master, int64_t now) {
  if (master.failover_state != FailoverState::kNone) {
    RunFailoverStep(master, now);
    return;
  }
  if (!master.odown) return;
  if (!master.election.MayStartAttempt(now)) {
    // The sentinel this one voted for died before finishing: try again soon, not after the
    // whole election window of a leader that is gone.
    Instance* leader = master.FindSentinel(master.election.leader());
    if (leader && leader->sdown) master.election.LeaderLost(now);
    return;
  }
  StartFailover(master, now, false);
}

bool Sentinel::StartFailover(MonitoredMaster& master, int64_t now, bool forced) {
  uint64_t epoch = master.election.StartAttempt(now);
  Publish("+new-epoch", std::to_string(epoch));
  master.failover_epoch = epoch;
  master.force_failover = forced;
  master.failover_start_ms = now;
  SetFailoverState(master, FailoverState::kWaitStart, now);
  Event("+try-failover", &master.self, master, "");
  SaveStateOrLog();
  if (!forced) AskOtherSentinels(master, now, true);
  return true;
}

void Sentinel::AbortFailover(MonitoredMaster& master, std::string_view why, int64_t now) {
  Event(why, &master.self, master, "");
  if (master.promoted) master.promoted->promoted = false;
  master.promoted = nullptr;
  master.force_failover = false;
  master.failover_state = FailoverState::kNone;
  master.failover_state_change_ms = now;
  master.election.AttemptFailed(now);
}

void Sentinel::RunFailoverStep(MonitoredMaster& master, int64_t now) {
  switch (master.failover_state) {
    case FailoverState::kNone:
      return;
    case FailoverState::kWaitStart: {
      std::vector<LeaderVote> votes;
      for (const auto& sentinel : master.sentinels) {
        votes.push_back({sentinel->run_id, sentinel->voted_leader, sentinel->voted_leader_epoch});
      }
      std::optional<std::string> leader = master.election.Tally(
          votes, master.sentinels.size() + 1, static_cast<unsigned>(master.config.quorum), now);
      if (leader && *leader != my_id_ && !master.force_failover) {
        // Another sentinel won this epoch; it runs the failover.
        AbortFailover(master, "-failover-abort-not-elected", now);
        return;
      }
      if (master.force_failover || (leader && *leader == my_id_)) {
        SaveStateOrLog();
        Event("+elected-leader", &master.self, master, "");
        SimulateCrash(kCrashAfterElection);
        SetFailoverState(master, FailoverState::kSelectReplica, now);
        SelectReplicaStep(master, now);
        return;
      }
      // Every voter has voted in this epoch and nobody won (a split vote): no need to wait for
      // the election timeout, the retry comes after the randomised delay.
      size_t voted = 1;
      for (const LeaderVote& vote : votes) voted += vote.epoch == master.failover_epoch;
      if (voted >= master.sentinels.size() + 1 || master.election.AttemptTimedOut(now)) {
        AbortFailover(master, "-failover-abort-not-elected", now);
      }
      return;
    }
    case FailoverState::kSelectReplica:
      SelectReplicaStep(master, now);
      return;
    case FailoverState::kSendReplicaOfNoOne:
      SendPromotion(master, now);
      return;
    case FailoverState::kWaitPromotion: {
      Instance& promoted = *master.promoted;
      if (promoted.role == ReportedRole::kMaster &&
          promoted.info_refresh_ms > master.failover_state_change_ms) {
        if (!master.pending_switch) {
          Event("+promoted-slave", &promoted, master, "");
          SimulateCrash(kCrashAfterPromotion);
          master.pending_switch = MonitoredMaster::PendingSwitch{
              promoted.host, promoted.port, master.failover_epoch, {}};
        }
        return;
      }
      if (now - master.failover_state_change_ms > master.config.failover_timeout_ms) {
        AbortFailover(master, "-failover-abort-slave-timeout", now);
      }
      return;
    }
    case FailoverState::kReconfReplicas:
      ReconfReplicasStep(master, now);
      return;
  }
}

void Sentinel::SelectReplicaStep(MonitoredMaster& master, int64_t now) {
  if (master.self.sdown && !WaitForFinalOffsets(master, now)) return;
  std::vector<ReplicaView> views;
  for (const auto& replica : master.replicas) {
    ReplicaView view;
    view.host = replica->host;
    view.port = replica->port;
    view.run_id = replica->run_id;
    view.link_up = replica->master_link_up;
    view.disconnected = !replica->link || !replica->link->cmd_ready;
    view.sdown = replica->sdown;
    view.last_reply_ms = replica->last_ok_ping_ms;
    view.info_refresh_ms = replica->info_refresh_ms;
    view.master_link_down_ms = replica->master_link_down_ms;
    view.priority = replica->priority;
    view.repl_offset = replica->repl_offset;
    views.push_back(std::move(view));
  }
  RankingParams params;
  params.down_after_ms = master.config.down_after_ms;
  params.master_sdown = master.self.sdown;
  params.master_sdown_since_ms = master.self.sdown_since_ms;
  params.ping_period_ms = std::min<int64_t>(master.config.down_after_ms, 1'000);
  std::optional<size_t> chosen = SelectReplica(views, params, now);
  if (!chosen) {
    AbortFailover(master, "-failover-abort-no-good-slave", now);
    return;
  }
  Instance& replica = *master.replicas[*chosen];
  replica.promoted = true;
  master.promoted = &replica;
  Event("+selected-slave", &replica, master, "");
  SetFailoverState(master, FailoverState::kSendReplicaOfNoOne, now);
  SendPromotion(master, now);
}

bool Sentinel::WaitForFinalOffsets(MonitoredMaster& master, int64_t now) {
  // Offsets reported before the primary was lost may miss its last writes; a replica that got
  // them must win, or its resync from the promoted one throws them away. Ask, and wait a little.
  bool stale = false;
  for (const auto& replica : master.replicas) {
    if (!Usable(*replica) || replica->info_refresh_ms > master.self.sdown_since_ms) continue;
    stale = true;
    if (replica->info_sent_ms <= master.self.sdown_since_ms) SendInfo(master, *replica);
  }
  return !stale || now - master.failover_state_change_ms >= kFinalOffsetsWaitMs;
}

void Sentinel::SendPromotion(MonitoredMaster& master, int64_t now) {
  Instance& promoted = *master.promoted;
  if (!promoted.link || !promoted.link->cmd_ready) {
    if (now - master.failover_state_change_ms > master.config.failover_timeout_ms) {
      AbortFailover(master, "-failover-abort-slave-timeout", now);
    }
    return;
  }
  SetFailoverState(master, FailoverState::kWaitPromotion, now);
  std::string host = promoted.host;
  int port = promoted.port;
  bool handover = master.force_failover && !master.self.sdown && master.self.link &&
                  master.self.link->cmd_ready && master.self.role == ReportedRole::kMaster;
  // Its INFO is asked for as soon as the promotion was accepted, not at the next period.
  auto refresh = [this, &master, &promoted](bool accepted) {
    if (accepted) SendInfo(master, promoted);
  };
  if (!handover) {
    SendReplicaOf(master, promoted, "", 0, refresh);
    return;
  }
  // The primary pauses writes, waits until the replica has all of them, then demotes itself and
  // hands over: nothing it acknowledged is lost. A server without FAILOVER gets Redis's way.
  std::string port_text = std::to_string(port);
  std::string timeout = std::to_string(master.config.failover_timeout_ms);
  master.self.link->cmd->Send(
      {"FAILOVER", "TO", host, port_text, "TIMEOUT", timeout},
      [this, &master, refresh](base::StatusOr<resp::Reply> reply) {
        if (reply.ok() && reply->type == resp::Reply::Type::kString) return;
        if (master.promoted && master.failover_state == FailoverState::kWaitPromotion) {
          spdlog::warn("FAILOVER refused by the primary ({}); promoting with REPLICAOF NO ONE",
                       reply.ok() ? reply->str : reply.status().message());
          SendReplicaOf(master, *master.promoted, "", 0, refresh);
        }
      });
}

void Sentinel::ReconfReplicasStep(MonitoredMaster& master, int64_t now) {
  bool timed_out = now - master.failover_state_change_ms > master.config.failover_timeout_ms;
  size_t in_flight = 0;
  for (const auto& replica : master.replicas) {
    if (replica->reconf == ReconfState::kSent &&
        now - replica->reconf_sent_ms > kReconfSentTimeoutMs) {
      Event("-slave-reconf-sent-timeout", replica.get(), master, "");
      replica->reconf = ReconfState::kDone;
    }
    if (replica->reconf == ReconfState::kSent || replica->reconf == ReconfState::kInProgress) {
      ++in_flight;
    }
  }
  bool pending = false;
  for (const auto& replica_ptr : master.replicas) {
    Instance& replica = *replica_ptr;
    // The old primary is repointed when it comes back (probes.cc), not as part of this run.
    if (replica.demoted_primary || replica.reconf == ReconfState::kDone) continue;
    if (replica.reconf != ReconfState::kNone) {
      pending = true;
      continue;
    }
    if (!Usable(replica)) {
      if (timed_out && replica.link && replica.link->cmd_ready) {
        SendReplicaOf(master, replica, master.self.host, master.self.port, {});
        Event("+slave-reconf-sent-be", &replica, master, "");
      }
      continue;
    }
    bool following = replica.role == ReportedRole::kReplica &&
                     replica.master_host == master.self.host &&
                     replica.master_port == master.self.port && replica.master_link_up;
    if (following) {
      replica.reconf = ReconfState::kDone;
      continue;
    }
    pending = true;
    if (in_flight >= static_cast<size_t>(master.config.parallel_syncs) && !timed_out) continue;
    ++in_flight;
    replica.reconf = ReconfState::kSent;
    replica.reconf_sent_ms = now;
    SendReplicaOf(master, replica, master.self.host, master.self.port, {});
    Event(timed_out ? "+slave-reconf-sent-be" : "+slave-reconf-sent", &replica, master, "");
  }
  if (pending && !timed_out) return;
  if (timed_out) Event("+failover-end-for-timeout", &master.self, master, "");
  Event("+failover-end", &master.self, master, "");
  for (const auto& replica : master.replicas) replica->reconf = ReconfState::kNone;
  master.failover_state = FailoverState::kNone;
  master.failover_state_change_ms = now;
  master.force_failover = false;
}

void Sentinel::SimulateCrash(uint32_t flag) {
  if ((simulate_failure_flags_ & flag) == 0) return;
  spdlog::warn("Simulated crash (SENTINEL SIMULATE-FAILURE), exiting with 99");
  spdlog::default_logger()->flush();
  std::_Exit(99);
}

void Sentinel::ApplyPendingSwitches(int64_t now) {
  for (const auto& master_ptr : masters_) {
    MonitoredMaster& master = *master_ptr;
    if (!master.pending_switch) continue;
    MonitoredMaster::PendingSwitch next = std::move(*master.pending_switch);
    master.pending_switch.reset();
    bool leading = master.failover_state == FailoverState::kWaitPromotion && next.from.empty();
    if (!next.from.empty()) {
      if (next.epoch <= master.config_epoch) continue;
      Instance* from = master.FindSentinel(next.from);
      Event("+config-update-from", from ? from : &master.self, master, "");
      if (master.failover_state != FailoverState::kNone) {
        // Another sentinel's newer failover supersedes this one's.
        if (master.promoted) master.promoted->promoted = false;
        master.promoted = nullptr;
        master.failover_state = FailoverState::kNone;
        master.force_failover = false;
      }
    }
    SwitchMaster(master, next.host, next.port, next.epoch, leading, now);
    if (leading) SetFailoverState(master, FailoverState::kReconfReplicas, now);
  }
}

void Sentinel::SwitchMaster(MonitoredMaster& master, const std::string& host, int port,
                            uint64_t epoch, bool leading, int64_t now) {
  std::string old_host = master.self.host;
  int old_port = master.self.port;
  master.config_epoch = epoch;
  // Every instance record but the new primary's is kept, links included; the new primary starts
  // a fresh record, so it is judged only on replies given after its promotion.
  std::erase_if(master.replicas, [&](const auto& r) { return r->host == host && r->port == port; });
  master.promoted = nullptr;
  master.self = Instance(InstanceKind::kMaster, host, port, now);
  master.self.role_reported_ms = now;
  if (!(old_host == host && old_port == port)) {
    auto old = std::make_unique<Instance>(InstanceKind::kReplica, old_host, old_port, now);
    old->demoted_primary = true;
    master.replicas.push_back(std::move(old));
  }
  master.down_votes.Clear();
  master.odown = false;
  master.last_hello_sent_ms = 0;
  Publish("+switch-master", SwitchMasterText(master.config.name, old_host, old_port, host, port));
  if (!master.config.client_reconfig_script.empty()) {
    scripts_.Schedule(master.config.client_reconfig_script,
                      {master.config.name, leading ? "leader" : "observer", "start", old_host,
                       std::to_string(old_port), host, std::to_string(port)});
  }
  SaveStateOrLog();
}

}  // namespace tandem::sentinel
