#include "server/commands/slowlog.h"

namespace tandem::commands {
namespace {

constexpr size_t kMaxArgs = 32;
constexpr size_t kMaxArgLen = 128;

}  // namespace

SlowlogEntry MakeSlowlogEntry(uint64_t id, Client& client, std::span<const std::string_view> argv,
                              int64_t unix_time, int64_t duration_us) {
  SlowlogEntry entry{id,         unix_time, duration_us, {}, client.connection().PeerAddress(),
                     client.name};
  size_t kept = std::min(argv.size(), kMaxArgs);
  for (size_t i = 0; i < kept; ++i) {
    if (kept != argv.size() && i == kept - 1) {
      entry.argv.push_back("... (" + std::to_string(argv.size() - kept + 1) + " more arguments)");
    } else if (argv[i].size() > kMaxArgLen) {
      entry.argv.push_back(std::string(argv[i].substr(0, kMaxArgLen)) + "... (" +
                           std::to_string(argv[i].size() - kMaxArgLen) + " more bytes)");
    } else {
      entry.argv.emplace_back(argv[i]);
    }
  }
  return entry;
}

}  // namespace tandem::commands
