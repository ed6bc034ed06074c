#pragma once
// The arguments and reply shared by SCAN, HSCAN, SSCAN and ZSCAN:
//   SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
//   HSCAN|SSCAN|ZSCAN key cursor [MATCH pattern] [COUNT count]
// The reply is [next cursor as text, [items...]].

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "server/commands/context.h"
#include "server/resp/reply_builder.h"

namespace tandem::commands {

struct ScanOptions {
  int64_t count = 10;
  std::string_view pattern;
  bool has_pattern = false;  // "MATCH *" counts as no pattern
  std::string_view type;
  bool has_type = false;

  // True when `text` passes MATCH (always without one).
  bool Matches(std::string_view text) const;
  // The most buckets one call may visit, 10 * count, so that a sparse table cannot stall the
  // server.
  int64_t BucketBudget() const;
};

// Parses a SCAN cursor as Redis does with strtoul: an optional sign ('-' wraps around), then
// digits; the empty text is cursor 0. Leading blanks, other bytes and overflow are invalid: then
// replies the invalid-cursor error and returns nullopt.
std::optional<uint64_t> ParseScanCursorOrReply(Context& ctx, std::string_view text);

// Parses the options in ctx.argv[first...]; TYPE is accepted only when `allow_type` (SCAN). Every
// option takes a value; COUNT must be an integer >= 1. Replies the error and returns nullopt when
// invalid.
std::optional<ScanOptions> ParseScanOptionsOrReply(Context& ctx, size_t first, bool allow_type);

// Writes the reply's frame: the cursor, then the header of an array of `items` the caller writes.
void ReplyScanHeader(resp::ReplyBuilder& r, uint64_t cursor, size_t items);

}  // namespace tandem::commands
