#pragma once
// SHA-1 (FIPS 180-4), used as the script cache key (EVALSHA, SCRIPT LOAD) and by redis.sha1hex.
// Pure functions, thread-safe.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace tandem::scripting {

// The 20-byte digest of `data`.
std::array<uint8_t, 20> Sha1(std::string_view data);

// The digest of `data` as 40 lowercase hex characters.
std::string Sha1Hex(std::string_view data);

}  // namespace tandem::scripting
