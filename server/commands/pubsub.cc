#include "server/commands/pubsub.h"

#include <spdlog/spdlog.h>

#include "server/base/glob.h"
#include "server/commands/client_info.h"

namespace tandem::commands {

bool Pubsub::Subscribe(Client& client, SubscriptionKind kind, std::string_view name) {
  ClientSubscriptions& subs = clients_[&client];
  if (!subs.names[static_cast<int>(kind)].emplace(name).second) return false;
  Registry& reg = registry(kind);
  auto it = reg.find(name);
  if (it == reg.end()) it = reg.emplace(std::string(name), std::unordered_set<Client*>()).first;
  it->second.insert(&client);
  UpdateCounts(client, subs);
  return true;
}

bool Pubsub::Unsubscribe(Client& client, SubscriptionKind kind, std::string_view name) {
  auto subs = clients_.find(&client);
  if (subs == clients_.end()) return false;
  auto& names = subs->second.names[static_cast<int>(kind)];
  auto own = names.find(name);
  if (own == names.end()) return false;
  Registry& reg = registry(kind);
  auto it = reg.find(name);
  it->second.erase(&client);
  if (it->second.empty()) reg.erase(it);
  names.erase(own);
  UpdateCounts(client, subs->second);
  if (client.pubsub_channels + client.pubsub_patterns + client.pubsub_shard_channels == 0) {
    clients_.erase(subs);
  }
  return true;
}

std::vector<std::string> Pubsub::SubscriptionsOf(const Client& client,
                                                 SubscriptionKind kind) const {
  auto subs = clients_.find(&client);
  if (subs == clients_.end()) return {};
  const auto& names = subs->second.names[static_cast<int>(kind)];
  return {names.begin(), names.end()};
}

void Pubsub::RemoveClient(Client& client) {
  for (SubscriptionKind kind :
       {SubscriptionKind::kChannel, SubscriptionKind::kPattern, SubscriptionKind::kShardChannel}) {
    for (const std::string& name : SubscriptionsOf(client, kind)) Unsubscribe(client, kind, name);
  }
}

void Pubsub::UpdateCounts(Client& client, const ClientSubscriptions& subs) {
  client.pubsub_channels = subs.names[static_cast<int>(SubscriptionKind::kChannel)].size();
  client.pubsub_patterns = subs.names[static_cast<int>(SubscriptionKind::kPattern)].size();
  client.pubsub_shard_channels =
      subs.names[static_cast<int>(SubscriptionKind::kShardChannel)].size();
}

size_t Pubsub::Publish(std::string_view channel, std::string_view message) {
  size_t receivers = 0;
  // Delivery never changes the registries: an over-limit subscriber is closed later, from the
  // event loop, and only then unsubscribed.
  const Registry& channels = registry(SubscriptionKind::kChannel);
  if (auto it = channels.find(channel); it != channels.end()) {
    for (Client* client : it->second) Deliver(*client, "message", nullptr, channel, message);
    receivers += it->second.size();
  }
  for (const auto& [pattern, clients] : registry(SubscriptionKind::kPattern)) {
    if (!base::GlobMatch(pattern, channel)) continue;
    for (Client* client : clients) Deliver(*client, "pmessage", &pattern, channel, message);
    receivers += clients.size();
  }
  return receivers;
}

size_t Pubsub::PublishShard(std::string_view channel, std::string_view message) {
  const Registry& shards = registry(SubscriptionKind::kShardChannel);
  auto it = shards.find(channel);
  if (it == shards.end()) return 0;
  for (Client* client : it->second) Deliver(*client, "smessage", nullptr, channel, message);
  return it->second.size();
}

std::vector<std::string_view> Pubsub::Names(SubscriptionKind kind,
                                            const std::string_view* pattern) const {
  std::vector<std::string_view> names;
  for (const auto& [name, clients] : registry(kind)) {
    if (pattern == nullptr || base::GlobMatch(*pattern, name)) names.push_back(name);
  }
  return names;
}

size_t Pubsub::SubscriberCount(SubscriptionKind kind, std::string_view name) const {
  const Registry& reg = registry(kind);
  auto it = reg.find(name);
  return it == reg.end() ? 0 : it->second.size();
}

void Pubsub::Deliver(Client& client, std::string_view type, const std::string* pattern,
                     std::string_view channel, std::string_view message) {
  if (client.flags & kClientCloseASAP) return;  // closing: as Redis, nothing more is queued
  resp::ReplyBuilder& r = client.reply();
  r.PushHeader(pattern != nullptr ? 4 : 3);
  r.Bulk(type);
  if (pattern != nullptr) r.Bulk(*pattern);
  r.Bulk(channel);
  r.Bulk(message);
  if (OverOutputLimit(client)) {
    std::string info;
    AppendClientInfo(client, clock_.NowMs(), nullptr, &info);
    info.pop_back();  // the line's '\n'
    spdlog::warn("Client {} scheduled to be closed ASAP for overcoming of output buffer limits.",
                 info);
    client.flags |= kClientCloseASAP;
    client.connection().CloseNow();
    return;
  }
  client.connection().Flush();
}

bool Pubsub::OverOutputLimit(Client& client) {
  size_t used = client.connection().OutputBufferSize();
  bool hard = limit_.hard_limit_bytes > 0 && used >= limit_.hard_limit_bytes;
  bool soft = limit_.soft_limit_bytes > 0 && used >= limit_.soft_limit_bytes;
  ClientSubscriptions& subs = clients_[&client];
  if (!soft) {
    subs.soft_limit_since_ms = -1;
    return hard;
  }
  int64_t now_ms = clock_.NowMs();
  if (subs.soft_limit_since_ms < 0) {
    subs.soft_limit_since_ms = now_ms;
    return hard;
  }
  return hard || now_ms - subs.soft_limit_since_ms > limit_.soft_limit_seconds * 1000;
}

}  // namespace tandem::commands
