#pragma once
// The timeout argument of blocking commands (BLPOP ... 1.5): seconds, fractions allowed.

#include <cstdint>
#include <string_view>

#include "server/commands/context.h"

namespace tandem::commands {

// Sets *deadline_ms to the absolute time the wait ends (0: wait forever). False after replying
// Redis's error for a value that is not a number, negative or too large.
bool ParseBlockTimeout(Context& ctx, std::string_view text, int64_t* deadline_ms);

}  // namespace tandem::commands
