#pragma once
// Pubsub: channel, pattern and shard-channel subscriptions and message delivery (PUBLISH,
// SPUBLISH, keyspace notifications), with Redis 7.0's message formats (RESP2 arrays, RESP3
// pushes) and the pubsub class of client-output-buffer-limit.
//
// Owner: ServerState; server thread only. A client's subscriptions are dropped by RemoveClient
// before it goes away. Invariants: a client is in the subscriber set of a name exactly when the
// name is in that client's own set of that kind; empty subscriber sets are erased; the Client's
// pubsub_channels / pubsub_patterns / pubsub_shard_channels equal the sizes of its sets.

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "server/base/clock.h"
#include "server/commands/client.h"
#include "server/config/directive_value.h"

namespace tandem::commands {

// The three subscription namespaces. Shard channels (SSUBSCRIBE) are apart from the others: a
// PUBLISH never reaches them and patterns never match them.
enum class SubscriptionKind { kChannel = 0, kPattern = 1, kShardChannel = 2 };

class Pubsub {
 public:
  // `clock` times the soft output-buffer limit.
  explicit Pubsub(const base::Clock& clock) : clock_(clock) {}

  // Adds `name` to the client's subscriptions of `kind`; false when it was already there.
  bool Subscribe(Client& client, SubscriptionKind kind, std::string_view name);
  // Removes it; false when the client was not subscribed.
  bool Unsubscribe(Client& client, SubscriptionKind kind, std::string_view name);
  // The client's subscriptions of `kind` (sorted), for unsubscribing from all of them.
  std::vector<std::string> SubscriptionsOf(const Client& client, SubscriptionKind kind) const;
  // Drops every subscription of `client` without telling it.
  void RemoveClient(Client& client);

  // Delivers `message` to the subscribers of `channel` and of every pattern matching it; returns
  // how many receptions there were (PUBLISH's reply).
  size_t Publish(std::string_view channel, std::string_view message);
  // Delivers to the subscribers of the shard channel (SPUBLISH's reply).
  size_t PublishShard(std::string_view channel, std::string_view message);

  // Channels (or shard channels, or patterns) that have subscribers, matching the glob `pattern`
  // when given (PUBSUB CHANNELS / SHARDCHANNELS).
  std::vector<std::string_view> Names(SubscriptionKind kind, const std::string_view* pattern) const;
  // Clients subscribed to exactly `name` (PUBSUB NUMSUB / SHARDNUMSUB).
  size_t SubscriberCount(SubscriptionKind kind, std::string_view name) const;
  // Distinct names with subscribers: INFO pubsub_channels / pubsub_patterns /
  // pubsubshard_channels, PUBSUB NUMPAT.
  size_t NameCount(SubscriptionKind kind) const { return registry(kind).size(); }

  // client-output-buffer-limit's pubsub class. A subscriber whose output buffer reaches the hard
  // limit, or stays at or above the soft one for longer than its seconds, is closed at once.
  void set_output_limit(const config::OutputBufferLimit& limit) { limit_ = limit; }

 private:
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  // name -> its subscribers.
  using Registry =
      std::unordered_map<std::string, std::unordered_set<Client*>, NameHash, std::equal_to<>>;
  struct ClientSubscriptions {
    std::set<std::string, std::less<>> names[3];  // by SubscriptionKind
    int64_t soft_limit_since_ms = -1;             // since when over the soft limit; -1: not
  };

  Registry& registry(SubscriptionKind kind) { return registries_[static_cast<int>(kind)]; }
  const Registry& registry(SubscriptionKind kind) const {
    return registries_[static_cast<int>(kind)];
  }
  static void UpdateCounts(Client& client, const ClientSubscriptions& subs);
  // Writes one message (`pattern` null for message/smessage) to `client` and sends it, or closes
  // the client when its output buffer is over the limit.
  void Deliver(Client& client, std::string_view type, const std::string* pattern,
               std::string_view channel, std::string_view message);
  bool OverOutputLimit(Client& client);

  const base::Clock& clock_;
  Registry registries_[3];
  std::unordered_map<const Client*, ClientSubscriptions> clients_;
  // Redis's default: "pubsub 32mb 8mb 60".
  config::OutputBufferLimit limit_{32ull << 20, 8ull << 20, 60};
};

}  // namespace tandem::commands
