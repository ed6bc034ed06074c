#pragma once
// The "sentinel <subcommand> ..." lines of sentinel.conf, one handler each, with Redis 7.0's
// arities and error texts. Used by BuildSentinelConfig (sentinel_config.h), which owns the order
// in which they are applied. Pure functions apart from the script checks (access(2)).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sentinel/sentinel_config.h"

namespace tandem::sentinel {

// The three passes over the queued "sentinel" lines, in the order they are applied.
enum SentinelPass : size_t {
  kGlobalPass,   // settings of the sentinel itself and myid/current-epoch
  kMonitorPass,  // "monitor": declares the masters
  kMasterPass,   // everything that names a master, and unknown subcommands
  kSentinelPassCount,
};

// The pass a line whose subcommand is `subcommand` (case-insensitive) belongs to.
SentinelPass SentinelDirectivePass(std::string_view subcommand);

// Applies one line, `args` being what follows "sentinel" (never empty). Returns "" on success, or
// Redis's reason for rejecting it ("Unrecognized sentinel configuration statement." for an unknown
// subcommand or a wrong number of arguments). On failure `config` may be partly updated.
std::string ApplySentinelDirective(const std::vector<std::string>& args, SentinelConfig& config);

}  // namespace tandem::sentinel
