#pragma once
// What Redis 7.0 Sentinel shows of the instances it watches, byte for byte: the `flags` list, the
// field/value records of SENTINEL MASTER(S), REPLICAS and SENTINELS, and the "# Sentinel" section
// of INFO (shared/reference/redis-replication-sentinel.md §3.13). Pure: the time and the state of
// each instance's connection are passed in; nothing is changed. Thread-safe.
//
// Times in the records are ages in milliseconds ("now minus then"). Redis starts an instance's
// reply and hello clocks when it creates the record, so a time that was never set (0) counts from
// Instance::created_ms; last-ping-sent and info-refresh are "0" when there is no PING outstanding
// or no INFO yet, as in Redis.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "sentinel/instance.h"
#include "sentinel/monitored_master.h"
#include "server/resp/reply_builder.h"

namespace tandem::sentinel {

// What the records show of an instance's connection (InstanceLink stays the caller's business).
// An instance whose `link` is null is shown with LinkView{}: disconnected, nothing pending.
struct LinkView {
  bool connected = false;       // false: "disconnected" in the flags
  size_t pending_commands = 0;  // commands sent and not answered yet (link-pending-commands)
  size_t refcount = 1;  // instance records sharing this link (link-refcount; a sentinel watching
                        // several of our masters is reached through one link)
};

// The LinkView of each instance, for the list writers.
using LinkViewFn = std::function<LinkView(const Instance&)>;

// "master", "slave" or "sentinel": the instance's type as Redis writes it in events.
std::string_view InstanceTypeName(InstanceKind kind);

// How Redis names an instance in records and events: a master by its monitor name, a replica by
// its address ("ip:port", "[ipv6]:port"), another sentinel by its run id.
std::string InstanceName(const Instance& instance, const MonitoredMaster& master);

// Redis's comma-separated flags, in Redis's order: s_down, o_down, master|slave|sentinel,
// disconnected, master_down (a sentinel whose last answer said the master is down),
// failover_in_progress, promoted, reconf_sent, reconf_inprog, reconf_done, force_failover.
// o_down, failover_in_progress and force_failover appear on the master only (force_failover only
// while a failover is in progress), promoted and reconf_* on replicas only. Redis's
// script_kill_sent is never shown: Tandem does not send SCRIPT KILL to a busy instance.
std::string InstanceFlags(const Instance& instance, const MonitoredMaster& master, LinkView link);

// One record, as a map (RESP3) or a flat field/value array (RESP2), every value a bulk string as
// in Redis. Master fields: name, ip, port, runid, flags, link-pending-commands, link-refcount,
// [failover-state while a failover is in progress], last-ping-sent, last-ok-ping-reply,
// last-ping-reply, [s-down-time], [o-down-time], down-after-milliseconds, info-refresh,
// role-reported, role-reported-time, config-epoch, num-slaves, num-other-sentinels, quorum,
// failover-timeout, parallel-syncs, [notification-script], [client-reconfig-script].
void WriteMasterRecord(const MonitoredMaster& master, LinkView link, int64_t now_ms,
                       resp::ReplyBuilder& out);
// A replica of `master`: the common fields (no failover-state, o-down-time), info-refresh,
// role-reported, role-reported-time, then master-link-down-time, master-link-status (ok|err),
// master-host ("?" while unknown), master-port, slave-priority, slave-repl-offset,
// replica-announced.
void WriteReplicaRecord(const Instance& replica, const MonitoredMaster& master, LinkView link,
                        int64_t now_ms, resp::ReplyBuilder& out);
// Another sentinel watching `master`: the common fields, then last-hello-message, voted-leader
// ("?" when none), voted-leader-epoch.
void WriteSentinelRecord(const Instance& sentinel, const MonitoredMaster& master, LinkView link,
                         int64_t now_ms, resp::ReplyBuilder& out);

// SENTINEL REPLICAS: an array of the records of master.replicas, in order, leaving out those
// whose INFO said replica_announced:0 (they still count in num-slaves and may be promoted).
void WriteReplicaList(const MonitoredMaster& master, const LinkViewFn& link_of, int64_t now_ms,
                      resp::ReplyBuilder& out);
// SENTINEL SENTINELS: an array of the records of master.sentinels, in order.
void WriteSentinelList(const MonitoredMaster& master, const LinkViewFn& link_of, int64_t now_ms,
                       resp::ReplyBuilder& out);
// (SENTINEL MASTERS is ArrayHeader(n) followed by WriteMasterRecord for each master.)

// The sentinel-wide state INFO reports besides the masters.
struct SentinelSummary {
  bool tilt = false;
  int64_t tilt_since_ms = 0;  // when TILT was entered (read only while `tilt`)
  size_t running_scripts = 0;
  size_t scripts_queue_length = 0;
  uint64_t simulate_failure_flags = 0;  // SENTINEL SIMULATE-FAILURE bits
};

// The INFO section, header and every line ending in "\r\n":
//   # Sentinel
//   sentinel_masters:<n>
//   sentinel_tilt:0|1
//   sentinel_tilt_since_seconds:<whole seconds in TILT, -1 when not>
//   sentinel_running_scripts:<n>
//   sentinel_scripts_queue_length:<n>
//   sentinel_simulate_failure_flags:<n>
//   master<i>:name=<name>,status=ok|sdown|odown,address=<host>:<port>,slaves=<n>,sentinels=<n>
// one master line per entry of `masters`, numbered from 0 in that order; sentinels counts this
// one too; the address is never bracketed (Redis writes "%s:%d").
std::string InfoSentinelSection(const SentinelSummary& summary,
                                std::span<const MonitoredMaster* const> masters, int64_t now_ms);

}  // namespace tandem::sentinel
