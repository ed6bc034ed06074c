#pragma once
// Redis's listpack byte format, as RDB files and DUMP payloads carry it (docs/rdb.md; Redis's
// listpack.md): a 4-byte little-endian total size, a 2-byte element count (65535: unknown), the
// entries, and 0xFF. Each entry is an encoding byte (7-bit uint, 6/12/32-bit string lengths,
// 13/16/24/32/64-bit signed integers) with its data, then a back-length of 1-5 bytes.
//
// This is a codec for whole blobs, not a container: the store keeps its own listpack layout
// (server/store/listpack.h) and converts at the edges.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/status.h"

namespace tandem::rdb {

// Builds a listpack blob. Elements are encoded as Redis 7.0 encodes them: a string that is the
// canonical text of an int64 becomes the smallest integer encoding, anything else a string.
class RedisListpackWriter {
 public:
  void Append(std::string_view element);
  void AppendInteger(int64_t value);
  size_t count() const { return count_; }
  // The finished blob (header, entries, terminator). The writer is left empty.
  std::string Finish();

 private:
  std::string entries_;
  size_t count_ = 0;
};

// Decodes a blob; fails with kCorruption on any malformed or truncated part (header size,
// entry encodings, back-lengths, the terminator), never reading outside `blob`. Integer entries
// come back as their decimal text.
base::StatusOr<std::vector<std::string>> DecodeRedisListpack(std::string_view blob);

}  // namespace tandem::rdb
