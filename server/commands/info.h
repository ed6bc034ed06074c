#pragma once
// INFO: which sections an INFO call selects and the text of each, field for field in Redis 7.0's
// order and format. Fields for features Tandem does not have (AOF, Lua, cluster, ...) are printed
// with the values Redis prints when they are idle, so that tools parsing INFO keep working.

#include <span>
#include <string>
#include <string_view>

#include "server/commands/server_state.h"

namespace tandem::commands {

// The INFO reply text for `args` (the arguments after INFO): section names, "default", "all"
// (every section) or "everything" (the same, Tandem having no module sections), in any case;
// no arguments means "default". Unknown names select nothing, so the text may be empty. Each
// selected section appears once, in Redis's order, as "# Title\r\n" then "field:value\r\n" lines;
// sections are separated by "\r\n". Also raises the recorded memory peak.
std::string BuildInfo(ServerState& server, std::span<const std::string_view> args);

// Raises stats.used_memory_peak to the current heap usage. Called by INFO and the app's cron.
void UpdateMemoryPeak(ServerState& server);

}  // namespace tandem::commands
