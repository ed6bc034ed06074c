#pragma once
// What the stream command families (stream_family.cc, stream_group_family.cc,
// stream_info_family.cc) share: stream lookups, ID and range arguments with Redis 7.0's error
// replies, the trimming options of XADD/XTRIM, the option list of XREAD/XREADGROUP, and the
// entry replies. Every Parse* function replies the error itself and returns false on bad input.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/commands/context.h"
#include "server/store/stream.h"
#include "server/store/stream_id.h"

namespace tandem::commands {

// ---- Lookups ----

// The stream under `key` for a read; null when absent or after a WRONGTYPE reply (ctx.failed).
store::Stream* LookupStream(Context& ctx, std::string_view key);
// The same for a write (no hit/miss counting).
store::Stream* FindStreamForUpdate(Context& ctx, std::string_view key);
// Adds an empty stream under the absent `key`.
store::Stream* AddStream(Context& ctx, std::string_view key);
// stream-node-max-bytes / stream-node-max-entries as they are set now.
store::StreamLimits StreamLimitsFromConfig(Context& ctx);

// ---- IDs ----

// "ms-seq" or "ms" (seq from `missing`); "-" and "+" too unless `strict`. Replies "ERR Invalid
// stream ID specified as stream command argument" otherwise.
bool ParseStreamIdArg(Context& ctx, std::string_view text, store::MissingSeq missing, bool strict,
                      store::StreamId* id);
// The bounds of XRANGE/XREVRANGE/XPENDING (`start` is the low bound), "(" allowed on both.
bool ParseRangeArgs(Context& ctx, std::string_view start, std::string_view end,
                    store::StreamId* low, store::StreamId* high);

// ---- XADD / XTRIM options ----

struct AddOrTrimArgs {
  std::optional<store::TrimSpec> trim;  // MAXLEN / MINID given
  size_t threshold_index = 0;           // with trim: argv index of the MAXLEN / MINID value
  bool nomkstream = false;              // XADD only
  store::XAddId id;                     // XADD only
  size_t fields_index = 0;              // XADD only: argv index of the first field
};
// Parses the options after the key (XADD: NOMKSTREAM, MAXLEN|MINID [=|~] threshold, LIMIT n, then
// the ID and the field/value pairs; XTRIM: the trimming options only), as Redis's
// streamParseAddOrTrimArgsOrReply does, errors included.
bool ParseAddOrTrimArgs(Context& ctx, bool xadd, AddOrTrimArgs* args);

// Effects propagation of XADD / XTRIM (Redis's argument rewriting). The threshold of an exact trim
// that leaves `s` as it is now: MAXLEN its length, MINID its first entry's ID (the maximum ID once
// it is empty).
std::string ExactTrimThreshold(const store::Stream& s, store::TrimStrategy strategy);
// The parsed XADD (`xadd`) or XTRIM `argv` with XADD's ID argument replaced by `id` when it is not
// empty, and, when `threshold` is not empty, the approximate trim made exact: "~" becomes "=", the
// threshold becomes `threshold` and LIMIT is dropped (Redis keeps LIMIT, which it accepts without
// "~" only from its master; Tandem has no such client flag yet, and an exact trim needs no LIMIT
// to remove the same entries). The views point into argv, id and threshold.
std::vector<std::string_view> RewriteAddOrTrim(std::span<const std::string_view> argv,
                                               const AddOrTrimArgs& args, bool xadd,
                                               std::string_view id, std::string_view threshold);

// ---- XREAD / XREADGROUP options ----

struct ReadArgs {
  bool block = false;
  int64_t deadline_ms = 0;  // with block: 0 waits forever
  size_t count = 0;         // 0: no limit
  bool noack = false;
  std::string_view group;  // XREADGROUP only
  std::string_view consumer;
  size_t streams_index = 0;  // argv index of the first key
  size_t stream_count = 0;

  std::string_view key(std::span<const std::string_view> argv, size_t i) const {
    return argv[streams_index + i];
  }
  std::string_view id(std::span<const std::string_view> argv, size_t i) const {
    return argv[streams_index + stream_count + i];
  }
};
// [COUNT n] [BLOCK ms] [GROUP g c] [NOACK] STREAMS key... id..., with Redis's checks in its order
// (GROUP and NOACK only when `group_form`; GROUP required then).
bool ParseReadArgs(Context& ctx, bool group_form, ReadArgs* args);
// Key finder of XREAD and XREADGROUP: the first half of the arguments after STREAMS.
void StreamsKeys(std::span<const std::string_view> argv, std::vector<int>* keys);

// ---- Replies ----

void ReplyStreamId(resp::ReplyBuilder& reply, store::StreamId id);
// [id, [field, value, ...]]
void ReplyStreamEntry(resp::ReplyBuilder& reply, const store::StreamEntry& entry);
// The header of a keyed XREAD/XREADGROUP reply: an array (RESP2) or a map (RESP3) of `n` streams.
void ReplyStreamsHeader(resp::ReplyBuilder& reply, size_t n);
// Opens one stream of that reply: [key, <entries follow>] (RESP2) or the map key (RESP3).
void ReplyStreamKey(resp::ReplyBuilder& reply, std::string_view key);

}  // namespace tandem::commands
