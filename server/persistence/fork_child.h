#pragma once
// ForkChild: the one background job a server may have at a time, as in Redis: an AOF rewrite runs
// in a forked child, reaped from the cron without blocking; a BGSAVE (which does not fork: see
// forkless_save.h) only reserves the slot, so that each waits for the other as Redis's do.
//
// The child runs its job on a copy-on-write image of the parent's memory and leaves with _exit;
// before leaving it reports how many bytes it found copied on write (Private_Dirty of
// /proc/self/smaps_rollup) through a pipe, for INFO's *_last_cow_size.
//
// Owner: the persistence managers (through the app); server thread only.

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>

#include "server/base/status.h"

namespace tandem::persistence {

// What a child is doing.
enum class ChildKind {
  kNone,  // no child
  kRdb,   // BGSAVE (a reservation: the save runs in this process)
  kAof,   // BGREWRITEAOF
};

struct ChildExit {
  ChildKind kind = ChildKind::kNone;
  bool ok = false;         // exited with status 0
  bool killed = false;     // ended by a signal (Kill, or kill -9 from outside)
  uint64_t cow_bytes = 0;  // what the child reported, 0 when it did not
  int64_t duration_ms = 0;
};

class ForkChild {
 public:
  ForkChild() = default;
  ~ForkChild();  // kills and reaps a child still running
  ForkChild(const ForkChild&) = delete;
  ForkChild& operator=(const ForkChild&) = delete;

  // Called with true when a child starts and false when it is gone (the app makes the keyspace
  // copy-on-write friendly meanwhile).
  void set_on_running_changed(std::function<void(bool)> fn) { on_running_changed_ = std::move(fn); }

  // Forks a child that runs `job` and exits with 0 when it returns true, 1 otherwise. The child
  // keeps no inherited descriptor (listening sockets, client connections, AOF files): `job` opens
  // what it writes. Fails when a child already runs or fork fails (the error text says which).
  base::Status Start(ChildKind kind, std::function<bool()> job);
  ChildKind running() const { return kind_; }
  pid_t pid() const { return pid_; }
  int64_t start_ms() const { return start_ms_; }

  // Reaps the child if it has ended (never blocks): what it did, or nullopt while it runs or when
  // there is none.
  std::optional<ChildExit> Poll();
  // Kills the child (SIGUSR1, as Redis does, so it is not reported as an error) and waits for it.
  void Kill();

  // Holds the slot without a process, for a background job this process runs itself (the
  // forkless BGSAVE), so that the other kind waits as it would for a child: running() reports
  // `kind` until Release(). Poll and Kill leave a reservation alone. Requires no child.
  void Reserve(ChildKind kind);
  void Release();

 private:
  ChildKind kind_ = ChildKind::kNone;
  pid_t pid_ = -1;
  int report_fd_ = -1;  // read end of the child's cow report pipe
  int64_t start_ms_ = 0;
  std::function<void(bool)> on_running_changed_;
};

}  // namespace tandem::persistence
