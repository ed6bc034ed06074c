#pragma once
// Redis's zipmap byte format (hashes in RDB files older than Redis 2.6; Redis 7.0 still reads it):
// a count byte (254 or more: unknown), then per pair the field length, the field, the value
// length, a "free" byte, the value and `free` unused bytes, then 0xFF. A length is one byte below
// 254, else 254 (or 255) and a little-endian u32. Decode only.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/base/status.h"

namespace tandem::rdb {

// Decodes a blob into its (field, value) pairs in order; fails with kCorruption on any malformed
// or truncated part, never reading outside `blob`. Duplicate fields are left to the caller.
base::StatusOr<std::vector<std::pair<std::string, std::string>>> DecodeZipmap(
    std::string_view blob);

}  // namespace tandem::rdb
