#pragma once
// ClientSession: one client connection of the sentinel's front: its state (id, name, protocol,
// authentication, subscriptions, last command) and the dispatch of each request with Redis 7.0's
// pre-checks in Redis's order: unknown command or subcommand, arity, NOAUTH, then the RESP2
// subscribed-mode restriction. Handlers (front_commands.h) only do their own command's work.
//
// Owner: its net::Session (as the SessionHandler); registered in FrontState::clients from
// construction until OnClosed or destruction. Sentinel thread only.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sentinel/front_state.h"
#include "server/net/session.h"
#include "server/resp/reply_builder.h"

namespace tandem::sentinel {

class ClientSession final : public net::SessionHandler {
 public:
  ClientSession(net::Session& session, std::shared_ptr<FrontState> state);
  ~ClientSession() override;

  // net::SessionHandler
  bool OnRequest(std::span<const std::string_view> argv) override;
  void OnClosed() override;

  uint64_t id() const { return id_; }
  FrontState& state() { return *state_; }
  ClientFrontHost& host() { return state_->host; }
  net::Session& session() { return session_; }
  // Replies go here, in the client's protocol.
  resp::ReplyBuilder& reply() { return reply_; }
  // Every error reply goes through here (counted for INFO total_error_replies).
  void Error(std::string_view message);

  int protocol() const { return reply_.protocol(); }
  void set_protocol(int protocol) { reply_.set_protocol(protocol); }
  bool authenticated() const { return authenticated_; }
  void set_authenticated(bool authenticated);
  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }

  // Channels and patterns in subscription order; kept by PubSub.
  std::vector<std::string>& channels() { return channels_; }
  std::vector<std::string>& patterns() { return patterns_; }
  size_t subscription_count() const { return channels_.size() + patterns_.size(); }

  // Unix time in ms of the connection and of its last request (CLIENT LIST age/idle).
  int64_t created_ms() const { return created_ms_; }
  int64_t last_interaction_ms() const { return last_interaction_ms_; }
  // The last command run, full name ("client|list"); "NULL" before the first, as Redis prints.
  const std::string& last_command() const { return last_command_; }

  // Appends a published message to the output and sends it: "message" when `pattern` is null,
  // else "pmessage" with the pattern that matched.
  void Deliver(const std::string* pattern, std::string_view channel, std::string_view message);

 private:
  void Unregister();

  net::Session& session_;
  std::shared_ptr<FrontState> state_;
  resp::ReplyBuilder reply_;
  uint64_t id_;
  bool authenticated_;
  bool registered_ = true;
  std::string name_;
  std::vector<std::string> channels_;
  std::vector<std::string> patterns_;
  int64_t created_ms_;
  int64_t last_interaction_ms_;
  std::string last_command_ = "NULL";
};

// Unix time in milliseconds (the front's only clock).
int64_t FrontNowMs();

}  // namespace tandem::sentinel
