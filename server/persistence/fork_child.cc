#include "server/persistence/fork_child.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

namespace tandem::persistence {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Private_Dirty of this process in bytes (what copy-on-write duplicated), 0 when unknown.
uint64_t PrivateDirtyBytes() {
  FILE* f = std::fopen("/proc/self/smaps_rollup", "r");
  if (f == nullptr) return 0;
  char line[256];
  uint64_t kb = 0;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    unsigned long long value = 0;
    if (std::sscanf(line, "Private_Dirty: %llu kB", &value) == 1) kb += value;
  }
  std::fclose(f);
  return kb * 1024;
}

// The parent may turn these signals into events through a pipe it shares with the child (Asio's
// signal_set does): the child must not, or a signal to the child would stop the parent.
void ResetSignalsInChild() {
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGPIPE, SIGCHLD}) {
    signal(sig, sig == SIGPIPE ? SIG_IGN : SIG_DFL);
  }
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr);
}

}  // namespace

ForkChild::~ForkChild() { Kill(); }

base::Status ForkChild::Start(ChildKind kind, std::function<bool()> job) {
  if (kind_ != ChildKind::kNone) {
    return base::Status::IoError("a background child is already running");
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return base::Status::IoError(std::string("pipe: ") + std::strerror(errno));
  }
  pid_t pid = fork();
  if (pid < 0) {
    int saved = errno;
    close(fds[0]);
    close(fds[1]);
    return base::Status::IoError(std::string("Can't fork: ") + std::strerror(saved));
  }
  if (pid == 0) {
    // As Redis's child: a server killed with -9 must not leave its port held by the child.
    close_range(3, fds[1] - 1, 0);
    close_range(fds[1] + 1, ~0U, 0);
    ResetSignalsInChild();
    bool ok = job();
    uint64_t cow = PrivateDirtyBytes();
    ssize_t ignored = write(fds[1], &cow, sizeof cow);
    (void)ignored;
    _exit(ok ? 0 : 1);
  }
  close(fds[1]);
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  kind_ = kind;
  pid_ = pid;
  report_fd_ = fds[0];
  start_ms_ = NowMs();
  if (on_running_changed_) on_running_changed_(true);
  return base::Status::Ok();
}

std::optional<ChildExit> ForkChild::Poll() {
  if (kind_ == ChildKind::kNone || pid_ < 0) return std::nullopt;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == 0) return std::nullopt;
  if (r < 0 && errno == EINTR) return std::nullopt;
  ChildExit exit;
  exit.kind = kind_;
  if (r == pid_) {
    exit.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    exit.killed = WIFSIGNALED(status);
  }
  uint64_t cow = 0;
  if (read(report_fd_, &cow, sizeof cow) == static_cast<ssize_t>(sizeof cow)) exit.cow_bytes = cow;
  exit.duration_ms = NowMs() - start_ms_;
  close(report_fd_);
  report_fd_ = -1;
  kind_ = ChildKind::kNone;
  pid_ = -1;
  if (on_running_changed_) on_running_changed_(false);
  return exit;
}

void ForkChild::Kill() {
  if (kind_ == ChildKind::kNone || pid_ < 0) return;
  kill(pid_, SIGUSR1);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  close(report_fd_);
  report_fd_ = -1;
  kind_ = ChildKind::kNone;
  pid_ = -1;
  if (on_running_changed_) on_running_changed_(false);
}

void ForkChild::Reserve(ChildKind kind) {
  if (kind_ == ChildKind::kNone) kind_ = kind;
}

void ForkChild::Release() {
  if (pid_ < 0) kind_ = ChildKind::kNone;
}

}  // namespace tandem::persistence
