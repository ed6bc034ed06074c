#pragma once
// The table of every configuration directive Redis 7.0 knows: one row per parameter, with its
// alias, how its value is written and checked, its default as CONFIG GET prints it, whether CONFIG
// SET may change it, and whether Tandem acts on it. The table is constant; lookups are
// thread-safe.

#include <cstdint>
#include <span>
#include <string_view>

namespace tandem::config {

// How a directive's value is written and checked (directive_value.h does the work).
enum class Kind : uint8_t {
  kBool,             // yes or no, any case
  kInteger,          // decimal integer within [min, max] (Redis's string2ll: no '+', no leading 0)
  kOctal,            // octal integer within [min, max] (unixsocketperm)
  kMemory,           // byte count within [min, max], with an optional unit: b, k=1000, kb=1024,
                     // m, mb, g, gb, any case (Redis's memtoull)
  kMemoryOrPercent,  // kMemory, or "N%" with 0 <= N <= -min, held as -N (maxmemory-clients)
  kEnum,             // one of enum_values, any case
  kEnumFlags,        // one or more of enum_values, space separated, or-ed (shutdown-on-sig*)
  kString,           // any text
  // Directives with a syntax of their own.
  kSave,                     // "<seconds> <changes> ...", or "" for none
  kBind,                     // up to 16 addresses, or "" for none
  kClientOutputBufferLimit,  // "<class> <hard> <soft> <seconds> ..."; classes not given keep theirs
  kNotifyKeyspaceEvents,     // event class letters (keyspace_events.h)
  kOomScoreAdjValues,        // three integers in [-2000, 2000]
  kLatencyPercentiles,       // numbers in [0, 100], or "" for none
  kReplicaOf,                // "<host> <port>", or "no one"
  kDir,                      // an existing directory; held as its absolute path
  // Lines only a config file may hold (user, rename-command, loadmodule, ...): never shown by
  // CONFIG GET nor changed by CONFIG SET. min and max bound their argument count.
  kFileOnly,
};

// Properties of a directive, or-ed into Directive::flags.
enum DirectiveFlag : uint32_t {
  kImmutable = 1u << 0,     // CONFIG SET refuses: "can't set immutable config"
  kProtected = 1u << 1,     // CONFIG SET refuses unless enable-protected-configs allows it
  kDenyLoading = 1u << 2,   // CONFIG SET refuses while a dataset is loading
  kSensitive = 1u << 3,     // the value is a secret: keep it out of logs, SLOWLOG and MONITOR
  kHidden = 1u << 4,        // CONFIG GET shows it only when asked by its exact name
  kEmptyIsUnset = 1u << 5,  // a string whose "" means "not set": CONFIG REWRITE writes no line
  kUnsigned = 1u << 6,      // a number Redis holds in an unsigned C type: bounds compare unsigned
  kImplemented = 1u << 7,   // Tandem acts on the value; others are accepted, shown and ignored
                            // (only their default behaviour is provided)
};

// One accepted value of an enum directive. Names sharing a value are synonyms; the first one in
// the list is the one printed.
struct EnumValue {
  std::string_view name;
  int value;
};

struct Directive {
  std::string_view name;
  std::string_view alias;  // the other accepted name ("slaveof" for replicaof), or empty
  Kind kind;
  uint32_t flags;
  // The value before any configuration, as CONFIG GET prints it. Empty for dir, whose default is
  // the working directory at start-up.
  std::string_view default_value;
  int64_t min = 0;   // numbers: lower bound; kFileOnly: fewest arguments
  uint64_t max = 0;  // numbers: upper bound; kFileOnly: most arguments
  std::span<const EnumValue> enum_values = {};

  bool Has(uint32_t flag) const { return (flags & flag) != 0; }
};

// Every directive, in a fixed order (the order CONFIG GET and CONFIG REWRITE use).
std::span<const Directive> AllDirectives();

// The directive called `name` (its name or its alias, in any case), or nullptr when Redis 7.0 has
// no such directive. Directives named with a '.' (module configs) are not in the table.
const Directive* FindDirective(std::string_view name);

// True when the directive takes several arguments on one line (save, bind, ...). CONFIG SET
// splits such a value at each single space.
bool TakesManyArguments(const Directive& directive);

}  // namespace tandem::config
