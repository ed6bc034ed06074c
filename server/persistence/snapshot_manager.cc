#include "server/persistence/snapshot_manager.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "server/base/memory.h"
#include "server/commands/errors.h"
#include "server/commands/object_limits.h"
#include "server/commands/script_runner.h"
#include "server/commands/version.h"
#include "server/persistence/atomic_file.h"
#include "server/persistence/mapped_file.h"
#include "server/rdb/snapshot.h"
#include "server/scripting/function_engine.h"

namespace tandem::persistence {
namespace {

constexpr int64_t kBgsaveRetryDelayS = 5;  // Redis's CONFIG_BGSAVE_RETRY_DELAY

base::Status Err(std::string_view text) { return base::Status::IoError(std::string(text)); }

std::string TempName(pid_t pid) { return "temp-" + std::to_string(pid) + ".rdb"; }

int64_t SteadyUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

SnapshotManager::SnapshotManager(commands::ServerState& state, ForkChild& child)
    : state_(state), child_(child) {}

bool SnapshotManager::HasSavePoints() const { return !state_.config.SavePoints().empty(); }

bool SnapshotManager::WritesRefused() const {
  return !state_.persistence.last_bgsave_ok &&
         state_.config.GetBool("stop-writes-on-bgsave-error") && HasSavePoints();
}

bool SnapshotManager::RetryAllowed(int64_t now_s) const {
  return state_.persistence.last_bgsave_ok || now_s - last_bgsave_try_s_ > kBgsaveRetryDelayS;
}

int64_t SnapshotManager::LastSaveUnix() const {
  const commands::PersistenceStatus& p = state_.persistence;
  return p.last_save_unix != 0 ? p.last_save_unix : state_.start_time_ms / 1000;
}

base::Status SnapshotManager::WriteFile(const std::string& temp_name) const {
  const config::Config& config = state_.config;
  const std::string& target = config.GetString("dbfilename");
  base::StatusOr<AtomicFile> file = AtomicFile::Create(target, temp_name);
  if (!file.ok()) {
    spdlog::warn("Failed opening the temp RDB file {} (in server root dir {}) for saving: {}",
                 temp_name, config.GetString("dir"), file.status().message());
    return file.status();
  }
  std::vector<std::string> codes;
  if (state_.functions != nullptr) {
    for (const auto& [name, library] : state_.functions->libraries())
      codes.push_back(library->code);
  }
  rdb::SnapshotAux aux;
  aux.redis_version = std::string(commands::kRedisCompatVersion);
  aux.ctime_s = state_.clock.NowMs() / 1000;
  aux.used_mem = base::UsedMemory();
  rdb::SnapshotWriteOptions options;
  options.compress = config.GetBool("rdbcompression");
  options.checksum = config.GetBool("rdbchecksum");
  options.key_save_delay_us = config.GetInt("rdb-key-save-delay");
  base::Status status =
      rdb::WriteSnapshot(state_.keyspace, codes, aux, options,
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

base::StatusOr<std::string> SnapshotManager::BackgroundSave(bool schedule) {
  if (child_.running() == ChildKind::kRdb) return Err(commands::errors::kBgsaveInProgress);
  if (child_.running() != ChildKind::kNone) {
    if (!schedule) return Err(commands::errors::kBgsaveOtherChild);
    scheduled_ = true;
    return std::string("Background saving scheduled");
  }
  if (base::Status s = StartBackgroundSave(); !s.ok()) return Err("ERR");
  return std::string("Background saving started");
}

base::Status SnapshotManager::StartBackgroundSave() {
  dirty_before_bgsave_ = state_.stats.dirty;
  last_bgsave_try_s_ = state_.clock.NowMs() / 1000;
  base::Status status =
      child_.Start(ChildKind::kRdb, [this] { return WriteFile(TempName(getpid())).ok(); });
  commands::PersistenceStatus& p = state_.persistence;
  if (!status.ok()) {
    p.last_bgsave_ok = false;
    spdlog::warn("Can't save in background: {}", status.message());
    return status;
  }
  spdlog::info("Background saving started by pid {}", static_cast<int>(child_.pid()));
  p.bgsave_in_progress = true;
  p.bgsave_start_ms = state_.clock.NowMs();
  ++p.rdb_saves;
  return base::Status::Ok();
}

void SnapshotManager::BackgroundSaveDone(pid_t pid, const ChildExit& exit) {
  commands::PersistenceStatus& p = state_.persistence;
  if (exit.ok) {
    spdlog::info("Background saving terminated with success");
    p.dirty_at_last_save = dirty_before_bgsave_;
    p.last_save_unix = state_.clock.NowMs() / 1000;
    p.last_bgsave_ok = true;
  } else if (!exit.killed) {
    spdlog::warn("Background saving error");
    p.last_bgsave_ok = false;
  } else {
    spdlog::warn("Background saving terminated by signal");
    unlink(TempName(pid).c_str());
    p.last_bgsave_ok = false;
  }
  p.bgsave_in_progress = false;
  p.last_bgsave_time_sec = exit.duration_ms / 1000;
  p.rdb_last_cow_size = exit.cow_bytes;
}

void SnapshotManager::KillBackgroundSave() {
  if (child_.running() != ChildKind::kRdb) return;
  pid_t pid = child_.pid();
  spdlog::warn("There is a child saving an .rdb. Killing it!");
  child_.Kill();
  unlink(TempName(pid).c_str());
  state_.persistence.bgsave_in_progress = false;
}

void SnapshotManager::Cron() {
  int64_t now_s = state_.clock.NowMs() / 1000;
  if (child_.running() == ChildKind::kRdb) {
    pid_t pid = child_.pid();
    if (std::optional<ChildExit> exit = child_.Poll()) BackgroundSaveDone(pid, *exit);
    return;
  }
  if (child_.running() != ChildKind::kNone) return;
  uint64_t changes = state_.stats.dirty - state_.persistence.dirty_at_last_save;
  for (const config::SavePoint& point : state_.config.SavePoints()) {
    if (changes >= static_cast<uint64_t>(point.changes) && now_s - LastSaveUnix() > point.seconds &&
        RetryAllowed(now_s)) {
      spdlog::info("{} changes in {} seconds. Saving...", point.changes, point.seconds);
      (void)StartBackgroundSave();
      return;
    }
  }
  if (scheduled_ && RetryAllowed(now_s) && StartBackgroundSave().ok()) scheduled_ = false;
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

base::Status SnapshotManager::LoadFile(const std::string& path, bool flush_functions) {
  MappedFile file;
  if (base::Status st = file.Open(path); !st.ok())
    return base::Status::IoError(path + ": " + st.message());
  std::string_view data = file.view();

  rdb::SnapshotLoadOptions options;
  options.limits = commands::ObjectLimitsFrom(state_.config);
  options.now_ms = state_.clock.NowMs();

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
  base::Status status = LoadFile(path, /*flush_functions=*/false);
  if (!status.ok()) {
    return base::Status::IoError("Fatal error loading the DB (" + path + "): " + status.message() +
                                 ". Exiting.");
  }
  return base::Status::Ok();
}

base::Status SnapshotManager::DebugReload() {
  if (!SaveNow().ok()) return Err("ERR");
  store::Keyspace& keyspace = state_.keyspace;
  state_.watches.TouchedDb(
      -1, [&](int db, std::string_view key) { return keyspace.db(db).Find(key) != nullptr; });
  keyspace.FlushAll();
  state_.blocking.DbFlushed(-1);
  base::Status status = LoadFile(state_.config.GetString("dbfilename"), /*flush_functions=*/true);
  if (!status.ok()) {
    spdlog::warn("DEBUG RELOAD failed: {}", status.message());
    return Err(commands::errors::kDebugReloadFailed);
  }
  spdlog::info("DB reloaded by DEBUG RELOAD");
  return base::Status::Ok();
}

}  // namespace tandem::persistence
