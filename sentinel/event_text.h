#pragma once
// The events Redis 7.0 Sentinel publishes (channel = event name, such as "+sdown") and logs: the
// message text and each event's level (shared/reference/redis-replication-sentinel.md §3.14).
// Pure functions, thread-safe.
//
// Most events are about an instance and their text starts with it (EventText):
//   +sdown master mymaster 10.0.0.1 6379
//   +sdown slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379
//   +odown master mymaster 10.0.0.1 6379 #quorum 2/2            (extra "#quorum 2/2")
// A few carry only their own text, which the caller writes as is:
//   +new-epoch <epoch>, +vote-for-leader <runid> <epoch>,
//   +switch-master <name> <old-ip> <old-port> <new-ip> <new-port> (SwitchMasterText),
//   +tilt "#tilt mode entered", -tilt "#tilt mode exited",
//   -script-error <path> <signal> <exit-code>, -script-timeout <path> <pid>.

#include <string>
#include <string_view>

#include "sentinel/instance.h"
#include "sentinel/monitored_master.h"

namespace tandem::sentinel {

// "<type> <name> <ip> <port>" for the master, "<type> <name> <ip> <port> @ <master-name>
// <master-ip> <master-port>" for a replica or another sentinel of `master` (type, name: see
// InstanceTypeName and InstanceName in instance_fields.h; the master's address is the one its
// record holds now), followed by " <extra>" when `extra` is not empty.
std::string EventText(const Instance& instance, const MonitoredMaster& master,
                      std::string_view extra = {});

// "<name> <old-host> <old-port> <new-host> <new-port>", the +switch-master text.
std::string SwitchMasterText(std::string_view name, std::string_view old_host, int old_port,
                             std::string_view new_host, int new_port);

// Redis's log level for each event. Debug events (+script-child, -script-child,
// -cmd-link-reconnection, -pubsub-link-reconnection) are only logged; every other event is also
// published on the channel named after it.
enum class EventLevel { kDebug, kVerbose, kNotice, kWarning };

// The level Redis gives `event` (its name, such as "+sdown"): kWarning for +monitor, -monitor,
// +set, +reset-master, +sdown, -sdown, +odown, -odown, +new-epoch, +try-failover,
// +vote-for-leader, +elected-leader, -failover-abort-not-elected, +failover-state-select-slave,
// +selected-slave, -failover-abort-no-good-slave, -failover-abort-slave-timeout, +promoted-slave,
// +failover-state-reconf-slaves, +failover-end-for-timeout, +failover-end, +switch-master,
// +config-update-from, +tilt, -tilt, -script-error, -script-timeout; kVerbose for +role-change and
// -role-change; kDebug for the four above; kNotice for every other event (+slave, +sentinel,
// +reboot, +failover-state-send-slaveof-noone, +slave-reconf-sent, ... and names it does not know).
EventLevel EventLevelOf(std::string_view event);

// True for the kWarning events, the ones that run the master's notification-script.
bool IsWarningEvent(std::string_view event);

// True when Redis runs the notification-script for `event`: a warning about an instance, so not
// +tilt, -tilt, -script-error or -script-timeout, which concern no master. The script gets two
// arguments: the event name and its text.
bool RunsNotificationScript(std::string_view event);

}  // namespace tandem::sentinel
