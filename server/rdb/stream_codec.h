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

// Appends the stream value (without the type byte, which is kTypeStreamListpacks2). The live
// entries are re-chunked into nodes of at most 100 entries and about 4096 bytes (Redis's default
// stream-node-max-*), each keyed by its first entry's ID, without tombstones. `compress` is not
// used yet: strings are written plainly, which every reader accepts.
void AppendStream(const store::Stream& stream, bool compress, std::string* out);

// Reads a stream value of `rdb_type` (kTypeStreamListpacks or kTypeStreamListpacks2); any split
// of the entries into nodes loads, tombstones are dropped. 6.x streams get what Redis 7.0 derives
// on load (first ID, entries added, no max deleted ID, estimated group read counters). Fails with
// kCorruption on malformed input (bad listpacks or node counts, IDs out of order, a length that is
// not the live entry count, a last ID below the last entry, entries added below the length or
// above INT64_MAX, a read counter below -1, duplicate groups, consumers or PEL IDs, a consumer's
// ID missing from its group PEL, a PEL entry without a consumer), never crashing.
base::StatusOr<std::unique_ptr<store::Stream>> ReadStream(uint8_t rdb_type, BufferReader& in);

}  // namespace tandem::rdb
