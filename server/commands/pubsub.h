#pragma once
// Pubsub: channel and pattern subscriptions and message delivery (PUBLISH, keyspace
// notifications).
//
// Owner: ServerState; server thread only. A client's subscriptions are dropped by RemoveClient
// before it goes away.

#include <cstddef>
#include <string_view>

#include "server/commands/client.h"

namespace tandem::commands {

class Pubsub {
 public:
  // Delivers `message` to the subscribers of `channel` and of every pattern matching it; returns
  // how many receptions there were (PUBLISH's reply).
  size_t Publish(std::string_view channel, std::string_view message);
  // Drops every subscription of `client`.
  void RemoveClient(Client& client);
};

}  // namespace tandem::commands
