// The periodic probes (PING, INFO) and what a server's INFO teaches the sentinel: its run id and
// role, the replicas of a primary, a replica's view of its link, and the progress of the
// replicas a failover repoints; and the fixing of servers whose role disagrees with the record.

#include <spdlog/spdlog.h>

#include "sentinel/info_report.h"
#include "sentinel/instance_link.h"
#include "sentinel/sentinel.h"

namespace tandem::sentinel {
namespace {

constexpr int64_t kInfoPeriodMs = 10'000;
constexpr int64_t kFastInfoPeriodMs = 1'000;
// The replica being promoted is polled faster still: its role change ends the wait.
constexpr int64_t kPromotionInfoPeriodMs = 200;
constexpr int64_t kMinLinkReconnectMs = 15'000;
constexpr int64_t kMaxPendingCommands = 100;
// How long a server may report a role other than its record's before it is reconfigured (Redis:
// four hello periods), so that a sentinel that missed a failover learns of it first.
constexpr int64_t kWrongRoleGraceMs = 8'000;
constexpr int64_t kMasterInfoValidityMs = 20'000;

int64_t PingPeriodMs(const MonitoredMaster& master) {
  return std::min<int64_t>(master.config.down_after_ms, 1'000);
}

bool NeedsFastInfo(const MonitoredMaster& master, const Instance& instance) {
  if (master.failover_state != FailoverState::kNone || master.self.sdown || master.odown) {
    return true;
  }
  return instance.kind == InstanceKind::kReplica &&
         (!instance.master_link_up || instance.demoted_primary ||
          instance.role == ReportedRole::kMaster);
}

// The primary record looks healthy enough to repoint other servers at it.
bool LooksSane(const MonitoredMaster& master, int64_t now) {
  const Instance& self = master.self;
  return self.role == ReportedRole::kMaster && !self.sdown && self.info_refresh_ms > 0 &&
         now - self.info_refresh_ms < kMasterInfoValidityMs;
}

}  // namespace

void Sentinel::ProbeInstance(MonitoredMaster& master, Instance& instance, int64_t now) {
  ConnectIfNeeded(master, instance);
  InstanceLink* link = instance.link.get();
  if (!link || !link->cmd_ready) return;
  int64_t period = PingPeriodMs(master);
  // A peer that stopped answering gets a fresh connection now and then (Redis's rule), but the
  // failure detector keeps counting from the first unanswered PING.
  if (instance.last_ping_sent_ms != 0 &&
      now - instance.last_ping_sent_ms > master.config.down_after_ms / 2 &&
      now - link->created_ms > kMinLinkReconnectMs) {
    CloseLink(instance);
    return;
  }
  if (link->pending_commands() >= kMaxPendingCommands) return;
  if (now - instance.last_ping_reply_ms > period &&
      (instance.last_ping_sent_ms == 0 || now - instance.last_ping_sent_ms > period / 2)) {
    SendPing(master, instance);
  }
  if (instance.kind == InstanceKind::kSentinel) return;
  int64_t info_period = instance.promoted                 ? kPromotionInfoPeriodMs
                        : NeedsFastInfo(master, instance) ? kFastInfoPeriodMs
                                                          : kInfoPeriodMs;
  bool info_pending = instance.info_sent_ms > instance.info_refresh_ms &&
                      now - instance.info_sent_ms < kInfoPeriodMs;
  if (!info_pending && now - instance.info_refresh_ms >= info_period) SendInfo(master, instance);
}

Instance* Sentinel::AddReplica(MonitoredMaster& master, std::string host, int port) {
  if (Instance* known = master.FindReplica(host, port)) return known;
  if (host == master.self.host && port == master.self.port) return nullptr;
  master.replicas.push_back(
      std::make_unique<Instance>(InstanceKind::kReplica, std::move(host), port, Now()));
  state_dirty_ = true;
  return master.replicas.back().get();
}

void Sentinel::OnInfo(MonitoredMaster& master, Instance& instance, std::string text) {
  int64_t now = Now();
  InfoReport info = ParseInfo(text);
  instance.info_refresh_ms = now;
  instance.info_text = std::move(text);
  if (!info.run_id.empty() && info.run_id != instance.run_id) {
    if (!instance.run_id.empty()) Event("+reboot", &instance, master, "");
    instance.run_id = info.run_id;
  }
  if (info.role != instance.role) {
    instance.role = info.role;
    instance.role_reported_ms = now;
  }
  instance.master_host = info.master_host;
  instance.master_port = info.master_port;
  instance.master_link_up = info.master_link_up;
  instance.master_link_down_ms = info.master_link_down_ms;
  instance.priority = info.priority;
  instance.repl_offset =
      info.role == ReportedRole::kMaster ? info.master_repl_offset : info.repl_offset;
  instance.replica_announced = info.replica_announced;

  if (&instance == &master.self && info.role == ReportedRole::kMaster) {
    for (const auto& replica : info.replicas) {
      if (master.FindReplica(replica.host, replica.port)) continue;
      if (Instance* added = AddReplica(master, replica.host, replica.port)) {
        Event("+slave", added, master, "");
      }
    }
  }
  if (instance.kind == InstanceKind::kReplica && info.role == ReportedRole::kReplica) {
    instance.demoted_primary = false;
  }
  if (in_tilt_ || master.failover_state != FailoverState::kReconfReplicas) return;
  // The replicas this sentinel is repointing: sent -> in progress -> done.
  bool points_at_master =
      instance.master_host == master.self.host && instance.master_port == master.self.port;
  if (instance.reconf == ReconfState::kSent && points_at_master) {
    instance.reconf = ReconfState::kInProgress;
    Event("+slave-reconf-inprog", &instance, master, "");
  }
  if (instance.reconf == ReconfState::kInProgress && points_at_master && instance.master_link_up) {
    instance.reconf = ReconfState::kDone;
    Event("+slave-reconf-done", &instance, master, "");
  }
}

void Sentinel::CheckRoles(MonitoredMaster& master, Instance& instance, int64_t now) {
  if (instance.kind != InstanceKind::kReplica || instance.promoted ||
      master.failover_state != FailoverState::kNone || instance.info_refresh_ms == 0 ||
      !LooksSane(master, now)) {
    return;
  }
  bool wrong_role = instance.role == ReportedRole::kMaster;
  bool wrong_master =
      instance.role == ReportedRole::kReplica &&
      (instance.master_host != master.self.host || instance.master_port != master.self.port);
  if (!wrong_role && !wrong_master) {
    instance.wrong_role_since_ms = 0;
    return;
  }
  if (instance.wrong_role_since_ms == 0) instance.wrong_role_since_ms = now;
  // A primary this sentinel saw replaced is repointed as soon as it is reached: every write it
  // acknowledges from now on would be thrown away by its resync.
  int64_t grace = wrong_role && instance.demoted_primary ? 0 : kWrongRoleGraceMs;
  if (now - std::max(instance.role_reported_ms, instance.wrong_role_since_ms) < grace) return;
  if (now - instance.reconf_sent_ms < kFastInfoPeriodMs * 2) return;
  instance.reconf_sent_ms = now;
  Event(wrong_role ? "+convert-to-slave" : "+fix-slave-config", &instance, master, "");
  SendReplicaOf(master, instance, master.self.host, master.self.port, {});
}

}  // namespace tandem::sentinel
