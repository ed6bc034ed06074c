#include "replication/payload_receiver.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace tandem::replication {

namespace {

constexpr size_t kMarkSize = 40;
constexpr size_t kMaxHeaderLine = 1024;
// As Redis, the file is synced every 8 MiB so that the final fsync has little left to do.
constexpr int64_t kSyncEvery = 8 << 20;

}  // namespace

PayloadReceiver::~PayloadReceiver() {
  if (fd_ >= 0) ::close(fd_);
  if (!complete_ && !path_.empty()) ::unlink(path_.c_str());
}

base::Status PayloadReceiver::Open(const std::string& path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    return base::Status::IoError(
        "Opening the temp file needed for MASTER <-> REPLICA "
        "synchronization: " +
        std::string(std::strerror(errno)));
  }
  path_ = path;
  return base::Status::Ok();
}

PayloadReceiver::Result PayloadReceiver::Feed(std::string_view input, size_t* consumed) {
  *consumed = 0;
  if (!error_.empty()) return Result::kError;
  if (complete_) return Result::kDone;
  size_t header = 0;
  if (total_ < 0) {
    Result r = FeedHeader(input, &header);
    if (r != Result::kNeedMore || total_ < 0) {
      *consumed = header;
      return r;
    }
  }
  Result r = mark_.empty() ? FeedSized(input.substr(header), consumed)
                           : FeedMarked(input.substr(header), consumed);
  *consumed += header;
  return r;
}

PayloadReceiver::Result PayloadReceiver::FeedHeader(std::string_view input, size_t* consumed) {
  size_t pos = 0;
  while (pos < input.size()) {
    size_t nl = input.find('\n', pos);
    if (nl == std::string_view::npos) {
      line_.append(input.substr(pos));
      *consumed = input.size();
      if (line_.size() > kMaxHeaderLine) return Fail("the payload header line is too long");
      return Result::kNeedMore;
    }
    line_.append(input.substr(pos, nl - pos));
    pos = nl + 1;
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    std::string line;
    line.swap(line_);
    if (line.empty()) continue;  // keep-alive newline
    *consumed = pos;
    if (line.starts_with('-'))
      return Fail("MASTER aborted replication with an error: " + line.substr(1));
    if (!line.starts_with('$')) {
      return Fail("Bad protocol from MASTER, the first byte is not '$' (we received '" + line +
                  "'), are you sure the host and port are right?");
    }
    std::string_view rest = std::string_view(line).substr(1);
    if (rest.starts_with("EOF:") && rest.size() >= 4 + kMarkSize) {
      mark_ = std::string(rest.substr(4, kMarkSize));
      total_ = 0;
      return Result::kNeedMore;
    }
    int64_t size = -1;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), size);
    if (ec != std::errc() || end != rest.data() + rest.size() || size < 0) {
      return Fail("Bad payload header from MASTER: '" + line + "'");
    }
    total_ = size;
    return Result::kNeedMore;
  }
  *consumed = pos;
  return Result::kNeedMore;
}

PayloadReceiver::Result PayloadReceiver::FeedSized(std::string_view input, size_t* consumed) {
  size_t take = static_cast<size_t>(std::min<int64_t>(total_ - received_, input.size()));
  if (!Write(input.substr(0, take))) return Result::kError;
  received_ += take;
  *consumed = take;
  return received_ == total_ ? Finish() : Result::kNeedMore;
}

PayloadReceiver::Result PayloadReceiver::FeedMarked(std::string_view input, size_t* consumed) {
  *consumed = input.size();
  received_ += input.size();
  // Everything but the last kMarkSize bytes received is payload for sure.
  tail_.append(input);
  if (tail_.size() > kMarkSize) {
    size_t safe = tail_.size() - kMarkSize;
    if (!Write(std::string_view(tail_).substr(0, safe))) return Result::kError;
    tail_.erase(0, safe);
  }
  if (tail_ == mark_) return Finish();
  return Result::kNeedMore;
}

bool PayloadReceiver::Write(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      Fail(
          "Write error or short write writing to the DB dump file needed for MASTER <-> "
          "REPLICA synchronization: " +
          std::string(std::strerror(errno)));
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
    unsynced_ += n;
  }
  if (unsynced_ >= kSyncEvery) {
    ::fdatasync(fd_);
    unsynced_ = 0;
  }
  return true;
}

PayloadReceiver::Result PayloadReceiver::Finish() {
  if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
    fd_ = -1;
    return Fail(
        "Failed trying to sync the temp DB to disk in MASTER <-> REPLICA synchronization: " +
        std::string(std::strerror(errno)));
  }
  fd_ = -1;
  complete_ = true;
  return Result::kDone;
}

PayloadReceiver::Result PayloadReceiver::Fail(std::string message) {
  error_ = std::move(message);
  return Result::kError;
}

}  // namespace tandem::replication
