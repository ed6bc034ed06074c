#include "server/persistence/aof_loader.h"

#include <spdlog/spdlog.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <vector>

#include "server/commands/client.h"
#include "server/commands/detached_connection.h"
#include "server/commands/object_limits.h"
#include "server/persistence/aof_reader.h"
#include "server/persistence/mapped_file.h"
#include "server/rdb/snapshot.h"

namespace tandem::persistence {
namespace {

using base::Status;

Status Fatal(std::string message) {
  return Status::Error(Status::Code::kCorruption, std::move(message));
}

// Redis's CLIENT_ID_AOF.
constexpr uint64_t kAofClientId = std::numeric_limits<uint64_t>::max();

class FileLoader {
 public:
  FileLoader(const AofLoadOptions& options, commands::ServerState& state,
             commands::Dispatcher& dispatcher, AofLoadResult& result)
      : options_(options), state_(state), dispatcher_(dispatcher), result_(result) {}

  // Loads one file; `last` allows a truncated end (aof-load-truncated).
  Status Load(const std::string& name, bool base, bool last) {
    std::string path = options_.dir + "/" + name;
    MappedFile file;
    if (Status st = file.Open(path); !st.ok()) {
      return Fatal("Fatal error: can't open the append log file " + name +
                   " for reading: " + st.message());
    }
    std::string_view data = file.view();
    std::string output;
    commands::DetachedConnection connection;
    commands::Client client(kAofClientId, &connection, &output, state_.clock.NowMs());
    client.authenticated = true;  // no user: the dispatcher skips the ACL
    size_t start = 0;
    if (data.substr(0, 5) == "REDIS") {
      rdb::SnapshotLoadOptions load;
      load.limits = commands::ObjectLimitsFrom(state_.config);
      load.now_ms = state_.clock.NowMs();
      load.drop_expired = false;
      auto loaded = rdb::LoadSnapshot(data, state_.keyspace, load);
      if (!loaded.ok()) {
        return Fatal("Error reading the RDB base file " + name +
                     ", AOF loading aborted: " + loaded.status().message());
      }
      for (const std::string& code : loaded->function_codes) {
        std::string_view argv[] = {"FUNCTION", "LOAD", code};
        output.clear();
        dispatcher_.Execute(client, argv);
        if (!output.empty() && output[0] == '-') {
          return Fatal("Failed loading a function library of the RDB base file " + name + ": " +
                       output.substr(1, output.find('\r') - 1));
        }
      }
      start = loaded->bytes;
    }
    AofCommandReader reader(data, start);
    std::vector<std::string_view> argv;
    size_t before_multi = 0;
    for (;;) {
      size_t command_start = reader.valid_up_to();
      AofReadResult r = reader.Next(&argv);
      if (r == AofReadResult::kEnd) break;
      if (r == AofReadResult::kCorrupt) {
        return Fatal("Bad file format reading the append only file " + name + " at offset " +
                     std::to_string(reader.error_offset()) +
                     ": make a backup of your AOF file, then use ./redis-check-aof --fix "
                     "<filename.manifest>");
      }
      if (r == AofReadResult::kTruncated) {
        return Truncated(name, path, base, last, reader.valid_up_to(), data.size());
      }
      if (state_.commands.Find(argv[0]) == nullptr) {
        return Fatal("Unknown command '" + std::string(argv[0]) +
                     "' reading the append only file " + name);
      }
      if (strncasecmp(argv[0].data(), "multi", argv[0].size()) == 0 && argv[0].size() == 5) {
        before_multi = command_start;
      }
      output.clear();
      dispatcher_.Execute(client, argv);
      ++result_.commands;
    }
    if (client.multi) {
      spdlog::warn("Revert incomplete MULTI/EXEC transaction in AOF file {}", name);
      return Truncated(name, path, base, last, before_multi, data.size());
    }
    result_.total_size += data.size();
    if (base) result_.base_size = data.size();
    return Status::Ok();
  }

