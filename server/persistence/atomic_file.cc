#include "server/persistence/atomic_file.h"

namespace tandem::persistence {

base::StatusOr<AtomicFile> AtomicFile::Create(std::string) {
  return base::Status::IoError("not implemented");
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : target_(std::move(other.target_)), temp_(std::move(other.temp_)), fd_(other.fd_) {
  other.fd_ = -1;
}

AtomicFile::~AtomicFile() = default;

base::Status AtomicFile::Write(std::string_view) { return base::Status::IoError("not implemented"); }

base::Status AtomicFile::Commit() { return base::Status::IoError("not implemented"); }

base::Status SyncDirectoryOf(const std::string&) { return base::Status::Ok(); }

}  // namespace tandem::persistence
