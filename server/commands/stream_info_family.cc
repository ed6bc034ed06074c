// Command family: XINFO STREAM [FULL [COUNT n]] / GROUPS / CONSUMERS / HELP, with Redis 7.0's
// reply shapes (maps in RESP3, flat arrays in RESP2).
//
// radix-tree-keys and radix-tree-nodes describe our index rather than Redis's rax: keys is the
// number of blocks (each block holds a run of entries, as a rax key holds a listpack), nodes is
// that plus one for the index root, so that an empty stream reports 0 and 1 as Redis does.

#include <algorithm>
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
#include "server/store/stream.h"

namespace tandem::commands {
namespace {

using store::ConsumerGroup;
using store::Stream;
using store::StreamId;

// The stream under argv[2]; replies "no such key" or WRONGTYPE otherwise.
const Stream* InfoTarget(Context& ctx) {
  const Stream* s = LookupStream(ctx, ctx.argv[2]);
  if (s == nullptr && !ctx.failed) ctx.Error(errors::kNoSuchKey);
  return s;
}

void ReplyMaybeEntry(Context& ctx, std::optional<store::StreamEntry> entry) {
  if (entry) {
    ReplyStreamEntry(ctx.reply(), *entry);
  } else {
    ctx.reply().Null();
  }
}

void ReplyEntriesRead(Context& ctx, const ConsumerGroup& group) {
  if (group.entries_read == ConsumerGroup::kInvalidEntriesRead) return ctx.reply().Null();
  ctx.reply().Integer(group.entries_read);
}

void ReplyLag(Context& ctx, const Stream& s, const ConsumerGroup& group) {
  std::optional<int64_t> lag = s.GroupLag(group);
  if (lag) {
    ctx.reply().Integer(*lag);
  } else {
    ctx.reply().Null();
  }
}

// The fields that XINFO STREAM and its FULL form share, in Redis's order.
void ReplyStreamHead(Context& ctx, const Stream& s) {
  resp::ReplyBuilder& r = ctx.reply();
  r.Bulk("length");
  r.Integer(static_cast<int64_t>(s.length()));
  r.Bulk("radix-tree-keys");
  r.Integer(static_cast<int64_t>(s.block_count()));
  r.Bulk("radix-tree-nodes");
  r.Integer(static_cast<int64_t>(s.block_count() + 1));
  r.Bulk("last-generated-id");
  ReplyStreamId(r, s.last_id());
  r.Bulk("max-deleted-entry-id");
  ReplyStreamId(r, s.max_deleted_id());
  r.Bulk("entries-added");
  r.Integer(static_cast<int64_t>(s.entries_added()));
  r.Bulk("recorded-first-entry-id");
  ReplyStreamId(r, s.first_id());
}

// The "groups" array of XINFO STREAM FULL; `count` bounds each PEL listing (0: all).
void ReplyFullGroups(Context& ctx, const Stream& s, size_t count) {
  resp::ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(s.groups().size());
  for (const auto& [name, group] : s.groups()) {
    r.MapHeader(7);
    r.Bulk("name");
    r.Bulk(name);
    r.Bulk("last-delivered-id");
    ReplyStreamId(r, group.last_id);
    r.Bulk("entries-read");
    ReplyEntriesRead(ctx, group);
    r.Bulk("lag");
    ReplyLag(ctx, s, group);
    r.Bulk("pel-count");
    r.Integer(static_cast<int64_t>(group.pel().size()));
    r.Bulk("pending");
    size_t shown = count == 0 ? group.pel().size() : std::min(count, group.pel().size());
    r.ArrayHeader(shown);
    auto it = group.pel().begin();
    for (size_t i = 0; i < shown; ++i, ++it) {
      r.ArrayHeader(4);
      ReplyStreamId(r, it->first);
      r.Bulk(it->second.consumer->name);
      r.Integer(static_cast<int64_t>(it->second.delivery_time_ms));
      r.Integer(static_cast<int64_t>(it->second.delivery_count));
    }
    r.Bulk("consumers");
    r.ArrayHeader(group.consumers().size());
    for (const auto& [consumer_name, consumer] : group.consumers()) {
      r.MapHeader(4);
      r.Bulk("name");
      r.Bulk(consumer_name);
      r.Bulk("seen-time");
      r.Integer(static_cast<int64_t>(consumer.seen_time_ms));
      r.Bulk("pel-count");
      r.Integer(static_cast<int64_t>(consumer.pending.size()));
      r.Bulk("pending");
      size_t own = count == 0 ? consumer.pending.size() : std::min(count, consumer.pending.size());
      r.ArrayHeader(own);
      auto id = consumer.pending.begin();
      for (size_t i = 0; i < own; ++i, ++id) {
        const store::PendingEntry& entry = *group.FindPending(*id);
        r.ArrayHeader(3);
        ReplyStreamId(r, *id);
        r.Integer(static_cast<int64_t>(entry.delivery_time_ms));
        r.Integer(static_cast<int64_t>(entry.delivery_count));
      }
    }
  }
}

// XINFO STREAM key [FULL [COUNT count]]
void XInfoStream(Context& ctx) {
  const Stream* s = InfoTarget(ctx);
  if (s == nullptr) return;
  bool full = false;
  int64_t count = 10;
  if (ctx.argv.size() > 3) {
    if (!base::EqualsIgnoreCase(ctx.argv[3], "full")) {
      return ctx.Error(errors::SubcommandSyntax("xinfo", ctx.argv[1]));
    }
    full = true;
    if (ctx.argv.size() > 4) {
      if (ctx.argv.size() != 6 || !base::EqualsIgnoreCase(ctx.argv[4], "count")) {
        return ctx.Error(errors::SubcommandSyntax("xinfo", ctx.argv[1]));
      }
      auto n = base::ParseInt64(ctx.argv[5]);
      if (!n) return ctx.Error(errors::kNotInteger);
      count = *n < 0 ? 10 : *n;
    }
  }
  resp::ReplyBuilder& r = ctx.reply();
  if (!full) {
    r.MapHeader(10);
    ReplyStreamHead(ctx, *s);
    r.Bulk("groups");
    r.Integer(static_cast<int64_t>(s->groups().size()));
    r.Bulk("first-entry");
    ReplyMaybeEntry(ctx, s->FirstEntry());
    r.Bulk("last-entry");
    ReplyMaybeEntry(ctx, s->LastEntry());
    return;
  }
  r.MapHeader(9);
  ReplyStreamHead(ctx, *s);
  r.Bulk("entries");
  std::vector<store::StreamEntry> entries;
  s->Range(StreamId::Min(), StreamId::Max(), static_cast<size_t>(count), false,
           [&](const store::StreamEntry& entry) { entries.push_back(entry); });
  r.ArrayHeader(entries.size());
  for (const store::StreamEntry& entry : entries) ReplyStreamEntry(r, entry);
  r.Bulk("groups");
  ReplyFullGroups(ctx, *s, static_cast<size_t>(count));
}

// XINFO GROUPS key
void XInfoGroups(Context& ctx) {
  const Stream* s = InfoTarget(ctx);
  if (s == nullptr) return;
  resp::ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(s->groups().size());
  for (const auto& [name, group] : s->groups()) {
    r.MapHeader(6);
    r.Bulk("name");
    r.Bulk(name);
    r.Bulk("consumers");
    r.Integer(static_cast<int64_t>(group.consumers().size()));
    r.Bulk("pending");
    r.Integer(static_cast<int64_t>(group.pel().size()));
    r.Bulk("last-delivered-id");
    ReplyStreamId(r, group.last_id);
    r.Bulk("entries-read");
    ReplyEntriesRead(ctx, group);
    r.Bulk("lag");
    ReplyLag(ctx, *s, group);
  }
}

// XINFO CONSUMERS key group
void XInfoConsumers(Context& ctx) {
  const Stream* s = InfoTarget(ctx);
  if (s == nullptr) return;
  const ConsumerGroup* group = s->FindGroup(ctx.argv[3]);
  if (group == nullptr) {
    return ctx.Error("NOGROUP No such consumer group '" + std::string(ctx.argv[3]) +
                     "' for key name '" + std::string(ctx.argv[2]) + "'");
  }
  resp::ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(group->consumers().size());
  for (const auto& [name, consumer] : group->consumers()) {
    r.MapHeader(3);
    r.Bulk("name");
    r.Bulk(name);
    r.Bulk("pending");
    r.Integer(static_cast<int64_t>(consumer.pending.size()));
    r.Bulk("idle");
    int64_t idle = ctx.now_ms - static_cast<int64_t>(consumer.seen_time_ms);
    r.Integer(idle < 0 ? 0 : idle);
  }
}

void XInfoHelp(Context& ctx) {
  ReplyHelp(ctx.reply(), "XINFO",
            {
                "CONSUMERS <key> <groupname>",
                "    Show consumers of <groupname>.",
                "GROUPS <key>",
                "    Show the stream consumer groups.",
                "STREAM <key> [FULL [COUNT <count>]",
                "    Show information about the stream.",
            });
}

}  // namespace

void RegisterStreamInfoCommands(CommandTable& table) {
  constexpr std::string_view kStream = "stream";
  table.Register({
      ContainerCommand("xinfo", kStream, "A container for stream introspection commands", "5.0.0",
                       {
                           {"consumers", 4, kReadonly, 2, 2, 1, kAclStream, XInfoConsumers, kStream,
                            "List the consumers in a consumer group", "5.0.0", "RO ACCESS"},
                           {"groups", 3, kReadonly, 2, 2, 1, kAclStream, XInfoGroups, kStream,
                            "List the consumer groups of a stream", "5.0.0", "RO ACCESS"},
                           {"help", 2, kLoading | kStale, 0, 0, 0, kAclStream, XInfoHelp, kStream,
                            "Show helpful text about the different subcommands", "5.0.0"},
                           {"stream", -3, kReadonly, 2, 2, 1, kAclStream, XInfoStream, kStream,
                            "Get information about a stream", "5.0.0", "RO ACCESS"},
                       }),
  });
}

}  // namespace tandem::commands
