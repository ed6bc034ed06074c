#pragma once
// Listener: accepts TCP connections on one address and hands each socket to a callback, which
// decides whether to serve it (maxclients, protected mode) and starts its Session.

#include <functional>
#include <string>

#include "server/base/status.h"
#include "server/net/asio.h"

namespace tandem::net {

class Listener {
 public:
  using AcceptFn = std::function<void(boost::asio::ip::tcp::socket)>;

  Listener(boost::asio::io_context& io, AcceptFn on_accept);
  // Binds and listens on address:port (SO_REUSEADDR; IPv6 addresses are v6-only as in Redis).
  base::Status Listen(const std::string& address, int port, int backlog);
  void Stop();
  int port() const { return port_; }

 private:
  void Accept();

  boost::asio::ip::tcp::acceptor acceptor_;
  AcceptFn on_accept_;
  int port_ = 0;
};

}  // namespace tandem::net
