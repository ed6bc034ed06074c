#include "sentinel/script_runner.h"

#include <signal.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>

extern char** environ;

namespace tandem::sentinel {

ScriptRunner::~ScriptRunner() {
  for (Job& job : jobs_) {
    if (job.pid > 0) kill(job.pid, SIGKILL);
  }
}

size_t ScriptRunner::running() const {
  size_t n = 0;
  for (const Job& job : jobs_) n += job.pid > 0;
  return n;
}

void ScriptRunner::Schedule(const std::string& path, std::vector<std::string> args) {
  if (jobs_.size() >= kMaxQueued) {
    spdlog::warn("Script queue full: not running {}", path);
    return;
  }
  Job job;
  job.argv.push_back(path);
  for (std::string& arg : args) job.argv.push_back(std::move(arg));
  jobs_.push_back(std::move(job));
}

void ScriptRunner::Start(Job& job, int64_t now_ms) {
  std::vector<char*> argv;
  for (std::string& arg : job.argv) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int err = posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ);
  job.start_ms = now_ms;
  if (err != 0) {
    // Could not even start: reported like a script that exited with an error, never retried.
    on_failure_("-script-error", job.argv[0] + " 0 " + std::to_string(err));
    job.pid = -1;
    return;
  }
  job.pid = pid;
}

void ScriptRunner::Poll(int64_t now_ms) {
  for (Job& job : jobs_) {
    if (job.pid <= 0) continue;
    int status = 0;
    pid_t done = waitpid(job.pid, &status, WNOHANG);
    if (done == 0) {
      if (now_ms - job.start_ms > kMaxRuntimeMs) {
        on_failure_("-script-timeout", job.argv[0] + " " + std::to_string(job.pid));
        kill(job.pid, SIGKILL);
        waitpid(job.pid, &status, 0);
        job.pid = -1;
      }
      continue;
    }
    bool signaled = done > 0 && WIFSIGNALED(status);
    int code = done > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    if (code == 1 && job.retries < kMaxRetries) {
      ++job.retries;
      job.pid = 0;
      job.start_ms = now_ms + kRetryDelayMs;
      continue;
    }
    if (signaled || code != 0) {
      on_failure_("-script-error", job.argv[0] + " " +
                                       std::to_string(signaled ? WTERMSIG(status) : 0) + " " +
                                       std::to_string(code));
    }
    job.pid = -1;
  }
  std::erase_if(jobs_, [](const Job& job) { return job.pid < 0; });
  size_t active = running();
  for (Job& job : jobs_) {
    if (active >= kMaxRunning) break;
    if (job.pid == 0 && job.start_ms <= now_ms) {
      Start(job, now_ms);
      if (job.pid > 0) ++active;
    }
  }
  std::erase_if(jobs_, [](const Job& job) { return job.pid < 0; });
}

}  // namespace tandem::sentinel
