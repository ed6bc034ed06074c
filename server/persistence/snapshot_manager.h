#pragma once
// SnapshotManager: RDB persistence as Redis 7.0 does it. SAVE writes `dbfilename` (relative to
// `dir`, the process's working directory) in the foreground; BGSAVE forks a child (ForkChild, COW)
// that writes "temp-<pid>.rdb" and renames it over the file; the cron reaps the child, starts a
// scheduled BGSAVE and checks the `save` points; a failed background save refuses writes
// (MISCONF) while stop-writes-on-bgsave-error is on. Also the load at start, DEBUG RELOAD and the
// saves of SHUTDOWN and FLUSHALL.
//
// Owner: the app; server thread only. Keeps state.persistence (INFO persistence) up to date.

#include <cstdint>
#include <string>

#include "server/commands/persistence_control.h"
#include "server/commands/server_state.h"
#include "server/persistence/fork_child.h"

namespace tandem::persistence {

class SnapshotManager final : public commands::SnapshotControl {
 public:
  // `child` is the process's one background child, shared with the AOF.
  SnapshotManager(commands::ServerState& state, ForkChild& child);

  base::Status Save() override;
  base::StatusOr<std::string> BackgroundSave(bool schedule) override;
  bool WritesRefused() const override;
  base::Status DebugReload() override;
  base::Status PrepareShutdown(bool save, bool nosave, bool force) override;
  void OnFlushAll() override;
  int64_t LastSaveUnix() const override;

  // `save` has at least one save point.
  bool HasSavePoints() const;
  // Kills a running BGSAVE child (not an error for INFO) and removes its temp file.
  void KillBackgroundSave();

  // Loads `dbfilename` if it exists (an absent file is not an error). Fails with a message naming
  // the file, the offset and the reason; the file is left as it is.
  base::Status LoadAtStart();
  // The cron's persistence step: reaps a finished BGSAVE child, runs a scheduled BGSAVE and
  // starts one when a save point is reached.
  void Cron();

 private:
  // Writes the file (temp file, fsync, rename) from this process.
  base::Status WriteFile(const std::string& temp_name) const;
  // WriteFile from this process and the status updates of a successful save; "ERR" on failure.
  base::Status SaveNow();
  base::Status StartBackgroundSave();
  void BackgroundSaveDone(pid_t pid, const ChildExit& exit);
  // Reads and loads `path` into the (empty) keyspace and the function libraries.
  base::Status LoadFile(const std::string& path, bool flush_functions);
  // A failed BGSAVE waits this long before a save point or a scheduled BGSAVE retries it.
  bool RetryAllowed(int64_t now_s) const;

  commands::ServerState& state_;
  ForkChild& child_;
  bool scheduled_ = false;         // BGSAVE SCHEDULE (or from EXEC) waits for the other child
  int64_t last_bgsave_try_s_ = 0;  // when the last BGSAVE was attempted
  uint64_t dirty_before_bgsave_ = 0;
};

}  // namespace tandem::persistence
