#include "server/rdb/snapshot.h"

namespace tandem::rdb {

base::Status WriteSnapshot(const store::Keyspace&, const std::vector<std::string>&,
                           const SnapshotAux&, const SnapshotWriteOptions&, const SnapshotSink&) {
  return base::Status::Error(base::Status::Code::kInternal, "not implemented");
}

base::StatusOr<SnapshotLoadResult> LoadSnapshot(std::string_view, store::Keyspace&,
                                                const SnapshotLoadOptions&) {
  return base::Status::Error(base::Status::Code::kInternal, "not implemented");
}

}  // namespace tandem::rdb
