#pragma once
// Backlog: the most recent bytes of the replication stream (repl-backlog-size), kept so that a
// replica that lost its link can resume with PSYNC from the first byte it lacks.
//
// Offsets are Redis's: the stream's bytes are numbered from 1; end_offset() is the offset of the
// last byte appended (master_repl_offset), and a PSYNC names the first byte the replica lacks. The
// valid window is [first_offset(), end_offset() + 1]; asking for end_offset() + 1 means "nothing
// to send". An empty backlog's first_offset() is end_offset() + 1.
//
// Owner: replication::Replication; server thread only.

#include <cstdint>
#include <string>
#include <string_view>

namespace tandem::replication {

class Backlog {
 public:
  // An empty backlog of `capacity` bytes whose next byte will be `end_offset` + 1.
  Backlog(size_t capacity, int64_t end_offset);

  // Appends stream bytes; the oldest are dropped past the capacity.
  void Append(std::string_view bytes);
  // Changes the capacity, keeping the newest bytes that fit.
  void Resize(size_t capacity);
  // Drops every byte; the next appended byte will be `end_offset` + 1.
  void Reset(int64_t end_offset);

  size_t capacity() const;
  int64_t end_offset() const;    // master_repl_offset
  int64_t first_offset() const;  // repl_backlog_first_byte_offset
  int64_t histlen() const;       // repl_backlog_histlen: bytes held
  // `offset` is inside the window (see above).
  bool Contains(int64_t offset) const;
  // Appends to `out` the bytes from `offset` to the end. Requires Contains(offset).
  void CopyFrom(int64_t offset, std::string& out) const;

 private:
  size_t capacity_;
  int64_t end_offset_;
  std::string buffer_;  // the ring, sized `capacity_` on first append
  size_t start_ = 0;    // index of the oldest byte
  size_t size_ = 0;     // bytes held (histlen)
};

}  // namespace tandem::replication
