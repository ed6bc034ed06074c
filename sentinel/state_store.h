#pragma once
// The sentinel's state file: what it learns at run time and must keep across restarts (its run id,
// current epoch, each master's address, configuration epoch, last vote, known replicas and
// sentinels). The operator's sentinel.conf is never rewritten; this file, a serialized
// proto::SentinelState (proto/sentinel.proto), is. Functions are thread-compatible: one writer per
// path.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "proto/sentinel.pb.h"
#include "server/base/status.h"

namespace tandem::sentinel {

// The SentinelState format version this build writes and the highest it reads.
inline constexpr uint32_t kStateVersion = 1;
// A state file is kilobytes; a larger one is refused unread (e.g. a path pointing at a device).
inline constexpr size_t kMaxStateFileSize = 64 << 20;

// Writes `state`, with its version set to kStateVersion, to `path`, replacing any file there
// atomically: a temporary file in the same directory is written, fsynced, renamed over `path`, and
// the directory is fsynced. After a crash or a failure `path` holds the old content or the new,
// never a mix; a failed save removes its temporary file. The file is private to its owner (0600).
// Returns InvalidArgument (nothing written) for a state LoadState would refuse, so a save never
// leaves a file that stops the next start, and IoError naming the file and the system error when
// writing fails.
base::Status SaveState(const std::string& path, const proto::SentinelState& state);

// Reads the state file at `path`: nullopt when there is none (first start). Every error message
// names the file: IoError when it exists but cannot be read or is larger than kMaxStateFileSize;
// kCorruption when it is not a SentinelState, has no version or a version above kStateVersion (a
// newer tandem-sentinel wrote it), or holds invalid content: my_id or a known sentinel's run id not
// 40 hex characters, a master with an empty name (or a name seen twice), an empty host, or a port
// outside 1..65535.
base::StatusOr<std::optional<proto::SentinelState>> LoadState(const std::string& path);

}  // namespace tandem::sentinel
