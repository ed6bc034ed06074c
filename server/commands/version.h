#pragma once
// The Redis version Tandem is compatible with (reported as redis_version, in HELLO and by
// COMMAND DOCS), and Tandem's own version.

#include <string_view>

namespace tandem::commands {

inline constexpr std::string_view kRedisCompatVersion = "7.0.15";
inline constexpr std::string_view kTandemVersion = "0.1.0";

}  // namespace tandem::commands
