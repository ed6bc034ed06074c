#include "server/persistence/aof_manager.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "server/base/atomic_file.h"
#include "server/base/memory.h"
#include "server/commands/version.h"
#include "server/persistence/aof_base.h"
#include "server/scripting/function_engine.h"

namespace tandem::persistence {
namespace {

using base::Status;

enum FsyncPolicy { kEverysec, kAlways, kNo };

FsyncPolicy Policy(const config::Config& config) {
  const std::string& p = config.GetString("appendfsync");
  if (p == "always") return kAlways;
  if (p == "no") return kNo;
  return kEverysec;
}

Status Errno(const std::string& what) {
  return Status::IoError(what + ": " + std::strerror(errno));
}

uint64_t FileSize(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

// The child's output, in the AOF directory: "temp-rewriteaof-bg-<pid>.aof", as Redis names it.
std::string TempRewriteName(pid_t pid) {
  return "temp-rewriteaof-bg-" + std::to_string(pid) + ".aof";
}

// Writes the base of `state`'s dataset to `path` (atomically). Runs in the rewrite child, or in
// the server at start when there is no base yet.
Status WriteBaseFile(commands::ServerState& state, const std::string& path) {
  AofBaseInput input;
  input.keyspace = &state.keyspace;
  if (state.functions) {
    for (const auto& [name, library] : state.functions->libraries()) {
      input.function_codes.push_back(library->code);
    }
  }
  input.rdb = state.config.GetBool("aof-use-rdb-preamble");
  input.aux.redis_version = std::string(commands::kRedisCompatVersion);
  input.aux.ctime_s = state.clock.NowMs() / 1000;
  input.aux.used_mem = base::UsedMemory();
  input.rdb_options.compress = state.config.GetBool("rdbcompression");
  input.rdb_options.checksum = state.config.GetBool("rdbchecksum");
  input.rdb_options.key_save_delay_us = state.config.GetInt("rdb-key-save-delay");
  auto file = base::AtomicFile::Create(path);
  if (!file.ok()) return file.status();
  Status st = WriteAofBase(input, [&](std::string_view chunk) { return file->Write(chunk); });
  if (!st.ok()) return st;
  return file->Commit();
}

}  // namespace

AofManager::AofManager(commands::ServerState& state, ForkChild& child)
    : state_(state), child_(child) {
  fsync_thread_ = std::thread([this] { FsyncLoop(); });
  state_.config.OnChange("appendonly", [this](const std::string& value) {
    if (!SetAppendOnly(value == "yes")) {
      return Status::InvalidArgument("Failed to switch the append only file (see the log)");
    }
    return Status::Ok();
  });
}

AofManager::~AofManager() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  fsync_thread_.join();
  if (fd_ >= 0) close(fd_);
}

Status AofManager::PersistManifest(const AofManifest& manifest) {
  std::string path = PathOf(AofManifestName(prefix_));
  // Redis's temporary name: "temp-<appendfilename>.manifest".
  auto file = base::AtomicFile::Create(path, PathOf("temp-" + AofManifestName(prefix_)));
  if (!file.ok()) return file.status();
  if (Status st = file->Write(manifest.Format()); !st.ok()) return st;
  return file->Commit();
}

Status AofManager::Open(AofManifest manifest, uint64_t loaded_size, uint64_t base_size) {
  dir_ = state_.config.GetString("appenddirname");
  prefix_ = state_.config.GetString("appendfilename");
  manifest_ = std::move(manifest);
  if (mkdir(dir_.c_str(), 0755) != 0 && errno != EEXIST) {
    return Errno("Can't open or create append-only dir " + dir_);
  }
  other_size_ = loaded_size;
  state_.persistence.aof_base_size = base_size;
  if (manifest_.empty()) {
    // As Redis 7.0: starting with no AOF writes a base of the current (loaded or empty) dataset.
    AofManifest next = manifest_;
    std::string name = next.NewBase(prefix_, state_.config.GetBool("aof-use-rdb-preamble"));
    if (Status st = WriteBaseFile(state_, PathOf(name)); !st.ok()) {
      return Status::IoError("Can't write the AOF base file " + name + ": " + st.message());
    }
    manifest_ = std::move(next);
    spdlog::info("Creating AOF base file {} on server start", name);
    other_size_ = state_.persistence.aof_base_size = FileSize(PathOf(name));
  }
  bool had_incr = !manifest_.incrs().empty();
  std::string incr = manifest_.LastIncr(prefix_);
  // The last incremental file was counted in loaded_size: it is the one appended to now.
  uint64_t existing = FileSize(PathOf(incr));
  if (Status st = SwitchTo(incr); !st.ok()) return st;
  other_size_ -= std::min(other_size_, existing);
  incr_size_ = existing;
  if (Status st = PersistManifest(manifest_); !st.ok()) return st;
  spdlog::info("{} AOF incr file {} on server start", had_incr ? "Opening" : "Creating", incr);
  DeleteHistory();
  state_.persistence.aof_enabled = true;
  state_.propagation.AddPropagator(&writer_);
  UpdateSizes();
  return Status::Ok();
}

Status AofManager::SwitchTo(const std::string& name) {
  int fd = open(PathOf(name).c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("Can't open the append-only file " + name);
  if (fd_ >= 0) {
    WriteBuffer();
    if (Policy(state_.config) != kNo) SyncNow();
  }
  {
    std::lock_guard fd_lock(fd_mu_);
    if (fd_ >= 0) close(fd_);
    sync_fd_ = fd;
  }
  fd_ = fd;
  other_size_ += incr_size_;
  incr_size_ = 0;
  writer_.ForgetSelectedDb();
  return Status::Ok();
}

bool AofManager::WriteBuffer() {
  std::string& buf = writer_.buffer();
  if (buf.empty() || fd_ < 0) return true;
  size_t done = 0;
  while (done < buf.size()) {
    ssize_t n = write(fd_, buf.data() + done, buf.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (state_.persistence.aof_last_write_ok) {
        spdlog::warn("Error writing to the AOF file: {}", std::strerror(errno));
      }
      state_.persistence.aof_last_write_ok = false;
      buf.erase(0, done);
      incr_size_ += done;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  incr_size_ += done;
  buf.clear();
  if (buf.capacity() > 4 * 1024 * 1024) std::string().swap(buf);
  if (!state_.persistence.aof_last_write_ok) {
    spdlog::warn("AOF write error looks solved, Redis can write again.");
  }
  state_.persistence.aof_last_write_ok = true;
  {
    std::lock_guard lock(mu_);
    written_ += done;
  }
  return true;
}

void AofManager::SyncNow() {
  if (fdatasync(fd_) != 0) {
    // As Redis under appendfsync always: a write that cannot be made durable stops the server.
    spdlog::critical("Can't persist AOF for fsync error: {}. Exiting...", std::strerror(errno));
    std::exit(1);
  }
  std::lock_guard lock(mu_);
  synced_ = written_;
}

void AofManager::FlushBeforeReplies() {
  if (fd_ < 0 || writer_.buffer().empty()) return;
  if (!WriteBuffer()) return;
  FsyncPolicy policy = Policy(state_.config);
  everysec_.store(policy == kEverysec);
  switch (policy) {
    case kAlways:
      SyncNow();
      break;
    case kEverysec:
      break;  // the fsync thread's next round
    case kNo:
      break;
  }
  UpdateSizes();
}

void AofManager::FsyncLoop() {
  for (;;) {
    uint64_t target = 0;
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; });
      if (stop_) return;
      // Only everysec leaves work here: always syncs inline, no never does.
      if (synced_ == written_ || !everysec_.load()) continue;
      target = written_;
    }
    {
      std::lock_guard fd_lock(fd_mu_);  // SwitchTo waits before closing this descriptor
      if (sync_fd_ >= 0) fdatasync(sync_fd_);
    }
    std::lock_guard lock(mu_);
    synced_ = std::max(synced_, target);
  }
}

void AofManager::UpdateSizes() { state_.persistence.aof_current_size = other_size_ + incr_size_; }

void AofManager::RewriteAfterFullSync() {
  if (!state_.persistence.aof_enabled) return;
  KillRewrite();
  state_.persistence.aof_rewrite_scheduled = true;  // the cron starts it
  spdlog::info("The data set was replaced by a full sync: rewriting the AOF");
}

void AofManager::KillRewrite() {
  if (!rewriting_) return;
  if (child_.running() == ChildKind::kAof) child_.Kill();
  rewriting_ = false;
  state_.persistence.aof_rewrite_in_progress = false;
  unlink(PathOf(TempRewriteName(last_child_pid_)).c_str());
}

void AofManager::AdoptManifestOnDisk() {
  if (!dir_.empty()) return;
  dir_ = state_.config.GetString("appenddirname");
  prefix_ = state_.config.GetString("appendfilename");
  // As Redis, which reads the manifest at start even with appendonly no: sequence numbers go on
  // from the files already there, and those files become history.
  std::ifstream in(PathOf(AofManifestName(prefix_)), std::ios::binary);
  if (!in) return;
  std::stringstream text;
  text << in.rdbuf();
  auto manifest = AofManifest::Parse(text.str());
  if (manifest.ok()) {
    manifest_ = std::move(*manifest);
  } else {
    spdlog::warn("Ignoring the AOF manifest on disk: {}", manifest.status().message());
  }
}

void AofManager::FlushAndSyncForExit() {
  KillRewrite();
  if (fd_ < 0) return;
  WriteBuffer();
  fdatasync(fd_);
  std::lock_guard lock(mu_);
  synced_ = written_;
}

base::StatusOr<std::string> AofManager::BackgroundRewrite(bool in_exec) {
  commands::PersistenceStatus& p = state_.persistence;
  if (child_.running() == ChildKind::kAof) {
    return Status::InvalidArgument("ERR Background append only file rewriting already in progress");
  }
  if (child_.running() != ChildKind::kNone || in_exec) {
    p.aof_rewrite_scheduled = true;
    p.aof_rewrites_consecutive_failures = 0;
    return std::string("Background append only file rewriting scheduled");
  }
  if (Status st = StartRewrite(); !st.ok()) {
    return Status::InvalidArgument(
        "ERR Can't execute an AOF background rewriting. Please check the server logs for more "
        "information.");
  }
  return std::string("Background append only file rewriting started");
}

Status AofManager::StartRewrite() {
  commands::PersistenceStatus& p = state_.persistence;
  AdoptManifestOnDisk();  // BGREWRITEAOF with appendonly no: the directory is made now
  if (mkdir(dir_.c_str(), 0755) != 0 && errno != EEXIST) {
    Status st = Errno("Can't open or create append-only dir " + dir_);
    spdlog::warn("{}", st.message());
    return st;
  }
  if (fd_ >= 0 && !wait_rewrite_) {
    // Writes from now on go to a new incremental file, listed in the manifest at once.
    AofManifest next = manifest_;
    std::string name = next.NewIncr(prefix_);
    if (Status st = SwitchTo(name); !st.ok()) {
      spdlog::warn("{}", st.message());
      return st;
    }
    if (Status st = PersistManifest(next); !st.ok()) {
      spdlog::warn("Can't persist the AOF manifest: {}", st.message());
      return st;
    }
    manifest_ = std::move(next);
    spdlog::info("Creating AOF incr file {} on background rewrite", name);
  }
  std::string dir = dir_;
  Status st = child_.Start(ChildKind::kAof, [this, dir] {
    Status written = WriteBaseFile(state_, dir + "/" + TempRewriteName(getpid()));
    if (!written.ok()) spdlog::warn("Error writing the AOF base: {}", written.message());
    return written.ok();
  });
  if (!st.ok()) {
    spdlog::warn("Can't rewrite append only file in background: {}", st.message());
    p.aof_last_bgrewrite_ok = false;
    return st;
  }
  last_child_pid_ = child_.pid();
  spdlog::info("Background append only file rewriting started by pid {}", last_child_pid_);
  rewriting_ = true;
  p.aof_rewrite_scheduled = false;
  p.aof_rewrite_in_progress = true;
  p.aof_rewrite_start_ms = state_.clock.NowMs();
  last_rewrite_attempt_ms_ = p.aof_rewrite_start_ms;
  return Status::Ok();
}

void AofManager::RewriteDone(bool ok) {
  commands::PersistenceStatus& p = state_.persistence;
  p.aof_rewrite_in_progress = false;
  p.aof_last_rewrite_time_sec = (state_.clock.NowMs() - p.aof_rewrite_start_ms) / 1000;
  std::string temp = PathOf(TempRewriteName(last_child_pid_));
  if (ok) {
    AofManifest next = manifest_;
    std::string base = next.NewBase(prefix_, state_.config.GetBool("aof-use-rdb-preamble"));
    // The writes made during the rewrite of CONFIG SET appendonly yes become an incr file.
    std::string incr = wait_rewrite_ ? next.NewIncr(prefix_) : std::string();
    next.MarkIncrsAsHistory(fd_ >= 0 ? 1 : 0);
    Status st = Status::Ok();
    if (rename(temp.c_str(), PathOf(base).c_str()) != 0) {
      st = Errno("Error trying to rename the temporary AOF base file " +
                 TempRewriteName(last_child_pid_));
    }
    if (st.ok() && wait_rewrite_ &&
        rename(PathOf(TempIncrName()).c_str(), PathOf(incr).c_str()) != 0) {
      st = Errno("Error trying to rename the temporary AOF incr file " + TempIncrName());
    }
    if (st.ok()) st = PersistManifest(next);
    if (st.ok()) {
      wait_rewrite_ = false;
      manifest_ = std::move(next);
      other_size_ = p.aof_base_size = FileSize(PathOf(base));
      UpdateSizes();
      p.aof_base_size = p.aof_current_size;  // as Redis: the growth rule counts from here
      ++p.aof_rewrites;
      p.aof_rewrites_consecutive_failures = 0;
      p.aof_last_bgrewrite_ok = true;
      spdlog::info("Background AOF rewrite terminated with success");
      spdlog::info("Background AOF rewrite finished successfully");
      DeleteHistory();
      return;
    }
    spdlog::warn("{}", st.message());
    unlink(PathOf(base).c_str());
  } else {
    spdlog::warn("Background AOF rewrite terminated with error");
  }
  unlink(temp.c_str());
  p.aof_last_bgrewrite_ok = false;
  ++p.aof_rewrites_consecutive_failures;
  // While CONFIG SET appendonly yes waits for its base, a failed rewrite is tried again.
  if (wait_rewrite_) p.aof_rewrite_scheduled = true;
}

void AofManager::DeleteHistory() {
  if (manifest_.history().empty() || state_.config.GetBool("aof-disable-auto-gc")) return;
  for (const AofFileInfo& info : manifest_.history()) {
    spdlog::info("Removing the history file {} in the background", info.name);
    unlink(PathOf(info.name).c_str());
  }
  manifest_.ClearHistory();
  if (Status st = PersistManifest(manifest_); !st.ok()) {
    spdlog::warn("Can't persist the AOF manifest: {}", st.message());
  }
}

void AofManager::Cron() {
  FlushBeforeReplies();
  commands::PersistenceStatus& p = state_.persistence;
  if (rewriting_) {
    if (child_.running() == ChildKind::kAof) {
      if (auto exit = child_.Poll()) {
        rewriting_ = false;
        p.aof_last_cow_size = exit->cow_bytes;
        if (exit->killed) {
          spdlog::warn("Background AOF rewrite terminated by signal");
          p.aof_rewrite_in_progress = false;
          unlink(PathOf(TempRewriteName(last_child_pid_)).c_str());
          if (wait_rewrite_) p.aof_rewrite_scheduled = true;
        } else {
          RewriteDone(exit->ok);
        }
      }
    } else {
      // Killed from elsewhere (FLUSHALL, SHUTDOWN): nothing to install.
      rewriting_ = false;
      p.aof_rewrite_in_progress = false;
      unlink(PathOf(TempRewriteName(last_child_pid_)).c_str());
      if (wait_rewrite_) p.aof_rewrite_scheduled = true;
    }
  }
  if (child_.running() != ChildKind::kNone) return;
  // A failing rewrite is not retried at every tick (Redis backs off for minutes after 3).
  if (p.aof_rewrites_consecutive_failures >= 3 &&
      state_.clock.NowMs() - last_rewrite_attempt_ms_ < 60'000) {
    return;
  }
  if (p.aof_rewrite_scheduled) {
    (void)StartRewrite();
    return;
  }
  if (fd_ < 0 || wait_rewrite_) return;
  int64_t percentage = state_.config.GetInt("auto-aof-rewrite-percentage");
  uint64_t min_size = static_cast<uint64_t>(state_.config.GetInt("auto-aof-rewrite-min-size"));
  if (percentage <= 0 || p.aof_current_size <= min_size) return;
  uint64_t base = p.aof_base_size != 0 ? p.aof_base_size : 1;
  int64_t growth = static_cast<int64_t>(p.aof_current_size * 100 / base) - 100;
  if (growth < percentage) return;
  spdlog::info("Starting automatic rewriting of AOF on {}% growth", growth);
  (void)StartRewrite();
}

void AofManager::StopAppending() {
  {
    std::lock_guard fd_lock(fd_mu_);
    if (fd_ >= 0) close(fd_);
    fd_ = sync_fd_ = -1;
  }
  state_.propagation.RemovePropagator(&writer_);
  state_.persistence.aof_enabled = false;
  writer_.buffer().clear();
  if (wait_rewrite_) unlink(PathOf(TempIncrName()).c_str());
  wait_rewrite_ = false;
}

bool AofManager::SetAppendOnly(bool on) {
  if (on == (fd_ >= 0)) return true;
  if (!on) {
    // As Redis's stopAppendOnly: flush and sync, stop appending, kill a rewrite in progress.
    FlushAndSyncForExit();
    StopAppending();
    return true;
  }
  // As Redis's startAppendOnly: writes go to a temporary incremental file while a rewrite makes
  // the base; when it succeeds both are renamed into the manifest (RewriteDone).
  AdoptManifestOnDisk();
  KillRewrite();  // a rewrite started while the AOF was off would miss the writes made since
  if (mkdir(dir_.c_str(), 0755) != 0 && errno != EEXIST) {
    spdlog::warn("Can't open or create append-only dir {}: {}", dir_, std::strerror(errno));
    return false;
  }
  unlink(PathOf(TempIncrName()).c_str());
  if (Status st = SwitchTo(TempIncrName()); !st.ok()) {
    spdlog::warn("{}", st.message());
    return false;
  }
  other_size_ = incr_size_ = 0;
  wait_rewrite_ = true;
  state_.persistence.aof_enabled = true;
  state_.propagation.AddPropagator(&writer_);
  if (child_.running() != ChildKind::kNone) {
    spdlog::warn(
        "AOF was enabled but there is already another background operation. An AOF "
        "background was scheduled to start when possible.");
    state_.persistence.aof_rewrite_scheduled = true;
    return true;
  }
  if (!StartRewrite().ok()) {
    spdlog::warn(
        "Redis needs to enable the AOF but can't trigger a background AOF rewrite "
        "operation. Check the above logs for more info about the error.");
    StopAppending();
    return false;
  }
  return true;
}

}  // namespace tandem::persistence
