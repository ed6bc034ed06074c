#pragma once
// What a sentinel.conf (plus command-line overrides) configures, read with Redis 7.0 Sentinel's
// rules and error texts (sentinel.c sentinelHandleConfiguration). tandem-sentinel never rewrites
// this file: the lines Redis writes back at run time (myid, epochs, known replicas and sentinels)
// are accepted so that a Redis sentinel.conf can be adopted, and reported apart in `runtime`; the
// state file (proto/) owns that information from then on.
//
// Order, as in Redis: plain directives apply in file-then-command-line order, a later one
// overriding an earlier one. All "sentinel ..." lines are applied after them in three passes:
// first the global ones (announce-ip/port, deny-scripts-reconfig, sentinel-user/pass, myid,
// current-epoch, resolve-hostnames, announce-hostnames), then every "monitor", then the per-master
// ones, so a master may be referred to before the line that declares it.
//
// Differences from Redis, on purpose: numbers are parsed strictly (Redis's atoi takes "12abc" as
// 12 and "abc" as 0); parallel-syncs must be 1 or greater; no DNS lookups are made (with
// resolve-hostnames yes any host is accepted and resolved later by the caller); "dir" is only
// recorded (the caller changes directory). Pure functions apart from the script checks (access(2))
// and LoadSentinelConfig's file read; thread-safe.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sentinel/config_lines.h"
#include "sentinel/run_id.h"
#include "server/base/status.h"

namespace tandem::sentinel {

inline constexpr int kDefaultSentinelPort = 26379;
inline constexpr int64_t kDefaultDownAfterMs = 30000;
inline constexpr int64_t kDefaultFailoverTimeoutMs = 180000;
inline constexpr int kDefaultParallelSyncs = 1;

// One "sentinel monitor" master and its per-master settings.
struct MasterConfig {
  std::string name;
  std::string host;  // an IP address unless resolve-hostnames is yes
  int port = 0;
  int quorum = 0;  // >= 1
  int64_t down_after_ms = kDefaultDownAfterMs;
  int64_t failover_timeout_ms = kDefaultFailoverTimeoutMs;
  int parallel_syncs = kDefaultParallelSyncs;
  int64_t master_reboot_down_after_ms = 0;  // 0: a rebooted master is not held down
  std::string auth_pass;                    // empty: no AUTH sent to the master and its replicas
  std::string auth_user;                    // empty: AUTH with the password only
  std::string notification_script;          // empty: none; else an executable path
  std::string client_reconfig_script;       // empty: none; else an executable path
  // rename-command: lower-cased original command name -> the name to send instead.
  std::map<std::string, std::string> renamed_commands;
};

// A "sentinel known-replica" (or the older "known-slave") line.
struct KnownReplica {
  std::string host;
  int port = 0;
};

// A "sentinel known-sentinel <master> <host> <port> <runid>" line (the runid-less old form is
// ignored, as in Redis).
struct KnownSentinel {
  std::string host;
  int port = 0;
  std::string run_id;  // kRunIdSize characters as written by Redis; unique per master
};

// What the runtime lines said about one master.
struct MasterRuntime {
  uint64_t config_epoch = 0;
  uint64_t leader_epoch = 0;
  std::vector<KnownReplica> known_replicas;    // in file order, no duplicate host:port
  std::vector<KnownSentinel> known_sentinels;  // in file order, no duplicate run id
};

// The lines Redis Sentinel writes back into its own config file.
struct RuntimeLines {
  std::string myid;  // empty when absent, else kRunIdSize characters
  // The highest of "current-epoch" and every "config-epoch", as Redis computes it at load.
  uint64_t current_epoch = 0;
  std::map<std::string, MasterRuntime> masters;  // keyed by master name; only masters mentioned

  bool empty() const { return myid.empty() && current_epoch == 0 && masters.empty(); }
};

struct SentinelConfig {
  int port = kDefaultSentinelPort;
  std::vector<std::string> bind;  // empty: every interface (Redis's default "* -::*")
  std::string bind_source_addr;   // outgoing links leave from this address; empty: any
  std::string requirepass;        // empty: clients need no AUTH
  std::string logfile;            // empty: log to standard output
  std::string dir;                // empty: stay in the working directory
  // Tandem only: the state file (relative paths are taken in `dir`).
  std::string state_file = "sentinel-state.pb";
  std::string loglevel = "notice";  // debug, verbose, notice or warning (lower-cased)
  std::string announce_ip;          // empty: announce the address the peer sees
  int announce_port = 0;            // 0: announce `port`
  bool resolve_hostnames = false;
  bool announce_hostnames = false;
  bool deny_scripts_reconfig = true;  // SENTINEL SET may not change the script paths
  std::string sentinel_user;          // credentials for talking to the other sentinels
  std::string sentinel_pass;
  std::vector<MasterConfig> masters;  // in the order of their monitor lines; names unique
  RuntimeLines runtime;
  // Directives redis-sentinel accepts that have no effect in tandem-sentinel (daemonize, pidfile,
  // protected-mode, supervised, acllog-max-len), as written, for the caller to warn about.
  std::vector<std::string> ignored;

  // The master with this name (case-sensitive, as in Redis), or nullptr.
  const MasterConfig* FindMaster(std::string_view name) const;
};

// Gives meaning to directive lines (see ordering above). Fails with the first error in Redis's
// layout (DescribeLineError) and Redis's reason: "Bad directive or wrong number of arguments",
// "Unrecognized sentinel configuration statement.", "No such master with specified name.",
// "Quorum must be 1 or greater.", "Duplicate master name.", "Invalid port number.",
// "Can't resolve instance hostname.", "negative or zero time parameter.", ...
base::StatusOr<SentinelConfig> BuildSentinelConfig(const std::vector<ConfigLine>& lines);

// Reads a whole start-up: the arguments of tandem-sentinel (argv without argv[0], see
// ParseCommandLine), the config file they name if any, then the command-line options over it.
base::StatusOr<SentinelConfig> LoadSentinelConfig(const std::vector<std::string>& args);

}  // namespace tandem::sentinel
