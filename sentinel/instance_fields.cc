#include "sentinel/instance_fields.h"

#include <concepts>
#include <utility>
#include <vector>

namespace tandem::sentinel {
namespace {

// The age of `then_ms`, or of the record's creation when `then_ms` was never set.
int64_t AgeOr(int64_t then_ms, const Instance& instance, int64_t now_ms) {
  return now_ms - (then_ms != 0 ? then_ms : instance.created_ms);
}

bool FailoverInProgress(const MonitoredMaster& master) {
  return master.failover_state != FailoverState::kNone;
}

// A record's field/value pairs, collected before writing so that the map length is known.
class Record {
 public:
  void Add(std::string_view field, std::string value) {
    fields_.emplace_back(field, std::move(value));
  }
  template <std::integral Int>
  void Add(std::string_view field, Int value) {
    Add(field, std::to_string(value));
  }

  void Write(resp::ReplyBuilder& out) const {
    out.MapHeader(fields_.size());
    for (const auto& [field, value] : fields_) {
      out.Bulk(field);
      out.Bulk(value);
    }
  }

 private:
  std::vector<std::pair<std::string_view, std::string>> fields_;
};

// The fields every record starts with, up to down-after-milliseconds, then info-refresh,
// role-reported and role-reported-time for masters and replicas.
Record CommonFields(const Instance& instance, const MonitoredMaster& master, LinkView link,
                    int64_t now_ms) {
  const bool is_master = instance.kind == InstanceKind::kMaster;
  Record record;
  record.Add("name", InstanceName(instance, master));
  record.Add("ip", instance.host);
  record.Add("port", instance.port);
  record.Add("runid", instance.run_id);
  record.Add("flags", InstanceFlags(instance, master, link));
  record.Add("link-pending-commands", link.pending_commands);
  record.Add("link-refcount", link.refcount);
  if (is_master && FailoverInProgress(master)) {
    record.Add("failover-state", std::string(FailoverStateName(master.failover_state)));
  }
  record.Add("last-ping-sent",
             instance.last_ping_sent_ms != 0 ? now_ms - instance.last_ping_sent_ms : 0);
  record.Add("last-ok-ping-reply", AgeOr(instance.last_ok_ping_ms, instance, now_ms));
  record.Add("last-ping-reply", AgeOr(instance.last_ping_reply_ms, instance, now_ms));
  if (instance.sdown) record.Add("s-down-time", now_ms - instance.sdown_since_ms);
  if (is_master && master.odown) record.Add("o-down-time", now_ms - master.odown_since_ms);
  record.Add("down-after-milliseconds", master.config.down_after_ms);
  if (instance.kind != InstanceKind::kSentinel) {
    record.Add("info-refresh",
               instance.info_refresh_ms != 0 ? now_ms - instance.info_refresh_ms : 0);
    // Until an INFO says otherwise, the role reported is the role configured, as in Redis.
    bool reports_master = instance.role == ReportedRole::kMaster ||
                          (instance.role == ReportedRole::kUnknown && is_master);
    record.Add("role-reported", std::string(reports_master ? "master" : "slave"));
    record.Add("role-reported-time", AgeOr(instance.role_reported_ms, instance, now_ms));
  }
  return record;
}

}  // namespace

std::string_view InstanceTypeName(InstanceKind kind) {
  switch (kind) {
    case InstanceKind::kMaster:
      return "master";
    case InstanceKind::kReplica:
      return "slave";
    case InstanceKind::kSentinel:
      return "sentinel";
  }
  return "unknown";
}

std::string InstanceName(const Instance& instance, const MonitoredMaster& master) {
  switch (instance.kind) {
    case InstanceKind::kMaster:
      return master.config.name;
    case InstanceKind::kReplica:
      return instance.Address();
    case InstanceKind::kSentinel:
      return instance.run_id;
  }
  return {};
}

std::string InstanceFlags(const Instance& instance, const MonitoredMaster& master, LinkView link) {
  const bool is_master = instance.kind == InstanceKind::kMaster;
  const bool is_replica = instance.kind == InstanceKind::kReplica;
  std::string flags;
  auto add = [&flags](std::string_view flag) {
    if (!flags.empty()) flags += ',';
    flags += flag;
  };
  if (instance.sdown) add("s_down");
  if (is_master && master.odown) add("o_down");
  add(InstanceTypeName(instance.kind));
  if (!link.connected) add("disconnected");
  if (instance.kind == InstanceKind::kSentinel && instance.says_master_down) add("master_down");
  if (is_master && FailoverInProgress(master)) add("failover_in_progress");
  if (is_replica && (instance.promoted || master.promoted == &instance)) add("promoted");
  if (is_replica) {
    switch (instance.reconf) {
      case ReconfState::kNone:
        break;
      case ReconfState::kSent:
        add("reconf_sent");
        break;
      case ReconfState::kInProgress:
        add("reconf_inprog");
        break;
      case ReconfState::kDone:
        add("reconf_done");
        break;
    }
  }
  if (is_master && master.force_failover && FailoverInProgress(master)) add("force_failover");
  return flags;
}

void WriteMasterRecord(const MonitoredMaster& master, LinkView link, int64_t now_ms,
                       resp::ReplyBuilder& out) {
  Record record = CommonFields(master.self, master, link, now_ms);
  record.Add("config-epoch", master.config_epoch);
  record.Add("num-slaves", master.replicas.size());
  record.Add("num-other-sentinels", master.sentinels.size());
  record.Add("quorum", master.config.quorum);
  record.Add("failover-timeout", master.config.failover_timeout_ms);
  record.Add("parallel-syncs", master.config.parallel_syncs);
  if (!master.config.notification_script.empty()) {
    record.Add("notification-script", master.config.notification_script);
  }
  if (!master.config.client_reconfig_script.empty()) {
    record.Add("client-reconfig-script", master.config.client_reconfig_script);
  }
  record.Write(out);
}

void WriteReplicaRecord(const Instance& replica, const MonitoredMaster& master, LinkView link,
                        int64_t now_ms, resp::ReplyBuilder& out) {
  Record record = CommonFields(replica, master, link, now_ms);
  record.Add("master-link-down-time", replica.master_link_down_ms);
  record.Add("master-link-status", std::string(replica.master_link_up ? "ok" : "err"));
  record.Add("master-host", replica.master_host.empty() ? std::string("?") : replica.master_host);
  record.Add("master-port", replica.master_port);
  record.Add("slave-priority", replica.priority);
  record.Add("slave-repl-offset", replica.repl_offset);
  record.Add("replica-announced", replica.replica_announced ? 1 : 0);
  record.Write(out);
}

void WriteSentinelRecord(const Instance& sentinel, const MonitoredMaster& master, LinkView link,
                         int64_t now_ms, resp::ReplyBuilder& out) {
  Record record = CommonFields(sentinel, master, link, now_ms);
  record.Add("last-hello-message", AgeOr(sentinel.last_hello_ms, sentinel, now_ms));
  record.Add("voted-leader",
             sentinel.voted_leader.empty() ? std::string("?") : sentinel.voted_leader);
  record.Add("voted-leader-epoch", sentinel.voted_leader_epoch);
  record.Write(out);
}

void WriteReplicaList(const MonitoredMaster& master, const LinkViewFn& link_of, int64_t now_ms,
                      resp::ReplyBuilder& out) {
  size_t announced = 0;
  for (const std::unique_ptr<Instance>& replica : master.replicas) {
    if (replica->replica_announced) ++announced;
  }
  out.ArrayHeader(announced);
  for (const std::unique_ptr<Instance>& replica : master.replicas) {
    if (!replica->replica_announced) continue;
    WriteReplicaRecord(*replica, master, link_of(*replica), now_ms, out);
  }
}

void WriteSentinelList(const MonitoredMaster& master, const LinkViewFn& link_of, int64_t now_ms,
                       resp::ReplyBuilder& out) {
  out.ArrayHeader(master.sentinels.size());
  for (const std::unique_ptr<Instance>& sentinel : master.sentinels) {
    WriteSentinelRecord(*sentinel, master, link_of(*sentinel), now_ms, out);
  }
}

std::string InfoSentinelSection(const SentinelSummary& summary,
                                std::span<const MonitoredMaster* const> masters, int64_t now_ms) {
  const int64_t tilt_seconds = summary.tilt ? (now_ms - summary.tilt_since_ms) / 1000 : -1;
  std::string info = "# Sentinel\r\n";
  info += "sentinel_masters:" + std::to_string(masters.size()) + "\r\n";
  info += "sentinel_tilt:" + std::string(summary.tilt ? "1" : "0") + "\r\n";
  info += "sentinel_tilt_since_seconds:" + std::to_string(tilt_seconds) + "\r\n";
  info += "sentinel_running_scripts:" + std::to_string(summary.running_scripts) + "\r\n";
  info += "sentinel_scripts_queue_length:" + std::to_string(summary.scripts_queue_length) + "\r\n";
  info +=
      "sentinel_simulate_failure_flags:" + std::to_string(summary.simulate_failure_flags) + "\r\n";
  size_t index = 0;
  for (const MonitoredMaster* master : masters) {
    std::string_view status = master->odown ? "odown" : master->self.sdown ? "sdown" : "ok";
    info += "master" + std::to_string(index++) + ":name=" + master->config.name;
    info += ",status=" + std::string(status);
    info += ",address=" + master->self.host + ":" + std::to_string(master->self.port);
    info += ",slaves=" + std::to_string(master->replicas.size());
    info += ",sentinels=" + std::to_string(master->sentinels.size() + 1) + "\r\n";
  }
  return info;
}

}  // namespace tandem::sentinel
