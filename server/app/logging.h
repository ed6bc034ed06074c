#pragma once
// Logging with Redis's level names (debug, verbose, notice, warning) and line format:
//   "12345:M 21 Nov 2026 20:28:00.123 * Ready to accept connections"  (S on a replica, X in
// tandem-sentinel)
// where the mark is '.' debug, '-' verbose, '*' notice, '#' warning.

#include <spdlog/common.h>

#include <optional>
#include <string>
#include <string_view>

#include "server/base/status.h"

namespace tandem::app {

// Maps a Redis loglevel name to spdlog's level: debug->debug, verbose->debug+, notice->info,
// warning->warn, nothing->off.
std::optional<spdlog::level::level_enum> ParseLogLevel(std::string_view name);
// The role letter after the pid: 'M' for a master, 'S' for a replica, 'X' for a sentinel.
void SetLogRole(char role);
// Sets the default logger (named `name`) to write to `logfile` ("" = stdout).
base::Status SetupLogging(const std::string& logfile, std::string_view level,
                          const std::string& name = "server");

}  // namespace tandem::app
