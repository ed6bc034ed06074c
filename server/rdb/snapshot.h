#pragma once
// Whole RDB files (docs/rdb.md): "REDIS0010", aux fields, per database SELECTDB, RESIZEDB and the
// keys (with EXPIRETIME_MS, IDLE/FREQ), the function libraries (FUNCTION2), EOF and the CRC64.
// Used by SAVE/BGSAVE, the AOF's RDB preamble, DEBUG RELOAD and (issue 6) full syncs.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/status.h"
#include "server/rdb/value_codec.h"
#include "server/store/keyspace.h"

namespace tandem::rdb {

// The aux fields besides redis-ver, redis-bits, ctime and used-mem, which are always written.
struct SnapshotAux {
  std::string redis_version;  // "7.0.15"-style: what redis-ver says
  std::string repl_id;        // repl-id: written with repl-offset when not empty
  int64_t repl_offset = 0;
  int repl_stream_db = 0;  // repl-stream-db: the database the replication stream has selected
  bool aof_base = false;   // aof-base: 1 in an AOF base file
  int64_t ctime_s = 0;     // ctime
  uint64_t used_mem = 0;   // used-mem
};

struct SnapshotWriteOptions {
  bool compress = true;           // rdbcompression
  bool checksum = true;           // rdbchecksum: else the trailer is 8 zero bytes
  int64_t key_save_delay_us = 0;  // rdb-key-save-delay (tests slow a BGSAVE down with it)
};

// Receives the file's bytes in order, in chunks; an error stops the writer and is returned.
using SnapshotSink = std::function<base::Status(std::string_view)>;

// The bytes before the databases: magic and version, the aux fields, the function libraries
// (each library's code, shebang included).
void AppendPreamble(const std::vector<std::string>& function_codes, const SnapshotAux& aux,
                    bool compress, std::string* out);
// One key as the file holds it: EXPIRETIME_MS when it has a TTL, the type, the key, the value.
void AppendKey(const store::Entry& entry, bool compress, std::string* out);

// Writes the keyspace and `function_codes` (each library's code, shebang included) as one RDB
// file to `sink`.
base::Status WriteSnapshot(const store::Keyspace& keyspace,
                           const std::vector<std::string>& function_codes, const SnapshotAux& aux,
                           const SnapshotWriteOptions& options, const SnapshotSink& sink);

struct SnapshotLoadOptions {
  ObjectLimits limits;
  int64_t now_ms = 0;
  bool drop_expired = true;  // a primary skips keys already expired (an AOF preamble does not)
};

struct SnapshotLoadResult {
  uint64_t keys_loaded = 0;
  uint64_t keys_expired = 0;                             // skipped as already expired
  std::vector<std::string> function_codes;               // libraries to load, in file order
  std::vector<std::pair<std::string, std::string>> aux;  // every aux field, in file order
  size_t bytes = 0;  // where the file ended (after the checksum)
};

// Loads an RDB image (any version up to 10, as Redis 7.0 reads) into `keyspace`, which should be
// empty. A checksum mismatch, a truncated or malformed file, or a key that already exists fails
// with kCorruption and a message naming the offset; then the keyspace holds whatever loaded
// before. Module aux data (opcode 247) is skipped where its format allows; module values fail.
base::StatusOr<SnapshotLoadResult> LoadSnapshot(std::string_view data, store::Keyspace& keyspace,
                                                const SnapshotLoadOptions& options);

}  // namespace tandem::rdb
