#include "sentinel/client_session.h"

#include <chrono>

#include "sentinel/front_commands.h"

namespace tandem::sentinel {
namespace {

// Redis's rejectCommandFormat text for an unknown command: the name (at most 128 bytes) and the
// first arguments, quoted, until 128 bytes of them are shown.
std::string UnknownCommandError(std::span<const std::string_view> argv) {
  std::string args;
  for (size_t i = 1; i < argv.size() && args.size() < 128; ++i) {
    size_t room = 128 - args.size();
    args += '\'';
    args += argv[i].substr(0, room);
    args += "' ";
  }
  return "ERR unknown command '" + std::string(argv[0].substr(0, 128)) +
         "', with args beginning with: " + args;
}

std::string Upper(std::string_view s) {
  std::string upper(s);
  for (char& ch : upper) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  }
  return upper;
}

// What a RESP2 client may run while it has subscriptions (quit and reset are not served here).
bool AllowedWhileSubscribed(std::string_view name) {
  return name == "ping" || name == "subscribe" || name == "psubscribe" || name == "unsubscribe" ||
         name == "punsubscribe";
}

}  // namespace

int64_t FrontNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ClientSession::ClientSession(net::Session& session, std::shared_ptr<FrontState> state)
    : session_(session),
      state_(std::move(state)),
      reply_(session.output(), 2),
      id_(state_->next_client_id++),
      authenticated_(state_->settings.requirepass.empty()),
      created_ms_(FrontNowMs()),
      last_interaction_ms_(created_ms_) {
  session_.SetAuthenticated(authenticated_);
  state_->clients.emplace(id_, this);
  ++state_->stats.connections_received;
}

ClientSession::~ClientSession() { Unregister(); }

void ClientSession::OnClosed() { Unregister(); }

void ClientSession::Unregister() {
  if (!registered_) return;
  registered_ = false;
  state_->pubsub.RemoveClient(*this);
  state_->clients.erase(id_);
}

void ClientSession::set_authenticated(bool authenticated) {
  authenticated_ = authenticated;
  session_.SetAuthenticated(authenticated);
}

void ClientSession::Error(std::string_view message) {
  ++state_->stats.error_replies;
  reply_.Error(message);
}

bool ClientSession::OnRequest(std::span<const std::string_view> argv) {
  last_interaction_ms_ = FrontNowMs();
  const FrontCommand* cmd = FindFrontCommand(argv[0]);
  if (cmd == nullptr) {
    Error(UnknownCommandError(argv));
    return true;
  }
  if (!cmd->subcommands.empty() && argv.size() >= 2) {
    const FrontCommand* sub = FindSubcommand(*cmd, argv[1]);
    if (sub == nullptr) {
      Error("ERR unknown subcommand '" + std::string(argv[1].substr(0, 128)) + "'. Try " +
            Upper(cmd->name) + " HELP.");
      return true;
    }
    cmd = sub;
  }
  int64_t argc = static_cast<int64_t>(argv.size());
  if ((cmd->arity > 0 && argc != cmd->arity) || argc < -cmd->arity) {
    Error("ERR wrong number of arguments for '" + std::string(cmd->name) + "' command");
    return true;
  }
  if (!authenticated_ && !cmd->HasFlag("no_auth")) {
    Error("NOAUTH Authentication required.");
    return true;
  }
  // RESP3 clients may run anything while subscribed: pushes are told apart from replies.
  if (protocol() == 2 && subscription_count() > 0 && !AllowedWhileSubscribed(cmd->name)) {
    Error("ERR Can't execute '" + std::string(cmd->name) +
          "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
          "context");
    return true;
  }
  ++state_->stats.commands_processed;
  last_command_ = cmd->name;
  cmd->handler(*this, argv);
  return true;
}

void ClientSession::Deliver(const std::string* pattern, std::string_view channel,
                            std::string_view message) {
  reply_.PushHeader(pattern == nullptr ? 3 : 4);
  reply_.Bulk(pattern == nullptr ? "message" : "pmessage");
  if (pattern != nullptr) reply_.Bulk(*pattern);
  reply_.Bulk(channel);
  reply_.Bulk(message);
  session_.Flush();
}

}  // namespace tandem::sentinel
