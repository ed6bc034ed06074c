#pragma once
// PubSub: the front's channel and pattern subscriptions and the delivery of published messages,
// with Redis 7.0's reply shapes: RESP2 "*3 message <channel> <payload>" and "*4 pmessage <pattern>
// <channel> <payload>", RESP3 the same as push (">") frames. Patterns use Redis's glob rules
// (base::GlobMatch). Delivery order is Redis's: clients subscribed to the channel, in the order
// they subscribed, then each matching pattern's clients.
//
// Owner: FrontState; sentinel thread only. A client is removed (RemoveClient) before it is freed.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::sentinel {

class ClientSession;

class PubSub {
 public:
  // Adds the subscription to the index and to the client's own list; false (nothing changes)
  // when the client had it already.
  bool Subscribe(ClientSession& client, std::string_view channel);
  bool PSubscribe(ClientSession& client, std::string_view pattern);
  // Removes the subscription; false when the client did not have it.
  bool Unsubscribe(ClientSession& client, std::string_view channel);
  bool PUnsubscribe(ClientSession& client, std::string_view pattern);
  // Drops every subscription of a client that is going away.
  void RemoveClient(ClientSession& client);

  // Sends `message` to every subscriber of `channel` and of each matching pattern (a client
  // subscribed both ways receives it twice, as in Redis). Returns the number of deliveries.
  size_t Publish(std::string_view channel, std::string_view message);

  // INFO pubsub_channels / pubsub_patterns: channels and patterns with at least one subscriber.
  size_t channel_count() const { return channels_.size(); }
  size_t pattern_count() const { return patterns_.size(); }

 private:
  using Index = std::map<std::string, std::vector<ClientSession*>, std::less<>>;
  static bool Add(Index& index, std::vector<std::string>& own, ClientSession& client,
                  std::string_view name);
  static bool Remove(Index& index, std::vector<std::string>& own, ClientSession& client,
                     std::string_view name);

  Index channels_;
  Index patterns_;
};

}  // namespace tandem::sentinel
