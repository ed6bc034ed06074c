#pragma once
// IncrementalSnapshotWriter: an RDB file written key by key, in whatever order the keys come (a
// SnapshotCursor's), for the forkless BGSAVE. The bytes are WriteSnapshot's (snapshot.h) except
// that a SELECTDB precedes every run of keys of one database (Redis's loader accepts repeated
// SELECTDBs) and there is no RESIZEDB (optional in the format).
//
// Owner: one snapshot; single-threaded. The sink gets ~64 KB chunks, in order.

#include <cstdint>
#include <string>
#include <vector>

#include "server/base/status.h"
#include "server/rdb/snapshot.h"
#include "server/store/entry.h"

namespace tandem::rdb {

class IncrementalSnapshotWriter {
 public:
  // Uses options.compress and options.checksum (key_save_delay_us is the driver's business).
  IncrementalSnapshotWriter(const SnapshotWriteOptions& options, SnapshotSink sink);

  // Magic, version, aux fields and the function libraries (each library's code).
  void Begin(const std::vector<std::string>& function_codes, const SnapshotAux& aux);
  // One key of database `db`.
  void Add(int db, const store::Entry& entry);
  // EOF and the CRC64 of every byte before it; flushes the rest to the sink.
  base::Status End();

  // The first error the sink returned (later writes are dropped); Ok while none.
  const base::Status& status() const { return status_; }
  // Bytes handed to the sink so far.
  uint64_t bytes() const { return bytes_; }

 private:
  void MaybeFlush();
  void Flush();

  SnapshotWriteOptions options_;
  SnapshotSink sink_;
  std::string buffer_;
  uint64_t crc_ = 0;
  uint64_t bytes_ = 0;
  int db_ = -1;  // the database of the last key written
  base::Status status_;
};

}  // namespace tandem::rdb
