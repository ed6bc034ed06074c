#include "sentinel/state_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <string_view>
#include <utility>

#include "sentinel/run_id.h"

namespace tandem::sentinel {
namespace {

using base::Status;

std::string Where(const std::string& path) { return "sentinel state file " + path + ": "; }

Status IoError(const std::string& path, std::string_view what, int err) {
  return Status::IoError(Where(path) + std::string(what) + ": " + std::strerror(err));
}

bool IsPort(uint32_t port) { return port >= 1 && port <= 65535; }

// Empty when `state` is acceptable, else what is wrong with it.
std::string Problem(const proto::SentinelState& state) {
  if (!IsRunId(state.my_id())) return "my_id is not 40 hex characters";
  std::set<std::string> names;
  for (const proto::MonitoredMaster& master : state.masters()) {
    if (master.name().empty()) return "a master has an empty name";
    if (!names.insert(master.name()).second) return "master " + master.name() + " appears twice";
    const std::string of = " of master " + master.name();
    if (master.host().empty() || !IsPort(master.port())) return "bad address" + of;
    for (const proto::KnownReplica& replica : master.replicas()) {
      if (replica.host().empty() || !IsPort(replica.port())) return "bad replica address" + of;
    }
    for (const proto::KnownSentinel& sentinel : master.sentinels()) {
      if (!IsRunId(sentinel.run_id())) return "bad sentinel run id" + of;
      if (sentinel.host().empty() || !IsPort(sentinel.port())) return "bad sentinel address" + of;
    }
  }
  return "";
}

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(std::strerror(errno));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

// Reads the rest of `fd` into `bytes`, refusing more than kMaxStateFileSize. fstat catches a large
// regular file up front; the read loop still stops at the limit for files that report no size
// (devices, pipes).
Status ReadAll(int fd, std::string* bytes) {
  const std::string too_large =
      "larger than " + std::to_string(kMaxStateFileSize) + " bytes, not a state file";
  struct stat info {};
  if (::fstat(fd, &info) == 0 && info.st_size > static_cast<off_t>(kMaxStateFileSize)) {
    return Status::IoError(too_large);
  }
  char buffer[16384];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(std::string("cannot read: ") + std::strerror(errno));
    if (n == 0) return Status::Ok();
    bytes->append(buffer, static_cast<size_t>(n));
    if (bytes->size() > kMaxStateFileSize) return Status::IoError(too_large);
  }
}

// The directory holding `path`: the rename is only durable once its entry is synced.
Status SyncDirectoryOf(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError(path, "cannot open its directory", errno);
  const int err = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return err == 0 ? Status::Ok() : IoError(path, "cannot fsync its directory", err);
}

}  // namespace

Status SaveState(const std::string& path, const proto::SentinelState& state) {
  proto::SentinelState stamped = state;
  stamped.set_version(kStateVersion);
  if (std::string problem = Problem(stamped); !problem.empty()) {
    return Status::InvalidArgument(Where(path) + "refusing to save: " + problem);
  }
  const std::string bytes = stamped.SerializeAsString();

  std::string temp = path + ".tmp-XXXXXX";
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return IoError(path, "cannot create a temporary file", errno);
  Status status = WriteAll(fd, bytes);
  if (!status.ok()) {
    status = Status::IoError(Where(path) + "cannot write " + temp + ": " + status.message());
  } else if (::fsync(fd) != 0) {
    status = IoError(path, "cannot fsync " + temp, errno);
  }
  ::close(fd);
  if (status.ok() && ::rename(temp.c_str(), path.c_str()) != 0) {
    status = IoError(path, "cannot rename " + temp + " over it", errno);
  }
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  return SyncDirectoryOf(path);
}

base::StatusOr<std::optional<proto::SentinelState>> LoadState(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return std::optional<proto::SentinelState>();
  if (fd < 0) return IoError(path, "cannot open", errno);
  std::string bytes;
  const Status read = ReadAll(fd, &bytes);
  ::close(fd);
  if (!read.ok()) return Status::IoError(Where(path) + read.message());

  auto corrupt = [&path](const std::string& what) {
    return Status::Error(Status::Code::kCorruption, Where(path) + what);
  };
  proto::SentinelState state;
  if (!state.ParseFromString(bytes)) return corrupt("not a sentinel state (cannot parse)");
  if (state.version() == 0) return corrupt("not a sentinel state (no version)");
  if (state.version() > kStateVersion) {
    return corrupt("version " + std::to_string(state.version()) +
                   " was written by a newer tandem-sentinel (this one reads up to " +
                   std::to_string(kStateVersion) + ")");
  }
  if (std::string problem = Problem(state); !problem.empty()) return corrupt(problem);
  return std::optional<proto::SentinelState>(std::move(state));
}

}  // namespace tandem::sentinel
