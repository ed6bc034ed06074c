#pragma once
// Run ids: how sentinels (and Redis servers) name themselves, 40 hex characters (Redis's
// CONFIG_RUN_ID_SIZE). Pure functions.

#include <cstddef>
#include <string_view>

namespace tandem::sentinel {

inline constexpr size_t kRunIdSize = 40;

// True when `text` is exactly kRunIdSize hex digits (either case).
bool IsRunId(std::string_view text);

}  // namespace tandem::sentinel
