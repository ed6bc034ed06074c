#pragma once
// The optional first line of an EVAL script, "#!lua flags=no-writes,allow-oom", as Redis 7.0
// reads it. A script without it runs in compatibility mode (it may write, it is refused nothing
// up front).

#include <cstdint>
#include <string>
#include <string_view>

#include "server/base/status.h"

namespace tandem::scripting {

// Script flags named in the shebang.
enum ScriptFlag : uint32_t {
  kScriptNoWrites = 1u << 0,            // "no-writes": a read-only script
  kScriptAllowOom = 1u << 1,            // "allow-oom": may run denyoom commands over maxmemory
  kScriptAllowStale = 1u << 2,          // "allow-stale": may run on a stale replica
  kScriptNoCluster = 1u << 3,           // "no-cluster": refused in cluster mode
  kScriptAllowCrossSlotKeys = 1u << 4,  // "allow-cross-slot-keys"
};

struct Shebang {
  bool present = false;  // false: no "#!" line (compatibility mode)
  uint32_t flags = 0;    // ScriptFlag bits
  // Bytes of the "#!..." line before its '\n': the code compiled starts there, so that line
  // numbers stay those of the whole body.
  size_t length = 0;
};

// Parses the shebang of `body`. Errors carry Redis's reply text ("ERR Unexpected flag in script
// shebang: bad").
base::StatusOr<Shebang> ParseShebang(std::string_view body);

}  // namespace tandem::scripting
