#pragma once
// MappedFile: a whole file mapped read-only, for loading RDB and AOF files without copying them.

#include <string>
#include <string_view>

#include "server/base/status.h"

namespace tandem::persistence {

class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // Maps `path` (an empty file maps nothing). Fails with the OS error text.
  base::Status Open(const std::string& path);
  // The bytes; valid until destruction.
  std::string_view view() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace tandem::persistence
