// SENTINEL <subcommand>: Redis 7.0's subcommands, arities, replies and error texts
// (shared/reference/redis-replication-sentinel.md §3.13); the records come from
// instance_fields.h. Changes made here (MONITOR, REMOVE, SET, RESET, CONFIG SET) apply at once and
// are not written to the operator's config file.

#include <arpa/inet.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "sentinel/instance_fields.h"
#include "sentinel/instance_link.h"
#include "sentinel/replica_ranking.h"
#include "sentinel/sentinel.h"
#include "server/base/ascii_case.h"
#include "server/base/glob.h"
#include "server/base/number_parse.h"
#include "server/resp/help_reply.h"

namespace tandem::sentinel {

class SentinelCommands {
 public:
  SentinelCommands(Sentinel& s, std::span<const std::string_view> args, resp::ReplyBuilder& out)
      : s_(s), args_(args), out_(out), now_(s.Now()) {}

  void Run();

 private:
  using Handler = void (SentinelCommands::*)();
  struct Row {
    std::string_view name;
    int arity;  // Redis's rule, counting "SENTINEL" and the subcommand
    Handler handler;
  };

  MonitoredMaster* MasterOrReply(std::string_view name);
  static LinkView ViewOf(const Instance& instance);

  void Masters();
  void Master();
  void Replicas();
  void Sentinels();
  void GetMasterAddr();
  void MyId();
  void CkQuorum();
  void Failover();
  void Reset();
  void Monitor();
  void Remove();
  void Set();
  void Config();
  void InfoCache();
  void IsMasterDownByAddr() { s_.IsMasterDownByAddr(args_.subspan(1), out_); }
  void SimulateFailure();
  void Debug();
  void PendingScripts() { out_.ArrayHeader(0); }
  void FlushConfig();
  void Help();

  static const Row kRows[];

