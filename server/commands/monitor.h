#pragma once
// The MONITOR stream's line format: `1339518083.107412 [0 127.0.0.1:60866] "keys" "*"`.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/commands/client.h"

namespace tandem::commands {

// Appends `s` quoted as Redis's sdscatrepr does ("a\x00\n" style escapes).
void AppendQuoted(std::string* out, std::string_view s);
// The arguments as MONITOR and SLOWLOG show them: the secrets of AUTH and of HELLO's AUTH option
// become "(redacted)", as in Redis 7.0.
std::vector<std::string_view> RedactSecrets(std::span<const std::string_view> argv);
std::string FormatMonitorLine(Client& client, std::span<const std::string_view> argv,
                              int64_t now_us);

}  // namespace tandem::commands
