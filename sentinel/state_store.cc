#include "sentinel/state_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <string_view>
#include <utility>

#include "sentinel/run_id.h"
#include "server/base/atomic_file.h"

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

}  // namespace

Status SaveState(const std::string& path, const proto::SentinelState& state) {
  proto::SentinelState stamped = state;
  stamped.set_version(kStateVersion);
  if (std::string problem = Problem(stamped); !problem.empty()) {
    return Status::InvalidArgument(Where(path) + "refusing to save: " + problem);
  }
  const std::string bytes = stamped.SerializeAsString();

  // base::AtomicFile: temp file beside it, fsync, rename, directory fsync; an uncommitted temp
  // file is removed.
  base::StatusOr<base::AtomicFile> file = base::AtomicFile::Create(path, {}, 0600);
  if (!file.ok()) {
    return Status::IoError(Where(path) +
                           "cannot create a temporary file: " + file.status().message());
  }
  if (Status written = file->Write(bytes); !written.ok()) {
    return Status::IoError(Where(path) + "cannot write " + file->temp_path() + ": " +
                           written.message());
  }
  if (Status committed = file->Commit(); !committed.ok()) {
    return Status::IoError(Where(path) + committed.message());
  }
  return Status::Ok();
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
