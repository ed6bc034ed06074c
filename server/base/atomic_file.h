#pragma once
// Crash-safe file replacement: write to "<path>.tmp-<pid>" (or a name the caller gives), fsync,
// rename over the target, fsync the directory. A crash at any point leaves either the old file or
// the new one, never a mix.

#include <sys/types.h>

#include <string>
#include <string_view>

#include "server/base/status.h"

namespace tandem::base {

// An open temporary file that becomes `target` on Commit. Destroying it uncommitted removes it.
class AtomicFile {
 public:
  // Creates the temporary file `temp` (default "<target>.tmp-<pid>"; it must be on the target's
  // file system) with permissions `mode` (less the umask). Fails with the OS error text.
  static StatusOr<AtomicFile> Create(std::string target, std::string temp = {}, mode_t mode = 0644);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  ~AtomicFile();

  Status Write(std::string_view data);
  // fsync, close, rename to the target, fsync the directory.
  Status Commit();
  const std::string& temp_path() const { return temp_; }

 private:
  AtomicFile(std::string target, std::string temp, int fd)
      : target_(std::move(target)), temp_(std::move(temp)), fd_(fd) {}
  std::string target_;
  std::string temp_;
  int fd_ = -1;
};

// fsyncs the directory holding `path` (after a rename or a create in it).
Status SyncDirectoryOf(const std::string& path);

}  // namespace tandem::base
