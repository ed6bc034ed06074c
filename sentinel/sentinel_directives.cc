#include "sentinel/sentinel_directives.h"

#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <climits>
#include <optional>

#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"

namespace tandem::sentinel {
namespace {

using Args = std::vector<std::string>;  // args[0] is the subcommand

constexpr std::string_view kUnrecognized = "Unrecognized sentinel configuration statement.";
constexpr std::string_view kNoSuchMaster = "No such master with specified name.";
constexpr std::string_view kInvalidPort = "Invalid port number.";
constexpr std::string_view kCantResolve = "Can't resolve instance hostname.";
constexpr std::string_view kBadTime = "negative or zero time parameter.";
// Redis reads epochs with strtoull and never fails; ours are strict, so this text is Tandem's.
constexpr std::string_view kBadEpoch = "Invalid epoch: it must be an unsigned integer.";

std::optional<int64_t> ParseInRange(std::string_view text, int64_t min, int64_t max) {
  const std::optional<int64_t> value = base::ParseInt64(text);
  if (!value || *value < min || *value > max) return std::nullopt;
  return value;
}

std::optional<int> ParsePort(std::string_view text) {
  const std::optional<int64_t> port = ParseInRange(text, 0, 65535);
  if (!port) return std::nullopt;
  return static_cast<int>(*port);
}

std::optional<uint64_t> ParseEpoch(std::string_view text) {
  const std::optional<int64_t> epoch = ParseInRange(text, 0, INT64_MAX);
  if (!epoch) return std::nullopt;
  return static_cast<uint64_t>(*epoch);
}

// Redis resolves hosts when the line is read; without resolve-hostnames only IP literals resolve.
// Tandem does no DNS here, so with resolve-hostnames yes any non-empty host passes.
bool HostAccepted(const SentinelConfig& config, const std::string& host) {
  if (host.empty()) return false;
  if (config.resolve_hostnames) return true;
  unsigned char buffer[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

// A yes/no switch; Redis's message names the option (deny-scripts-reconfig's says "options").
std::string SetYesNo(const std::string& value, bool& out, std::string_view option_text) {
  if (base::EqualsIgnoreCase(value, "yes")) {
    out = true;
  } else if (base::EqualsIgnoreCase(value, "no")) {
    out = false;
  } else {
    return "Please specify yes or no for the " + std::string(option_text) + ".";
  }
  return "";
}

// Scripts must exist and be executable when the line is read. Redis has already changed to `dir`
// by then, so a relative path is relative to it.
bool IsExecutable(const SentinelConfig& config, const std::string& path) {
  const std::string full =
      path.starts_with('/') || config.dir.empty() ? path : config.dir + "/" + path;
  return access(full.c_str(), X_OK) == 0;
}

MasterConfig* FindMaster(SentinelConfig& config, std::string_view name) {
  auto it = std::find_if(config.masters.begin(), config.masters.end(),
                         [&](const MasterConfig& m) { return m.name == name; });
  return it == config.masters.end() ? nullptr : &*it;
}

std::string Monitor(const Args& args, SentinelConfig& config) {
  // monitor <name> <host> <port> <quorum>; checked in Redis's order.
  const std::optional<int64_t> quorum = ParseInRange(args[4], 1, INT_MAX);
  if (!quorum) return "Quorum must be 1 or greater.";
  const std::optional<int> port = ParsePort(args[3]);
  if (!port) return std::string(kInvalidPort);
  if (!HostAccepted(config, args[2])) return std::string(kCantResolve);
  if (FindMaster(config, args[1])) return "Duplicate master name.";
  MasterConfig master;
  master.name = args[1];
  master.host = args[2];
  master.port = *port;
  master.quorum = static_cast<int>(*quorum);
  config.masters.push_back(std::move(master));
  return "";
}

// Handlers of lines that name a master (args[1]); the master is known to exist.
using MasterHandler = std::string (*)(const Args&, SentinelConfig&, MasterConfig&);

std::string DownAfter(const Args& args, SentinelConfig&, MasterConfig& master) {
  const std::optional<int64_t> ms = ParseInRange(args[2], 1, INT64_MAX);
  if (!ms) return std::string(kBadTime);
  master.down_after_ms = *ms;
  return "";
}

std::string FailoverTimeout(const Args& args, SentinelConfig&, MasterConfig& master) {
  const std::optional<int64_t> ms = ParseInRange(args[2], 1, INT64_MAX);
  if (!ms) return std::string(kBadTime);
  master.failover_timeout_ms = *ms;
  return "";
}

std::string ParallelSyncs(const Args& args, SentinelConfig&, MasterConfig& master) {
  // Redis takes any atoi value here; 0 or less would stall the replica reconfiguration.
  const std::optional<int64_t> n = ParseInRange(args[2], 1, INT_MAX);
  if (!n) return "parallel-syncs must be 1 or greater.";
  master.parallel_syncs = static_cast<int>(*n);
  return "";
}

std::string RebootDownAfter(const Args& args, SentinelConfig&, MasterConfig& master) {
  const std::optional<int64_t> ms = ParseInRange(args[2], 0, INT64_MAX);
  if (!ms) return "negative time parameter.";
  master.master_reboot_down_after_ms = *ms;
  return "";
}

std::string NotificationScript(const Args& args, SentinelConfig& config, MasterConfig& master) {
  if (!IsExecutable(config, args[2])) {
    return "Notification script seems non existing or non executable.";
  }
  master.notification_script = args[2];
  return "";
}

std::string ReconfigScript(const Args& args, SentinelConfig& config, MasterConfig& master) {
  if (!IsExecutable(config, args[2])) {
    return "Client reconfiguration script seems non existing or non executable.";
  }
  master.client_reconfig_script = args[2];
  return "";
}

std::string AuthPass(const Args& args, SentinelConfig&, MasterConfig& master) {
  master.auth_pass = args[2];
  return "";
}

std::string AuthUser(const Args& args, SentinelConfig&, MasterConfig& master) {
  master.auth_user = args[2];
  return "";
}

std::string RenameCommand(const Args& args, SentinelConfig&, MasterConfig& master) {
  // Command names compare case-insensitively, as in Redis's renamed-commands dict.
  if (!master.renamed_commands.emplace(base::AsciiLower(args[2]), args[3]).second) {
    return "Same command renamed multiple times with rename-command.";
  }
  return "";
}

std::string ConfigEpoch(const Args& args, SentinelConfig& config, MasterConfig& master) {
  const std::optional<uint64_t> epoch = ParseEpoch(args[2]);
  if (!epoch) return std::string(kBadEpoch);
  config.runtime.masters[master.name].config_epoch = *epoch;
  config.runtime.current_epoch = std::max(config.runtime.current_epoch, *epoch);
  return "";
}

std::string LeaderEpoch(const Args& args, SentinelConfig& config, MasterConfig& master) {
  const std::optional<uint64_t> epoch = ParseEpoch(args[2]);
  if (!epoch) return std::string(kBadEpoch);
  config.runtime.masters[master.name].leader_epoch = *epoch;
  return "";
}

std::string KnownReplicaLine(const Args& args, SentinelConfig& config, MasterConfig& master) {
  const std::optional<int> port = ParsePort(args[3]);
  if (!port) return std::string(kInvalidPort);
  if (!HostAccepted(config, args[2])) return std::string(kCantResolve);
  std::vector<KnownReplica>& replicas = config.runtime.masters[master.name].known_replicas;
  for (const KnownReplica& replica : replicas) {
    if (replica.host == args[2] && replica.port == *port) {
      return "Duplicate hostname and port for replica.";
    }
  }
  replicas.push_back(KnownReplica{args[2], *port});
  return "";
}

std::string KnownSentinelLine(const Args& args, SentinelConfig& config, MasterConfig& master) {
  const std::optional<int> port = ParsePort(args[3]);
  if (!port) return std::string(kInvalidPort);
  if (!HostAccepted(config, args[2])) return std::string(kCantResolve);
  std::vector<KnownSentinel>& sentinels = config.runtime.masters[master.name].known_sentinels;
  for (const KnownSentinel& sentinel : sentinels) {
    if (sentinel.run_id == args[4]) return "Duplicate runid for sentinel.";
  }
  sentinels.push_back(KnownSentinel{args[2], *port, args[4]});
  return "";
}

// Handlers of the global lines.
using GlobalHandler = std::string (*)(const Args&, SentinelConfig&);

std::string AnnounceIp(const Args& args, SentinelConfig& config) {
  if (!args[1].empty()) config.announce_ip = args[1];
  return "";
}

std::string AnnouncePort(const Args& args, SentinelConfig& config) {
  const std::optional<int> port = ParsePort(args[1]);
  if (!port) return std::string(kInvalidPort);
  config.announce_port = *port;
  return "";
}

std::string DenyScriptsReconfig(const Args& args, SentinelConfig& config) {
  return SetYesNo(args[1], config.deny_scripts_reconfig, "deny-scripts-reconfig options");
}

std::string ResolveHostnames(const Args& args, SentinelConfig& config) {
  return SetYesNo(args[1], config.resolve_hostnames, "resolve-hostnames option");
}

std::string AnnounceHostnames(const Args& args, SentinelConfig& config) {
  return SetYesNo(args[1], config.announce_hostnames, "announce-hostnames option");
}

std::string SetSentinelUser(const Args& args, SentinelConfig& config) {
  if (!args[1].empty()) config.sentinel_user = args[1];
  return "";
}

std::string SetSentinelPass(const Args& args, SentinelConfig& config) {
  if (!args[1].empty()) config.sentinel_pass = args[1];
  return "";
}

std::string MyId(const Args& args, SentinelConfig& config) {
  if (args[1].size() != kRunIdSize) return "Malformed Sentinel id in myid option.";
  config.runtime.myid = args[1];
  return "";
}

std::string CurrentEpoch(const Args& args, SentinelConfig& config) {
  const std::optional<uint64_t> epoch = ParseEpoch(args[1]);
  if (!epoch) return std::string(kBadEpoch);
  config.runtime.current_epoch = std::max(config.runtime.current_epoch, *epoch);
  return "";
}

// One subcommand: its name, how many arguments Redis takes (subcommand included) and its handler.
// "monitor" and the old runid-less "known-sentinel" are handled apart.
struct GlobalRow {
  std::string_view name;
  GlobalHandler handler;
};
struct MasterRow {
  std::string_view name;
  size_t argc;
  MasterHandler handler;
};

// Redis's preMonitorCfgName list; all take one argument.
constexpr std::array<GlobalRow, 9> kGlobalRows = {{
    {"announce-ip", AnnounceIp},
    {"announce-port", AnnouncePort},
    {"deny-scripts-reconfig", DenyScriptsReconfig},
    {"sentinel-user", SetSentinelUser},
    {"sentinel-pass", SetSentinelPass},
    {"current-epoch", CurrentEpoch},
    {"myid", MyId},
    {"resolve-hostnames", ResolveHostnames},
    {"announce-hostnames", AnnounceHostnames},
}};

constexpr std::array<MasterRow, 14> kMasterRows = {{
    {"down-after-milliseconds", 3, DownAfter},
    {"failover-timeout", 3, FailoverTimeout},
    {"parallel-syncs", 3, ParallelSyncs},
    {"master-reboot-down-after-period", 3, RebootDownAfter},
    {"notification-script", 3, NotificationScript},
    {"client-reconfig-script", 3, ReconfigScript},
    {"auth-pass", 3, AuthPass},
    {"auth-user", 3, AuthUser},
    {"rename-command", 4, RenameCommand},
    {"config-epoch", 3, ConfigEpoch},
    {"leader-epoch", 3, LeaderEpoch},
    {"known-replica", 4, KnownReplicaLine},
    {"known-slave", 4, KnownReplicaLine},
    {"known-sentinel", 5, KnownSentinelLine},
}};

}  // namespace

SentinelPass SentinelDirectivePass(std::string_view subcommand) {
  if (base::EqualsIgnoreCase(subcommand, "monitor")) return kMonitorPass;
  for (const GlobalRow& row : kGlobalRows) {
    if (base::EqualsIgnoreCase(subcommand, row.name)) return kGlobalPass;
  }
  return kMasterPass;
}

std::string ApplySentinelDirective(const Args& args, SentinelConfig& config) {
  const std::string_view name = args[0];
  if (base::EqualsIgnoreCase(name, "monitor")) {
    return args.size() == 5 ? Monitor(args, config) : std::string(kUnrecognized);
  }
  // Redis still accepts, and ignores, the runid-less form older versions wrote.
  if (base::EqualsIgnoreCase(name, "known-sentinel") && args.size() == 4) return "";
  for (const GlobalRow& row : kGlobalRows) {
    if (base::EqualsIgnoreCase(name, row.name) && args.size() == 2) {
      return row.handler(args, config);
    }
  }
  for (const MasterRow& row : kMasterRows) {
    if (base::EqualsIgnoreCase(name, row.name) && args.size() == row.argc) {
      MasterConfig* master = FindMaster(config, args[1]);
      if (!master) return std::string(kNoSuchMaster);
      return row.handler(args, config, *master);
    }
  }
  return std::string(kUnrecognized);
}

}  // namespace tandem::sentinel
