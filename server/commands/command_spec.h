#pragma once
// One row of the command table: everything the dispatcher's pre-checks and COMMAND INFO/DOCS need
// to know about a command. Family files (string_family.cc, ...) each end with a Register function
// listing their rows.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace tandem::commands {

class Context;
using Handler = void (*)(Context& ctx);

// Command flags, named as COMMAND INFO prints them.
enum CommandFlag : uint32_t {
  kWrite = 1u << 0,          // "write": modifies the keyspace
  kReadonly = 1u << 1,       // "readonly": reads keys only
  kDenyOom = 1u << 2,        // "denyoom": refused when over maxmemory
  kAdmin = 1u << 3,          // "admin"
  kPubsub = 1u << 4,         // "pubsub"
  kNoScript = 1u << 5,       // "noscript": not from Lua
  kBlocking = 1u << 6,       // "blocking": may block the client
  kLoading = 1u << 7,        // "loading": allowed while loading data
  kStale = 1u << 8,          // "stale": allowed on a replica with a broken link
  kSkipMonitor = 1u << 9,    // "skip_monitor": not shown to MONITOR
  kSkipSlowlog = 1u << 10,   // "skip_slowlog": not logged in the slowlog
  kFast = 1u << 11,          // "fast": O(1) or O(log N)
  kNoAuth = 1u << 12,        // "no_auth": allowed before authentication
  kMayReplicate = 1u << 13,  // "may_replicate"
  kNoMulti = 1u << 14,       // "no_multi": refused inside MULTI
  kAllowBusy = 1u << 15,     // "allow_busy": allowed while a script runs
  // "no_mandatory_keys": may be called with no keys (EVAL with numkeys 0)
  kNoMandatoryKeys = 1u << 16,
};

// ACL categories, named "@<name>" (see acl_categories.cc for the names and order).
enum AclCategory : uint64_t {
  kAclKeyspace = 1ull << 0,
  kAclRead = 1ull << 1,
  kAclWrite = 1ull << 2,
  kAclSet = 1ull << 3,
  kAclSortedSet = 1ull << 4,
  kAclList = 1ull << 5,
  kAclHash = 1ull << 6,
  kAclString = 1ull << 7,
  kAclBitmap = 1ull << 8,
  kAclHyperLogLog = 1ull << 9,
  kAclGeo = 1ull << 10,
  kAclStream = 1ull << 11,
  kAclPubsub = 1ull << 12,
  kAclAdmin = 1ull << 13,
  kAclFast = 1ull << 14,
  kAclSlow = 1ull << 15,
  kAclBlocking = 1ull << 16,
  kAclDangerous = 1ull << 17,
  kAclConnection = 1ull << 18,
  kAclTransaction = 1ull << 19,
  kAclScripting = 1ull << 20,
};

// Returns the category names in Redis's ACL CAT order, with their bits.
struct AclCategoryName {
  std::string_view name;
  uint64_t bit;
};
std::span<const AclCategoryName> AclCategoryNames();

// Key positions of a command whose keys are not a simple first/last/step range; appends the
// argv indexes of the keys.
using KeyFinder = void (*)(std::span<const std::string_view> argv, std::vector<int>* keys);

struct CommandSpec {
  std::string_view name;  // lower case; for a subcommand, the subcommand name ("setname")
  int arity;              // Redis's rule: N means exactly N args, -N at least N (name included)
  uint32_t flags;
  int first_key;  // 0 when the command takes no keys
  int last_key;   // -1: the last argument; -2: the one before it
  int step;
  uint64_t acl;  // AclCategory bits (besides those derived from flags)
  Handler handler;
  std::string_view group;    // COMMAND DOCS group: "string", "generic", "connection", "server"...
  std::string_view summary;  // COMMAND DOCS summary
  std::string_view since;    // COMMAND DOCS since
  // Key-spec flags for COMMAND INFO/DOCS, e.g. "RW ACCESS UPDATE"; empty when no keys.
  std::string_view key_flags = {};
  KeyFinder key_finder = nullptr;  // overrides first/last/step
  std::vector<CommandSpec> subcommands = {};

  // Set by CommandTable: unique id (for stats and ACL bitmaps) and the "container|sub" name.
  int id = -1;
  std::string_view full_name = {};
};

// A container command (CONFIG, CLIENT, XINFO, ...): arity -2, no flags, keys or handler of its
// own; only its subcommands run.
inline CommandSpec ContainerCommand(std::string_view name, std::string_view group,
                                    std::string_view summary, std::string_view since,
                                    std::vector<CommandSpec> subcommands) {
  return CommandSpec{.name = name,
                     .arity = -2,
                     .flags = 0,
                     .first_key = 0,
                     .last_key = 0,
                     .step = 0,
                     .acl = 0,
                     .handler = nullptr,
                     .group = group,
                     .summary = summary,
                     .since = since,
                     .subcommands = std::move(subcommands)};
}

// A command's ACL categories: its own plus those Redis derives from flags (write -> @write,
// readonly -> @read, admin -> @admin @dangerous, pubsub, blocking, fast, else @slow).
uint64_t EffectiveAclCategories(const CommandSpec& spec);

// Redis's arity rule: N means exactly N arguments (the name included), -N at least N.
inline bool ArityOk(const CommandSpec& spec, size_t argc) {
  return spec.arity > 0 ? argc == static_cast<size_t>(spec.arity)
                        : argc >= static_cast<size_t>(-spec.arity);
}

// The argv indexes of the keys of this call (empty when none).
std::vector<int> KeyPositions(const CommandSpec& spec, std::span<const std::string_view> argv);

// For key finders of "numkeys key..." commands (ZUNION, SINTERCARD, ZMPOP...): appends the indexes
// of the keys that follow the count at argv[numkeys_index], clipped to the arguments present;
// none when the count is not a positive integer.
void AppendNumkeysKeys(std::span<const std::string_view> argv, size_t numkeys_index,
                       std::vector<int>* keys);
// The key finder of a command whose keys follow a count at argv[kNumkeysIndex]: 1 for ZUNION,
// SINTERCARD, ZMPOP; 2 for EVAL, FCALL, BZMPOP (timeout first).
template <size_t kNumkeysIndex>
void KeysAfterNumkeysAt(std::span<const std::string_view> argv, std::vector<int>* keys) {
  AppendNumkeysKeys(argv, kNumkeysIndex, keys);
}

}  // namespace tandem::commands
