#pragma once
// Loading the AOF at start-up (Redis 7.0's loadAppendOnlyFiles): read the manifest, then the base
// (an RDB file loaded with drop_expired off, possibly followed by commands, or RESP commands) and
// every incremental file in order, each command run through the dispatcher by a client of its
// own per file (database 0, no ACL user). Nothing is propagated (no Propagator is installed yet)
// and the statistics and slowlog are left as they were before the load.
//
// The last file may end inside a command: with aof-load-truncated yes it is cut back to its last
// complete command (a MULTI left open at the end is dropped too) and a warning is logged; in any
// other file, or with aof-load-truncated no, that is fatal. Any malformed content is fatal: the
// error names the file and the offset, and no file is changed.

#include <cstdint>
#include <string>

#include "server/base/status.h"
#include "server/commands/dispatcher.h"
#include "server/commands/server_state.h"
#include "server/persistence/aof_manifest.h"

namespace tandem::persistence {

struct AofLoadOptions {
  std::string dir;             // appenddirname (relative to the working directory, as Redis)
  std::string prefix;          // appendfilename
  bool load_truncated = true;  // aof-load-truncated
};

struct AofLoadResult {
  AofManifest manifest;     // empty when there is no directory or no manifest
  uint64_t base_size = 0;   // bytes of the base file
  uint64_t total_size = 0;  // bytes of the base and incremental files (after any truncation)
  uint64_t commands = 0;    // commands replayed
  bool truncated = false;   // the last file was cut back
};

// Loads the AOF into the (empty) keyspace. Fails with a message for the log (Redis's wording:
// "Bad file format reading the append only file <name> at offset <n>: ...").
base::StatusOr<AofLoadResult> LoadAof(const AofLoadOptions& options, commands::ServerState& state,
                                      commands::Dispatcher& dispatcher);

}  // namespace tandem::persistence
