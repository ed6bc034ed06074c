// Pub/sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, the shard variants
// (SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH, as non-cluster Redis 7.0 runs them) and PUBSUB.
// Subscription state and delivery live in pubsub.h; the RESP2 subscribed-mode restriction is a
// dispatcher pre-check.

#include <string>
#include <vector>

#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/help_reply.h"

namespace tandem::commands {
namespace {

// The count a confirmation carries: channels and patterns together, shard channels apart (Redis).
int64_t ConfirmationCount(const Client& c, SubscriptionKind kind) {
  if (kind == SubscriptionKind::kShardChannel) return static_cast<int64_t>(c.pubsub_shard_channels);
  return static_cast<int64_t>(c.pubsub_channels + c.pubsub_patterns);
}

// "subscribe"/"psubscribe"/"ssubscribe" (or the unsubscribe words) with the name (null when an
// unsubscribe-all found nothing) and the client's count afterwards.
void Confirm(Context& ctx, std::string_view type, const std::string_view* name,
             SubscriptionKind kind) {
  resp::ReplyBuilder& r = ctx.reply();
  r.PushHeader(3);
  r.Bulk(type);
  if (name != nullptr) {
    r.Bulk(*name);
  } else {
    r.Null();
  }
  r.Integer(ConfirmationCount(ctx.client, kind));
}

void SubscribeAll(Context& ctx, SubscriptionKind kind, std::string_view type) {
  for (size_t i = 1; i < ctx.argv.size(); ++i) {
    ctx.server.pubsub.Subscribe(ctx.client, kind, ctx.argv[i]);
    Confirm(ctx, type, &ctx.argv[i], kind);
  }
}

// With names: one confirmation each, subscribed or not. Without: one per subscription dropped,
// or a single one with a null name when there was none.
void UnsubscribeAll(Context& ctx, SubscriptionKind kind, std::string_view type) {
  Pubsub& pubsub = ctx.server.pubsub;
  if (ctx.argv.size() > 1) {
    for (size_t i = 1; i < ctx.argv.size(); ++i) {
      pubsub.Unsubscribe(ctx.client, kind, ctx.argv[i]);
      Confirm(ctx, type, &ctx.argv[i], kind);
    }
    return;
  }
  std::vector<std::string> names = pubsub.SubscriptionsOf(ctx.client, kind);
  if (names.empty()) return Confirm(ctx, type, nullptr, kind);
  for (const std::string& name : names) {
    pubsub.Unsubscribe(ctx.client, kind, name);
    std::string_view view = name;
    Confirm(ctx, type, &view, kind);
  }
}

void Subscribe(Context& ctx) { SubscribeAll(ctx, SubscriptionKind::kChannel, "subscribe"); }
void Unsubscribe(Context& ctx) { UnsubscribeAll(ctx, SubscriptionKind::kChannel, "unsubscribe"); }
void PSubscribe(Context& ctx) { SubscribeAll(ctx, SubscriptionKind::kPattern, "psubscribe"); }
void PUnsubscribe(Context& ctx) { UnsubscribeAll(ctx, SubscriptionKind::kPattern, "punsubscribe"); }
void SSubscribe(Context& ctx) { SubscribeAll(ctx, SubscriptionKind::kShardChannel, "ssubscribe"); }
void SUnsubscribe(Context& ctx) {
  UnsubscribeAll(ctx, SubscriptionKind::kShardChannel, "sunsubscribe");
}

void Publish(Context& ctx) {
  ctx.reply().Integer(static_cast<int64_t>(ctx.server.pubsub.Publish(ctx.argv[1], ctx.argv[2])));
}

void SPublish(Context& ctx) {
  ctx.reply().Integer(
      static_cast<int64_t>(ctx.server.pubsub.PublishShard(ctx.argv[1], ctx.argv[2])));
}

// PUBSUB CHANNELS [pattern] / SHARDCHANNELS [pattern]
void ReplyNames(Context& ctx, SubscriptionKind kind) {
  if (ctx.argv.size() > 3) return ctx.Error(errors::SubcommandSyntax("pubsub", ctx.argv[1]));
  const std::string_view* pattern = ctx.argv.size() == 3 ? &ctx.argv[2] : nullptr;
  std::vector<std::string_view> names = ctx.server.pubsub.Names(kind, pattern);
  ctx.reply().BulkArray(names);
}

// PUBSUB NUMSUB [channel ...] / SHARDNUMSUB [channel ...]: flat name, count pairs.
void ReplySubscriberCounts(Context& ctx, SubscriptionKind kind) {
  resp::ReplyBuilder& r = ctx.reply();
  r.ArrayHeader((ctx.argv.size() - 2) * 2);
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    r.Bulk(ctx.argv[i]);
    r.Integer(static_cast<int64_t>(ctx.server.pubsub.SubscriberCount(kind, ctx.argv[i])));
  }
}

void PubsubChannels(Context& ctx) { ReplyNames(ctx, SubscriptionKind::kChannel); }
void PubsubShardChannels(Context& ctx) { ReplyNames(ctx, SubscriptionKind::kShardChannel); }
void PubsubNumSub(Context& ctx) { ReplySubscriberCounts(ctx, SubscriptionKind::kChannel); }
void PubsubShardNumSub(Context& ctx) {
  ReplySubscriberCounts(ctx, SubscriptionKind::kShardChannel);
}

void PubsubNumPat(Context& ctx) {
  ctx.reply().Integer(
      static_cast<int64_t>(ctx.server.pubsub.NameCount(SubscriptionKind::kPattern)));
}

void PubsubHelp(Context& ctx) {
  ReplyHelp(ctx.reply(), "PUBSUB",
            {
                "CHANNELS [<pattern>]",
                "    Return the currently active channels matching a <pattern> (default: '*').",
                "NUMPAT",
                "    Return number of subscriptions to patterns.",
                "NUMSUB [<channel> ...]",
                "    Return the number of subscribers for the specified channels, excluding",
                "    pattern subscriptions(default: no channels).",
                "SHARDCHANNELS [<pattern>]",
                "    Return the currently active shard level channels matching a <pattern> "
                "(default: '*').",
                "SHARDNUMSUB [<shardchannel> ...]",
                "    Return the number of subscribers for the specified shard level channel(s)",
            });
}

}  // namespace

