#include "server/persistence/aof_reader.h"

namespace tandem::persistence {
namespace {

constexpr int64_t kMaxArgs = 1 << 30;           // far above any real command
constexpr int64_t kMaxBulk = int64_t{1} << 40;  // a length past this is garbage

}  // namespace

AofCommandReader::Line AofCommandReader::ReadNumberLine(char prefix, int64_t* value) {
  size_t newline = data_.find('\n', pos_);
  if (newline == std::string_view::npos) {
    // A partial line is a truncation only while it still looks like the start of one.
    for (size_t i = pos_; i < data_.size(); ++i) {
      char c = data_[i];
      bool ok = i == pos_ ? c == prefix : ((c >= '0' && c <= '9') || c == '\r');
      if (!ok || (c == '\r' && i + 1 != data_.size())) return Line::kBad;
    }
    return Line::kShort;
  }
  std::string_view line = data_.substr(pos_, newline - pos_);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() < 2 || line[0] != prefix || line.size() > 20) return Line::kBad;
  int64_t n = 0;
  for (char c : line.substr(1)) {
    if (c < '0' || c > '9') return Line::kBad;
    n = n * 10 + (c - '0');
  }
  *value = n;
  pos_ = newline + 1;
  return Line::kOk;
}

AofReadResult AofCommandReader::Next(std::vector<std::string_view>* argv) {
  argv->clear();
  // Annotations ("#TS:..." lines of aof-timestamp-enabled) are skipped.
  while (pos_ < data_.size() && data_[pos_] == '#') {
    size_t newline = data_.find('\n', pos_);
    if (newline == std::string_view::npos) return AofReadResult::kTruncated;
    pos_ = end_of_last_ = newline + 1;
  }
  if (pos_ == data_.size()) return AofReadResult::kEnd;
  size_t command_start = pos_;
  int64_t argc = 0;
  switch (ReadNumberLine('*', &argc)) {
    case Line::kShort:
      return AofReadResult::kTruncated;
    case Line::kBad:
      return Fail(command_start);
    case Line::kOk:
      break;
  }
  if (argc < 1 || argc > kMaxArgs) return Fail(command_start);
  for (int64_t i = 0; i < argc; ++i) {
    if (pos_ == data_.size()) return AofReadResult::kTruncated;
    size_t arg_start = pos_;
    int64_t len = 0;
    switch (ReadNumberLine('$', &len)) {
      case Line::kShort:
        return AofReadResult::kTruncated;
      case Line::kBad:
        return Fail(arg_start);
      case Line::kOk:
        break;
    }
    if (len > kMaxBulk) return Fail(arg_start);
    size_t available = data_.size() - pos_;
    if (static_cast<uint64_t>(len) + 2 > available) {
      // Short: the bytes that are there must still end where the CRLF would start.
      size_t have = available;
      if (have > static_cast<size_t>(len) && data_[pos_ + len] != '\r') return Fail(pos_ + len);
      return AofReadResult::kTruncated;
    }
    if (data_[pos_ + len] != '\r' || data_[pos_ + len + 1] != '\n') return Fail(pos_ + len);
    argv->push_back(data_.substr(pos_, static_cast<size_t>(len)));
    pos_ += static_cast<size_t>(len) + 2;
  }
  end_of_last_ = pos_;
  return AofReadResult::kCommand;
}

}  // namespace tandem::persistence
