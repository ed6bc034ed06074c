#pragma once
// What persistence commands ask of the process (SAVE, BGSAVE, BGREWRITEAOF, SHUTDOWN SAVE,
// DEBUG RELOAD, the MISCONF check) and the state INFO persistence reports. Implemented by
// server/persistence, installed by the app; null in unit tests that do not need it.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/base/status.h"
#include "server/rdb/snapshot.h"

namespace tandem::commands {

// What INFO persistence shows, kept up to date by the persistence managers.
struct PersistenceStatus {
  // RDB snapshots.
  bool loading = false;
  int64_t last_save_unix = 0;        // rdb_last_save_time (start time until the first save)
  uint64_t dirty_at_last_save = 0;   // ServerStats::dirty when the last save began
  bool bgsave_in_progress = false;   // a BGSAVE child runs
  int64_t bgsave_start_ms = 0;       // when it started
  uint64_t save_keys_total = 0;      // keys when the running BGSAVE started (0: none runs)
  uint64_t save_keys_processed = 0;  // keys it has written so far
  bool last_bgsave_ok = true;        // rdb_last_bgsave_status
  int64_t last_bgsave_time_sec = -1;
  uint64_t rdb_saves = 0;
  uint64_t rdb_last_cow_size = 0;  // bytes the last BGSAVE child copied on write
  uint64_t last_load_keys_expired = 0;
  uint64_t last_load_keys_loaded = 0;
  // The replication fields of the RDB file loaded at start (repl-id empty: none), which let a
  // restarted replica ask for a partial sync and a restarted master keep serving one.
  std::string loaded_repl_id;
  int64_t loaded_repl_offset = 0;
  int loaded_repl_stream_db = 0;
  // AOF.
  bool aof_enabled = false;
  bool aof_rewrite_in_progress = false;
  bool aof_rewrite_scheduled = false;
  int64_t aof_rewrite_start_ms = 0;
  int64_t aof_last_rewrite_time_sec = -1;
  bool aof_last_bgrewrite_ok = true;
  uint64_t aof_rewrites = 0;
  uint64_t aof_rewrites_consecutive_failures = 0;
  bool aof_last_write_ok = true;
  uint64_t aof_last_cow_size = 0;
  uint64_t aof_current_size = 0;  // bytes of the base and incremental files
  uint64_t aof_base_size = 0;     // the size at the last rewrite (auto-aof-rewrite-percentage)
  uint64_t aof_pending_bio_fsync = 0;
  uint64_t aof_delayed_fsync = 0;
};

// A replication full sync without a file (repl-diskless-sync): an RDB of the keyspace as it is when
// the job starts, produced in slices on the event loop (as a BGSAVE) and handed to `sink`.
struct StreamSnapshotJob {
  rdb::SnapshotSink sink;  // the RDB's bytes, in order; an error ends the job with that error
  // False while the receivers cannot take more (their output buffers are full): the walk waits.
  std::function<bool()> ready;
  // Called once, after the last chunk went to the sink, or with the error that stopped it (the
  // sink's, or the snapshot abandoned by FLUSHALL, SHUTDOWN or this node's own full sync); not
  // after AbortStreamSnapshot. Without an event loop (unit tests) before StartStreamSnapshot
  // returns.
  std::function<void(const base::Status&)> done;
};

// RDB snapshots: implemented by persistence::SnapshotManager.
class SnapshotControl {
 public:
  virtual ~SnapshotControl() = default;
  // SAVE: writes the RDB file now, in the foreground. The error is the reply text.
  virtual base::Status Save() = 0;
  // BGSAVE [SCHEDULE]: the status reply on success ("Background saving started" / "Background
  // saving scheduled"); the error reply text otherwise. Inside EXEC the save is always scheduled
  // (for the cron), as in Redis.
  virtual base::StatusOr<std::string> BackgroundSave(bool schedule, bool in_exec) = 0;
  // stop-writes-on-bgsave-error is on and the last background save failed: writes get MISCONF.
  virtual bool WritesRefused() const = 0;
  // DEBUG RELOAD: saves, empties the keyspace and loads the file back.
  virtual base::Status DebugReload() = 0;
  // SHUTDOWN (and SIGTERM): abandons a BGSAVE in progress, then saves when `save`, or when save
  // points exist and not `nosave`. A failed save is the error reply unless `force`.
  virtual base::Status PrepareShutdown(bool save, bool nosave, bool force) = 0;
  // FLUSHALL emptied the keyspace: abandons a BGSAVE in progress and saves when save points
  // exist.
  virtual void OnFlushAll() = 0;

  // Replication, primary side. Starts a diskless full sync's snapshot now; the file's aux fields
  // are a BGSAVE's plus ReplicationControl::FillSnapshotAux, taken as the walk starts. Returns
  // false, starting nothing, while a BGSAVE, an AOF rewrite or another stream snapshot runs: the
  // caller retries later (its cron).
  virtual bool StartStreamSnapshot(StreamSnapshotJob job) = 0;
  // Abandons the running stream snapshot (its receivers are gone); its `done` is not called.
  virtual void AbortStreamSnapshot() = 0;
  // A disk full sync (repl-diskless-sync no, or a replica without capa eof): starts a BGSAVE of
  // `dbfilename` and calls `done` once with its result when it ends or is abandoned (at once when
  // the temp file cannot be created). False, starting nothing, while a BGSAVE or rewrite runs
  // (retry later).
  virtual bool BackgroundSaveForReplication(std::function<void(const base::Status&)> done) = 0;
  // The path of the RDB file BGSAVE writes (`dir`/`dbfilename`).
  virtual std::string RdbPath() const = 0;
  // Replication, replica side: abandons any BGSAVE, empties the keyspace and the function
  // libraries and loads the RDB file at `path` (a full sync's payload). Returns the file's aux
  // fields. On failure the keyspace is left empty.
  virtual base::StatusOr<std::vector<std::pair<std::string, std::string>>> LoadForReplication(
      const std::string& path) = 0;
};

// A forkless BGSAVE walking the keyspace, as commands see it: ServerState::snapshot_hook points at
// it only meanwhile. Implemented by persistence::SnapshotManager.
class SnapshotHook {
 public:
  virtual ~SnapshotHook() = default;
  // Writes `key` of `db` to the snapshot now unless it is already in it (or was created after the
  // snapshot began): called before a command may change or delete it.
  virtual void Preserve(int db, std::string_view key) = 0;
  // Writes every key not written yet: before FLUSHDB, SWAPDB and DEBUG RELOAD.
  virtual void Drain() = 0;
};

// The append-only file: implemented by persistence::AofManager.
class AofControl {
 public:
  virtual ~AofControl() = default;
  // BGREWRITEAOF: the status reply on success ("Background append only file rewriting started" /
  // "... scheduled"); the error reply text otherwise.
  // Inside EXEC the rewrite is always scheduled, as in Redis.
  virtual base::StatusOr<std::string> BackgroundRewrite(bool in_exec) = 0;
  // A replica's full sync replaced the data set: the files no longer describe it, so a rewrite in
  // progress is abandoned and a new one scheduled (Redis restarts the AOF likewise). No-op while
  // appendonly is off.
  virtual void RewriteAfterFullSync() = 0;
};

}  // namespace tandem::commands
