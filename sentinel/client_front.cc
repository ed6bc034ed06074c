#include "sentinel/client_front.h"

#include <vector>

#include "sentinel/client_session.h"
#include "sentinel/front_state.h"
#include "server/net/listener.h"

namespace tandem::sentinel {
namespace asio = boost::asio;

namespace {
constexpr int kBacklog = 511;  // Redis's tcp-backlog default
}  // namespace

struct ClientFront::Impl {
  Impl(asio::io_context& io_context, ClientFrontSettings settings, ClientFrontHost& host)
      : io(io_context), state(std::make_shared<FrontState>(std::move(settings), host)) {}

  void OnAccept(asio::ip::tcp::socket socket) {
    auto session = std::make_shared<net::Session>(std::move(socket), state->session_settings);
    session->Start(std::make_unique<ClientSession>(*session, state));
  }

  asio::io_context& io;
  std::shared_ptr<FrontState> state;
  std::vector<std::unique_ptr<net::Listener>> listeners;
};

ClientFront::ClientFront(asio::io_context& io, ClientFrontSettings settings, ClientFrontHost& host)
    : impl_(std::make_unique<Impl>(io, std::move(settings), host)) {}

ClientFront::~ClientFront() { Stop(); }

base::Status ClientFront::Listen() {
  const ClientFrontSettings& settings = impl_->state->settings;
  // Without bind addresses Redis listens on every IPv4 address and, where the host has IPv6, on
  // every IPv6 one ("-" marks an address whose failure is tolerated).
  std::vector<std::string> addresses = settings.bind;
  if (addresses.empty()) addresses = {"0.0.0.0", "-::"};
  int port = settings.port;
  for (const std::string& address : addresses) {
    auto listener = std::make_unique<net::Listener>(
        impl_->io, [impl = impl_.get()](asio::ip::tcp::socket s) { impl->OnAccept(std::move(s)); });
    base::Status status = listener->Listen(address, port, kBacklog);
    if (!status.ok()) {
      if (!address.empty() && address[0] == '-') continue;
      for (auto& l : impl_->listeners) l->Stop();
      impl_->listeners.clear();
      return status;
    }
    port = listener->port();  // port 0: every address gets the port the first one was given
    impl_->listeners.push_back(std::move(listener));
  }
  impl_->state->port = port;
  return base::Status::Ok();
}

int ClientFront::port() const { return impl_->state->port; }

size_t ClientFront::Publish(std::string_view channel, std::string_view message) {
  return impl_->state->pubsub.Publish(channel, message);
}

void ClientFront::Stop() {
  for (auto& listener : impl_->listeners) listener->Stop();
  impl_->listeners.clear();
  for (auto& [id, client] : impl_->state->clients) client->session().CloseSoon();
}

}  // namespace tandem::sentinel
