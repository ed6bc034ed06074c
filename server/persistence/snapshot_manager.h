#pragma once
// SnapshotManager: RDB persistence as Redis 7.0 does it. SAVE writes `dbfilename` (relative to
// `dir`, the process's working directory) in the foreground; BGSAVE writes the keyspace as it was
// when it started without forking (ForklessSave): slices of ~200 us run on the event loop between
// client events, spaced out while clients are active (with rdb-key-save-delay set: one key per
// slice, that many microseconds apart); the manager is the commands' SnapshotHook meanwhile; the
// fsync and rename run on a thread. It holds the ForkChild slot while it runs, so that an AOF
// rewrite waits for it and it for the rewrite, as with Redis's one child. The cron starts a
// scheduled BGSAVE and checks the `save` points; a failed background save refuses writes (MISCONF)
// while stop-writes-on-bgsave-error is on. Also the load at start, DEBUG RELOAD and the saves of
// SHUTDOWN and FLUSHALL (which abandon a BGSAVE in progress, as Redis kills its child).
//
// Owner: the app; server thread only. Keeps state.persistence (INFO persistence) up to date.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/commands/persistence_control.h"
#include "server/commands/server_state.h"
#include "server/persistence/fork_child.h"
#include "server/persistence/forkless_save.h"

namespace tandem::persistence {

class SnapshotManager final : public commands::SnapshotControl, public commands::SnapshotHook {
 public:
  // `child` is the process's one background child, shared with the AOF.
  SnapshotManager(commands::ServerState& state, ForkChild& child);
  ~SnapshotManager() override;

  base::Status Save() override;
  base::StatusOr<std::string> BackgroundSave(bool schedule, bool in_exec) override;
  bool WritesRefused() const override;
  base::Status DebugReload() override;
  base::Status PrepareShutdown(bool save, bool nosave, bool force) override;
  void OnFlushAll() override;
  bool StartStreamSnapshot(commands::StreamSnapshotJob job) override;
  void AbortStreamSnapshot() override;
  bool BackgroundSaveForReplication(std::function<void(const base::Status&)> done) override;
  std::string RdbPath() const override;
  base::StatusOr<std::vector<std::pair<std::string, std::string>>> LoadForReplication(
      const std::string& path) override;

  // SnapshotHook, installed in state.snapshot_hook while a BGSAVE walks the keyspace.
  void Preserve(int db, std::string_view key) override;
  void Drain() override;

  // `save` has at least one save point.
  bool HasSavePoints() const;
  // Abandons a running BGSAVE (not an error for INFO) and removes its temp file.
  void KillBackgroundSave();

  // Loads `dbfilename` if it exists (an absent file is not an error). Fails with a message naming
  // the file, the offset and the reason; the file is left as it is.
  base::Status LoadAtStart();
  // The cron's persistence step: runs a scheduled BGSAVE and starts one when a save point is
  // reached.
  void Cron();

 private:
  // Writes the file (temp file, fsync, rename) from this process.
  base::Status WriteFile(const std::string& temp_name) const;
  // WriteFile from this process and the status updates of a successful save; "ERR" on failure.
  base::Status SaveNow();
  std::vector<std::string> FunctionCodes() const;
  rdb::SnapshotAux Aux() const;
  rdb::SnapshotWriteOptions WriteOptions() const;
  // Starts the forkless save; a temp file that cannot be created makes it a failed BGSAVE at once
  // (Redis's child fails so after its fork).
  void StartBackgroundSave();
  // Runs the BGSAVE's next slice after `delay_us` (on the event loop).
  void ScheduleSlice(int64_t delay_us);
  void RunSlice(uint64_t generation);
  // The walk is over: uninstalls the hook and starts the commit.
  void WalkDone();
  void ScheduleCommitCheck();
  // Completes the BGSAVE once its commit thread is done.
  void CheckCommit(uint64_t generation);
  // Runs the BGSAVE in progress to its end now (DEBUG RELOAD).
  void CompleteBackgroundSaveNow();
  void BackgroundSaveDone(const base::Status& status);
  // Reads and loads `path` into the (empty) keyspace and the function libraries; `aux`, when not
  // null, receives the file's aux fields. A replica keeps keys that are already expired (its
  // master's DELs remove them).
  base::Status LoadFile(const std::string& path, bool flush_functions,
                        std::vector<std::pair<std::string, std::string>>* aux);
  // Ends a running stream snapshot or replication BGSAVE's waiters with `status`.
  void NotifyReplication(const base::Status& status);
  // A failed BGSAVE waits this long before a save point or a scheduled BGSAVE retries it.
  bool RetryAllowed(int64_t now_s) const;

  commands::ServerState& state_;
  ForkChild& child_;
  bool scheduled_ = false;         // BGSAVE SCHEDULE (or from EXEC) waits for the other child
  int64_t last_bgsave_try_s_ = 0;  // when the last BGSAVE was attempted
  uint64_t dirty_before_bgsave_ = 0;
  std::unique_ptr<ForklessSave> save_;  // the BGSAVE (or stream snapshot) in progress
  // Set while save_ is a diskless full sync's stream rather than a file.
  std::optional<commands::StreamSnapshotJob> stream_job_;
  // Full syncs waiting for the BGSAVE in progress (BackgroundSaveForReplication).
  std::vector<std::function<void(const base::Status&)>> replication_waiters_;
  // Identifies save_ for the deferred calls (a call for an abandoned save does nothing).
  uint64_t generation_ = 0;
  int64_t next_slice_due_us_ = 0;  // when the next slice should start (steady clock)
};

}  // namespace tandem::persistence
