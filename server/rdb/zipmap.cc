#include "server/rdb/zipmap.h"

#include <cstdint>

namespace tandem::rdb {
namespace {

constexpr uint8_t kEnd = 0xff;
constexpr uint8_t kBigLen = 254;

base::Status Corrupt(std::string what) {
  return base::Status::Error(base::Status::Code::kCorruption, "zipmap: " + std::move(what));
}

// Reads a length at `*pos`, advancing it; false when truncated.
bool ReadLength(std::string_view blob, size_t* pos, uint64_t* len) {
  if (*pos >= blob.size()) return false;
  uint8_t b = static_cast<uint8_t>(blob[(*pos)++]);
  if (b < kBigLen) {
    *len = b;
    return true;
  }
  if (blob.size() - *pos < 4) return false;
  *len = 0;
  for (int i = 3; i >= 0; --i) *len = (*len << 8) | static_cast<uint8_t>(blob[*pos + i]);
  *pos += 4;
  return true;
}

// Takes `len` bytes at `*pos`, advancing it; false when truncated.
bool Take(std::string_view blob, size_t* pos, uint64_t len, std::string* out) {
  if (len > blob.size() - *pos) return false;
  out->assign(blob.substr(*pos, len));
  *pos += len;
  return true;
}

}  // namespace

base::StatusOr<std::vector<std::pair<std::string, std::string>>> DecodeZipmap(
    std::string_view blob) {
  if (blob.size() < 2) return Corrupt("blob too short");
  uint8_t count = static_cast<uint8_t>(blob[0]);
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t pos = 1;
  while (true) {
    if (pos >= blob.size()) return Corrupt("missing terminator");
    if (static_cast<uint8_t>(blob[pos]) == kEnd) break;
    std::pair<std::string, std::string> pair;
    uint64_t len = 0;
    if (!ReadLength(blob, &pos, &len) || !Take(blob, &pos, len, &pair.first)) {
      return Corrupt("truncated field");
    }
    if (!ReadLength(blob, &pos, &len) || pos >= blob.size()) return Corrupt("truncated value");
    uint8_t free = static_cast<uint8_t>(blob[pos++]);
    std::string ignored;
    if (!Take(blob, &pos, len, &pair.second) || !Take(blob, &pos, free, &ignored)) {
      return Corrupt("truncated value");
    }
    pairs.push_back(std::move(pair));
  }
  if (pos != blob.size() - 1) return Corrupt("data after the terminator");
  if (count < kBigLen && count != pairs.size()) return Corrupt("pair count mismatch");
  return pairs;
}

}  // namespace tandem::rdb
