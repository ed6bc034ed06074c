#include "sentinel/info_report.h"

#include <optional>

#include "sentinel/run_id.h"
#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"

namespace tandem::sentinel {

namespace {

std::optional<int64_t> ParseInRange(std::string_view text, int64_t min, int64_t max) {
  std::optional<int64_t> value = base::ParseInt64(text);
  if (!value || *value < min || *value > max) return std::nullopt;
  return value;
}

std::optional<int> ParsePort(std::string_view text) {
  std::optional<int64_t> port = ParseInRange(text, 0, 65535);
  if (!port) return std::nullopt;
  return static_cast<int>(*port);
}

// "slave" followed by one or more digits.
bool IsReplicaKey(std::string_view key) {
  if (key.size() < 6 || key.substr(0, 5) != "slave") return false;
  for (char c : key.substr(5)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The next comma-separated field of *rest, removed from it.
std::string_view NextField(std::string_view* rest) {
  size_t comma = rest->find(',');
  std::string_view field = rest->substr(0, comma);
  rest->remove_prefix(comma == std::string_view::npos ? rest->size() : comma + 1);
  return field;
}

std::optional<ReportedReplica> ParseReplica(std::string_view value) {
  std::string_view host;
  std::string_view port;
  if (value.find('=') != std::string_view::npos) {
    // 7.0: ip=<ip>,port=<port>,state=<state>,offset=<n>,lag=<n>
    while (!value.empty()) {
      std::string_view field = NextField(&value);
      if (field.substr(0, 3) == "ip=") host = field.substr(3);
      if (field.substr(0, 5) == "port=") port = field.substr(5);
    }
  } else {
    // Before 2.8: <ip>,<port>,<state>
    host = NextField(&value);
    port = NextField(&value);
  }
  std::optional<int> port_number = ParsePort(port);
  if (host.empty() || !port_number) return std::nullopt;
  return ReportedReplica{std::string(host), *port_number};
}

void ParseLine(std::string_view key, std::string_view value, InfoReport* report) {
  if (key == "run_id") {
    if (IsRunId(value)) report->run_id = value;
  } else if (key == "role") {
    if (value == "master") report->role = ReportedRole::kMaster;
    if (value == "slave") report->role = ReportedRole::kReplica;
  } else if (key == "master_host") {
    report->master_host = value;
  } else if (key == "master_port") {
    if (auto port = ParsePort(value)) report->master_port = *port;
  } else if (key == "master_link_status") {
    report->master_link_up = base::EqualsIgnoreCase(value, "up");
  } else if (key == "master_link_down_since_seconds") {
    if (auto seconds = base::ParseInt64(value)) {
      constexpr int64_t kMaxSeconds = kLinkNeverUpMs / 1000;
      report->master_link_down_ms =
          *seconds < 0 || *seconds > kMaxSeconds ? kLinkNeverUpMs : *seconds * 1000;
    }
  } else if (key == "slave_priority") {
    if (auto priority = ParseInRange(value, 0, std::numeric_limits<int>::max())) {
      report->priority = static_cast<int>(*priority);
    }
  } else if (key == "slave_repl_offset") {
    if (auto offset = base::ParseInt64(value)) report->repl_offset = *offset;
  } else if (key == "master_repl_offset") {
    if (auto offset = base::ParseInt64(value)) report->master_repl_offset = *offset;
  } else if (key == "replica_announced") {
    if (value == "0") report->replica_announced = false;
    if (value == "1") report->replica_announced = true;
  } else if (IsReplicaKey(key)) {
    if (auto replica = ParseReplica(value)) report->replicas.push_back(std::move(*replica));
  }
}

}  // namespace

InfoReport ParseInfo(std::string_view text) {
  InfoReport report;
  while (!text.empty()) {
    size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || line.front() == '#') continue;
    ParseLine(line.substr(0, colon), line.substr(colon + 1), &report);
  }
  return report;
}

}  // namespace tandem::sentinel
