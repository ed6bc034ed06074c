#include "server/persistence/snapshot_manager.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "server/base/atomic_file.h"
#include "server/base/memory.h"
#include "server/commands/errors.h"
#include "server/commands/object_limits.h"
#include "server/commands/script_runner.h"
#include "server/commands/version.h"
#include "server/persistence/mapped_file.h"
#include "server/rdb/snapshot.h"
#include "server/scripting/function_engine.h"

namespace tandem::persistence {
namespace {

constexpr int64_t kBgsaveRetryDelayS = 5;  // Redis's CONFIG_BGSAVE_RETRY_DELAY
constexpr int64_t kSliceUs = 200;          // a BGSAVE slice's share of the server thread
// Other handlers (clients) ran between two slices when the next started this much later than
// planned; the slice after it then waits kYieldUs, so that under load the save takes at most
// ~40% of the thread (p99 stays within ~2x idle) while an idle server saves at full speed.
constexpr int64_t kBusyGapUs = 100;
constexpr int64_t kYieldUs = 300;
constexpr int64_t kBusyRetryUs = 1000;   // a slice waits this long for a running script
constexpr int64_t kCommitPollUs = 2000;  // how often the commit thread is looked at
constexpr int64_t kStreamWaitUs = 1000;  // a stream's next look at its full receivers

base::Status Err(std::string_view text) { return base::Status::IoError(std::string(text)); }

std::string TempName(pid_t pid) { return "temp-" + std::to_string(pid) + ".rdb"; }

// The working directory with a trailing '/'; empty when it cannot be read.
std::string WorkingDirectory() {
  char buf[4096];
  if (getcwd(buf, sizeof buf) == nullptr) return {};
  std::string dir(buf);
  if (dir.back() != '/') dir.push_back('/');
  return dir;
}

int64_t SteadyUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

SnapshotManager::SnapshotManager(commands::ServerState& state, ForkChild& child)
    : state_(state), child_(child) {}

SnapshotManager::~SnapshotManager() {
  if (state_.snapshot_hook == this) state_.snapshot_hook = nullptr;
}

bool SnapshotManager::HasSavePoints() const { return !state_.config.SavePoints().empty(); }

bool SnapshotManager::WritesRefused() const {
  return !state_.persistence.last_bgsave_ok &&
         state_.config.GetBool("stop-writes-on-bgsave-error") && HasSavePoints();
}

bool SnapshotManager::RetryAllowed(int64_t now_s) const {
  return state_.persistence.last_bgsave_ok || now_s - last_bgsave_try_s_ > kBgsaveRetryDelayS;
}

std::vector<std::string> SnapshotManager::FunctionCodes() const {
  std::vector<std::string> codes;
  if (state_.functions != nullptr) {
    for (const auto& [name, library] : state_.functions->libraries())
      codes.push_back(library->code);
  }
  return codes;
}

rdb::SnapshotAux SnapshotManager::Aux() const {
  rdb::SnapshotAux aux;
  aux.redis_version = std::string(commands::kRedisCompatVersion);
  aux.ctime_s = state_.clock.NowMs() / 1000;
  aux.used_mem = base::UsedMemory();
  if (state_.replication != nullptr) state_.replication->FillSnapshotAux(aux);
  return aux;
}

rdb::SnapshotWriteOptions SnapshotManager::WriteOptions() const {
  rdb::SnapshotWriteOptions options;
  options.compress = state_.config.GetBool("rdbcompression");
  options.checksum = state_.config.GetBool("rdbchecksum");
  options.key_save_delay_us = state_.config.GetInt("rdb-key-save-delay");
  return options;
}

base::Status SnapshotManager::WriteFile(const std::string& temp_name) const {
  const config::Config& config = state_.config;
  const std::string& target = config.GetString("dbfilename");
  base::StatusOr<base::AtomicFile> file = base::AtomicFile::Create(target, temp_name);
  if (!file.ok()) {
    spdlog::warn("Failed opening the temp RDB file {} (in server root dir {}) for saving: {}",
                 temp_name, config.GetString("dir"), file.status().message());
    return file.status();
  }
  base::Status status =
      rdb::WriteSnapshot(state_.keyspace, FunctionCodes(), Aux(), WriteOptions(),
                         [&](std::string_view chunk) { return file->Write(chunk); });
  if (status.ok()) status = file->Commit();
  if (!status.ok()) {
    spdlog::warn("Write error saving DB on disk: {}", status.message());
    return status;
  }
  spdlog::info("DB saved on disk");
  return base::Status::Ok();
}

base::Status SnapshotManager::SaveNow() {
  uint64_t dirty = state_.stats.dirty;
  if (base::Status s = WriteFile(TempName(getpid())); !s.ok()) return Err("ERR");
  commands::PersistenceStatus& p = state_.persistence;
  p.dirty_at_last_save = dirty;
  p.last_save_unix = state_.clock.NowMs() / 1000;
  p.last_bgsave_ok = true;
  ++p.rdb_saves;
  return base::Status::Ok();
}

base::Status SnapshotManager::Save() {
  if (child_.running() == ChildKind::kRdb) return Err(commands::errors::kBgsaveInProgress);
  return SaveNow();
}

base::StatusOr<std::string> SnapshotManager::BackgroundSave(bool schedule, bool in_exec) {
  if (child_.running() == ChildKind::kRdb) return Err(commands::errors::kBgsaveInProgress);
  if (child_.running() != ChildKind::kNone || in_exec) {
    if (!schedule && !in_exec) return Err(commands::errors::kBgsaveOtherChild);
    scheduled_ = true;
    return std::string("Background saving scheduled");
  }
  StartBackgroundSave();
  return std::string("Background saving started");
}

void SnapshotManager::StartBackgroundSave() {
  dirty_before_bgsave_ = state_.stats.dirty;
  last_bgsave_try_s_ = state_.clock.NowMs() / 1000;
  commands::PersistenceStatus& p = state_.persistence;
  const config::Config& config = state_.config;
  // Absolute paths: a CONFIG SET dir during the save must not move its rename (a forked child
  // keeps its own working directory). Relative when the directory is gone (then creating fails).
  std::string dir = WorkingDirectory();
  std::string temp = dir + TempName(getpid());
  base::StatusOr<std::unique_ptr<ForklessSave>> save =
      ForklessSave::Start(state_.keyspace, FunctionCodes(), Aux(), WriteOptions(),
                          dir + config.GetString("dbfilename"), temp);
  p.bgsave_start_ms = state_.clock.NowMs();
  p.save_keys_total = state_.keyspace.TotalKeys();
  p.save_keys_processed = 0;
  ++p.rdb_saves;
  if (!save.ok()) {
    // Redis's child fails the same way after the fork: BGSAVE still "started", then failed.
    spdlog::warn("Failed opening the temp RDB file {} (in server root dir {}) for saving: {}", temp,
                 config.GetString("dir"), save.status().message());
    child_.Reserve(ChildKind::kRdb);
    BackgroundSaveDone(save.status());
    return;
  }
  save_ = std::move(*save);
  ++generation_;
  child_.Reserve(ChildKind::kRdb);
  state_.snapshot_hook = this;
  spdlog::info("Background saving started by pid {}", static_cast<int>(getpid()));  // by itself
  p.bgsave_in_progress = true;
  next_slice_due_us_ = SteadyUs();
  ScheduleSlice(0);
}

void SnapshotManager::ScheduleSlice(int64_t delay_us) {
  if (state_.control == nullptr) {  // no event loop (tests): the whole save at once
    Drain();
    CompleteBackgroundSaveNow();
    return;
  }
  uint64_t generation = generation_;
  state_.control->Defer([this, generation] { RunSlice(generation); }, delay_us);
}

void SnapshotManager::RunSlice(uint64_t generation) {
  if (save_ == nullptr || generation != generation_ || !save_->walking()) return;
  // A script that yields to the event loop while busy owns the keyspace until it returns.
  if (state_.script.running) return ScheduleSlice(kBusyRetryUs);
  if (stream_job_ && stream_job_->ready && !stream_job_->ready()) {
    return ScheduleSlice(kStreamWaitUs);
  }
  int64_t delay_us = state_.config.GetInt("rdb-key-save-delay");
  int64_t start = SteadyUs();
  bool busy = start - next_slice_due_us_ > kBusyGapUs;
  bool done = delay_us > 0 ? save_->Slice(kSliceUs, 1) : save_->Slice(kSliceUs, SIZE_MAX);
  state_.persistence.save_keys_processed = save_->keys_written();
  if (done) return WalkDone();
  int64_t next_delay_us = delay_us > 0 ? delay_us : busy ? kYieldUs : 0;
  next_slice_due_us_ = SteadyUs() + next_delay_us;
  ScheduleSlice(next_delay_us);
}

void SnapshotManager::Preserve(int db, std::string_view key) {
  if (save_ != nullptr) save_->Preserve(db, key);
}

void SnapshotManager::Drain() {
  if (save_ == nullptr || !save_->walking()) return;
  save_->Drain();
  WalkDone();
}

void SnapshotManager::WalkDone() {
  state_.snapshot_hook = nullptr;
  save_->StartCommit();
  ScheduleCommitCheck();
}

void SnapshotManager::ScheduleCommitCheck() {
  if (state_.control == nullptr) return;
  uint64_t generation = generation_;
  state_.control->Defer([this, generation] { CheckCommit(generation); }, kCommitPollUs);
}

void SnapshotManager::CheckCommit(uint64_t generation) {
  if (save_ == nullptr || generation != generation_ || save_->walking()) return;
  if (std::optional<base::Status> status = save_->Poll()) return BackgroundSaveDone(*status);
  ScheduleCommitCheck();
}

void SnapshotManager::CompleteBackgroundSaveNow() {
  if (save_ == nullptr) return;
  Drain();
  BackgroundSaveDone(save_->Wait());
}

void SnapshotManager::BackgroundSaveDone(const base::Status& status) {
  commands::PersistenceStatus& p = state_.persistence;
  // A stream is not a save: the file's status and times stay as they were.
  if (stream_job_) {
    if (!status.ok()) spdlog::warn("Diskless full sync snapshot failed: {}", status.message());
  } else if (status.ok()) {
    spdlog::info("Background saving terminated with success");
    p.dirty_at_last_save = dirty_before_bgsave_;
    p.last_save_unix = state_.clock.NowMs() / 1000;
    p.last_bgsave_ok = true;
  } else {
    spdlog::warn("Background saving error: {}", status.message());
    p.last_bgsave_ok = false;
  }
  p.bgsave_in_progress = false;
  p.save_keys_total = p.save_keys_processed = 0;
  if (!stream_job_) p.last_bgsave_time_sec = (state_.clock.NowMs() - p.bgsave_start_ms) / 1000;
  p.rdb_last_cow_size = 0;  // nothing is copied on write without a fork
  save_.reset();
  ++generation_;
  child_.Release();
  NotifyReplication(status);
}

void SnapshotManager::NotifyReplication(const base::Status& status) {
  // Moved out first: a callback may start the next full sync.
  std::optional<commands::StreamSnapshotJob> job = std::move(stream_job_);
  stream_job_.reset();
  std::vector<std::function<void(const base::Status&)>> waiters;
  waiters.swap(replication_waiters_);
  if (job && job->done) job->done(status);
  for (auto& done : waiters) done(status);
}

void SnapshotManager::KillBackgroundSave() {
  if (save_ == nullptr) return;
  if (!stream_job_) spdlog::warn("There is a background save in progress. Abandoning it!");
  state_.snapshot_hook = nullptr;
  save_.reset();  // aborts the walk, waits for a commit in progress, removes the temp file
  state_.persistence.save_keys_total = state_.persistence.save_keys_processed = 0;
  ++generation_;
  child_.Release();
  state_.persistence.bgsave_in_progress = false;
  NotifyReplication(base::Status::IoError("the snapshot was abandoned"));
}

bool SnapshotManager::StartStreamSnapshot(commands::StreamSnapshotJob job) {
  if (child_.running() != ChildKind::kNone) return false;
  commands::PersistenceStatus& p = state_.persistence;
  save_ =
      ForklessSave::StartStream(state_.keyspace, FunctionCodes(), Aux(), WriteOptions(), job.sink);
  stream_job_ = std::move(job);
  ++generation_;
  child_.Reserve(ChildKind::kRdb);
  state_.snapshot_hook = this;
  spdlog::info("Starting BGSAVE for SYNC with target: replicas sockets");
  p.bgsave_in_progress = true;
  p.bgsave_start_ms = state_.clock.NowMs();
  p.save_keys_total = state_.keyspace.TotalKeys();
  p.save_keys_processed = 0;
  next_slice_due_us_ = SteadyUs();
  ScheduleSlice(0);
  return true;
}

void SnapshotManager::AbortStreamSnapshot() {
  if (!stream_job_) return;
  stream_job_.reset();  // its done is not called
  KillBackgroundSave();
}

bool SnapshotManager::BackgroundSaveForReplication(std::function<void(const base::Status&)> done) {
  if (child_.running() != ChildKind::kNone) return false;
  replication_waiters_.push_back(std::move(done));
  spdlog::info("Starting BGSAVE for SYNC with target: disk");
  StartBackgroundSave();
  return true;
}

std::string SnapshotManager::RdbPath() const {
  return WorkingDirectory() + state_.config.GetString("dbfilename");
}

base::StatusOr<std::vector<std::pair<std::string, std::string>>>
SnapshotManager::LoadForReplication(const std::string& path) {
  KillBackgroundSave();
  store::Keyspace& keyspace = state_.keyspace;
  state_.watches.TouchedDb(
      -1, [&](int db, std::string_view key) { return keyspace.db(db).Find(key) != nullptr; });
  keyspace.FlushAll();
  state_.blocking.DbFlushed(-1);
  std::vector<std::pair<std::string, std::string>> aux;
  base::Status status = LoadFile(path, /*flush_functions=*/true, &aux);
  if (!status.ok()) {
    keyspace.FlushAll();
    return status;
  }
  return aux;
}

void SnapshotManager::Cron() {
  int64_t now_s = state_.clock.NowMs() / 1000;
  if (child_.running() != ChildKind::kNone) return;  // a BGSAVE completes from its own checks
  uint64_t changes = state_.stats.dirty - state_.persistence.dirty_at_last_save;
  for (const config::SavePoint& point : state_.config.SavePoints()) {
    if (changes >= static_cast<uint64_t>(point.changes) &&
        now_s - state_.last_save_unix() > point.seconds && RetryAllowed(now_s)) {
      spdlog::info("{} changes in {} seconds. Saving...", point.changes, point.seconds);
      StartBackgroundSave();
      return;
    }
  }
  if (scheduled_ && RetryAllowed(now_s)) {
    scheduled_ = false;
    StartBackgroundSave();
  }
}

base::Status SnapshotManager::PrepareShutdown(bool save, bool nosave, bool force) {
  KillBackgroundSave();
  if (nosave || (!save && !HasSavePoints())) return base::Status::Ok();
  spdlog::info("Saving the final RDB snapshot before exiting.");
  if (SaveNow().ok()) return base::Status::Ok();
  if (force) {
    spdlog::warn("Error trying to save the DB. Exit anyway.");
    return base::Status::Ok();
  }
  spdlog::warn("Error trying to save the DB, can't exit.");
  return Err(commands::errors::kShutdownErrors);
}

void SnapshotManager::OnFlushAll() {
  KillBackgroundSave();
  if (HasSavePoints()) (void)SaveNow();
}

base::Status SnapshotManager::LoadFile(const std::string& path, bool flush_functions,
                                       std::vector<std::pair<std::string, std::string>>* aux) {
  MappedFile file;
  if (base::Status st = file.Open(path); !st.ok())
    return base::Status::IoError(path + ": " + st.message());
  std::string_view data = file.view();

  rdb::SnapshotLoadOptions options;
  options.limits = commands::ObjectLimitsFrom(state_.config);
  options.now_ms = state_.clock.NowMs();
  options.drop_expired = state_.config.GetString("replicaof").empty() && !state_.repl.replica;

  commands::PersistenceStatus& p = state_.persistence;
  p.loading = true;
  int64_t start_us = SteadyUs();
  base::StatusOr<rdb::SnapshotLoadResult> result =
      rdb::LoadSnapshot(data, state_.keyspace, options);
  p.loading = false;
  if (!result.ok()) return result.status();
  if (flush_functions || !result->function_codes.empty()) {
    base::Status st = commands::LuaFunctions(state_).Restore(
        result->function_codes,
        flush_functions ? scripting::RestorePolicy::kFlush : scripting::RestorePolicy::kAppend,
        std::chrono::milliseconds(0));
    if (!st.ok())
      return base::Status::IoError("Failed loading the function libraries: " + st.message());
  }
  if (aux != nullptr) *aux = std::move(result->aux);
  p.last_load_keys_loaded = result->keys_loaded;
  p.last_load_keys_expired = result->keys_expired;
  spdlog::info("Done loading RDB, keys loaded: {}, keys expired: {}.", result->keys_loaded,
               result->keys_expired);
  spdlog::info("DB loaded from disk: {:.3f} seconds",
               static_cast<double>(SteadyUs() - start_us) / 1e6);
  return base::Status::Ok();
}

base::Status SnapshotManager::LoadAtStart() {
  const std::string& path = state_.config.GetString("dbfilename");
  if (access(path.c_str(), F_OK) != 0) return base::Status::Ok();
  std::vector<std::pair<std::string, std::string>> aux;
  base::Status status = LoadFile(path, /*flush_functions=*/false, &aux);
  if (!status.ok()) {
    return base::Status::IoError("Fatal error loading the DB (" + path + "): " + status.message() +
                                 ". Exiting.");
  }
  commands::PersistenceStatus& p = state_.persistence;
  for (const auto& [name, value] : aux) {
    if (name == "repl-id") p.loaded_repl_id = value;
    if (name == "repl-offset") p.loaded_repl_offset = std::strtoll(value.c_str(), nullptr, 10);
    if (name == "repl-stream-db") {
      p.loaded_repl_stream_db = static_cast<int>(std::strtol(value.c_str(), nullptr, 10));
    }
  }
  return base::Status::Ok();
}

base::Status SnapshotManager::DebugReload() {
  CompleteBackgroundSaveNow();  // its temp file is the one SAVE writes
  if (!SaveNow().ok()) return Err("ERR");
  store::Keyspace& keyspace = state_.keyspace;
  state_.watches.TouchedDb(
      -1, [&](int db, std::string_view key) { return keyspace.db(db).Find(key) != nullptr; });
  keyspace.FlushAll();
  state_.blocking.DbFlushed(-1);
  base::Status status =
      LoadFile(state_.config.GetString("dbfilename"), /*flush_functions=*/true, nullptr);
  if (!status.ok()) {
    spdlog::warn("DEBUG RELOAD failed: {}", status.message());
    return Err(commands::errors::kDebugReloadFailed);
  }
  spdlog::info("DB reloaded by DEBUG RELOAD");
  return base::Status::Ok();
}

}  // namespace tandem::persistence
