#pragma once
// Streams in RDB form (docs/rdb.md): RDB_TYPE_STREAM_LISTPACKS_2 as Redis 7.0 writes it (the
// entries as listpacks keyed by their master ID, the stream metadata, then each consumer group
// with its PEL and consumers), and RDB_TYPE_STREAM_LISTPACKS (6.x) on read.

#include <cstdint>
#include <memory>
#include <string>

#include "server/base/status.h"
#include "server/rdb/rdb_string.h"
#include "server/store/stream.h"

namespace tandem::rdb {

// Appends the stream value (without the type byte, which is kTypeStreamListpacks2).
void AppendStream(const store::Stream& stream, bool compress, std::string* out);

// Reads a stream value of `rdb_type` (kTypeStreamListpacks or kTypeStreamListpacks2). Fails with
// kCorruption on malformed input (bad listpacks, IDs out of order, a PEL entry without its
// consumer, ...), never crashing.
base::StatusOr<std::unique_ptr<store::Stream>> ReadStream(uint8_t rdb_type, BufferReader& in);

}  // namespace tandem::rdb
