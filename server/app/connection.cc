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

bool Connection::OnRequest(std::span<const std::string_view> argv) {
  // CLIENT REPLY OFF/SKIP: the command runs, its reply goes nowhere.
  bool skip = client_.flags & commands::kClientReplySkip;
  size_t before = session_.output().size();
  commands::DispatchResult result = dispatcher_.Execute(client_, argv);
  if (result == commands::DispatchResult::kBlocked) return false;
  if (skip || (client_.flags & commands::kClientReplyOff)) session_.output().resize(before);
  // SKIP set by this command takes effect for the next one only.
  if (client_.flags & commands::kClientReplySkipNext) {
    client_.flags = (client_.flags & ~commands::kClientReplySkipNext) | commands::kClientReplySkip;
  } else {
    client_.flags &= ~commands::kClientReplySkip;
  }
  return true;
}

void Connection::OnClosed() {
  server_.stats.net_input_bytes += session_.bytes_read();
  server_.stats.net_output_bytes += session_.bytes_written();
  server_.RemoveClient(&client_);
}

}  // namespace tandem::app
