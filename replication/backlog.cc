#include "replication/backlog.h"

#include <algorithm>
#include <cstring>

namespace tandem::replication {

// A ring buffer of `capacity` bytes allocated on first use: `start_` is the index of the oldest
// byte, `size_` the bytes held.

Backlog::Backlog(size_t capacity, int64_t end_offset)
    : capacity_(std::max<size_t>(capacity, 1)), end_offset_(end_offset) {}

void Backlog::Append(std::string_view bytes) {
  end_offset_ += static_cast<int64_t>(bytes.size());
  if (buffer_.size() != capacity_) buffer_.resize(capacity_);
  if (bytes.size() >= capacity_) {
    // Only the newest `capacity_` bytes survive.
    bytes.remove_prefix(bytes.size() - capacity_);
    std::memcpy(buffer_.data(), bytes.data(), capacity_);
    start_ = 0;
    size_ = capacity_;
    return;
  }
  size_t write = (start_ + size_) % capacity_;
  size_t first = std::min(bytes.size(), capacity_ - write);
  std::memcpy(buffer_.data() + write, bytes.data(), first);
  std::memcpy(buffer_.data(), bytes.data() + first, bytes.size() - first);
  size_t total = size_ + bytes.size();
  if (total > capacity_) {
    start_ = (start_ + (total - capacity_)) % capacity_;
    size_ = capacity_;
  } else {
    size_ = total;
  }
}

void Backlog::Resize(size_t capacity) {
  capacity = std::max<size_t>(capacity, 1);
  if (capacity == capacity_) return;
  std::string kept;
  CopyFrom(end_offset_ + 1 - static_cast<int64_t>(std::min(size_, capacity)), kept);
  buffer_.clear();
  buffer_.shrink_to_fit();
  capacity_ = capacity;
  start_ = 0;
  size_ = 0;
  int64_t end = end_offset_;
  end_offset_ = end - static_cast<int64_t>(kept.size());
  if (!kept.empty()) Append(kept);
}

void Backlog::Reset(int64_t end_offset) {
  end_offset_ = end_offset;
  start_ = 0;
  size_ = 0;
}

size_t Backlog::capacity() const { return capacity_; }
int64_t Backlog::end_offset() const { return end_offset_; }
int64_t Backlog::first_offset() const { return end_offset_ + 1 - static_cast<int64_t>(size_); }
int64_t Backlog::histlen() const { return static_cast<int64_t>(size_); }

bool Backlog::Contains(int64_t offset) const {
  return offset >= first_offset() && offset <= end_offset_ + 1;
}

void Backlog::CopyFrom(int64_t offset, std::string& out) const {
  size_t skip = static_cast<size_t>(offset - first_offset());
  size_t count = size_ - skip;
  if (count == 0) return;
  size_t begin = (start_ + skip) % capacity_;
  size_t first = std::min(count, capacity_ - begin);
  out.append(buffer_.data() + begin, first);
  out.append(buffer_.data(), count - first);
}

}  // namespace tandem::replication
