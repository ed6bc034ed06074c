#pragma once
// Reads the commands of an append-only file (the RESP part: an incremental file, a RESP base, or
// the tail after an RDB preamble): "*<argc>\r\n" then argc times "$<len>\r\n<bytes>\r\n". Lines
// starting with '#' between commands are annotations and skipped, as Redis 7.0 does.
//
// Truncation (the data ends inside a command) and corruption (anything else malformed) are told
// apart, because aof-load-truncated forgives the first only.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::persistence {

enum class AofReadResult {
  kCommand,    // *argv holds the next command
  kEnd,        // the data ends after a complete command
  kTruncated,  // the data ends inside a command
  kCorrupt,    // malformed at error_offset()
};

class AofCommandReader {
 public:
  // Reads `data` from `start`; `data` must outlive the reader and the argv it fills.
  explicit AofCommandReader(std::string_view data, size_t start = 0)
      : data_(data), pos_(start), end_of_last_(start) {}

  // The next command; arguments are views into the data.
  AofReadResult Next(std::vector<std::string_view>* argv);
  // Where the last complete command (or annotation) ended: what a truncated file is cut to.
  size_t valid_up_to() const { return end_of_last_; }
  // Where the malformed byte sequence starts (kCorrupt only).
  size_t error_offset() const { return error_offset_; }

 private:
  enum class Line { kOk, kShort, kBad };
  // Reads "<prefix><non-negative number>\r\n" at pos_.
  Line ReadNumberLine(char prefix, int64_t* value);
  AofReadResult Fail(size_t at) {
    error_offset_ = at;
    return AofReadResult::kCorrupt;
  }

  std::string_view data_;
  size_t pos_;
  size_t end_of_last_;
  size_t error_offset_ = 0;
};

}  // namespace tandem::persistence
