#pragma once
// The base file of an AOF rewrite: the whole dataset at one instant. With aof-use-rdb-preamble
// yes it is an RDB file (aux aof-base 1); otherwise RESP commands, as Redis 7.0's
// rewriteAppendOnlyFileRio writes them: FUNCTION LOAD for each library, then per non-empty
// database SELECT and, per key, SET / RPUSH / SADD / ZADD / HMSET (at most 64 items a command)
// followed by PEXPIREAT when the key has a TTL.

#include <string>
#include <vector>

#include "server/base/status.h"
#include "server/rdb/snapshot.h"
#include "server/store/keyspace.h"

namespace tandem::persistence {

struct AofBaseInput {
  const store::Keyspace* keyspace = nullptr;
  std::vector<std::string> function_codes;  // each library's code, shebang included
  bool rdb = true;                          // aof-use-rdb-preamble
  rdb::SnapshotAux aux;                     // RDB only (aof_base is forced on)
  rdb::SnapshotWriteOptions rdb_options;    // key_save_delay_us applies to both formats
};

// Writes the base to `sink`. Fails when the sink fails, or (RESP format) for a stream key, which
// Tandem writes only in the RDB format.
base::Status WriteAofBase(const AofBaseInput& input, const rdb::SnapshotSink& sink);

}  // namespace tandem::persistence
