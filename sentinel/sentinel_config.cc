#include "sentinel/sentinel_config.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <utility>

#include "sentinel/sentinel_directives.h"
#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"

namespace tandem::sentinel {
namespace {

using base::Status;
using base::StatusOr;

constexpr size_t kMaxBindAddresses = 16;  // Redis's CONFIG_BINDADDR_MAX
constexpr std::array<std::string_view, 4> kLogLevels = {"debug", "verbose", "notice", "warning"};
constexpr std::array<std::string_view, 5> kIgnoredDirectives = {
    "daemonize", "pidfile", "protected-mode", "supervised", "acllog-max-len"};

constexpr std::string_view kBadDirective = "Bad directive or wrong number of arguments";
constexpr std::string_view kWrongArgCount = "wrong number of arguments";

bool IsYesOrNo(std::string_view s) {
  return base::EqualsIgnoreCase(s, "yes") || base::EqualsIgnoreCase(s, "no");
}

// Applies one directive other than "sentinel". Returns the reason it is rejected, or "".
std::string ApplyPlainDirective(const ConfigLine& line, SentinelConfig& config) {
  const std::vector<std::string>& args = line.args;
  const std::string& name = args[0];
  if (name == "bind") {
    if (args.size() - 1 > kMaxBindAddresses) return "Too many bind addresses specified.";
    config.bind.assign(args.begin() + 1, args.end());
    return "";
  }
  const bool ignored = std::find(kIgnoredDirectives.begin(), kIgnoredDirectives.end(), name) !=
                       kIgnoredDirectives.end();
  const bool known = ignored || name == "port" || name == "requirepass" || name == "logfile" ||
                     name == "dir" || name == "loglevel" || name == "state-file" ||
                     name == "bind-source-addr";
  if (!known) return std::string(kBadDirective);
  if (args.size() != 2) return std::string(kWrongArgCount);
  const std::string& value = args[1];

  if (name == "port") {
    const std::optional<int64_t> port = base::ParseInt64(value);
    if (!port) return "argument couldn't be parsed into an integer";
    if (*port < 0 || *port > 65535) return "argument must be between 0 and 65535 inclusive";
    config.port = static_cast<int>(*port);
  } else if (name == "requirepass") {
    config.requirepass = value;
  } else if (name == "logfile") {
    config.logfile = value;
  } else if (name == "dir") {
    config.dir = value;
  } else if (name == "state-file") {
    config.state_file = value;
  } else if (name == "bind-source-addr") {
    config.bind_source_addr = value;
  } else if (name == "loglevel") {
    const std::string level = base::AsciiLower(value);
    if (std::find(kLogLevels.begin(), kLogLevels.end(), level) == kLogLevels.end()) {
      return "argument(s) must be one of the following: debug, verbose, notice, warning";
    }
    config.loglevel = level;
  } else {  // an ignored directive: checked as Redis would, then only reported
    if ((name == "daemonize" || name == "protected-mode") && !IsYesOrNo(value)) {
      return "argument must be 'yes' or 'no'";
    }
    config.ignored.push_back(line.text);
  }
  return "";
}

}  // namespace

const MasterConfig* SentinelConfig::FindMaster(std::string_view name) const {
  for (const MasterConfig& master : masters) {
    if (master.name == name) return &master;
  }
  return nullptr;
}

StatusOr<SentinelConfig> BuildSentinelConfig(const std::vector<ConfigLine>& lines) {
  SentinelConfig config;
  // Redis queues every "sentinel" line and applies them after the others, global ones first, then
  // the monitors, then the per-master ones.
  std::array<std::vector<const ConfigLine*>, kSentinelPassCount> passes;
  for (const ConfigLine& line : lines) {
    if (line.args[0] == "sentinel") {
      if (line.args.size() > 1) passes[SentinelDirectivePass(line.args[1])].push_back(&line);
      continue;  // a bare "sentinel" is ignored, as in Redis
    }
    const std::string reason = ApplyPlainDirective(line, config);
    if (!reason.empty()) return Status::InvalidArgument(DescribeLineError(line, reason));
  }
  for (const std::vector<const ConfigLine*>& pass : passes) {
    for (const ConfigLine* line : pass) {
      const std::vector<std::string> args(line->args.begin() + 1, line->args.end());
      const std::string reason = ApplySentinelDirective(args, config);
      if (!reason.empty()) return Status::InvalidArgument(DescribeLineError(*line, reason));
    }
  }
  return config;
}

StatusOr<SentinelConfig> LoadSentinelConfig(const std::vector<std::string>& args) {
  StatusOr<CommandLine> command_line = ParseCommandLine(args);
  if (!command_line.ok()) return command_line.status();
  std::vector<ConfigLine> lines;
  if (!command_line->config_file.empty()) {
    StatusOr<std::vector<ConfigLine>> file = ReadConfigFile(command_line->config_file);
    if (!file.ok()) return file.status();
    lines = std::move(*file);
  }
  std::move(command_line->options.begin(), command_line->options.end(), std::back_inserter(lines));
  return BuildSentinelConfig(lines);
}

}  // namespace tandem::sentinel
