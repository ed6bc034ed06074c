#include "sentinel/event_text.h"

#include <algorithm>
#include <array>

#include "sentinel/instance_fields.h"

namespace tandem::sentinel {
namespace {

constexpr std::array<std::string_view, 27> kWarningEvents = {
    "+monitor",
    "-monitor",
    "+set",
    "+reset-master",
    "+sdown",
    "-sdown",
    "+odown",
    "-odown",
    "+new-epoch",
    "+try-failover",
    "+vote-for-leader",
    "+elected-leader",
    "-failover-abort-not-elected",
    "+failover-state-select-slave",
    "+selected-slave",
    "-failover-abort-no-good-slave",
    "-failover-abort-slave-timeout",
    "+promoted-slave",
    "+failover-state-reconf-slaves",
    "+failover-end-for-timeout",
    "+failover-end",
    "+switch-master",
    "+config-update-from",
    "+tilt",
    "-tilt",
    "-script-error",
    "-script-timeout",
};

constexpr std::array<std::string_view, 4> kDebugEvents = {
    "+script-child",
    "-script-child",
    "-cmd-link-reconnection",
    "-pubsub-link-reconnection",
};

// Warnings Redis raises without an instance, hence without a master's script to run.
constexpr std::array<std::string_view, 4> kWarningsWithoutInstance = {
    "+tilt",
    "-tilt",
    "-script-error",
    "-script-timeout",
};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& names, std::string_view event) {
  return std::find(names.begin(), names.end(), event) != names.end();
}

}  // namespace

std::string EventText(const Instance& instance, const MonitoredMaster& master,
                      std::string_view extra) {
  std::string text(InstanceTypeName(instance.kind));
  text += ' ';
  text += InstanceName(instance, master);
  text += ' ';
  text += instance.host;
  text += ' ';
  text += std::to_string(instance.port);
  if (instance.kind != InstanceKind::kMaster) {
    text += " @ " + master.config.name + ' ' + master.self.host + ' ' +
            std::to_string(master.self.port);
  }
  if (!extra.empty()) {
    text += ' ';
    text += extra;
  }
  return text;
}

std::string SwitchMasterText(std::string_view name, std::string_view old_host, int old_port,
                             std::string_view new_host, int new_port) {
  std::string text(name);
  text += ' ';
  text += old_host;
  text += ' ' + std::to_string(old_port) + ' ';
  text += new_host;
  text += ' ' + std::to_string(new_port);
  return text;
}

EventLevel EventLevelOf(std::string_view event) {
  if (Contains(kWarningEvents, event)) return EventLevel::kWarning;
  if (event == "+role-change" || event == "-role-change") return EventLevel::kVerbose;
  if (Contains(kDebugEvents, event)) return EventLevel::kDebug;
  return EventLevel::kNotice;
}

bool IsWarningEvent(std::string_view event) { return EventLevelOf(event) == EventLevel::kWarning; }

bool RunsNotificationScript(std::string_view event) {
  return IsWarningEvent(event) && !Contains(kWarningsWithoutInstance, event);
}

}  // namespace tandem::sentinel
