#include "server/base/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace tandem::base {
namespace {

Status OsError(std::string_view what, const std::string& path) {
  return Status::IoError(std::string(what) + " " + path + ": " + std::strerror(errno));
}

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

StatusOr<AtomicFile> AtomicFile::Create(std::string target, std::string temp, mode_t mode) {
  if (temp.empty()) temp = target + ".tmp-" + std::to_string(getpid());
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return OsError("Failed opening", temp);
  return AtomicFile(std::move(target), std::move(temp), fd);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : target_(std::move(other.target_)), temp_(std::move(other.temp_)), fd_(other.fd_) {
  other.fd_ = -1;
  other.temp_.clear();
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) close(fd_);
  if (!temp_.empty()) unlink(temp_.c_str());
}

Status AtomicFile::Write(std::string_view data) {
  if (fd_ < 0) return Status::IoError("write to a closed file " + temp_);
  while (!data.empty()) {
    ssize_t n = write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return OsError("Failed writing", temp_);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status AtomicFile::Commit() {
  if (fd_ < 0) return Status::IoError("commit of a closed file " + temp_);
  if (fsync(fd_) != 0) return OsError("Failed fsync of", temp_);
  int fd = fd_;
  fd_ = -1;
  if (close(fd) != 0) return OsError("Failed closing", temp_);
  if (rename(temp_.c_str(), target_.c_str()) != 0) return OsError("Failed renaming", temp_);
  temp_.clear();  // nothing left to remove
  return SyncDirectoryOf(target_);
}

Status SyncDirectoryOf(const std::string& path) {
  std::string dir = DirectoryOf(path);
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return OsError("Failed opening directory", dir);
  int rc = fsync(fd);
  int saved = errno;
  close(fd);
  errno = saved;
  if (rc != 0) return OsError("Failed fsync of directory", dir);
  return Status::Ok();
}

}  // namespace tandem::base
