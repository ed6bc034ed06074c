#include "server/net/resp_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/resp/argv_encoder.h"

namespace tandem::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using resp::Reply;

// A scripted server on loopback, run by the test's io_context: accepts one connection, records
// every byte it receives, writes what the test tells it to.
class FakeServer {
 public:
  explicit FakeServer(asio::io_context& io, const std::string& address = "127.0.0.1")
      : acceptor_(io, tcp::endpoint(asio::ip::make_address(address), 0)), socket_(io) {
    acceptor_.async_accept(socket_, [this](const boost::system::error_code& ec) {
      if (ec) return;
      accepted_ = true;
      socket_.set_option(tcp::no_delay(true));  // each Write() is a segment of its own
      ReadMore();
    });
  }

  int port() const { return acceptor_.local_endpoint().port(); }
  bool accepted() const { return accepted_; }
  std::string peer_ip() const { return socket_.remote_endpoint().address().to_string(); }
  const std::string& received() const { return received_; }
  bool peer_closed() const { return peer_closed_; }

  // Loopback writes this small complete at once.
  void Write(std::string_view bytes) { asio::write(socket_, asio::buffer(bytes)); }
  void CloseConnection() { socket_.close(); }

 private:
  void ReadMore() {
    socket_.async_read_some(asio::buffer(buf_),
                            [this](const boost::system::error_code& ec, size_t n) {
                              if (ec) {
                                peer_closed_ = true;
                                return;
                              }
                              received_.append(buf_.data(), n);
                              ReadMore();
                            });
  }

  tcp::acceptor acceptor_;
  tcp::socket socket_;
  std::array<char, 4096> buf_;
  std::string received_;
  bool accepted_ = false;
  bool peer_closed_ = false;
};

std::string Command(std::initializer_list<std::string_view> argv) {
  std::string out;
  resp::EncodeCommand(argv, &out);
  return out;
}

// What a callback received: a reply, or the error of a failed Status.
struct Outcome {
  bool ok = false;
  Reply reply;
  std::string error;
};

class RespClientTest : public testing::Test {
 protected:
  RespClientTest() : work_(asio::make_work_guard(io_)), client_(RespClient::Create(io_)) {}

  // Runs the io_context until `done` holds (false after 5 s).
  bool RunUntil(const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io_.run_one_for(std::chrono::milliseconds(10));
    }
    return true;
  }
  // Runs what is ready now, a few times over (loopback data is readable at once).
  void Drain() {
    for (int i = 0; i < 5; ++i) io_.poll();
  }

  RespClient::ReplyFn Record(std::vector<Outcome>* outcomes) {
    return [outcomes](base::StatusOr<Reply> reply) {
      Outcome outcome;
      outcome.ok = reply.ok();
      if (reply.ok()) {
        outcome.reply = std::move(*reply);
      } else {
        outcome.error = reply.status().message();
      }
      outcomes->push_back(std::move(outcome));
    };
  }

  // Connects client_ to `server` and waits for the accept.
  void ConnectTo(FakeServer& server) {
    std::optional<base::Status> done;
    client_->Connect("127.0.0.1", server.port(), 5000, [&](base::Status s) { done = s; });
    ASSERT_TRUE(RunUntil([&] { return done.has_value() && server.accepted(); }));
    ASSERT_TRUE(done->ok()) << done->message();
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::shared_ptr<RespClient> client_;
};

TEST_F(RespClientTest, SourceAddressIsTheLocalEnd) {
  FakeServer server(io_);
  client_->SetSourceAddress("127.0.0.5");  // any 127/8 address is local on Linux
  ConnectTo(server);
  EXPECT_EQ(server.peer_ip(), "127.0.0.5");
  EXPECT_EQ(client_->local_ip(), "127.0.0.5");
}

TEST_F(RespClientTest, UnusableSourceAddressConnectsUnbound) {
  FakeServer server(io_);
  client_->SetSourceAddress("::1");  // another family than the IPv4 target: not used
  ConnectTo(server);
  EXPECT_EQ(server.peer_ip(), "127.0.0.1");
}

