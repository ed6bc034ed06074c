#pragma once
// Slowlog entries: argv is kept as Redis keeps it, at most 32 arguments (the last one then says
// "... (N more arguments)") and each at most 128 bytes ("... (N more bytes)").

#include <span>
#include <string_view>

#include "server/commands/client.h"
#include "server/commands/server_state.h"

namespace tandem::commands {

SlowlogEntry MakeSlowlogEntry(uint64_t id, Client& client, std::span<const std::string_view> argv,
                              int64_t unix_time, int64_t duration_us);

}  // namespace tandem::commands
