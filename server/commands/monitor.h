#pragma once
// The MONITOR stream's line format: `1339518083.107412 [0 127.0.0.1:60866] "keys" "*"`.

#include <span>
#include <string>
#include <string_view>

#include "server/commands/client.h"

namespace tandem::commands {

// Appends `s` quoted as Redis's sdscatrepr does ("a\x00\n" style escapes).
void AppendQuoted(std::string* out, std::string_view s);
std::string FormatMonitorLine(Client& client, std::span<const std::string_view> argv,
                              int64_t now_us);

}  // namespace tandem::commands