TEST_F(RespClientTest, PipelinedRepliesComeBackInOrder) {
  FakeServer server(io_);
  ConnectTo(server);
  EXPECT_TRUE(client_->connected());
  EXPECT_EQ(client_->local_ip(), "127.0.0.1");
  std::vector<Outcome> got;
  client_->Send({"SET", "k", "v"}, Record(&got));
  client_->Send({"GET", "k"}, Record(&got));
  client_->Send({"INCR", "n"}, Record(&got));
  EXPECT_EQ(client_->pending(), 3u);
  std::string expected =
      Command({"SET", "k", "v"}) + Command({"GET", "k"}) + Command({"INCR", "n"});
  ASSERT_TRUE(RunUntil([&] { return server.received().size() >= expected.size(); }));
  EXPECT_EQ(server.received(), expected);
  server.Write("+OK\r\n$1\r\nv\r\n:7\r\n");
  ASSERT_TRUE(RunUntil([&] { return got.size() == 3; }));
  EXPECT_EQ(got[0].reply.type, Reply::Type::kString);
  EXPECT_EQ(got[0].reply.str, "OK");
  EXPECT_EQ(got[1].reply.type, Reply::Type::kBulk);
  EXPECT_EQ(got[1].reply.str, "v");
  EXPECT_EQ(got[2].reply.type, Reply::Type::kInteger);
  EXPECT_EQ(got[2].reply.integer, 7);
  EXPECT_EQ(client_->pending(), 0u);
}

TEST_F(RespClientTest, RepliesSplitAtEveryByte) {
  FakeServer server(io_);
  ConnectTo(server);
  const std::string reply = "*3\r\n$5\r\nhello\r\n:-12\r\n*2\r\n+a\r\n$-1\r\n";
  auto check = [](const Outcome& outcome) {
    ASSERT_TRUE(outcome.ok);
    ASSERT_EQ(outcome.reply.type, Reply::Type::kArray);
    ASSERT_EQ(outcome.reply.elements.size(), 3u);
    EXPECT_EQ(outcome.reply.elements[0].str, "hello");
    EXPECT_EQ(outcome.reply.elements[1].integer, -12);
    ASSERT_EQ(outcome.reply.elements[2].elements.size(), 2u);
    EXPECT_EQ(outcome.reply.elements[2].elements[1].type, Reply::Type::kNil);
  };
  for (size_t split = 1; split < reply.size(); ++split) {
    std::vector<Outcome> got;
    client_->Send({"X"}, Record(&got));
    server.Write(reply.substr(0, split));
    Drain();
    EXPECT_TRUE(got.empty()) << split;
    server.Write(reply.substr(split));
    ASSERT_TRUE(RunUntil([&] { return got.size() == 1; })) << split;
    check(got[0]);
  }
  // One byte per read.
  std::vector<Outcome> got;
  client_->Send({"X"}, Record(&got));
  for (char c : reply) {
    EXPECT_TRUE(got.empty());
    server.Write(std::string_view(&c, 1));
    Drain();
  }
  ASSERT_TRUE(RunUntil([&] { return got.size() == 1; }));
  check(got[0]);
}

TEST_F(RespClientTest, ReplyLargerThanOneRead) {
  FakeServer server(io_);
  ConnectTo(server);
  std::vector<Outcome> got;
  client_->Send({"GET", "big"}, Record(&got));
  client_->Send({"PING"}, Record(&got));
  std::string value(300 * 1024, 'x');
  value.back() = 'y';
  server.Write("$" + std::to_string(value.size()) + "\r\n" + value + "\r\n+PONG\r\n");
  ASSERT_TRUE(RunUntil([&] { return got.size() == 2; }));
  EXPECT_EQ(got[0].reply.str, value);
  EXPECT_EQ(got[1].reply.str, "PONG");
}

