#pragma once
// SHA-256 (FIPS 180-4), used for ACL password hashes: ACL GETUSER/LIST show a password as the
// lowercase hex digest of its bytes, as Redis does. Pure functions, thread-safe.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace tandem::commands {

// The 32-byte digest of `data`.
std::array<uint8_t, 32> Sha256(std::string_view data);

// The digest of `data` as 64 lowercase hex characters.
std::string Sha256Hex(std::string_view data);

}  // namespace tandem::commands
