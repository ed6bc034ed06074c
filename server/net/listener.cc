#include "server/net/listener.h"

namespace tandem::net {
namespace asio = boost::asio;

Listener::Listener(asio::io_context& io, AcceptFn on_accept)
    : acceptor_(io), on_accept_(std::move(on_accept)) {}

base::Status Listener::Listen(const std::string& address, int port, int backlog) {
  boost::system::error_code ec;
  // Redis accepts "-::*" style optional addresses; the plain "*" means every IPv4 address.
  std::string host = address;
  if (!host.empty() && host[0] == '-') host = host.substr(1);
  if (host == "*") host = "0.0.0.0";
  if (host == "::*") host = "::";
  asio::ip::address addr = asio::ip::make_address(host, ec);
  if (ec) return base::Status::InvalidArgument("Invalid bind address '" + address + "'");
  asio::ip::tcp::endpoint endpoint(addr, static_cast<unsigned short>(port));
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec && addr.is_v6()) acceptor_.set_option(asio::ip::v6_only(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(backlog, ec);
  if (ec) {
    return base::Status::IoError("Could not create server TCP listening socket " + address + ":" +
                                 std::to_string(port) + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint().port();
  Accept();
  return base::Status::Ok();
}

void Listener::Stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

void Listener::Accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, asio::ip::tcp::socket s) {
    if (ec == asio::error::operation_aborted) return;
    // Re-arm first: a connection already queued is then accepted before the new client's first
    // request is read, so requests see every client that connected before them (as in Redis).
    Accept();
    if (!ec) on_accept_(std::move(s));
  });
}

}  // namespace tandem::net
