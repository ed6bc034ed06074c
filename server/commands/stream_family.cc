// Command family: streams: XADD, XRANGE, XREVRANGE, XLEN, XDEL, XTRIM, XREAD, XSETID. Consumer
// groups are in stream_group_family.cc, XINFO in stream_info_family.cc; the argument parsing they
// share is in stream_args.h.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/stream_args.h"
#include "server/config/keyspace_events.h"
#include "server/store/stream.h"

namespace tandem::commands {
namespace {

using store::Stream;
using store::StreamId;

constexpr int kStreamEvent = config::keyspace_event::kStream;

// What replicas get for an XADD, as Redis rewrites it: the ID it generated in place of "*" or
// "ms-*", and an approximate trim made exact (even when it removed nothing), so that a replica
// ends with the same entries whatever its node layout and clock.
void PropagateXAdd(Context& ctx, const AddOrTrimArgs& args, const Stream& s, StreamId id) {
  bool generated_id = args.id.auto_ms || !args.id.seq_given;
  bool approx = args.trim && args.trim->approx;
  if (!ctx.server.propagation.enabled() || (!generated_id && !approx)) return;  // argv as it is
  std::string id_text = generated_id ? id.ToString() : std::string();
  std::string threshold = approx ? ExactTrimThreshold(s, args.trim->strategy) : std::string();
  ctx.Propagate(RewriteAddOrTrim(ctx.argv, args, /*xadd=*/true, id_text, threshold));
}

// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [...]
void XAdd(Context& ctx) {
  AddOrTrimArgs args;
  if (!ParseAddOrTrimArgs(ctx, /*xadd=*/true, &args)) return;
  size_t field_args =
      ctx.argv.size() >= args.fields_index ? ctx.argv.size() - args.fields_index : 0;
  if (field_args < 2 || field_args % 2 != 0) {
    return ctx.Error(errors::WrongArity(ctx.spec.full_name));
  }
  // Checked before the key is looked up (or created), as Redis does.
  if (!args.id.auto_ms && args.id.seq_given && args.id.id.IsZero()) {
    return ctx.Error(errors::kXAddIdZero);
  }
  std::string_view key = ctx.argv[1];
  Stream* s = FindStreamForUpdate(ctx, key);
  if (ctx.failed) return;
  if (s == nullptr && args.nomkstream) return ctx.reply().Null();
  if (s != nullptr && s->last_id() == StreamId::Max()) return ctx.Error(errors::kStreamExhausted);
  bool created = s == nullptr;
  if (created) s = AddStream(ctx, key);

  store::XAddResult added =
      s->Add(args.id, static_cast<uint64_t>(ctx.now_ms), ctx.argv.subspan(args.fields_index),
             StreamLimitsFromConfig(ctx));
  if (!added.ok()) {
    if (created) ctx.db().Delete(key);  // nothing was added: leave no empty stream behind
    switch (*added.error) {
      case store::XAddError::kZeroId:
        return ctx.Error(errors::kXAddIdZero);
      case store::XAddError::kExhausted:
        return ctx.Error(errors::kStreamExhausted);
      case store::XAddError::kNotGreater:
        return ctx.Error(errors::kXAddIdNotGreater);
      case store::XAddError::kTooLarge:
        return ctx.Error(errors::kStreamElementsTooLarge);
    }
  }
  ReplyStreamId(ctx.reply(), added.id);
  ctx.Notify(kStreamEvent, "xadd", key);
  ctx.Dirty();
  if (args.trim && s->Trim(*args.trim) > 0) ctx.Notify(kStreamEvent, "xtrim", key);
  ctx.Touched(key);
  PropagateXAdd(ctx, args, *s, added.id);
}

// XRANGE key start end [COUNT n] / XREVRANGE key end start [COUNT n]
void RangeCommand(Context& ctx, bool reverse) {
  StreamId low, high;
  if (!ParseRangeArgs(ctx, ctx.argv[reverse ? 3 : 2], ctx.argv[reverse ? 2 : 3], &low, &high)) {
    return;
  }
  std::optional<int64_t> count;
  for (size_t j = 4; j < ctx.argv.size(); ++j) {
    if (base::EqualsIgnoreCase(ctx.argv[j], "count") && j + 1 < ctx.argv.size()) {
      count = base::ParseInt64(ctx.argv[++j]);
      if (!count) return ctx.Error(errors::kNotInteger);
      if (*count < 0) count = 0;
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }
  Stream* s = LookupStream(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  if (s == nullptr) return ctx.reply().ArrayHeader(0);
  if (count && *count == 0) return ctx.reply().NullArray();  // as Redis 7.0 answers COUNT 0
  size_t limit = count ? static_cast<size_t>(*count) : 0;
  std::vector<store::StreamEntry> entries;
  s->Range(low, high, limit, reverse,
           [&](const store::StreamEntry& entry) { entries.push_back(entry); });
  ctx.reply().ArrayHeader(entries.size());
  for (const store::StreamEntry& entry : entries) ReplyStreamEntry(ctx.reply(), entry);
}

void XRange(Context& ctx) { RangeCommand(ctx, false); }
void XRevRange(Context& ctx) { RangeCommand(ctx, true); }

void XLen(Context& ctx) {
  Stream* s = LookupStream(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  ctx.reply().Integer(s == nullptr ? 0 : static_cast<int64_t>(s->length()));
}

// XDEL key id [id ...]: every ID is checked before any is deleted.
void XDel(Context& ctx) {
  std::string_view key = ctx.argv[1];
  Stream* s = FindStreamForUpdate(ctx, key);
  if (ctx.failed) return;
  if (s == nullptr) return ctx.reply().Integer(0);
  std::vector<StreamId> ids(ctx.argv.size() - 2);
  for (size_t j = 2; j < ctx.argv.size(); ++j) {
    if (!ParseStreamIdArg(ctx, ctx.argv[j], store::MissingSeq::kZero, true, &ids[j - 2])) return;
  }
  int64_t deleted = 0;
  for (StreamId id : ids) deleted += s->Delete(id) ? 1 : 0;
  if (deleted > 0) {
    ctx.Notify(kStreamEvent, "xdel", key);
    ctx.Touched(key);
    ctx.Dirty(static_cast<uint64_t>(deleted));
  }
  ctx.reply().Integer(deleted);
}

// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
void XTrim(Context& ctx) {
  std::string_view key = ctx.argv[1];
  Stream* s = FindStreamForUpdate(ctx, key);
  if (ctx.failed) return;
  if (s == nullptr) return ctx.reply().Integer(0);
  AddOrTrimArgs args;
  if (!ParseAddOrTrimArgs(ctx, /*xadd=*/false, &args)) return;
  uint64_t deleted = s->Trim(*args.trim);
  if (deleted > 0) {
    ctx.Notify(kStreamEvent, "xtrim", key);
    ctx.Touched(key);
    ctx.Dirty(deleted);
    // An approximate trim goes out exact, as for XADD.
    if (args.trim->approx && ctx.server.propagation.enabled()) {
      std::string threshold = ExactTrimThreshold(*s, args.trim->strategy);
      ctx.Propagate(RewriteAddOrTrim(ctx.argv, args, /*xadd=*/false, {}, threshold));
    }
  }
  ctx.reply().Integer(static_cast<int64_t>(deleted));
}

// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
void XSetId(Context& ctx) {
  StreamId id;
  if (!ParseStreamIdArg(ctx, ctx.argv[2], store::MissingSeq::kZero, true, &id)) return;
  std::optional<uint64_t> entries_added;
  std::optional<StreamId> max_deleted;
  for (size_t i = 3; i < ctx.argv.size(); ++i) {
    bool more = i + 1 < ctx.argv.size();
    if (base::EqualsIgnoreCase(ctx.argv[i], "entriesadded") && more) {
      auto n = base::ParseInt64(ctx.argv[++i]);
      if (!n) return ctx.Error(errors::kNotInteger);
      if (*n < 0) return ctx.Error(errors::kEntriesAddedNegative);
      entries_added = static_cast<uint64_t>(*n);
    } else if (base::EqualsIgnoreCase(ctx.argv[i], "maxdeletedid") && more) {
      StreamId deleted;
      if (!ParseStreamIdArg(ctx, ctx.argv[++i], store::MissingSeq::kZero, true, &deleted)) return;
      if (id < deleted) return ctx.Error(errors::kXSetIdBelowMaxDeleted);
      max_deleted = deleted;
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }
  std::string_view key = ctx.argv[1];
  Stream* s = FindStreamForUpdate(ctx, key);
  if (ctx.failed) return;
  if (s == nullptr) return ctx.Error(errors::kNoSuchKey);
  if (std::optional<store::SetIdError> error = s->SetId(id, entries_added, max_deleted)) {
    switch (*error) {
      case store::SetIdError::kBelowMaxDeleted:
        return ctx.Error(errors::kXSetIdBelowMaxDeleted);
      case store::SetIdError::kBelowTop:
        return ctx.Error(errors::kXSetIdBelowTop);
      case store::SetIdError::kAddedBelowLength:
        return ctx.Error(errors::kXSetIdAddedBelowLength);
    }
  }
  ctx.reply().SimpleString("OK");
  ctx.Notify(kStreamEvent, "xsetid", key);
  ctx.Touched(key);
  ctx.Dirty();
}

// ---- XREAD ----

// The stream under `key` for XREAD. On the re-run of a blocked XREAD a key of another type counts
// as absent: Redis serves blocked readers from streams only, and never ends the wait with
// WRONGTYPE.
Stream* LookupReadStream(Context& ctx, std::string_view key) {
  if (ctx.server.blocking.IsBlocked(ctx.client)) {
    store::Entry* e = ctx.Find(key);
    if (e == nullptr || e->type() != store::ValueType::kStream) return nullptr;
  }
  return LookupStream(ctx, key);
}

// XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
void XRead(Context& ctx) {
  ReadArgs args;
  if (!ParseReadArgs(ctx, /*group_form=*/false, &args)) return;
  std::vector<Stream*> streams(args.stream_count);
  std::vector<StreamId> after(args.stream_count);
  for (size_t i = 0; i < args.stream_count; ++i) {
    streams[i] = LookupReadStream(ctx, args.key(ctx.argv, i));
    if (ctx.failed) return;
    std::string_view id = args.id(ctx.argv, i);
    if (id == "$") {
      after[i] = streams[i] != nullptr ? streams[i]->last_id() : StreamId::Min();
    } else if (id == ">") {
      return ctx.Error(errors::kGreaterIdOutsideGroup);
    } else if (!ParseStreamIdArg(ctx, id, store::MissingSeq::kZero, true, &after[i])) {
      return;
    }
  }
  // Streams with at least one entry after their ID are served; the others are left out.
  std::vector<size_t> served;
  for (size_t i = 0; i < args.stream_count; ++i) {
    Stream* s = streams[i];
    if (s != nullptr && !s->empty() && s->LastEntry()->id() > after[i]) served.push_back(i);
  }
  if (!served.empty()) {
    ReplyStreamsHeader(ctx.reply(), served.size());
    for (size_t i : served) {
      ReplyStreamKey(ctx.reply(), args.key(ctx.argv, i));
      std::vector<store::StreamEntry> entries;
      // after[i] < the last entry's ID, so Next() exists.
      streams[i]->Range(*after[i].Next(), StreamId::Max(), args.count, false,
                        [&](const store::StreamEntry& entry) { entries.push_back(entry); });
      ctx.reply().ArrayHeader(entries.size());
      for (const store::StreamEntry& entry : entries) ReplyStreamEntry(ctx.reply(), entry);
    }
    return;
  }
  if (!args.block || !ctx.CanBlock()) return ctx.reply().NullArray();
  // Waits with every "$" replaced by the ID it stood for now, so that the re-run after a write
  // serves exactly the entries added since.
  std::vector<std::string> resolved;
  resolved.reserve(args.stream_count);
  std::vector<std::string_view> rerun(ctx.argv.begin(), ctx.argv.end());
  for (size_t i = 0; i < args.stream_count; ++i) {
    if (args.id(ctx.argv, i) != "$") continue;
    resolved.push_back(after[i].ToString());
    rerun[args.streams_index + args.stream_count + i] = resolved.back();
  }
  ctx.Block(ctx.argv.subspan(args.streams_index, args.stream_count), args.deadline_ms, rerun);
}

}  // namespace

void RegisterStreamCommands(CommandTable& table) {
  constexpr std::string_view kStream = "stream";
  table.Register({
      {"xadd", -5, kWrite | kDenyOom | kFast, 1, 1, 1, kAclStream, XAdd, kStream,
       "Appends a new entry to a stream", "5.0.0", "RW UPDATE"},
      {"xrange", -4, kReadonly, 1, 1, 1, kAclStream, XRange, kStream,
       "Return a range of elements in a stream, with IDs matching the specified IDs interval",
       "5.0.0", "RO ACCESS"},
      {"xrevrange", -4, kReadonly, 1, 1, 1, kAclStream, XRevRange, kStream,
       "Return a range of elements in a stream, with IDs matching the specified IDs interval, in "
       "reverse order (from greater to smaller IDs) compared to XRANGE",
       "5.0.0", "RO ACCESS"},
      {"xlen", 2, kReadonly | kFast, 1, 1, 1, kAclStream, XLen, kStream,
       "Return the number of entries in a stream", "5.0.0", "RO"},
      {"xdel", -3, kWrite | kFast, 1, 1, 1, kAclStream, XDel, kStream,
       "Removes the specified entries from the stream. Returns the number of items actually "
       "deleted, that may be different from the number of IDs passed in case certain IDs do not "
       "exist.",
       "5.0.0", "RW DELETE"},
      {"xtrim", -4, kWrite, 1, 1, 1, kAclStream, XTrim, kStream,
       "Trims the stream to (approximately if '~' is passed) a certain size", "5.0.0", "RW DELETE"},
      {"xread", -4, kReadonly | kBlocking, 0, 0, 0, kAclStream, XRead, kStream,
       "Return never seen elements in multiple streams, with IDs greater than the ones reported "
       "by the caller for each stream. Can block.",
       "5.0.0", "RO ACCESS", StreamsKeys},
      {"xsetid", -3, kWrite | kDenyOom | kFast, 1, 1, 1, kAclStream, XSetId, kStream,
       "An internal command for replicating stream values", "5.0.0", "RW UPDATE"},
  });
}

}  // namespace tandem::commands
