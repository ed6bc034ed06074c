// Command family: stream consumer groups: XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM
// (XINFO is in stream_info_family.cc). Semantics and errors are Redis 7.0's: deliveries with ">"
// add to the group PEL unless NOACK, history reads re-deliver from the consumer's own PEL, claims
// drop PEL entries whose stream entry was deleted. XREADGROUP, XCLAIM and XAUTOCLAIM propagate
// their effects, not themselves (see "Effects propagation" below).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/help_reply.h"
#include "server/commands/stream_args.h"
#include "server/config/keyspace_events.h"
#include "server/store/stream.h"

namespace tandem::commands {
namespace {

using store::ConsumerGroup;
using store::PendingEntry;
using store::Stream;
using store::StreamConsumer;
using store::StreamId;

constexpr int kStreamEvent = config::keyspace_event::kStream;

std::string NoGroupForKey(std::string_view group, std::string_view key) {
  return "NOGROUP No such consumer group '" + std::string(group) + "' for key name '" +
         std::string(key) + "'";
}

// XPENDING, XCLAIM, XAUTOCLAIM; with `suffix` " in XREADGROUP with GROUP option" for XREADGROUP.
std::string NoKeyOrGroup(std::string_view key, std::string_view group,
                         std::string_view suffix = {}) {
  return "NOGROUP No such key '" + std::string(key) + "' or consumer group '" + std::string(group) +
         "'" + std::string(suffix);
}

// Milliseconds since `since`, never negative (a delivery time may lie in the future: XCLAIM TIME).
int64_t ElapsedMs(int64_t now_ms, uint64_t since) {
  int64_t elapsed = now_ms - static_cast<int64_t>(since);
  return elapsed < 0 ? 0 : elapsed;
}

// ---- Effects propagation ----
// A replica cannot re-derive what XREADGROUP, XCLAIM and XAUTOCLAIM did to a group (which entries
// were delivered, when, to whom), so these commands never propagate themselves: they record, as
// Redis does, one idempotent XCLAIM per pending entry they created, changed or dropped, and
// XGROUP SETID / CREATECONSUMER where an XCLAIM cannot carry the change (records checked against
// redis-server 7.0's AOF).

// XCLAIM key group owner 0 id TIME delivery-time RETRYCOUNT delivery-count FORCE JUSTID LASTID
// group-last-id: sets the pending entry `id` on a replica as it is here, or, when the stream entry
// is gone, drops it there.
void PropagateClaim(Context& ctx, std::string_view key, std::string_view group_name,
                    const ConsumerGroup& group, std::string_view id, std::string_view owner,
                    const PendingEntry& entry) {
  if (!ctx.server.propagation.enabled()) return;
  std::string time = std::to_string(entry.delivery_time_ms);
  std::string count = std::to_string(entry.delivery_count);
  char last_id[StreamId::kMaxText];
  std::string_view last = group.last_id.Format(last_id);
  std::array<std::string_view, 14> effect = {"XCLAIM", key,      group_name, owner,        "0",
                                             id,       "TIME",   time,       "RETRYCOUNT", count,
                                             "FORCE",  "JUSTID", "LASTID",   last};
  ctx.Propagate(effect);
}

// The same for a pending entry that is still there, named by its ID.
void PropagateClaim(Context& ctx, std::string_view key, std::string_view group_name,
                    const ConsumerGroup& group, StreamId id) {
  if (!ctx.server.propagation.enabled()) return;
  const PendingEntry& entry = *group.FindPending(id);
  char id_text[StreamId::kMaxText];
  PropagateClaim(ctx, key, group_name, group, id.Format(id_text), entry.consumer->name, entry);
}

// XGROUP SETID key group last-id ENTRIESREAD entries-read: a group position that no XCLAIM
// carried (NOACK deliveries, XCLAIM's LASTID without a claim).
void PropagateGroupPosition(Context& ctx, std::string_view key, std::string_view group_name,
                            const ConsumerGroup& group) {
  if (!ctx.server.propagation.enabled()) return;
  char last_id[StreamId::kMaxText];
  std::string entries_read = std::to_string(group.entries_read);
  std::string_view last = group.last_id.Format(last_id);
  std::array<std::string_view, 7> effect = {"XGROUP", "SETID",       key,         group_name,
                                            last,     "ENTRIESREAD", entries_read};
  ctx.Propagate(effect);
}

// The consumer `name` of `group`, created (with the "xgroup-createconsumer" event) when absent;
// *created tells which. Its seen time becomes now, as Redis's consumer lookup refreshes it.
StreamConsumer* ConsumerForDelivery(Context& ctx, ConsumerGroup* group, std::string_view key,
                                    std::string_view name, bool* created = nullptr) {
  auto [consumer, was_created] = group->CreateConsumer(name, static_cast<uint64_t>(ctx.now_ms));
  if (was_created) {
    ctx.Notify(kStreamEvent, "xgroup-createconsumer", key);
    ctx.Dirty();
  }
  if (created != nullptr) *created = was_created;
  consumer->seen_time_ms = static_cast<uint64_t>(ctx.now_ms);
  return consumer;
}

// The group named by argv[3] of "XGROUP <sub> key group ..." after Redis's checks: the key must
// exist (unless `may_create`), hold a stream, and (when `need_group`) the group must exist. Sets
// *s (null only when absent and may_create) and returns the group or null; false after an error.
bool XGroupTarget(Context& ctx, bool may_create, bool need_group, Stream** s,
                  ConsumerGroup** group) {
  *s = FindStreamForUpdate(ctx, ctx.argv[2]);
  if (ctx.failed) return false;
  *group = nullptr;
  if (may_create) return true;
  if (*s == nullptr) {
    ctx.Error(errors::kXGroupKeyMissing);
    return false;
  }
  *group = (*s)->FindGroup(ctx.argv[3]);
  if (*group == nullptr && need_group) {
    ctx.Error(NoGroupForKey(ctx.argv[3], ctx.argv[2]));
    return false;
  }
  return true;
}

// The options of XGROUP CREATE (MKSTREAM, ENTRIESREAD n) and SETID (ENTRIESREAD n) from argv[5].
bool ParseXGroupOptions(Context& ctx, bool create, bool* mkstream, int64_t* entries_read) {
  for (size_t i = 5; i < ctx.argv.size(); ++i) {
    if (create && base::EqualsIgnoreCase(ctx.argv[i], "mkstream")) {
      *mkstream = true;
    } else if (base::EqualsIgnoreCase(ctx.argv[i], "entriesread") && i + 1 < ctx.argv.size()) {
      auto n = base::ParseInt64(ctx.argv[++i]);
      if (!n) {
        ctx.Error(errors::kNotInteger);
        return false;
      }
      if (*n < 0 && *n != ConsumerGroup::kInvalidEntriesRead) {
        ctx.Error(errors::kEntriesReadNegative);
        return false;
      }
      *entries_read = *n;
    } else {
      ctx.Error(errors::SubcommandSyntax("xgroup", ctx.argv[1]));
      return false;
    }
  }
  return true;
}

// XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD entries-read]
void XGroupCreate(Context& ctx) {
  if (ctx.argv.size() > 8) return ctx.Error(errors::SubcommandSyntax("xgroup", ctx.argv[1]));
  bool mkstream = false;
  int64_t entries_read = ConsumerGroup::kInvalidEntriesRead;
  if (!ParseXGroupOptions(ctx, true, &mkstream, &entries_read)) return;
  Stream* s;
  ConsumerGroup* group;
  if (!XGroupTarget(ctx, mkstream, false, &s, &group)) return;
  StreamId id;
  if (ctx.argv[4] == "$") {
    id = s != nullptr ? s->last_id() : StreamId::Min();
  } else if (!ParseStreamIdArg(ctx, ctx.argv[4], store::MissingSeq::kZero, true, &id)) {
    return;
  }
  std::string_view key = ctx.argv[2];
  if (s == nullptr) s = AddStream(ctx, key);
  if (s->CreateGroup(ctx.argv[3], id, entries_read) == nullptr) {
    return ctx.Error(errors::kBusyGroup);
  }
  ctx.reply().SimpleString("OK");
  ctx.Notify(kStreamEvent, "xgroup-create", key);
  ctx.Touched(key);
  ctx.Dirty();
}

// XGROUP SETID key group id|$ [ENTRIESREAD entries-read]
void XGroupSetId(Context& ctx) {
  if (ctx.argv.size() != 5 && ctx.argv.size() != 7) {
    return ctx.Error(errors::SubcommandSyntax("xgroup", ctx.argv[1]));
  }
  bool mkstream = false;
  int64_t entries_read = ConsumerGroup::kInvalidEntriesRead;
  if (!ParseXGroupOptions(ctx, false, &mkstream, &entries_read)) return;
  Stream* s;
  ConsumerGroup* group;
  if (!XGroupTarget(ctx, false, true, &s, &group)) return;
  StreamId id;
  if (ctx.argv[4] == "$") {
    id = s->last_id();
  } else if (!ParseStreamIdArg(ctx, ctx.argv[4], store::MissingSeq::kZero, false, &id)) {
    return;
  }
  group->last_id = id;
  group->entries_read = entries_read;
  ctx.reply().SimpleString("OK");
  ctx.Notify(kStreamEvent, "xgroup-setid", ctx.argv[2]);
  ctx.Touched(ctx.argv[2]);
  ctx.Dirty();
}

// XGROUP DESTROY key group: wakes XREADGROUP clients blocked on the group (they get NOGROUP).
void XGroupDestroy(Context& ctx) {
  Stream* s;
  ConsumerGroup* group;
  if (!XGroupTarget(ctx, false, false, &s, &group)) return;
  if (group == nullptr) return ctx.reply().Integer(0);
  s->DestroyGroup(ctx.argv[3]);
  ctx.reply().Integer(1);
  ctx.Notify(kStreamEvent, "xgroup-destroy", ctx.argv[2]);
  ctx.Touched(ctx.argv[2]);
  ctx.Dirty();
}

// XGROUP CREATECONSUMER key group consumer
void XGroupCreateConsumer(Context& ctx) {
  Stream* s;
  ConsumerGroup* group;
  if (!XGroupTarget(ctx, false, true, &s, &group)) return;
  bool created = group->CreateConsumer(ctx.argv[4], static_cast<uint64_t>(ctx.now_ms)).second;
  ctx.reply().Integer(created ? 1 : 0);
  if (!created) return;
  ctx.Notify(kStreamEvent, "xgroup-createconsumer", ctx.argv[2]);
  ctx.Touched(ctx.argv[2]);
  ctx.Dirty();
}

// XGROUP DELCONSUMER key group consumer: replies how many entries the consumer had pending.
void XGroupDelConsumer(Context& ctx) {
  Stream* s;
  ConsumerGroup* group;
  if (!XGroupTarget(ctx, false, true, &s, &group)) return;
  std::optional<size_t> pending = group->DeleteConsumer(ctx.argv[4]);
  ctx.reply().Integer(pending ? static_cast<int64_t>(*pending) : 0);
  if (!pending) return;
  ctx.Notify(kStreamEvent, "xgroup-delconsumer", ctx.argv[2]);
  ctx.Touched(ctx.argv[2]);
  ctx.Dirty();
}

void XGroupHelp(Context& ctx) {
  ReplyHelp(ctx.reply(), "XGROUP",
            {
                "CREATE <key> <groupname> <id|$> [option]",
                "    Create a new consumer group. Options are:",
                "    * MKSTREAM",
                "      Create the empty stream if it does not exist.",
                "    * ENTRIESREAD entries_read",
                "      Set the group's entries_read counter (internal use).",
                "CREATECONSUMER <key> <groupname> <consumer>",
                "    Create a new consumer in the specified group.",
                "DELCONSUMER <key> <groupname> <consumer>",
                "    Remove the specified consumer.",
                "DESTROY <key> <groupname>",
                "    Remove the specified group.",
                "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                "    Set the current group ID and entries_read counter.",
            });
}

// ---- XREADGROUP ----

// One stream of an XREADGROUP call.
struct GroupRead {
  Stream* stream = nullptr;
  ConsumerGroup* group = nullptr;
  bool history = false;  // an explicit ID: re-read the consumer's PEL after it
  StreamId after;        // history: the ID given
};

// Replies the new entries of `read` (after the group's last ID, at most `count`), delivering them:
// the group's position advances and, unless `noack`, each goes to the consumer's PEL. Propagated as
// an XCLAIM per PEL entry, then one XGROUP SETID with the new position and read counter. Redis 7.0
// sends that SETID only with NOACK, which leaves a replica's entries-read (and so its lag) behind
// after ordinary reads, since XCLAIM does not carry it; Redis 7.2.4 fixed that (redis#12898) by
// always sending it, and so does Tandem.
void DeliverNew(Context& ctx, std::string_view key, std::string_view group_name,
                const GroupRead& read, StreamConsumer* consumer, size_t count, bool noack) {
  std::vector<store::StreamEntry> entries;
  std::optional<StreamId> start = read.group->last_id.Next();
  if (start) {
    read.stream->Range(*start, StreamId::Max(), count, false,
                       [&](const store::StreamEntry& entry) { entries.push_back(entry); });
  }
  ctx.reply().ArrayHeader(entries.size());
  bool advanced = false;
  for (const store::StreamEntry& entry : entries) {
    if (entry.id() > read.group->last_id) {
      read.stream->AdvanceGroup(*read.group, entry.id());
      advanced = true;
    }
    ReplyStreamEntry(ctx.reply(), entry);
    if (noack) continue;
    read.group->Deliver(entry.id(), consumer, static_cast<uint64_t>(ctx.now_ms));
    PropagateClaim(ctx, key, group_name, *read.group, entry.id());
  }
  if (advanced) PropagateGroupPosition(ctx, key, group_name, *read.group);
}

// Replies the consumer's pending entries after `read.after` (at most `count`), counting a
// delivery for each; an entry deleted from the stream is sent as [id, nil].
void DeliverHistory(Context& ctx, const GroupRead& read, StreamConsumer* consumer, size_t count) {
  std::vector<StreamId> ids;
  std::optional<StreamId> start = read.after.Next();
  if (start) {
    for (auto it = consumer->pending.lower_bound(*start);
         it != consumer->pending.end() && (count == 0 || ids.size() < count); ++it) {
      ids.push_back(*it);
    }
  }
  ctx.reply().ArrayHeader(ids.size());
  for (StreamId id : ids) {
    std::optional<store::StreamEntry> entry = read.stream->Find(id);
    if (!entry) {
      ctx.reply().ArrayHeader(2);
      ReplyStreamId(ctx.reply(), id);
      ctx.reply().NullArray();
      continue;
    }
    ReplyStreamEntry(ctx.reply(), *entry);
    ConsumerGroup::Redeliver(*read.group->FindPending(id), static_cast<uint64_t>(ctx.now_ms));
  }
}

// XREADGROUP GROUP group consumer [COUNT count] [BLOCK ms] [NOACK] STREAMS key [key ...] id [...]
void XReadGroup(Context& ctx) {
  ReadArgs args;
  if (!ParseReadArgs(ctx, /*group_form=*/true, &args)) return;
  // A re-run after a write to a key this client waits on: a stream or group that went away ends
  // the wait with Redis's errors.
  bool rerun = ctx.server.blocking.IsBlocked(ctx.client);
  std::vector<GroupRead> reads(args.stream_count);
  for (size_t i = 0; i < args.stream_count; ++i) {
    std::string_view key = args.key(ctx.argv, i);
    GroupRead& read = reads[i];
    if (rerun) {
      store::Entry* e = ctx.Find(key);
      if (e == nullptr || e->type() != store::ValueType::kStream) {
        return ctx.Error(errors::kBlockedStreamDeleted);
      }
    }
    read.stream = LookupStream(ctx, key);
    if (ctx.failed) return;
    if (read.stream != nullptr) read.group = read.stream->FindGroup(args.group);
    if (read.group == nullptr) {
      if (rerun) return ctx.Error(errors::kBlockedGroupDestroyed);
      return ctx.Error(NoKeyOrGroup(key, args.group, " in XREADGROUP with GROUP option"));
    }
    std::string_view id = args.id(ctx.argv, i);
    if (id == "$") return ctx.Error(errors::kDollarIdInGroup);
    if (id != ">") {
      read.history = true;
      if (!ParseStreamIdArg(ctx, id, store::MissingSeq::kZero, true, &read.after)) return;
    }
  }
  // History reads are always served (maybe with nothing); ">" only when the stream has entries
  // after the group's last delivered ID.
  std::vector<size_t> served;
  for (size_t i = 0; i < args.stream_count; ++i) {
    const GroupRead& read = reads[i];
    if (read.history ||
        (!read.stream->empty() && read.stream->LastEntry()->id() > read.group->last_id)) {
      served.push_back(i);
    }
  }
  if (served.empty()) {
    if (!args.block || !ctx.CanBlock()) return ctx.reply().NullArray();
    return ctx.Block(ctx.argv.subspan(args.streams_index, args.stream_count), args.deadline_ms);
  }
  // What a replica needs is recorded below; a history read (delivery counts and times of entries
  // already pending) is not propagated at all, as in Redis.
  ctx.PreventPropagation();
  ReplyStreamsHeader(ctx.reply(), served.size());
  for (size_t i : served) {
    std::string_view key = args.key(ctx.argv, i);
    ReplyStreamKey(ctx.reply(), key);
    bool created = false;
    StreamConsumer* consumer =
        ConsumerForDelivery(ctx, reads[i].group, key, args.consumer, &created);
    // Without NOACK the XCLAIMs create the consumer on a replica; with it nothing else would.
    if (created && args.noack && ctx.server.propagation.enabled()) {
      std::array<std::string_view, 5> effect = {"XGROUP", "CREATECONSUMER", key, args.group,
                                                args.consumer};
      ctx.Propagate(effect);
    }
    if (reads[i].history) {
      DeliverHistory(ctx, reads[i], consumer, args.count);
    } else {
      DeliverNew(ctx, key, args.group, reads[i], consumer, args.count, args.noack);
    }
    ctx.Touched(key);
    ctx.Dirty();
  }
}

// ---- XACK / XPENDING ----

// XACK key group id [id ...]: every ID is checked before any is acknowledged.
void XAck(Context& ctx) {
  Stream* s = FindStreamForUpdate(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  ConsumerGroup* group = s != nullptr ? s->FindGroup(ctx.argv[2]) : nullptr;
  if (group == nullptr) return ctx.reply().Integer(0);
  std::vector<StreamId> ids(ctx.argv.size() - 3);
  for (size_t j = 3; j < ctx.argv.size(); ++j) {
    if (!ParseStreamIdArg(ctx, ctx.argv[j], store::MissingSeq::kZero, true, &ids[j - 3])) return;
  }
  int64_t acked = 0;
  for (StreamId id : ids) acked += group->Ack(id) ? 1 : 0;
  if (acked > 0) {
    ctx.Touched(ctx.argv[1]);
    ctx.Dirty(static_cast<uint64_t>(acked));
  }
  ctx.reply().Integer(acked);
}

void ReplyPendingSummary(Context& ctx, const ConsumerGroup& group) {
  store::PendingSummary summary = group.Summary();
  ctx.reply().ArrayHeader(4);
  ctx.reply().Integer(static_cast<int64_t>(summary.count));
  if (summary.count == 0) {
    ctx.reply().Null();
    ctx.reply().Null();
    ctx.reply().NullArray();
    return;
  }
  ReplyStreamId(ctx.reply(), summary.min);
  ReplyStreamId(ctx.reply(), summary.max);
  ctx.reply().ArrayHeader(summary.consumers.size());
  for (const auto& [name, count] : summary.consumers) {
    ctx.reply().ArrayHeader(2);
    ctx.reply().Bulk(name);
    ctx.reply().Bulk(std::to_string(count));
  }
}

// XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
void XPending(Context& ctx) {
  size_t argc = ctx.argv.size();
  if (argc != 3 && (argc < 6 || argc > 9)) return ctx.Error(errors::kSyntax);
  // The range arguments are checked before the key, as Redis reports syntax errors first.
  int64_t min_idle = 0;
  int64_t count = 0;
  StreamId low, high;
  std::string_view consumer_name;
  if (argc >= 6) {
    size_t start = 3;
    if (base::EqualsIgnoreCase(ctx.argv[3], "idle")) {
      auto idle = base::ParseInt64(ctx.argv[4]);
      if (!idle) return ctx.Error(errors::kNotInteger);
      if (argc < 8) return ctx.Error(errors::kSyntax);
      min_idle = *idle > 0 ? *idle : 0;
      start += 2;
    }
    auto n = base::ParseInt64(ctx.argv[start + 2]);
    if (!n) return ctx.Error(errors::kNotInteger);
    count = *n > 0 ? *n : 0;
    if (!ParseRangeArgs(ctx, ctx.argv[start], ctx.argv[start + 1], &low, &high)) return;
    if (start + 3 < argc) consumer_name = ctx.argv[start + 3];
  }
  Stream* s = LookupStream(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  const ConsumerGroup* group = s != nullptr ? s->FindGroup(ctx.argv[2]) : nullptr;
  if (group == nullptr) return ctx.Error(NoKeyOrGroup(ctx.argv[1], ctx.argv[2]));
  if (argc == 3) return ReplyPendingSummary(ctx, *group);

  const StreamConsumer* consumer = nullptr;
  if (consumer_name.data() != nullptr) {
    consumer = group->FindConsumer(consumer_name);
    if (consumer == nullptr) return ctx.reply().ArrayHeader(0);
  }
  struct Row {
    StreamId id;
    const PendingEntry* entry;
  };
  std::vector<Row> rows;
  group->ForEachPending(low, high, static_cast<size_t>(count), consumer,
                        static_cast<uint64_t>(min_idle), static_cast<uint64_t>(ctx.now_ms),
                        [&](StreamId id, const PendingEntry& entry) {
                          rows.push_back({id, &entry});
                        });
  ctx.reply().ArrayHeader(rows.size());
  for (const Row& row : rows) {
    ctx.reply().ArrayHeader(4);
    ReplyStreamId(ctx.reply(), row.id);
    ctx.reply().Bulk(row.entry->consumer->name);
    ctx.reply().Integer(ElapsedMs(ctx.now_ms, row.entry->delivery_time_ms));
    ctx.reply().Integer(static_cast<int64_t>(row.entry->delivery_count));
  }
}

// ---- XCLAIM / XAUTOCLAIM ----

// Replies the claimed IDs as entries (or, `just_id`, as IDs).
void ReplyClaimed(Context& ctx, const Stream& s, const std::vector<StreamId>& ids, bool just_id) {
  ctx.reply().ArrayHeader(ids.size());
  for (StreamId id : ids) {
    if (just_id) {
      ReplyStreamId(ctx.reply(), id);
    } else {
      ReplyStreamEntry(ctx.reply(), *s.Find(id));
    }
  }
}

struct ClaimOptions {
  bool force = false;
  bool just_id = false;
  std::optional<int64_t> delivery_time;  // IDLE / TIME
  std::optional<int64_t> retry_count;
  StreamId last_id;  // LASTID (0-0: not given)
};

// The XCLAIM options after the IDs, from argv[j].
bool ParseClaimOptions(Context& ctx, size_t j, ClaimOptions* opts) {
  for (; j < ctx.argv.size(); ++j) {
    std::string_view opt = ctx.argv[j];
    bool more = j + 1 < ctx.argv.size();
    auto integer = [&](std::string_view error, int64_t* value) {
      auto n = base::ParseInt64(ctx.argv[++j]);
      if (!n) ctx.Error(error);
      if (n) *value = *n;
      return n.has_value();
    };
    int64_t value;
    if (base::EqualsIgnoreCase(opt, "force")) {
      opts->force = true;
    } else if (base::EqualsIgnoreCase(opt, "justid")) {
      opts->just_id = true;
    } else if (base::EqualsIgnoreCase(opt, "idle") && more) {
      if (!integer("ERR Invalid IDLE option argument for XCLAIM", &value)) return false;
      opts->delivery_time = ctx.now_ms - value;
    } else if (base::EqualsIgnoreCase(opt, "time") && more) {
      if (!integer("ERR Invalid TIME option argument for XCLAIM", &value)) return false;
      opts->delivery_time = value;
    } else if (base::EqualsIgnoreCase(opt, "retrycount") && more) {
      if (!integer("ERR Invalid RETRYCOUNT option argument for XCLAIM", &value)) return false;
      opts->retry_count = value;
    } else if (base::EqualsIgnoreCase(opt, "lastid") && more) {
      if (!ParseStreamIdArg(ctx, ctx.argv[++j], store::MissingSeq::kZero, true, &opts->last_id)) {
        return false;
      }
    } else {
      ctx.Error("ERR Unrecognized XCLAIM option '" + std::string(opt) + "'");
      return false;
    }
  }
  return true;
}

// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-ms] [RETRYCOUNT n]
//   [FORCE] [JUSTID] [LASTID id]
void XClaim(Context& ctx) {
  std::string_view key = ctx.argv[1];
  Stream* s = FindStreamForUpdate(ctx, key);
  if (ctx.failed) return;
  ConsumerGroup* group = s != nullptr ? s->FindGroup(ctx.argv[2]) : nullptr;
  if (group == nullptr) return ctx.Error(NoKeyOrGroup(key, ctx.argv[2]));
  auto min_idle = base::ParseInt64(ctx.argv[4]);
  if (!min_idle) return ctx.Error("ERR Invalid min-idle-time argument for XCLAIM");
  // The IDs run up to the first argument that is not one; the options follow.
  std::vector<StreamId> ids;
  size_t j = 5;
  for (; j < ctx.argv.size(); ++j) {
    std::optional<StreamId> id = store::ParseStrictStreamId(ctx.argv[j], store::MissingSeq::kZero);
    if (!id) break;
    ids.push_back(*id);
  }
  ClaimOptions opts;
  if (!ParseClaimOptions(ctx, j, &opts)) return;

  uint64_t dirty = 0;
  // A new position goes out as XGROUP SETID unless an XCLAIM record (which carries LASTID) does.
  bool propagate_last_id = false;
  if (opts.last_id > group->last_id) {
    group->last_id = opts.last_id;
    propagate_last_id = true;
  }
  // A bogus delivery time (negative or in the future) becomes now rather than an error.
  int64_t delivery_time = opts.delivery_time.value_or(ctx.now_ms);
  if (delivery_time < 0 || delivery_time > ctx.now_ms) delivery_time = ctx.now_ms;

  ctx.PreventPropagation();  // the effects below are what a replica gets
  StreamConsumer* consumer = nullptr;
  std::vector<StreamId> claimed;
  for (size_t k = 0; k < ids.size(); ++k) {
    StreamId id = ids[k];
    PendingEntry* pending = group->FindPending(id);
    if (!s->Contains(id)) {
      // The entry was deleted: 7.0 drops it from the PEL, and so does the XCLAIM sent (naming the
      // ID as the client wrote it, as Redis does).
      if (pending != nullptr) {
        PropagateClaim(ctx, key, ctx.argv[2], *group, ctx.argv[5 + k], pending->consumer->name,
                       *pending);
        propagate_last_id = false;
        group->Ack(id);
        ++dirty;
      }
      continue;
    }
    bool forced = false;
    if (pending == nullptr) {
      if (!opts.force) continue;
      forced = true;
    } else if (*min_idle > 0 &&
               ctx.now_ms - static_cast<int64_t>(pending->delivery_time_ms) < *min_idle) {
      continue;
    }
    if (consumer == nullptr) consumer = ConsumerForDelivery(ctx, group, key, ctx.argv[3]);
    pending = forced ? group->AddPending(id, consumer, 0, 1) : group->Transfer(id, consumer);
    pending->delivery_time_ms = static_cast<uint64_t>(delivery_time);
    if (opts.retry_count && *opts.retry_count >= 0) {
      pending->delivery_count = static_cast<uint64_t>(*opts.retry_count);
    } else if (!opts.just_id) {
      ++pending->delivery_count;
    }
    claimed.push_back(id);
    PropagateClaim(ctx, key, ctx.argv[2], *group, ctx.argv[5 + k], consumer->name, *pending);
    propagate_last_id = false;
    ++dirty;
  }
  if (propagate_last_id) {
    PropagateGroupPosition(ctx, key, ctx.argv[2], *group);
    ++dirty;
  }
  ReplyClaimed(ctx, *s, claimed, opts.just_id);
  if (dirty > 0) {
    ctx.Touched(key);
    ctx.Dirty(dirty);
  }
}

// XAUTOCLAIM's effects: an XCLAIM for each entry claimed or dropped, in PEL (ID) order as the
// scan met them; `deleted_owners` are the owners of result.deleted, in the same order.
void PropagateAutoClaim(Context& ctx, const ConsumerGroup& group,
                        const store::AutoClaimResult& result,
                        const std::vector<std::string_view>& deleted_owners) {
  std::string_view key = ctx.argv[1];
  std::string_view group_name = ctx.argv[2];
  size_t c = 0;
  size_t d = 0;
  while (c < result.claimed.size() || d < result.deleted.size()) {
    if (d == result.deleted.size() ||
        (c < result.claimed.size() && result.claimed[c] < result.deleted[d].first)) {
      PropagateClaim(ctx, key, group_name, group, result.claimed[c++]);
      continue;
    }
    char id[StreamId::kMaxText];
    PropagateClaim(ctx, key, group_name, group, result.deleted[d].first.Format(id),
                   deleted_owners[d], result.deleted[d].second);
    ++d;
  }
}

// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
void XAutoClaim(Context& ctx) {
  auto min_idle = base::ParseInt64(ctx.argv[4]);
  if (!min_idle) return ctx.Error("ERR Invalid min-idle-time argument for XAUTOCLAIM");
  StreamId start;
  {
    store::ParsedStreamId parsed = store::ParseRangeBound(ctx.argv[5], store::RangeBound::kStart);
    if (!parsed.ok()) {
      return ctx.Error(*parsed.error == store::StreamIdError::kNoStartAfter
                           ? errors::kInvalidStartId
                           : errors::kInvalidStreamId);
    }
    start = parsed.id;
  }
  // Redis caps COUNT so that COUNT * 10 attempts cannot overflow.
  constexpr int64_t kMaxCount = INT64_MAX / 16;
  int64_t count = 100;
  bool just_id = false;
  for (size_t j = 6; j < ctx.argv.size(); ++j) {
    if (base::EqualsIgnoreCase(ctx.argv[j], "count") && j + 1 < ctx.argv.size()) {
      auto n = base::ParseInt64(ctx.argv[++j]);
      if (!n || *n < 1 || *n > kMaxCount) return ctx.Error(errors::kXAutoClaimCount);
      count = *n;
    } else if (base::EqualsIgnoreCase(ctx.argv[j], "justid")) {
      just_id = true;
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }
  std::string_view key = ctx.argv[1];
  Stream* s = FindStreamForUpdate(ctx, key);
  if (ctx.failed) return;
  ConsumerGroup* group = s != nullptr ? s->FindGroup(ctx.argv[2]) : nullptr;
  if (group == nullptr) return ctx.Error(NoKeyOrGroup(key, ctx.argv[2]));

  // The consumer exists only once it claims something: one created here for a scan that claims
  // nothing is removed again, without an event.
  auto [consumer, created] = group->CreateConsumer(ctx.argv[3], static_cast<uint64_t>(ctx.now_ms));
  // The owners of the entries found deleted, noted while they are still pending (the XCLAIM that
  // drops one names its owner). Consumers outlive the scan, so the names stay valid.
  bool propagate = ctx.server.propagation.enabled();
  std::vector<std::string_view> deleted_owners;
  store::AutoClaimResult result = group->AutoClaim(
      start, static_cast<size_t>(count), static_cast<uint64_t>(*min_idle > 0 ? *min_idle : 0),
      static_cast<uint64_t>(ctx.now_ms), consumer, just_id, [&](StreamId id) {
        if (s->Contains(id)) return true;
        if (propagate) deleted_owners.push_back(group->FindPending(id)->consumer->name);
        return false;
      });
  ctx.PreventPropagation();
  if (propagate) PropagateAutoClaim(ctx, *group, result, deleted_owners);
  if (result.claimed.empty()) {
    if (created) group->DeleteConsumer(ctx.argv[3]);
  } else {
    if (created) ctx.Notify(kStreamEvent, "xgroup-createconsumer", key);
    consumer->seen_time_ms = static_cast<uint64_t>(ctx.now_ms);
  }
  ctx.reply().ArrayHeader(3);
  ReplyStreamId(ctx.reply(), result.next_cursor);
  ReplyClaimed(ctx, *s, result.claimed, just_id);
  ctx.reply().ArrayHeader(result.deleted.size());
  for (const auto& [id, entry] : result.deleted) ReplyStreamId(ctx.reply(), id);
  uint64_t dirty = result.claimed.size() + result.deleted.size() + (created ? 1 : 0);
  if (!result.claimed.empty() || !result.deleted.empty()) {
    ctx.Touched(key);
    ctx.Dirty(dirty);
  }
}

}  // namespace

void RegisterStreamGroupCommands(CommandTable& table) {
  constexpr std::string_view kStream = "stream";
  table.Register({
      ContainerCommand(
          "xgroup", kStream, "A container for consumer groups commands", "5.0.0",
          {
              {"create", -5, kWrite | kDenyOom, 2, 2, 1, kAclStream, XGroupCreate, kStream,
               "Create a consumer group.", "5.0.0", "RW INSERT"},
              {"createconsumer", 5, kWrite | kDenyOom, 2, 2, 1, kAclStream, XGroupCreateConsumer,
               kStream, "Create a consumer in a consumer group.", "6.2.0", "RW INSERT"},
              {"delconsumer", 5, kWrite, 2, 2, 1, kAclStream, XGroupDelConsumer, kStream,
               "Delete a consumer from a consumer group.", "5.0.0", "RW DELETE"},
              {"destroy", 4, kWrite, 2, 2, 1, kAclStream, XGroupDestroy, kStream,
               "Destroy a consumer group.", "5.0.0", "RW DELETE"},
              {"help", 2, kLoading | kStale, 0, 0, 0, kAclStream, XGroupHelp, kStream,
               "Show helpful text about the different subcommands", "5.0.0"},
              {"setid", -5, kWrite, 2, 2, 1, kAclStream, XGroupSetId, kStream,
               "Set a consumer group to an arbitrary last delivered ID value.", "5.0.0",
               "RW UPDATE"},
          }),
      {"xreadgroup", -7, kWrite | kBlocking, 0, 0, 0, kAclStream, XReadGroup, kStream,
       "Return new entries from a stream using a consumer group, or access the history of the "
       "pending entries for a given consumer. Can block.",
       "5.0.0", "RO ACCESS", StreamsKeys},
      {"xack", -4, kWrite | kFast, 1, 1, 1, kAclStream, XAck, kStream,
       "Marks a pending message as correctly processed, effectively removing it from the pending "
       "entries list of the consumer group. Return value of the command is the number of "
       "messages successfully acknowledged, that is, the IDs we were actually able to resolve in "
       "the PEL.",
       "5.0.0", "RW UPDATE"},
      {"xpending", -3, kReadonly, 1, 1, 1, kAclStream, XPending, kStream,
       "Return information and entries from a stream consumer group pending entries list, that "
       "are messages fetched but never acknowledged.",
       "5.0.0", "RO ACCESS"},
      {"xclaim", -6, kWrite | kFast, 1, 1, 1, kAclStream, XClaim, kStream,
       "Changes (or acquires) ownership of a message in a consumer group, as if the message was "
       "delivered to the specified consumer.",
       "5.0.0", "RW UPDATE"},
      {"xautoclaim", -6, kWrite | kFast, 1, 1, 1, kAclStream, XAutoClaim, kStream,
       "Changes (or acquires) ownership of messages in a consumer group, as if the messages were "
       "delivered to the specified consumer.",
       "6.2.0", "RW DELETE"},
  });
}

}  // namespace tandem::commands
