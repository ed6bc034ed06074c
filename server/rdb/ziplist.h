#pragma once
// Redis's ziplist byte format (Redis <= 6.2's compact encoding; Redis 7.0 still reads it in old RDB
// files and DUMP payloads): u32 total bytes, u32 offset of the last entry, u16 entry count (65535:
// unknown), the entries, and 0xFF, all little-endian. Each entry is the previous entry's size (1
// byte below 254, else 0xFE and a u32), an encoding (strings with 6/14/32-bit lengths, the last
// two big-endian; int8/16/24/32/64; 0xF1..0xFD: the immediate 0..12), and the data.
// Decode only: nothing writes ziplists any more.

#include <string>
#include <string_view>
#include <vector>

#include "server/base/status.h"

namespace tandem::rdb {

// Decodes a blob; fails with kCorruption on any malformed or truncated part (total size, tail
// offset, count, previous-entry sizes, encodings, terminator), never reading outside `blob`.
// Integer entries come back as their decimal text.
base::StatusOr<std::vector<std::string>> DecodeZiplist(std::string_view blob);

}  // namespace tandem::rdb
