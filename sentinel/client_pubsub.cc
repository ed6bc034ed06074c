#include "sentinel/client_pubsub.h"

#include <algorithm>

#include "sentinel/client_session.h"
#include "sentinel/front_commands.h"
#include "server/base/glob.h"

namespace tandem::sentinel {

bool PubSub::Add(Index& index, std::vector<std::string>& own, ClientSession& client,
                 std::string_view name) {
  if (std::find(own.begin(), own.end(), name) != own.end()) return false;
  own.emplace_back(name);
  auto it = index.find(name);
  if (it == index.end()) it = index.emplace(std::string(name), std::vector<ClientSession*>()).first;
  it->second.push_back(&client);
  return true;
}

bool PubSub::Remove(Index& index, std::vector<std::string>& own, ClientSession& client,
                    std::string_view name) {
  auto mine = std::find(own.begin(), own.end(), name);
  if (mine == own.end()) return false;
  own.erase(mine);
  auto it = index.find(name);
  if (it != index.end()) {
    std::erase(it->second, &client);
    if (it->second.empty()) index.erase(it);
  }
  return true;
}

bool PubSub::Subscribe(ClientSession& client, std::string_view channel) {
  return Add(channels_, client.channels(), client, channel);
}

bool PubSub::PSubscribe(ClientSession& client, std::string_view pattern) {
  return Add(patterns_, client.patterns(), client, pattern);
}

bool PubSub::Unsubscribe(ClientSession& client, std::string_view channel) {
  return Remove(channels_, client.channels(), client, channel);
}

bool PubSub::PUnsubscribe(ClientSession& client, std::string_view pattern) {
  return Remove(patterns_, client.patterns(), client, pattern);
}

void PubSub::RemoveClient(ClientSession& client) {
  while (!client.channels().empty()) {
    Remove(channels_, client.channels(), client, std::string(client.channels().back()));
  }
  while (!client.patterns().empty()) {
    Remove(patterns_, client.patterns(), client, std::string(client.patterns().back()));
  }
}

size_t PubSub::Publish(std::string_view channel, std::string_view message) {
  size_t receivers = 0;
  if (auto it = channels_.find(channel); it != channels_.end()) {
    for (ClientSession* client : it->second) client->Deliver(nullptr, channel, message);
    receivers += it->second.size();
  }
  for (const auto& [pattern, clients] : patterns_) {
    if (!base::GlobMatch(pattern, channel)) continue;
    for (ClientSession* client : clients) client->Deliver(&pattern, channel, message);
    receivers += clients.size();
  }
  return receivers;
}

namespace {

void ReplySubscription(ClientSession& c, std::string_view kind, const std::string_view* name) {
  resp::ReplyBuilder& out = c.reply();
  out.PushHeader(3);
  out.Bulk(kind);
  if (name == nullptr) {
    out.Null();
  } else {
    out.Bulk(*name);
  }
  out.Integer(static_cast<int64_t>(c.subscription_count()));
}

// UNSUBSCRIBE / PUNSUBSCRIBE: the named ones, or all of the client's (a null name when it has
// none, as Redis replies).
void UnsubscribeFrom(ClientSession& c, std::span<const std::string_view> argv,
                     std::vector<std::string>& own, std::string_view kind,
                     bool (PubSub::*remove)(ClientSession&, std::string_view)) {
  PubSub& pubsub = c.state().pubsub;
  if (argv.size() > 1) {
    for (std::string_view name : argv.subspan(1)) {
      (pubsub.*remove)(c, name);
      ReplySubscription(c, kind, &name);
    }
    return;
  }
  if (own.empty()) return ReplySubscription(c, kind, nullptr);
  std::vector<std::string> all = own;
  for (const std::string& name : all) {
    (pubsub.*remove)(c, name);
    std::string_view view = name;
    ReplySubscription(c, kind, &view);
  }
}

}  // namespace

void SubscribeCommand(ClientSession& c, std::span<const std::string_view> argv) {
  for (std::string_view channel : argv.subspan(1)) {
    c.state().pubsub.Subscribe(c, channel);
    ReplySubscription(c, "subscribe", &channel);
  }
}

void PSubscribeCommand(ClientSession& c, std::span<const std::string_view> argv) {
  for (std::string_view pattern : argv.subspan(1)) {
    c.state().pubsub.PSubscribe(c, pattern);
    ReplySubscription(c, "psubscribe", &pattern);
  }
}

void UnsubscribeCommand(ClientSession& c, std::span<const std::string_view> argv) {
  UnsubscribeFrom(c, argv, c.channels(), "unsubscribe", &PubSub::Unsubscribe);
}

void PUnsubscribeCommand(ClientSession& c, std::span<const std::string_view> argv) {
  UnsubscribeFrom(c, argv, c.patterns(), "punsubscribe", &PubSub::PUnsubscribe);
}

}  // namespace tandem::sentinel
