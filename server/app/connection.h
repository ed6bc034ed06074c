#pragma once
// Connection: joins one net::Session (the socket) to one commands::Client (the command state).
// It is the session's handler and the client's transport.
//
// Owner: its Session (as the SessionHandler); lives until the socket closes.

#include <memory>

#include "server/commands/client.h"
#include "server/commands/dispatcher.h"
#include "server/commands/server_state.h"
#include "server/net/session.h"

namespace tandem::app {

class Connection final : public net::SessionHandler, public commands::ClientConnection {
 public:
  Connection(net::Session& session, commands::ServerState& server,
             commands::Dispatcher& dispatcher);
  ~Connection() override;

  // net::SessionHandler
  bool OnRequest(std::span<const std::string_view> argv) override;
  void OnClosed() override;

  // commands::ClientConnection
  void CloseAfterReply() override { session_.CloseAfterFlush(); }
  void CloseNow() override { session_.CloseSoon(); }
  void Resume() override { session_.Resume(); }
  void ResumeServed() override { session_.ResumeServed(); }
  void Flush() override { session_.Flush(); }
  std::string PeerAddress() const override { return session_.peer_address(); }
  std::string LocalAddress() const override { return session_.local_address(); }
  int Fd() const override { return session_.fd(); }
  size_t QueryBufferSize() const override { return session_.query_buffer_size(); }
  size_t QueryBufferFree() const override { return session_.query_buffer_free(); }
  size_t OutputBufferSize() const override { return session_.output_size(); }
  void SetAuthenticated(bool authenticated) override { session_.SetAuthenticated(authenticated); }
  void SetOnDrained(std::function<void()> fn) override { session_.SetOnDrained(std::move(fn)); }

 private:
  net::Session& session_;
  commands::ServerState& server_;
  commands::Dispatcher& dispatcher_;
  commands::Client client_;
  bool closed_ = false;  // unregistered from the server state
};

}  // namespace tandem::app
