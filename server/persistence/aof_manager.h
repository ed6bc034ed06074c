#pragma once
// AofManager: the append-only file of a running server, Redis 7.0's multi-part layout
// (aof_manifest.h): `<appenddirname>/` holds one base file, the incremental files written since it
// and the manifest naming them.
//
// Flow: off -> (Open at start, or CONFIG SET appendonly yes) on: every propagated write is
// appended to a buffer, written to the last incremental file before any reply leaves the server
// (FlushBeforeReplies), and fsynced per appendfsync: always (before the replies), everysec (by a
// background thread once a second) or no. BGREWRITEAOF (or the auto-aof-rewrite-* rule) opens a
// new incremental file, forks a child that writes a new base from the memory image, and when it
// succeeds a new manifest lists the new base and the incremental files opened since; the old
// files become history and are deleted (unless aof-disable-auto-gc). -> (CONFIG SET appendonly
// no) off.
//
// Owner: the app; server thread only, except the fsync thread, which touches only fsync_ state.

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "server/base/status.h"
#include "server/commands/persistence_control.h"
#include "server/commands/server_state.h"
#include "server/persistence/aof_manifest.h"
#include "server/persistence/aof_writer.h"
#include "server/persistence/fork_child.h"

namespace tandem::persistence {

class AofManager final : public commands::AofControl {
 public:
  AofManager(commands::ServerState& state, ForkChild& child);
  ~AofManager() override;
  AofManager(const AofManager&) = delete;
  AofManager& operator=(const AofManager&) = delete;

  // At start with appendonly yes, after LoadAof gave `manifest` (empty when there was none):
  // creates the directory, writes a base from the (loaded) dataset when the manifest names no
  // file, opens the last incremental file (or a new one), persists the manifest and starts
  // appending. `loaded_size` / `base_size` are the loaded files' bytes. Fails (the server must
  // not start) when a file cannot be created or written.
  base::Status Open(AofManifest manifest, uint64_t loaded_size, uint64_t base_size);

  // Writes what was appended since the last call, and fsyncs it under appendfsync always. Called
  // before replies are sent and from the cron.
  void FlushBeforeReplies();
  // The cron step: reaps a finished rewrite child, starts a scheduled or automatic rewrite,
  // flushes the buffer.
  void Cron();
  // SHUTDOWN / SIGTERM: writes and fsyncs everything (and kills a rewrite child).
  void FlushAndSyncForExit();

  // commands::AofControl
  base::StatusOr<std::string> BackgroundRewrite(bool in_exec) override;
  void RewriteAfterFullSync() override;

  bool enabled() const { return fd_ >= 0; }

 private:
  std::string PathOf(const std::string& name) const { return dir_ + "/" + name; }
  base::Status PersistManifest(const AofManifest& manifest);
  // Writes the buffer to the file (no fsync). False on a write error (the rest is kept).
  bool WriteBuffer();
  // fdatasync of the current file on the calling thread.
  void SyncNow();
  // Opens `name` for appending and makes it the current file (the old one is synced and closed).
  base::Status SwitchTo(const std::string& name);
  base::Status StartRewrite();
  // Kills our rewrite child, if any, and removes its temporary file.
  void KillRewrite();
  // Before the first use while the AOF was off: takes the directory names from the config and
  // the manifest already on disk, if any.
  void AdoptManifestOnDisk();
  void RewriteDone(bool ok);
  void DeleteHistory();
  void FsyncLoop();
  void UpdateSizes();
  bool SetAppendOnly(bool on);
  // Closes the file and stops recording (CONFIG SET appendonly no, or enabling failed).
  void StopAppending();
  // Where writes go while CONFIG SET appendonly yes waits for its base: "temp-<prefix>.incr".
  std::string TempIncrName() const { return "temp-" + prefix_ + ".incr"; }

  commands::ServerState& state_;
  ForkChild& child_;
  AofWriter writer_;
  AofManifest manifest_;
  std::string dir_;            // appenddirname, captured at Open (immutable config)
  std::string prefix_;         // appendfilename
  int fd_ = -1;                // the incremental file being appended to; -1 when off
  uint64_t incr_size_ = 0;     // bytes written to it
  uint64_t other_size_ = 0;    // bytes of the base and the earlier incremental files
  bool rewriting_ = false;     // our child runs
  bool wait_rewrite_ = false;  // enabled at run time, appending to TempIncrName() until the base
  int64_t last_rewrite_attempt_ms_ = 0;

  pid_t last_child_pid_ = -1;  // the rewrite child (names its temporary file)

  // Shared with the fsync thread (everysec). mu_ guards the counters (held briefly); fd_mu_ is
  // held by the thread while it fsyncs sync_fd_, and by the server thread to close it.
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t written_ = 0;  // bytes written (all files)
  uint64_t synced_ = 0;   // bytes fsynced
  bool stop_ = false;
  std::mutex fd_mu_;
  int sync_fd_ = -1;                  // what the thread fsyncs
  std::atomic<bool> everysec_{true};  // appendfsync everysec (read by the thread)
  std::thread fsync_thread_;
};

}  // namespace tandem::persistence