 private:
  Status Truncated(const std::string& name, const std::string& path, bool base, bool last,
                   size_t valid_up_to, size_t size) {
    if (options_.load_truncated && last) {
      spdlog::warn("!!! Warning: short read while loading the AOF file {}!!!", name);
      spdlog::warn("!!! Truncating the AOF {} at offset {} !!!", name, valid_up_to);
      if (truncate(path.c_str(), static_cast<off_t>(valid_up_to)) != 0) {
        spdlog::warn("Error truncating the AOF file {}: {}", name, std::strerror(errno));
      } else {
        spdlog::warn("AOF {} loaded anyway because aof-load-truncated is enabled", name);
        result_.truncated = true;
        result_.total_size += valid_up_to;
        if (base) result_.base_size = valid_up_to;
        return Status::Ok();
      }
    }
    (void)size;
    return Fatal("Unexpected end of file reading the append only file " + name +
                 " (a command is cut at offset " + std::to_string(valid_up_to) +
                 "). You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix "
                 "<filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' "
                 "configuration option to yes and restart the server.");
  }

  const AofLoadOptions& options_;
  commands::ServerState& state_;
  commands::Dispatcher& dispatcher_;
  AofLoadResult& result_;
};

bool IsDirectory(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

base::StatusOr<AofLoadResult> LoadAof(const AofLoadOptions& options, commands::ServerState& state,
                                      commands::Dispatcher& dispatcher) {
  AofLoadResult result;
  if (!IsDirectory(options.dir)) return result;
  std::string manifest_name = AofManifestName(options.prefix);
  std::string manifest_path = options.dir + "/" + manifest_name;
  MappedFile manifest_file;
  if (access(manifest_path.c_str(), F_OK) != 0) return result;
  if (Status st = manifest_file.Open(manifest_path); !st.ok()) {
    return Fatal("Fatal error: can't open the AOF manifest file " + manifest_path +
                 " for reading: " + st.message());
  }
  auto manifest = AofManifest::Parse(manifest_file.view());
  if (!manifest.ok()) {
    return Fatal("Fatal AOF manifest file error in " + manifest_path + ": " +
                 manifest.status().message());
  }
  result.manifest = std::move(*manifest);
  std::vector<std::pair<std::string, bool>> files;  // name, is base
  if (result.manifest.base()) files.emplace_back(result.manifest.base()->name, true);
  for (const AofFileInfo& info : result.manifest.incrs()) files.emplace_back(info.name, false);
  for (const auto& [name, base] : files) {
    if (access((options.dir + "/" + name).c_str(), F_OK) != 0) {
      return Fatal("The append log file " + name + " doesn't exist: " + std::strerror(errno));
    }
  }

  // The load counts nothing: commands, errors and slowlog entries are restored afterwards.
  commands::ServerStats stats = state.stats;
  store::KeyspaceStats keyspace_stats = state.keyspace.stats();
  auto slowlog = state.slowlog;
  state.persistence.loading = true;
  // As Redis, loading never evicts nor refuses a command for memory.
  int64_t maxmemory = state.settings.maxmemory;
  state.settings.maxmemory = 0;
  FileLoader loader(options, state, dispatcher, result);
  Status status = Status::Ok();
  for (size_t i = 0; i < files.size() && status.ok(); ++i) {
    int64_t start_us = state.clock.NowUs();
    status = loader.Load(files[i].first, files[i].second, i + 1 == files.size());
    if (status.ok()) {
      spdlog::info("DB loaded from {} file {}: {:.3f} seconds", files[i].second ? "base" : "incr",
                   files[i].first, static_cast<double>(state.clock.NowUs() - start_us) / 1e6);
    }
  }
  state.persistence.loading = false;
  state.settings.maxmemory = maxmemory;
  state.stats = std::move(stats);
  state.keyspace.stats() = keyspace_stats;
  state.slowlog = std::move(slowlog);
  if (!status.ok()) return status;
  return result;
}

}  // namespace tandem::persistence