TEST_F(RespClientTest, ErrorRepliesAreReplies) {
  FakeServer server(io_);
  ConnectTo(server);
  std::vector<Outcome> got;
  client_->Send({"NOPE"}, Record(&got));
  client_->Send({"PING"}, Record(&got));
  server.Write("-ERR unknown command 'NOPE'\r\n+PONG\r\n");
  ASSERT_TRUE(RunUntil([&] { return got.size() == 2; }));
  ASSERT_TRUE(got[0].ok);
  EXPECT_EQ(got[0].reply.type, Reply::Type::kError);
  EXPECT_EQ(got[0].reply.str, "ERR unknown command 'NOPE'");
  EXPECT_EQ(got[1].reply.str, "PONG");
  EXPECT_TRUE(client_->connected());
}

TEST_F(RespClientTest, SendsBeforeConnectAreQueued) {
  FakeServer server(io_);
  std::vector<Outcome> got;
  client_->Send({"PING"}, Record(&got));
  client_->Send({"INFO", "replication"}, nullptr);  // an empty callback is allowed
  EXPECT_EQ(client_->pending(), 2u);
  std::optional<base::Status> connected;
  client_->Connect("127.0.0.1", server.port(), 5000, [&](base::Status s) { connected = s; });
  client_->Send({"ECHO", "a"}, Record(&got));
  EXPECT_FALSE(client_->connected());
  EXPECT_EQ(client_->local_ip(), "");
  std::string expected =
      Command({"PING"}) + Command({"INFO", "replication"}) + Command({"ECHO", "a"});
  ASSERT_TRUE(RunUntil([&] { return server.received().size() >= expected.size(); }));
  EXPECT_EQ(server.received(), expected);
  ASSERT_TRUE(connected.has_value());
  EXPECT_TRUE(connected->ok());
  server.Write("+PONG\r\n$0\r\n\r\n$1\r\na\r\n");
  ASSERT_TRUE(RunUntil([&] { return got.size() == 2; }));
  EXPECT_EQ(got[0].reply.str, "PONG");
  EXPECT_EQ(got[1].reply.str, "a");
  EXPECT_EQ(client_->pending(), 0u);
}

