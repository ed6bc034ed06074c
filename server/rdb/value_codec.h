#pragma once
// A key's value in RDB form (docs/rdb.md): the type byte and the payload, as Redis 7.0 writes
// them, and every value encoding Redis 7.0 reads (the compact ones: listpack, ziplist, intset,
// zipmap, quicklist; streams in stream_codec.h). Used by RDB files, DUMP/RESTORE and full syncs.

#include <cstdint>
#include <memory>
#include <string>

#include "server/base/status.h"
#include "server/rdb/rdb_string.h"
#include "server/store/entry.h"
#include "server/store/hash_object.h"
#include "server/store/zset_object.h"

namespace tandem::rdb {

// The configuration that shapes loaded objects (list-max-listpack-size, hash-max-listpack-*,
// set-max-intset-entries, zset-max-listpack-*), read by the caller.
struct ObjectLimits {
  int list_fill = -2;
  store::HashLimits hash;
  size_t set_max_intset_entries = 512;
  store::ZSetLimits zset;
};

struct WriteOptions {
  bool compress = true;  // rdbcompression: LZF for strings longer than 20 bytes
};

// Appends the RDB type byte of `entry`'s value, then the value (a DUMP payload's body).
void AppendValue(const store::Entry& entry, const WriteOptions& options, std::string* out);
// Appends the type byte, the key and the value: a key as an RDB file holds it.
void AppendKeyAndValue(const store::Entry& entry, const WriteOptions& options, std::string* out);

// A loaded value: a string, or an object (then `string` is empty).
struct Value {
  std::string string;
  std::unique_ptr<store::Object> object;
};

// Whether `rdb_type` (a byte read where a value type or an opcode may be) is a value type this
// reader knows.
bool IsValueType(uint8_t rdb_type);

// Reads a value of `rdb_type` (already read). Fails with kCorruption on malformed or truncated
// input, and on values Redis would refuse with sanitize-dump-payload yes (an empty aggregate,
// duplicate set members, hash fields or sorted-set members, NaN scores, bytes after a blob's
// terminator), and on listpack/ziplist scores that are not numbers; never crashing. Objects are
// built through the store's write APIs, so their encodings follow `limits` as after normal writes.
// Module values fail; streams go to ReadStream.
base::StatusOr<Value> ReadValue(uint8_t rdb_type, BufferReader& in, const ObjectLimits& limits);

}  // namespace tandem::rdb
