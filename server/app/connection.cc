#include "server/app/connection.h"

namespace tandem::app {

Connection::Connection(net::Session& session, commands::ServerState& server,
                       commands::Dispatcher& dispatcher)
    : session_(session),
      server_(server),
      dispatcher_(dispatcher),
      client_(server.next_client_id++, this, &session.output(), server.clock.NowMs()) {
  client_.user = &server.acl.default_user();
  client_.authenticated = server.acl.DefaultUserNeedsNoAuth();
  session_.SetAuthenticated(client_.authenticated);
  server_.clients.emplace(client_.id(), &client_);
  ++server_.stats.total_connections_received;
}

Connection::~Connection() { OnClosed(); }

bool Connection::OnRequest(std::span<const std::string_view> argv) {
  using commands::kClientReplyOff, commands::kClientReplySkip, commands::kClientReplySkipNext;
  // CLIENT REPLY SKIP applies to the command after it; OFF to all until ON (which clears both).
  if (client_.flags & kClientReplySkipNext) {
    client_.flags = (client_.flags & ~kClientReplySkipNext) | kClientReplySkip;
  }
  size_t before = session_.output().size();
  commands::DispatchResult result = dispatcher_.Execute(client_, argv);
  if (result == commands::DispatchResult::kBlocked) return false;
  if (client_.flags & (kClientReplySkip | kClientReplyOff)) session_.output().resize(before);
  client_.flags &= ~kClientReplySkip;
  return true;
}

void Connection::OnClosed() {
  if (closed_) return;
  closed_ = true;
  server_.RemoveClient(&client_);
}

}  // namespace tandem::app