TEST_F(RespClientTest, ConnectRefusedFailsEverything) {
  int port;
  {
    tcp::acceptor closed(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = closed.local_endpoint().port();
  }
  std::vector<std::string> events;
  client_->SetOnClosed([&](base::Status s) { events.push_back("closed:" + s.message()); });
  client_->Send({"PING"}, [&](base::StatusOr<Reply> r) {
    events.push_back(r.ok() ? "reply" : "ping:" + r.status().message());
  });
  client_->Connect("127.0.0.1", port, 5000,
                   [&](base::Status s) { events.push_back("connect:" + s.message()); });
  ASSERT_TRUE(RunUntil([&] { return events.size() == 3; }));
  std::string refused = "Connection refused";
  EXPECT_EQ(events, (std::vector<std::string>{"connect:" + refused, "ping:" + refused,
                                              "closed:" + refused}));
  EXPECT_TRUE(client_->closed());
  EXPECT_EQ(client_->pending(), 0u);
  Drain();
  EXPECT_EQ(events.size(), 3u);  // each once
}

TEST_F(RespClientTest, UnresolvableNameFails) {
  std::optional<base::Status> done;
  // ".invalid" never resolves (RFC 6761); the resolver answers from its own rules.
  client_->Connect("no-such-host.invalid", 6379, 5000, [&](base::Status s) { done = s; });
  ASSERT_TRUE(RunUntil([&] { return done.has_value(); }));
  EXPECT_FALSE(done->ok());
  EXPECT_TRUE(client_->closed());
}

TEST_F(RespClientTest, ResolvesNames) {
  FakeServer server(io_);
  std::optional<base::Status> done;
  client_->Connect("localhost", server.port(), 5000, [&](base::Status s) { done = s; });
  ASSERT_TRUE(RunUntil([&] { return done.has_value(); }));
  ASSERT_TRUE(done->ok()) << done->message();
  EXPECT_EQ(client_->local_ip(), "127.0.0.1");
}

TEST_F(RespClientTest, Ipv6Literal) {
  std::unique_ptr<FakeServer> server;
  try {
    server = std::make_unique<FakeServer>(io_, "::1");
  } catch (const boost::system::system_error&) {
    GTEST_SKIP() << "no IPv6 loopback";
  }
  std::optional<base::Status> done;
  client_->Connect("::1", server->port(), 5000, [&](base::Status s) { done = s; });
  ASSERT_TRUE(RunUntil([&] { return done.has_value(); }));
  ASSERT_TRUE(done->ok()) << done->message();
  EXPECT_EQ(client_->local_ip(), "::1");
}

TEST_F(RespClientTest, V4MappedLocalIpIsPrintedAsV4) {
  std::unique_ptr<FakeServer> server;
  try {
    server = std::make_unique<FakeServer>(io_, "::ffff:127.0.0.1");
  } catch (const boost::system::system_error&) {
    GTEST_SKIP() << "no v4-mapped IPv6 sockets";
  }
  std::optional<base::Status> done;
  client_->Connect("::ffff:127.0.0.1", server->port(), 5000, [&](base::Status s) { done = s; });
  ASSERT_TRUE(RunUntil([&] { return done.has_value(); }));
  ASSERT_TRUE(done->ok()) << done->message();
  EXPECT_EQ(client_->local_ip(), "127.0.0.1");
}

// A connect to a loopback listener whose accept queue is full gets no answer (Linux drops the
// SYN), which is how the timeout is reached without leaving loopback.
TEST_F(RespClientTest, ConnectTimeout) {
  tcp::acceptor full(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  full.listen(0);
  const int port = full.local_endpoint().port();
  // Fill the queue until a connect stays unanswered for 100 ms.
  std::vector<std::unique_ptr<tcp::socket>> fillers;
  bool hung = false;
  for (int i = 0; i < 8 && !hung; ++i) {
    auto socket = std::make_unique<tcp::socket>(io_);
    // Shared: the attempt completes (aborted) only when the filler is closed, after this loop.
    auto finished = std::make_shared<bool>(false);
    socket->async_connect(full.local_endpoint(),
                          [finished](const boost::system::error_code&) { *finished = true; });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
    while (!*finished && std::chrono::steady_clock::now() < deadline) {
      io_.run_one_for(std::chrono::milliseconds(10));
    }
    hung = !*finished;
    fillers.push_back(std::move(socket));
  }
  if (!hung) GTEST_SKIP() << "this kernel answers connects to a full accept queue";
  std::vector<std::string> events;
  client_->SetOnClosed([&](base::Status s) { events.push_back("closed:" + s.message()); });
  client_->Send({"PING"}, [&](base::StatusOr<Reply> r) {
    events.push_back(r.ok() ? "reply" : "ping:" + r.status().message());
  });
  auto start = std::chrono::steady_clock::now();
  client_->Connect("127.0.0.1", port, 50,
                   [&](base::Status s) { events.push_back("connect:" + s.message()); });
  ASSERT_TRUE(RunUntil([&] { return events.size() == 3; }));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
  EXPECT_EQ(events, (std::vector<std::string>{"connect:connect timeout", "ping:connect timeout",
                                              "closed:connect timeout"}));
  EXPECT_TRUE(client_->closed());
  for (auto& socket : fillers) socket->close();
  Drain();
}

TEST_F(RespClientTest, PeerCloseFailsPendingThenReportsClosed) {
  FakeServer server(io_);
  ConnectTo(server);
  std::vector<std::string> events;
  auto record = [&](std::string name) {
    return [&events, name](base::StatusOr<Reply> r) {
      events.push_back(name + (r.ok() ? ":" + r->str : ":error"));
    };
  };
  client_->SetOnClosed([&](base::Status s) { events.push_back("closed:" + s.message()); });
  client_->Send({"PING"}, record("a"));
  client_->Send({"PING"}, record("b"));
  client_->Send({"PING"}, record("c"));
  ASSERT_TRUE(RunUntil([&] { return server.received().size() == 3 * Command({"PING"}).size(); }));
  server.Write("+PONG\r\n+PO");  // the second reply is cut by the close
  server.CloseConnection();
  ASSERT_TRUE(RunUntil([&] { return events.size() == 4; }));
  EXPECT_EQ(events, (std::vector<std::string>{"a:PONG", "b:error", "c:error",
                                              "closed:connection closed by peer"}));
  EXPECT_TRUE(client_->closed());
  EXPECT_EQ(client_->local_ip(), "");
  // Sending now fails, later and once.
  client_->Send({"PING"}, record("d"));
  EXPECT_EQ(events.size(), 4u);
  ASSERT_TRUE(RunUntil([&] { return events.size() == 5; }));
  EXPECT_EQ(events.back(), "d:error");
  Drain();
  EXPECT_EQ(events.size(), 5u);
}

TEST_F(RespClientTest, CloseInsideAReplyCallbackSuppressesTheRest) {
  FakeServer server(io_);
  ConnectTo(server);
  std::vector<std::string> events;
  client_->SetOnClosed([&](base::Status) { events.push_back("closed"); });
  client_->SetOnMessage([&](const Reply&) { events.push_back("message"); });
  client_->Send({"PING"}, [&](base::StatusOr<Reply>) {
    events.push_back("a");
    client_->Close();
  });
  client_->Send({"PING"}, [&](base::StatusOr<Reply>) { events.push_back("b"); });
  client_->Send({"PING"}, [&](base::StatusOr<Reply>) { events.push_back("c"); });
  ASSERT_TRUE(RunUntil([&] { return server.received().size() == 3 * Command({"PING"}).size(); }));
  server.Write("+PONG\r\n+PONG\r\n*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n+PONG\r\n");
  ASSERT_TRUE(RunUntil([&] { return server.peer_closed(); }));
  Drain();
  EXPECT_EQ(events, std::vector<std::string>{"a"});
  EXPECT_TRUE(client_->closed());
  EXPECT_EQ(client_->pending(), 0u);
  client_->Send({"PING"}, [&](base::StatusOr<Reply>) { events.push_back("d"); });
  Drain();
  EXPECT_EQ(events, std::vector<std::string>{"a"});
}

TEST_F(RespClientTest, CloseInsideAFailureCallbackSuppressesTheRest) {
  FakeServer server(io_);
  ConnectTo(server);
  std::vector<std::string> events;
  client_->SetOnClosed([&](base::Status) { events.push_back("closed"); });
  client_->Send({"PING"}, [&](base::StatusOr<Reply> r) {
    events.push_back(r.ok() ? "reply" : "a:error");
    client_->Close();
  });
  client_->Send({"PING"}, [&](base::StatusOr<Reply>) { events.push_back("b"); });
  server.CloseConnection();
  ASSERT_TRUE(RunUntil([&] { return !events.empty(); }));
  Drain();
  EXPECT_EQ(events, std::vector<std::string>{"a:error"});
}

TEST_F(RespClientTest, CloseWhileConnectingCallsNothing) {
  FakeServer server(io_);
  bool called = false;
  client_->SetOnClosed([&](base::Status) { called = true; });
  client_->Send({"PING"}, [&](base::StatusOr<Reply>) { called = true; });
  client_->Connect("127.0.0.1", server.port(), 5000, [&](base::Status) { called = true; });
  client_->Close();
  EXPECT_TRUE(client_->closed());
  EXPECT_EQ(client_->pending(), 0u);
  for (int i = 0; i < 10; ++i) io_.run_one_for(std::chrono::milliseconds(5));
  EXPECT_FALSE(called);
  EXPECT_TRUE(server.received().empty());
}

TEST_F(RespClientTest, OwnerMayDropTheClientAfterClose) {
  FakeServer server(io_);
  ConnectTo(server);
  client_->Send({"PING"}, nullptr);
  std::weak_ptr<RespClient> weak = client_;
  client_->Close();
  client_.reset();
  // Pending operations still hold it; they end and release it.
  ASSERT_TRUE(RunUntil([&] { return weak.expired(); }));
}

TEST_F(RespClientTest, PublishedMessagesGoToOnMessage) {
  FakeServer server(io_);
  ConnectTo(server);
  std::vector<Reply> messages;
  client_->SetOnMessage([&](const Reply& m) { messages.push_back(m); });
  std::vector<Outcome> got;
  client_->Send({"SUBSCRIBE", "__sentinel__:hello"}, Record(&got));
  client_->Send({"PSUBSCRIBE", "*"}, Record(&got));
  server.Write("*3\r\n$9\r\nsubscribe\r\n$18\r\n__sentinel__:hello\r\n:1\r\n");
  server.Write("*3\r\n$7\r\nmessage\r\n$18\r\n__sentinel__:hello\r\n$2\r\nhi\r\n");
  server.Write("*3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:2\r\n");
  server.Write("*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$1\r\nc\r\n$3\r\nyou\r\n");
  ASSERT_TRUE(RunUntil([&] { return got.size() == 2 && messages.size() == 2; }));
  EXPECT_EQ(got[0].reply.elements[0].str, "subscribe");
  EXPECT_EQ(got[0].reply.elements[2].integer, 1);
  EXPECT_EQ(got[1].reply.elements[0].str, "psubscribe");
  EXPECT_EQ(messages[0].elements[0].str, "message");
  EXPECT_EQ(messages[0].elements[2].str, "hi");
  EXPECT_EQ(messages[1].elements[0].str, "pmessage");
  EXPECT_EQ(messages[1].elements[3].str, "you");
  // Commands still get their replies around messages.
  client_->Send({"PING"}, Record(&got));
  server.Write("*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\n2\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n");
  ASSERT_TRUE(RunUntil([&] { return got.size() == 3; }));
  EXPECT_EQ(got[2].reply.elements[0].str, "pong");
  EXPECT_EQ(messages.size(), 3u);
}

TEST_F(RespClientTest, Resp3PushMessages) {
  FakeServer server(io_);
  ConnectTo(server);
  std::vector<Reply> messages;
  client_->SetOnMessage([&](const Reply& m) { messages.push_back(m); });
  std::vector<Outcome> got;
  client_->Send({"HELLO", "3"}, Record(&got));
  client_->Send({"SUBSCRIBE", "ch"}, Record(&got));
  server.Write("%1\r\n+proto\r\n:3\r\n");
  server.Write(">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
  server.Write(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n");
  ASSERT_TRUE(RunUntil([&] { return got.size() == 2 && messages.size() == 1; }));
  EXPECT_EQ(got[0].reply.type, Reply::Type::kMap);
  EXPECT_EQ(got[1].reply.type, Reply::Type::kPush);
  EXPECT_EQ(got[1].reply.elements[0].str, "subscribe");
  EXPECT_EQ(messages[0].type, Reply::Type::kPush);
  EXPECT_EQ(messages[0].elements[2].str, "hello");
}

TEST_F(RespClientTest, WithoutOnMessageAMessageIsAReply) {
  FakeServer server(io_);
  ConnectTo(server);
  std::vector<Outcome> got;
  client_->Send({"X"}, Record(&got));
  server.Write("*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n");
  ASSERT_TRUE(RunUntil([&] { return got.size() == 1; }));
  EXPECT_EQ(got[0].reply.elements[0].str, "message");
}

TEST_F(RespClientTest, ProtocolErrorEndsTheConnection) {
  FakeServer server(io_);
  ConnectTo(server);
  std::vector<std::string> events;
  client_->SetOnClosed([&](base::Status s) { events.push_back("closed:" + s.message()); });
  client_->Send({"PING"}, [&](base::StatusOr<Reply> r) {
    events.push_back(r.ok() ? "a:" + r->str : "a:error");
  });
  client_->Send({"PING"}, [&](base::StatusOr<Reply> r) {
    events.push_back(r.ok() ? "b:reply" : "b:" + r.status().message());
  });
  server.Write("+PONG\r\n?what\r\n");
  ASSERT_TRUE(RunUntil([&] { return events.size() == 3; }));
  EXPECT_EQ(events[0], "a:PONG");
  EXPECT_EQ(events[1].rfind("b:Protocol error", 0), 0u) << events[1];
  EXPECT_EQ(events[2].rfind("closed:Protocol error", 0), 0u) << events[2];
  EXPECT_TRUE(client_->closed());
  ASSERT_TRUE(RunUntil([&] { return server.peer_closed(); }));
}

}  // namespace
}  // namespace tandem::net
