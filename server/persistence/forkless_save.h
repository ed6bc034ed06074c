#pragma once
// ForklessSave: one BGSAVE written by the server thread itself, without fork (issue 5), or the
// RDB of a diskless full sync handed to a sink the same way (StartStream). A
// store::SnapshotCursor gives the keyspace as it was at Start; slices of the walk run between
// client events (the SnapshotManager schedules them) and append to "temp-<pid>.rdb"; commands
// reach Preserve/Drain through ServerState::snapshot_hook (the manager) before they change keys.
// When the walk is complete, the trailer is written and a one-shot thread does fsync, rename over
// `dbfilename` and the directory fsync, so that a slow disk does not stall clients. Memory used:
// the output buffer and one serialised value at a time.
//
// Flow: Start -> walking (Slice... / Drain) -> committing (thread) -> Poll gives the result.
// Destroying it earlier abandons the save: the cursor aborts, the thread is joined, the temp file
// removed.
//
// Owner: SnapshotManager; server thread only (the commit thread touches only the file).

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "server/base/atomic_file.h"
#include "server/base/status.h"
#include "server/rdb/incremental_snapshot.h"
#include "server/store/snapshot_cursor.h"

namespace tandem::persistence {

class ForklessSave {
 public:
  // Creates `temp` (to become `target`), writes the preamble and starts the walk. Fails with the
  // OS error when the file cannot be created.
  static base::StatusOr<std::unique_ptr<ForklessSave>> Start(
      store::Keyspace& keyspace, const std::vector<std::string>& function_codes,
      const rdb::SnapshotAux& aux, const rdb::SnapshotWriteOptions& options, std::string target,
      std::string temp);
  // The same walk handing the RDB to `sink` instead of a file (a diskless full sync): the commit
  // is only the trailer, done at once by StartCommit.
  static std::unique_ptr<ForklessSave> StartStream(store::Keyspace& keyspace,
                                                   const std::vector<std::string>& function_codes,
                                                   const rdb::SnapshotAux& aux,
                                                   const rdb::SnapshotWriteOptions& options,
                                                   rdb::SnapshotSink sink);
  ~ForklessSave();
  ForklessSave(const ForklessSave&) = delete;
  ForklessSave& operator=(const ForklessSave&) = delete;

  // Serialises entries for about `budget_us` microseconds, or `max_keys` entries, whichever comes
  // first. Returns true when the walk is over (complete, or stopped by a write error).
  bool Slice(int64_t budget_us, size_t max_keys);
  bool walking() const { return cursor_ != nullptr; }

  // SnapshotHook's two calls (the manager forwards them): see store::SnapshotCursor.
  void Preserve(int db, std::string_view key);
  // Completes the walk at once.
  void Drain();

  // After the walk: writes the trailer and starts the commit thread (a write error skips both).
  void StartCommit();
  // The save's result once the commit thread is done (or the walk failed); nullopt meanwhile.
  std::optional<base::Status> Poll();
  // Waits for the commit thread and returns the result. Requires StartCommit.
  base::Status Wait();

  uint64_t keys_written() const { return cursor_ != nullptr ? cursor_->handed() : handed_; }

 private:
  // `file` is null for a stream, whose bytes go to `sink` instead.
  ForklessSave(store::Keyspace& keyspace, const rdb::SnapshotWriteOptions& options,
               std::optional<base::AtomicFile> file, rdb::SnapshotSink sink);
  // Ends the walk: remembers the count and drops the cursor (aborting it if incomplete).
  void EndWalk();

  std::optional<base::AtomicFile> file_;
  rdb::IncrementalSnapshotWriter writer_;
  std::unique_ptr<store::SnapshotCursor> cursor_;
  uint64_t handed_ = 0;
  std::thread committer_;
  std::atomic<bool> committed_{false};  // the thread is done; commit_status_ is set
  base::Status commit_status_;
  bool started_commit_ = false;
};

}  // namespace tandem::persistence
