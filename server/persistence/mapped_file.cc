#include "server/persistence/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tandem::persistence {

MappedFile::~MappedFile() {
  if (data_ != nullptr) munmap(data_, size_);
}

base::Status MappedFile::Open(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return base::Status::IoError(std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    int saved = errno;
    close(fd);
    return base::Status::IoError(std::strerror(saved));
  }
  size_ = static_cast<size_t>(st.st_size);
  if (size_ > 0) {
    void* p = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      int saved = errno;
      close(fd);
      size_ = 0;
      return base::Status::IoError(std::strerror(saved));
    }
    data_ = p;
  }
  close(fd);
  return base::Status::Ok();
}

}  // namespace tandem::persistence
