#pragma once
// Runs the operator's notification-script and client-reconfig-script (Redis 7.0 Sentinel's
// sentinelScheduleScriptExecution / sentinelRunPendingScripts): each call is queued, at most
// kMaxRunning run at once, a script still running after kMaxRuntimeMs is killed (SIGKILL), and a
// script that exits with 1 is retried up to kMaxRetries times, kRetryDelayMs apart; any other
// non-zero exit or a signal is an error. The sentinel is never blocked: Poll() reaps children
// without waiting. Owner: the Sentinel; sentinel thread only.

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace tandem::sentinel {

class ScriptRunner {
 public:
  static constexpr size_t kMaxRunning = 16;
  static constexpr size_t kMaxQueued = 256;
  static constexpr int64_t kMaxRuntimeMs = 60'000;
  static constexpr int kMaxRetries = 10;
  static constexpr int64_t kRetryDelayMs = 30'000;

  // Called for a script that failed for good: its path and a Redis-style event text
  // ("-script-error <path> <signal> <exit-code>" or "-script-timeout <path> <pid>" without the
  // event name): `event` is "-script-error" or "-script-timeout".
  using FailureFn = std::function<void(std::string_view event, const std::string& text)>;
  explicit ScriptRunner(FailureFn on_failure) : on_failure_(std::move(on_failure)) {}
  ~ScriptRunner();

  // Queues `path` with `args` (argv[1..]); dropped with a warning when the queue is full.
  void Schedule(const std::string& path, std::vector<std::string> args);
  // Starts what may start, reaps what ended, kills what ran too long. Call every tick.
  void Poll(int64_t now_ms);

  size_t running() const;
  size_t queued() const { return jobs_.size() - running(); }

 private:
  struct Job {
    std::vector<std::string> argv;  // argv[0] is the path
    pid_t pid = 0;                  // 0 while queued
    int64_t start_ms = 0;           // when started, or when it may start (retries)
    int retries = 0;
  };
  void Start(Job& job, int64_t now_ms);

  FailureFn on_failure_;
  std::deque<Job> jobs_;
};

}  // namespace tandem::sentinel