void RegisterPubsubCommands(CommandTable& table) {
  constexpr uint32_t kSub = kPubsub | kNoScript | kLoading | kStale;
  constexpr uint32_t kPub = kPubsub | kLoading | kStale | kFast;
  constexpr uint32_t kIntro = kPubsub | kLoading | kStale;
  constexpr std::string_view kGroup = "pubsub";
  std::vector<CommandSpec> subcommands = {
      {"channels", -2, kIntro, 0, 0, 0, 0, PubsubChannels, kGroup, "List active channels", "2.8.0"},
      {"help", 2, kLoading | kStale, 0, 0, 0, 0, PubsubHelp, kGroup,
       "Show helpful text about the different subcommands", "6.2.0"},
      {"numpat", 2, kIntro, 0, 0, 0, 0, PubsubNumPat, kGroup,
       "Get the count of unique patterns pattern subscriptions", "2.8.0"},
      {"numsub", -2, kIntro, 0, 0, 0, 0, PubsubNumSub, kGroup,
       "Get the count of subscribers for channels", "2.8.0"},
      {"shardchannels", -2, kIntro, 0, 0, 0, 0, PubsubShardChannels, kGroup,
       "List active shard channels", "7.0.0"},
      {"shardnumsub", -2, kIntro, 0, 0, 0, 0, PubsubShardNumSub, kGroup,
       "Get the count of subscribers for shard channels", "7.0.0"},
  };
  table.Register({
      {"subscribe", -2, kSub, 0, 0, 0, 0, Subscribe, kGroup,
       "Listen for messages published to the given channels", "2.0.0"},
      {"unsubscribe", -1, kSub, 0, 0, 0, 0, Unsubscribe, kGroup,
       "Stop listening for messages posted to the given channels", "2.0.0"},
      {"psubscribe", -2, kSub, 0, 0, 0, 0, PSubscribe, kGroup,
       "Listen for messages published to channels matching the given patterns", "2.0.0"},
      {"punsubscribe", -1, kSub, 0, 0, 0, 0, PUnsubscribe, kGroup,
       "Stop listening for messages posted to channels matching the given patterns", "2.0.0"},
      {"publish", 3, kPub, 0, 0, 0, 0, Publish, kGroup, "Post a message to a channel", "2.0.0"},
      // The shard commands name their channels as NOT_KEY keys (for cluster slot routing).
      {"ssubscribe", -2, kSub, 1, -1, 1, 0, SSubscribe, kGroup,
       "Listen for messages published to the given shard channels", "7.0.0", "NOT_KEY"},
      {"sunsubscribe", -1, kSub, 1, -1, 1, 0, SUnsubscribe, kGroup,
       "Stop listening for messages posted to the given shard channels", "7.0.0", "NOT_KEY"},
      {"spublish", 3, kPub, 1, 1, 1, 0, SPublish, kGroup, "Post a message to a shard channel",
       "7.0.0", "NOT_KEY"},
      ContainerCommand("pubsub", kGroup, "A container for Pub/Sub commands", "2.8.0",
                       std::move(subcommands)),
  });
}

}  // namespace tandem::commands
