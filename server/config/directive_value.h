#pragma once
// A directive's value: checking the arguments given for it (from a config file line or CONFIG
// SET), printing it for CONFIG GET and writing it back for CONFIG REWRITE, all with Redis 7.0's
// rules and error texts. Pure functions except that dir values are checked against the file
// system; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/status.h"
#include "server/config/directive_table.h"

namespace tandem::config {

// A parameter's value in canonical form.
struct Value {
  std::string text;  // exactly what CONFIG GET prints
  // bool: 0 or 1. Numbers: the value (an unsigned one as its 64-bit pattern; a percentage of
  // kMemoryOrPercent as -N). Enums: the value's number (flags or-ed). notify-keyspace-events: its
  // flags (keyspace_events.h), which the text does not always show. Others: 0.
  int64_t number = 0;

  bool operator==(const Value&) const = default;
};

// The value `directive` has before any configuration. dir's is the process's working directory.
Value DefaultValue(const Directive& directive);

// The value that `args` (the arguments after the directive name; exactly one unless
// TakesManyArguments) ask `directive` to take. `current` is its value now: classes that a
// client-output-buffer-limit line does not name keep their limits, and a relative dir is taken
// relative to the current one. Fails with Redis's reason, e.g. "argument must be a memory value"
// or "Invalid save parameters", for callers to prefix. Must not be called for kFileOnly.
base::StatusOr<Value> ParseValue(const Directive& directive, const std::vector<std::string>& args,
                                 const Value& current);

// CONFIG SET's split of a value for a directive that TakesManyArguments: at every single space,
// keeping empty pieces ("a  b" is "a", "", "b"); "" gives no pieces.
std::vector<std::string> SplitAtSpaces(std::string_view value);

// One line CONFIG REWRITE writes for a value. `force`: write it even where the file has no line
// for the directive (the value differs from the default, or Redis always writes it).
struct RewriteLine {
  std::string text;
  bool force;
};

// The lines that state `value` in a config file, in order, as Redis's CONFIG REWRITE writes them
// (byte counts with gb/mb/kb units where exact, strings quoted). No lines means the directive must
// not appear at all (an unset string, the default bind, no replicaof). Not for kFileOnly.
std::vector<RewriteLine> RewriteLines(const Directive& directive, const Value& value);

// Decoded forms of the canonical text of some directives.
struct SavePoint {
  int64_t seconds;
  int32_t changes;  // Redis keeps this in a C int
};
std::vector<SavePoint> DecodeSavePoints(std::string_view save_text);

struct OutputBufferLimit {
  uint64_t hard_limit_bytes;
  uint64_t soft_limit_bytes;
  int64_t soft_limit_seconds;
  bool operator==(const OutputBufferLimit&) const = default;
};
struct OutputBufferLimits {
  OutputBufferLimit normal;
  OutputBufferLimit replica;
  OutputBufferLimit pubsub;
};
OutputBufferLimits DecodeOutputBufferLimits(std::string_view client_output_buffer_limit_text);

}  // namespace tandem::config
