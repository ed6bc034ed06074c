#include "server/net/session.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace tandem::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// Answers every request with "+<first argument>".
class EchoHandler : public SessionHandler {
 public:
  explicit EchoHandler(Session* session) : session_(session) {}
  bool OnRequest(std::span<const std::string_view> argv) override {
    session_->output() += "+" + std::string(argv[0]) + "\r\n";
    return true;
  }
  void OnClosed() override {}

 private:
  Session* session_;
};

// A before_write hook that flushes sessions (as the replication stream's flush does) may flush
// the very session that is starting its write: its bytes must go out exactly once.
TEST(SessionTest, BeforeWriteFlushingTheWritingSessionSendsEachByteOnce) {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  tcp::socket client(io);
  client.connect(acceptor.local_endpoint());
  tcp::socket accepted = acceptor.accept();

  SessionSettings settings;
  std::shared_ptr<Session> session;
  int hook_calls = 0;
  settings.before_write = [&] {
    ++hook_calls;
    session->output() += "+extra\r\n";  // appended by the hook, like a stream flush would
    session->Flush();
  };
  session = std::make_shared<Session>(std::move(accepted), settings);
  session->Start(std::make_unique<EchoHandler>(session.get()));

  asio::write(client, asio::buffer(std::string_view("PING\r\n")));
  std::string received;
  std::array<char, 256> buf;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  const std::string expected = "+PING\r\n+extra\r\n";
  while (received.size() < expected.size() && std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(20));
    client.non_blocking(true);
    boost::system::error_code ec;
    size_t n = client.read_some(asio::buffer(buf), ec);
    if (!ec) received.append(buf.data(), n);
  }
  io.run_for(std::chrono::milliseconds(50));
  boost::system::error_code ec;
  size_t n = client.read_some(asio::buffer(buf), ec);
  if (!ec) received.append(buf.data(), n);
  EXPECT_EQ(received, expected);
  EXPECT_GE(hook_calls, 1);
  session->CloseSoon();
  io.run_for(std::chrono::milliseconds(20));
}

}  // namespace
}  // namespace tandem::net