  Sentinel& s_;
  std::span<const std::string_view> args_;  // args_[0] is the subcommand
  resp::ReplyBuilder& out_;
  int64_t now_;
};

const SentinelCommands::Row SentinelCommands::kRows[] = {
    {"ckquorum", 3, &SentinelCommands::CkQuorum},
    {"config", -3, &SentinelCommands::Config},
    {"debug", -2, &SentinelCommands::Debug},
    {"failover", 3, &SentinelCommands::Failover},
    {"flushconfig", 2, &SentinelCommands::FlushConfig},
    {"get-master-addr-by-name", 3, &SentinelCommands::GetMasterAddr},
    {"help", 2, &SentinelCommands::Help},
    {"info-cache", -3, &SentinelCommands::InfoCache},
    {"is-master-down-by-addr", 6, &SentinelCommands::IsMasterDownByAddr},
    {"master", 3, &SentinelCommands::Master},
    {"masters", 2, &SentinelCommands::Masters},
    {"monitor", 6, &SentinelCommands::Monitor},
    {"myid", 2, &SentinelCommands::MyId},
    {"pending-scripts", 2, &SentinelCommands::PendingScripts},
    {"remove", 3, &SentinelCommands::Remove},
    {"replicas", 3, &SentinelCommands::Replicas},
    {"reset", 3, &SentinelCommands::Reset},
    {"sentinels", 3, &SentinelCommands::Sentinels},
    {"set", -5, &SentinelCommands::Set},
    {"simulate-failure", -3, &SentinelCommands::SimulateFailure},
    {"slaves", 3, &SentinelCommands::Replicas},
};

void SentinelCommands::Run() {
  if (args_.empty()) {
    out_.Error("ERR wrong number of arguments for 'sentinel' command");
    return;
  }
  std::string name = base::AsciiLower(args_[0]);
  for (const Row& row : kRows) {
    if (row.name != name) continue;
    int argc = static_cast<int>(args_.size()) + 1;
    if ((row.arity > 0 && argc != row.arity) || (row.arity < 0 && argc < -row.arity)) {
      out_.Error("ERR wrong number of arguments for 'sentinel|" + name + "' command");
      return;
    }
    (this->*row.handler)();
    return;
  }
  out_.Error("ERR unknown subcommand '" + std::string(args_[0]) + "'. Try SENTINEL HELP.");
}

LinkView SentinelCommands::ViewOf(const Instance& instance) {
  LinkView view;
  if (instance.link) {
    view.connected = instance.link->cmd_ready && !instance.link->failed;
    view.pending_commands = instance.link->pending_commands();
  }
  return view;
}

MonitoredMaster* SentinelCommands::MasterOrReply(std::string_view name) {
  for (const auto& master : s_.masters_) {
    if (master->config.name == name) return master.get();
  }
  out_.Error("ERR No such master with that name");
  return nullptr;
}

void SentinelCommands::Masters() {
  out_.ArrayHeader(s_.masters_.size());
  for (const auto& master : s_.masters_) {
    WriteMasterRecord(*master, ViewOf(master->self), now_, out_);
  }
}

void SentinelCommands::Master() {
  if (MonitoredMaster* master = MasterOrReply(args_[1])) {
    WriteMasterRecord(*master, ViewOf(master->self), now_, out_);
  }
}

void SentinelCommands::Replicas() {
  if (MonitoredMaster* master = MasterOrReply(args_[1])) {
    WriteReplicaList(*master, ViewOf, now_, out_);
  }
}

void SentinelCommands::Sentinels() {
  if (MonitoredMaster* master = MasterOrReply(args_[1])) {
    WriteSentinelList(*master, ViewOf, now_, out_);
  }
}

void SentinelCommands::GetMasterAddr() {
  for (const auto& master : s_.masters_) {
    if (master->config.name != args_[1]) continue;
    out_.ArrayHeader(2);
    out_.Bulk(master->self.host);
    out_.Bulk(std::to_string(master->self.port));
    return;
  }
  out_.NullArray();
}

void SentinelCommands::MyId() { out_.Bulk(s_.my_id_); }

void SentinelCommands::CkQuorum() {
  MonitoredMaster* master = MasterOrReply(args_[1]);
  if (!master) return;
  size_t voters = master->sentinels.size() + 1;
  size_t usable = 1;
  for (const auto& sentinel : master->sentinels) {
    if (!sentinel->sdown && ViewOf(*sentinel).connected) ++usable;
  }
  std::string head = std::to_string(usable) + " usable Sentinels. ";
  bool quorum = usable >= static_cast<size_t>(master->config.quorum);
  bool majority = usable >= voters / 2 + 1;
  if (quorum && majority) {
    out_.SimpleString("OK " + head + "Quorum and failover authorization can be reached");
    return;
  }
  std::string error = "NOQUORUM " + head;
  if (!quorum)
    error += "Not enough available Sentinels to reach the specified quorum for this master";
  if (!majority) {
    if (!quorum) error += ". ";
    error += "Not enough available Sentinels to reach the majority and authorize a failover";
  }
  out_.Error(error);
}

void SentinelCommands::Failover() {
  MonitoredMaster* master = MasterOrReply(args_[1]);
  if (!master) return;
  if (master->failover_state != FailoverState::kNone) {
    out_.Error("INPROG Failover already in progress");
    return;
  }
  bool any = false;
  for (const auto& replica : master->replicas) {
    any = any || (!replica->sdown && replica->priority != 0 && ViewOf(*replica).connected &&
                  replica->info_refresh_ms > 0);
  }
  if (!any) {
    out_.Error("NOGOODSLAVE No suitable replica to promote");
    return;
  }
  s_.StartFailover(*master, now_, true);
  out_.SimpleString("OK");
}

void SentinelCommands::Reset() {
  int64_t count = 0;
  for (const auto& master : s_.masters_) {
    if (!base::GlobMatch(args_[1], master->config.name)) continue;
    s_.ResetMaster(*master);
    ++count;
  }
  if (count > 0) s_.SaveStateOrLog();
  out_.Integer(count);
}

void SentinelCommands::Monitor() {
  std::optional<int64_t> quorum = base::ParseInt64(args_[4]);
  if (!quorum) {
    out_.Error("ERR Invalid quorum");
    return;
  }
  std::optional<int64_t> port = base::ParseInt64(args_[3]);
  if (!port) {
    out_.Error("ERR Invalid port");
    return;
  }
  if (*quorum <= 0) {
    out_.Error("ERR Quorum must be 1 or greater.");
    return;
  }
  std::string host(args_[2]);
  unsigned char addr[16];
  if (!s_.config_.resolve_hostnames && inet_pton(AF_INET, host.c_str(), addr) != 1 &&
      inet_pton(AF_INET6, host.c_str(), addr) != 1) {
    out_.Error("ERR Invalid IP address or hostname specified");
    return;
  }
  if (s_.config_.FindMaster(args_[1]) ||
      std::any_of(s_.masters_.begin(), s_.masters_.end(),
                  [&](const auto& m) { return m->config.name == args_[1]; })) {
    out_.Error("ERR Duplicate master name.");
    return;
  }
  if (*port <= 0 || *port > 65535) {
    out_.Error("ERR Invalid port number.");
    return;
  }
  MasterConfig config;
  config.name = std::string(args_[1]);
  config.host = host;
  config.port = static_cast<int>(*port);
  config.quorum = static_cast<int>(*quorum);
  s_.masters_.push_back(s_.NewMaster(config));
  s_.Event("+monitor", &s_.masters_.back()->self, *s_.masters_.back(),
           "quorum " + std::to_string(config.quorum));
  s_.SaveStateOrLog();
  out_.SimpleString("OK");
}

void SentinelCommands::Remove() {
  auto it = std::find_if(s_.masters_.begin(), s_.masters_.end(),
                         [&](const auto& m) { return m->config.name == args_[1]; });
  if (it == s_.masters_.end()) {
    out_.Error("ERR No such master with that name");
    return;
  }
  s_.Event("-monitor", &(*it)->self, **it, "");
  s_.masters_.erase(it);
  s_.SaveStateOrLog();
  out_.SimpleString("OK");
}

void SentinelCommands::Set() {
  MonitoredMaster* master = MasterOrReply(args_[1]);
  if (!master) return;
  MasterConfig& config = master->config;
  // Applied pairwise after the whole line was checked, so a bad option changes nothing.
  MasterConfig next = config;
  for (size_t i = 2; i < args_.size(); i += 2) {
    std::string option = base::AsciiLower(args_[i]);
    bool last = i + 1 >= args_.size();
    if (last) {
      out_.Error("ERR Unknown option or number of arguments for SENTINEL SET '" + option + "'");
      return;
    }
    std::string_view value = args_[i + 1];
    std::optional<int64_t> number = base::ParseInt64(value);
    auto bad = [&] {
      out_.Error("ERR Invalid argument '" + std::string(value) + "' for SENTINEL SET '" + option +
                 "'");
    };
    if (option == "down-after-milliseconds") {
      if (!number || *number <= 0) return bad();
      next.down_after_ms = *number;
    } else if (option == "failover-timeout") {
      if (!number || *number <= 0) return bad();
      next.failover_timeout_ms = *number;
    } else if (option == "parallel-syncs") {
      if (!number || *number <= 0) return bad();
      next.parallel_syncs = static_cast<int>(*number);
    } else if (option == "quorum") {
      if (!number || *number <= 0) return bad();
      next.quorum = static_cast<int>(*number);
    } else if (option == "master-reboot-down-after-period") {
      if (!number || *number < 0) return bad();
      next.master_reboot_down_after_ms = *number;
    } else if (option == "auth-pass") {
      next.auth_pass = std::string(value);
    } else if (option == "auth-user") {
      next.auth_user = std::string(value);
    } else if (option == "notification-script" || option == "client-reconfig-script") {
      if (s_.config_.deny_scripts_reconfig) {
        out_.Error(
            "ERR Reconfiguration of scripts path is denied for security reasons. Check the "
            "deny-scripts-reconfig configuration directive in your Sentinel configuration");
        return;
      }
      std::string path(value);
      if (!path.empty() && access(path.c_str(), X_OK) == -1) {
        out_.Error("ERR " +
                   std::string(option == "notification-script" ? "Notification"
                                                               : "Client reconfiguration") +
                   " script seems non existing or non executable");
        return;
      }
      (option == "notification-script" ? next.notification_script : next.client_reconfig_script) =
          path;
    } else if (option == "rename-command") {
      if (i + 2 >= args_.size()) {
        out_.Error("ERR Unknown option or number of arguments for SENTINEL SET '" + option + "'");
        return;
      }
      std::string from = base::AsciiLower(value);
      std::string to(args_[i + 2]);
      if (base::AsciiLower(to) == from) {
        next.renamed_commands.erase(from);
      } else {
        next.renamed_commands[from] = to;
      }
      ++i;
    } else {
      out_.Error("ERR Unknown option or number of arguments for SENTINEL SET '" + option + "'");
      return;
    }
  }
  bool auth_changed = next.auth_pass != config.auth_pass || next.auth_user != config.auth_user;
  config = std::move(next);
  if (auth_changed) s_.ResetLinks(*master);
  for (size_t i = 2; i + 1 < args_.size(); i += 2) {
    s_.Event("+set", &master->self, *master,
             std::string(args_[i]) + " " + std::string(args_[i + 1]));
  }
  out_.SimpleString("OK");
}

void SentinelCommands::Config() {
  std::string action = base::AsciiLower(args_[1]);
  SentinelConfig& config = s_.config_;
  if (action == "get" && args_.size() == 3) {
    std::vector<std::pair<std::string_view, std::string>> all = {
        {"resolve-hostnames", config.resolve_hostnames ? "yes" : "no"},
        {"announce-hostnames", config.announce_hostnames ? "yes" : "no"},
        {"announce-ip", config.announce_ip},
        {"announce-port", std::to_string(config.announce_port)},
        {"sentinel-user", config.sentinel_user},
        {"sentinel-pass", config.sentinel_pass},
    };
    size_t matches = 0;
    for (const auto& [name, value] : all) matches += base::GlobMatch(args_[2], name, true);
    out_.MapHeader(matches);
    for (const auto& [name, value] : all) {
      if (!base::GlobMatch(args_[2], name, true)) continue;
      out_.Bulk(name);
      out_.Bulk(value);
    }
    return;
  }
  if (action == "set" && args_.size() == 4) {
    std::string name = base::AsciiLower(args_[2]);
    std::string value(args_[3]);
    std::string lower = base::AsciiLower(value);
    auto yes_no = [&](bool& field) {
      if (lower != "yes" && lower != "no") return false;
      field = lower == "yes";
      return true;
    };
    bool ok = true;
    if (name == "resolve-hostnames") {
      ok = yes_no(config.resolve_hostnames);
    } else if (name == "announce-hostnames") {
      ok = yes_no(config.announce_hostnames);
    } else if (name == "announce-ip") {
      config.announce_ip = value;
    } else if (name == "announce-port") {
      std::optional<int64_t> port = base::ParseInt64(value);
      ok = port && *port >= 0 && *port <= 65535;
      if (ok) config.announce_port = static_cast<int>(*port);
    } else if (name == "sentinel-user") {
      config.sentinel_user = value;
    } else if (name == "sentinel-pass") {
      config.sentinel_pass = value;
    } else {
      out_.Error("ERR Invalid argument '" + std::string(args_[2]) + "' to SENTINEL CONFIG SET");
      return;
    }
    if (!ok) {
      out_.Error("ERR Invalid value '" + value + "' to SENTINEL CONFIG SET '" + name + "'");
      return;
    }
    out_.SimpleString("OK");
    return;
  }
  out_.Error("ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.");
}

void SentinelCommands::InfoCache() {
  std::vector<const MonitoredMaster*> chosen;
  for (const auto& master : s_.masters_) {
    bool named = args_.size() == 1;
    for (size_t i = 1; i < args_.size(); ++i) named = named || master->config.name == args_[i];
    if (named) chosen.push_back(master.get());
  }
  out_.MapHeader(chosen.size());
  auto entry = [&](const Instance& instance) {
    out_.ArrayHeader(2);
    if (instance.info_refresh_ms == 0) {
      out_.Integer(0);
      out_.Null();
    } else {
      out_.Integer(now_ - instance.info_refresh_ms);
      out_.Verbatim(instance.info_text);
    }
  };
  for (const MonitoredMaster* master : chosen) {
    out_.Bulk(master->config.name);
    out_.ArrayHeader(master->replicas.size() + 1);
    entry(master->self);
    for (const auto& replica : master->replicas) entry(*replica);
  }
}

void SentinelCommands::SimulateFailure() {
  uint32_t flags = 0;
  for (size_t i = 1; i < args_.size(); ++i) {
    std::string what = base::AsciiLower(args_[i]);
    if (what == "crash-after-election") {
      flags |= kCrashAfterElection;
    } else if (what == "crash-after-promotion") {
      flags |= kCrashAfterPromotion;
    } else if (what == "help") {
      std::string_view names[] = {"crash-after-election", "crash-after-promotion"};
      out_.BulkArray(names);
      return;
    } else {
      out_.Error("ERR Unknown failure simulation specified");
      return;
    }
  }
  s_.simulate_failure_flags_ = flags;
  out_.SimpleString("OK");
}

void SentinelCommands::Debug() {
  // Tandem's timing constants are fixed; the list is shown as Redis does, read-only.
  if (args_.size() > 1) {
    out_.Error("ERR Tandem's sentinel timing parameters cannot be changed at run time");
    return;
  }
  std::pair<std::string_view, int64_t> rows[] = {
      {"INFO-PERIOD", 10'000},
      {"PING-PERIOD", 1'000},
      {"ASK-PERIOD", 1'000},
      {"PUBLISH-PERIOD", 2'000},
      {"DEFAULT-DOWN-AFTER", 30'000},
      {"DEFAULT-FAILOVER-TIMEOUT", 180'000},
      {"TILT-TRIGGER", 2'000},
      {"TILT-PERIOD", 30'000},
      {"SLAVE-RECONF-TIMEOUT", 10'000},
      {"MIN-LINK-RECONNECT-PERIOD", 15'000},
      {"ELECTION-TIMEOUT", 10'000},
  };
  out_.MapHeader(std::size(rows));
  for (const auto& [name, value] : rows) {
    out_.Bulk(name);
    out_.Bulk(std::to_string(value));
  }
}

void SentinelCommands::FlushConfig() {
  s_.SaveStateOrLog();
  out_.SimpleString("OK");
}

void SentinelCommands::Help() {
  resp::ReplyHelp(
      out_, "SENTINEL",
      {"CKQUORUM <master-name>",
       "    Check if the current Sentinel configuration can reach the quorum and the",
       "    majority needed to authorize a failover of the master.",
       "CONFIG SET <param> <value> | CONFIG GET <param>",
       "    Set or get a global Sentinel configuration parameter.",
       "DEBUG",
       "    Show the Sentinel's timing parameters (fixed in Tandem).",
       "GET-MASTER-ADDR-BY-NAME <master-name>",
       "    Return the ip and port number of the master with that name.",
       "FAILOVER <master-name>",
       "    Manually failover a master node without asking for agreement from other",
       "    Sentinels.",
       "FLUSHCONFIG",
       "    Save the Sentinel's state file.",
       "INFO-CACHE <master-name>",
       "    Return last cached INFO output from masters and all its replicas.",
       "IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>",
       "    Check if the master specified by ip:port is down from current Sentinel's",
       "    point of view.",
       "MASTER <master-name>",
       "    Show the state and info of the specified master.",
       "MASTERS",
       "    Show a list of monitored masters and their state.",
       "MONITOR <name> <ip> <port> <quorum>",
       "    Start monitoring a new master with the specified name, ip, port and quorum.",
       "MYID",
       "    Return the ID of the Sentinel instance.",
       "PENDING-SCRIPTS",
       "    Get pending scripts information.",
       "REMOVE <master-name>",
       "    Remove master from Sentinel's monitor list.",
       "REPLICAS <master-name>",
       "    Show a list of replicas for this master and their state.",
       "RESET <pattern>",
       "    Reset masters for specific master name matching this pattern.",
       "SENTINELS <master-name>",
       "    Show a list of Sentinel instances for this master and their state.",
       "SET <master-name> <option> <value> [<option> <value> ...]",
       "    Set configuration parameters for certain masters.",
       "SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]",
       "    Simulate a Sentinel crash."});
}

void Sentinel::SentinelCommand(std::span<const std::string_view> args, resp::ReplyBuilder& out) {
  SentinelCommands(*this, args, out).Run();
}

std::string Sentinel::InfoSentinelSection() {
  SentinelSummary summary;
  summary.tilt = in_tilt_;
  summary.tilt_since_ms = tilt_since_ms_;
  summary.simulate_failure_flags = simulate_failure_flags_;
  summary.running_scripts = scripts_.running();
  summary.scripts_queue_length = scripts_.queued();
  std::vector<const MonitoredMaster*> masters;
  for (const auto& master : masters_) masters.push_back(master.get());
  return tandem::sentinel::InfoSentinelSection(summary, masters, Now());
}

void Sentinel::ResetMaster(MonitoredMaster& master) {
  // Forgets what was discovered (so a shrunk set of sentinels or replicas is learned anew) and
  // any failover in progress; the address and epochs stay.
  master.replicas.clear();
  master.sentinels.clear();
  master.promoted = nullptr;
  master.pending_switch.reset();
  master.failover_state = FailoverState::kNone;
  master.force_failover = false;
  master.down_votes.Clear();
  master.odown = false;
  master.self = Instance(InstanceKind::kMaster, master.self.host, master.self.port, Now());
  Event("+reset-master", &master.self, master, "");
}

void Sentinel::ResetLinks(MonitoredMaster& master) {
  CloseLink(master.self);
  for (const auto& replica : master.replicas) CloseLink(*replica);
}

}  // namespace tandem::sentinel
