#include "server/rdb/incremental_snapshot.h"

#include <utility>

#include "server/rdb/crc64.h"
#include "server/rdb/rdb_format.h"
#include "server/rdb/rdb_string.h"
#include "server/rdb/value_codec.h"

namespace tandem::rdb {
namespace {

constexpr size_t kSinkChunk = 64 * 1024;

}  // namespace

IncrementalSnapshotWriter::IncrementalSnapshotWriter(const SnapshotWriteOptions& options,
                                                     SnapshotSink sink)
    : options_(options), sink_(std::move(sink)) {
  buffer_.reserve(kSinkChunk * 2);
}

void IncrementalSnapshotWriter::Begin(const std::vector<std::string>& function_codes,
                                      const SnapshotAux& aux) {
  AppendPreamble(function_codes, aux, options_.compress, &buffer_);
  MaybeFlush();
}

void IncrementalSnapshotWriter::Add(int db, const store::Entry& entry) {
  if (!status_.ok()) return;
  if (db != db_) {
    buffer_.push_back(static_cast<char>(kOpSelectDb));
    AppendLength(static_cast<uint64_t>(db), &buffer_);
    db_ = db;
  }
  AppendKey(entry, options_.compress, &buffer_);
  MaybeFlush();
}

base::Status IncrementalSnapshotWriter::End() {
  buffer_.push_back(static_cast<char>(kOpEof));
  Flush();
  uint64_t crc = options_.checksum ? crc_ : 0;
  for (int i = 0; i < 8; ++i) buffer_.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  Flush();
  return status_;
}

void IncrementalSnapshotWriter::MaybeFlush() {
  if (buffer_.size() >= kSinkChunk) Flush();
}

void IncrementalSnapshotWriter::Flush() {
  if (buffer_.empty() || !status_.ok()) {
    buffer_.clear();
    return;
  }
  crc_ = Crc64(crc_, buffer_);
  bytes_ += buffer_.size();
  status_ = sink_(buffer_);
  buffer_.clear();
}

}  // namespace tandem::rdb
