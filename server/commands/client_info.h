#pragma once
// The one-line description of a client that CLIENT LIST, CLIENT INFO and ACL LOG's client-info
// show, in Redis 7.0.15's field order.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "server/commands/client.h"

namespace tandem::commands {

// The command a client is executing while it is described.
struct RunningCommand {
  std::string_view full_name;  // "client|list"
  size_t argv_mem;             // bytes of its arguments
};

size_t ArgvBytes(std::span<const std::string_view> argv);
// Client names are printable ASCII without spaces, so that CLIENT LIST stays parseable; "" clears.
bool IsValidClientName(std::string_view name);
// The line of a client running `full_name` with `argv`, without the trailing '\n': what ACL LOG
// records as client-info.
std::string ClientInfoForLog(Client& c, int64_t now_ms, std::string_view full_name,
                             std::span<const std::string_view> argv);
// Appends the line for `c` and a '\n'. `running` is null for a client between commands (its
// last command is shown). Fields for features Tandem lacks yet (pub/sub, MULTI, tracking) show
// their idle values.
void AppendClientInfo(Client& c, int64_t now_ms, const RunningCommand* running, std::string* out);

}  // namespace tandem::commands
