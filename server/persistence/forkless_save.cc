#include "server/persistence/forkless_save.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace tandem::persistence {
namespace {

constexpr size_t kKeysPerStep = 32;  // entries between two looks at the clock

int64_t SteadyUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ForklessSave::ForklessSave(store::Keyspace& keyspace, const rdb::SnapshotWriteOptions& options,
                           std::optional<base::AtomicFile> file, rdb::SnapshotSink sink)
    : file_(std::move(file)),
      writer_(options, file_ ? [this](std::string_view chunk) { return file_->Write(chunk); }
                             : std::move(sink)) {
  cursor_ = std::make_unique<store::SnapshotCursor>(
      keyspace, [this](int db, const store::Entry& entry) { writer_.Add(db, entry); });
}

base::StatusOr<std::unique_ptr<ForklessSave>> ForklessSave::Start(
    store::Keyspace& keyspace, const std::vector<std::string>& function_codes,
    const rdb::SnapshotAux& aux, const rdb::SnapshotWriteOptions& options, std::string target,
    std::string temp) {
  base::StatusOr<base::AtomicFile> file =
      base::AtomicFile::Create(std::move(target), std::move(temp));
  if (!file.ok()) return file.status();
  std::unique_ptr<ForklessSave> save(
      new ForklessSave(keyspace, options, std::move(*file), rdb::SnapshotSink()));
  save->writer_.Begin(function_codes, aux);
  return save;
}

std::unique_ptr<ForklessSave> ForklessSave::StartStream(
    store::Keyspace& keyspace, const std::vector<std::string>& function_codes,
    const rdb::SnapshotAux& aux, const rdb::SnapshotWriteOptions& options, rdb::SnapshotSink sink) {
  std::unique_ptr<ForklessSave> save(
      new ForklessSave(keyspace, options, std::nullopt, std::move(sink)));
  save->writer_.Begin(function_codes, aux);
  return save;
}

ForklessSave::~ForklessSave() {
  cursor_.reset();  // aborts an incomplete walk
  if (committer_.joinable()) committer_.join();
}

void ForklessSave::EndWalk() {
  handed_ = cursor_->handed();
  cursor_.reset();
}

bool ForklessSave::Slice(int64_t budget_us, size_t max_keys) {
  if (cursor_ == nullptr) return true;
  int64_t start = SteadyUs();
  uint64_t first = cursor_->handed();
  for (;;) {
    size_t left = max_keys - static_cast<size_t>(cursor_->handed() - first);
    if (cursor_->Step(std::min(left, kKeysPerStep)) || !writer_.status().ok()) {
      EndWalk();
      return true;
    }
    if (cursor_->handed() - first >= max_keys || SteadyUs() - start >= budget_us) return false;
  }
}

void ForklessSave::Preserve(int db, std::string_view key) {
  if (cursor_ != nullptr) cursor_->Preserve(db, key);
}

void ForklessSave::Drain() {
  if (cursor_ == nullptr) return;
  cursor_->Drain();
  EndWalk();
}

void ForklessSave::StartCommit() {
  started_commit_ = true;
  commit_status_ = writer_.End();
  if (!commit_status_.ok() || !file_) {
    committed_ = true;
    return;
  }
  committer_ = std::thread([this] {
    commit_status_ = file_->Commit();
    committed_.store(true, std::memory_order_release);
  });
}

std::optional<base::Status> ForklessSave::Poll() {
  if (!started_commit_ || !committed_.load(std::memory_order_acquire)) return std::nullopt;
  if (committer_.joinable()) committer_.join();
  return commit_status_;
}

base::Status ForklessSave::Wait() {
  if (committer_.joinable()) committer_.join();
  return commit_status_;
}

}  // namespace tandem::persistence
