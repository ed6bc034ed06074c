#pragma once
// CRC-64 as Redis computes it for RDB files and DUMP payloads: the Jones polynomial
// 0xad93d23594c935a9, reflected, initial value 0, no final xor ("123456789" -> 0xe9c6d914c4b8d9ca).

#include <cstdint>
#include <string_view>

namespace tandem::rdb {

// Continues a running CRC over `data` (start with crc = 0).
uint64_t Crc64(uint64_t crc, std::string_view data);

}  // namespace tandem::rdb
