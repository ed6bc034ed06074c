#include "sentinel/client_front.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/resp/argv_encoder.h"
#include "server/resp/reply_parser.h"

namespace tandem::sentinel {
namespace {

using resp::Reply;
using Type = resp::Reply::Type;

constexpr std::string_view kInfoSentinel =
    "# Sentinel\r\nsentinel_masters:1\r\nsentinel_tilt:0\r\n"
    "master0:name=m1,status=ok,address=127.0.0.1:6379,slaves=0,sentinels=1\r\n";

// A stand-in for the sentinel core that records what the front asked of it. Called on the I/O
// thread, read by the test thread: hence the mutex.
class FakeHost : public ClientFrontHost {
 public:
  void SentinelCommand(std::span<const std::string_view> args, resp::ReplyBuilder& out) override {
    std::lock_guard lock(mu_);
    sentinel_calls_.emplace_back(args.begin(), args.end());
    if (!args.empty() && args[0] == "myid") return out.Bulk(run_id_);
    out.Error("ERR Unknown sentinel subcommand");
  }
  std::string InfoSentinelSection() override { return std::string(kInfoSentinel); }
  std::vector<std::string> MasterNames() override { return {"m1", "m2"}; }
  void HelloReceived(std::string_view payload) override {
    std::lock_guard lock(mu_);
    hellos_.emplace_back(payload);
  }
  const std::string& RunId() override { return run_id_; }
  void Shutdown() override {
    std::lock_guard lock(mu_);
    ++shutdowns_;
  }

  std::vector<std::vector<std::string>> sentinel_calls() {
    std::lock_guard lock(mu_);
    return sentinel_calls_;
  }
  std::vector<std::string> hellos() {
    std::lock_guard lock(mu_);
    return hellos_;
  }
  int shutdowns() {
    std::lock_guard lock(mu_);
    return shutdowns_;
  }

 private:
  std::mutex mu_;
  std::string run_id_ = "0123456789abcdef0123456789abcdef01234567";
  std::vector<std::vector<std::string>> sentinel_calls_;
  std::vector<std::string> hellos_;
  int shutdowns_ = 0;
};

// A small blocking RESP client over a plain socket, with a timeout on every read.
class TestClient {
 public:
  explicit TestClient(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~TestClient() { close(fd_); }
  bool connected() const { return connected_; }

  void SendRaw(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }
  void Send(std::initializer_list<std::string_view> argv) {
    std::string out;
    resp::EncodeCommand(argv, &out);
    SendRaw(out);
  }
  Reply Call(std::initializer_list<std::string_view> argv) {
    Send(argv);
    return Read();
  }
  // The next reply; a kError reply saying "timeout" or "closed" when none comes.
  Reply Read() {
    for (;;) {
      size_t consumed = 0;
      Reply reply;
      if (!in_.empty() && parser_.Parse(in_, &consumed, &reply) == resp::ParseResult::kCommand) {
        in_.erase(0, consumed);
        return reply;
      }
      Reply failure;
      failure.type = Type::kError;
      if (!Fill(5000)) {
        failure.str = closed_ ? "closed" : "timeout";
        return failure;
      }
    }
  }
  // True when the server closes the connection (after any pending replies) within the timeout.
  bool WaitClosed() {
    while (Fill(5000)) {
    }
    return closed_;
  }
  // True when nothing arrives within `ms`.
  bool Silent(int ms) { return !Fill(ms) && !closed_ && in_.empty(); }
  std::string& buffered() { return in_; }

 private:
  bool Fill(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return false;
    char buf[16384];
    ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    in_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string in_;
  resp::ReplyParser parser_;
};

std::vector<std::string> Strings(const Reply& reply) {
  std::vector<std::string> out;
  for (const Reply& e : reply.elements) out.push_back(e.str);
  return out;
}

// "id=1 addr=... name=x ..." lines as redis-py parses them: one map per line.
std::vector<std::map<std::string, std::string>> ParseClientList(const std::string& text) {
  std::vector<std::map<std::string, std::string>> clients;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end - start);
    start = end + 1;
    std::map<std::string, std::string> fields;
    size_t pos = 0;
    while (pos < line.size()) {
      size_t space = line.find(' ', pos);
      if (space == std::string::npos) space = line.size();
      std::string field = line.substr(pos, space - pos);
      size_t eq = field.find('=');
      fields[field.substr(0, eq)] = field.substr(eq + 1);
      pos = space + 1;
    }
    clients.push_back(fields);
  }
  return clients;
}

class ClientFrontTest : public testing::Test {
 protected:
  void StartFront(std::string requirepass = "") {
    ClientFrontSettings settings;
    settings.port = 0;
    settings.bind = {"127.0.0.1"};
    settings.requirepass = std::move(requirepass);
    settings.start_time_ms = 0;
    front_ = std::make_unique<ClientFront>(io_, settings, host_);
    base::Status status = front_->Listen();
    ASSERT_TRUE(status.ok()) << status.message();
    io_thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (io_thread_.joinable()) {
      boost::asio::post(io_, [this] { front_->Stop(); });
      work_.reset();
      io_.stop();
      io_thread_.join();
    }
    front_.reset();
  }

  // Runs `fn` on the front's thread and returns its result.
  template <typename Fn>
  auto OnIo(Fn fn) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return result.get();
  }
  size_t Publish(std::string_view channel, std::string_view message) {
    return OnIo([&] { return front_->Publish(channel, message); });
  }

  std::unique_ptr<TestClient> Connect() { return std::make_unique<TestClient>(front_->port()); }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  std::thread io_thread_;
  FakeHost host_;
  std::unique_ptr<ClientFront> front_;
};

TEST_F(ClientFrontTest, PingAndRedisErrorsForUnknownCommandsAndArity) {
  StartFront();
  auto c = Connect();
  ASSERT_TRUE(c->connected());
  EXPECT_EQ(c->Call({"PING"}).str, "PONG");
  Reply echo = c->Call({"ping", "hi"});
  EXPECT_EQ(echo.type, Type::kBulk);
  EXPECT_EQ(echo.str, "hi");
  EXPECT_EQ(c->Call({"foo", "bar", "baz"}).str,
            "ERR unknown command 'foo', with args beginning with: 'bar' 'baz' ");
  EXPECT_EQ(c->Call({"GET"}).str, "ERR unknown command 'GET', with args beginning with: ");
  EXPECT_EQ(c->Call({"PING", "a", "b"}).str, "ERR wrong number of arguments for 'ping' command");
  EXPECT_EQ(c->Call({"ROLE", "x"}).str, "ERR wrong number of arguments for 'role' command");
  EXPECT_EQ(c->Call({"CLIENT"}).str, "ERR wrong number of arguments for 'client' command");
  EXPECT_EQ(c->Call({"CLIENT", "SETNAME"}).str,
            "ERR wrong number of arguments for 'client|setname' command");
  EXPECT_EQ(c->Call({"client", "nope"}).str, "ERR unknown subcommand 'nope'. Try CLIENT HELP.");
  EXPECT_EQ(c->Call({"PUBLISH", "x"}).str, "ERR wrong number of arguments for 'publish' command");
}

TEST_F(ClientFrontTest, LongUnknownCommandArgumentsAreCutAt128Bytes) {
  StartFront();
  auto c = Connect();
  std::string big(200, 'x');
  Reply r = c->Call({"nope", big, "next"});
  EXPECT_EQ(r.str, "ERR unknown command 'nope', with args beginning with: '" +
                       std::string(128, 'x') + "' ");
}

TEST_F(ClientFrontTest, RequirepassRefusesCommandsUntilAuth) {
  StartFront("sekret");
  auto c = Connect();
  EXPECT_EQ(c->Call({"PING"}).str, "NOAUTH Authentication required.");
  EXPECT_EQ(c->Call({"SUBSCRIBE", "x"}).str, "NOAUTH Authentication required.");
  // Unknown commands and arity are checked before authentication, as in Redis.
  EXPECT_EQ(c->Call({"foo"}).str, "ERR unknown command 'foo', with args beginning with: ");
  EXPECT_EQ(c->Call({"HELLO", "3"}).str.rfind("NOAUTH HELLO must be called with the client", 0),
            0u);
  EXPECT_EQ(c->Call({"AUTH", "wrong"}).str,
            "WRONGPASS invalid username-password pair or user is disabled.");
  EXPECT_EQ(c->Call({"AUTH", "bob", "sekret"}).str,
            "WRONGPASS invalid username-password pair or user is disabled.");
  EXPECT_EQ(c->Call({"AUTH", "a", "b", "c"}).str, "ERR syntax error");
  EXPECT_EQ(c->Call({"PING"}).str, "NOAUTH Authentication required.");
  EXPECT_EQ(c->Call({"AUTH", "sekret"}).str, "OK");
  EXPECT_EQ(c->Call({"PING"}).str, "PONG");
  // A failed AUTH does not undo an earlier success.
  EXPECT_EQ(c->Call({"AUTH", "wrong"}).type, Type::kError);
  EXPECT_EQ(c->Call({"PING"}).str, "PONG");

  auto d = Connect();
  EXPECT_EQ(d->Call({"AUTH", "default", "sekret"}).str, "OK");
  EXPECT_EQ(d->Call({"ROLE"}).type, Type::kArray);
}

TEST_F(ClientFrontTest, HelloAuthenticatesSetsNameAndSwitchesProtocol) {
  StartFront("sekret");
  auto c = Connect();
  EXPECT_EQ(c->Call({"HELLO", "3", "AUTH", "default", "bad"}).str,
            "WRONGPASS invalid username-password pair or user is disabled.");
  Reply hello = c->Call({"HELLO", "3", "AUTH", "default", "sekret", "SETNAME", "probe"});
  ASSERT_EQ(hello.type, Type::kMap);
  ASSERT_EQ(hello.elements.size(), 12u);
  EXPECT_EQ(Strings(hello)[0], "server");
  EXPECT_EQ(hello.elements[1].str, "redis");
  EXPECT_EQ(hello.elements[3].str, "7.0.15");
  EXPECT_EQ(hello.elements[5].integer, 3);
  EXPECT_EQ(hello.elements[6].str, "id");
  EXPECT_EQ(hello.elements[9].str, "sentinel");
  EXPECT_EQ(hello.elements[10].str, "modules");
  EXPECT_EQ(hello.elements[11].type, Type::kArray);
  EXPECT_EQ(c->Call({"CLIENT", "GETNAME"}).str, "probe");
  EXPECT_EQ(c->Call({"CLIENT", "ID"}).integer, hello.elements[7].integer);
  // RESP3 from now on: CLIENT INFO is a verbatim string.
  EXPECT_EQ(c->Call({"CLIENT", "INFO"}).type, Type::kVerbatim);

  EXPECT_EQ(c->Call({"HELLO", "4"}).str, "NOPROTO unsupported protocol version");
  EXPECT_EQ(c->Call({"HELLO", "x"}).str, "ERR Protocol version is not an integer or out of range");
  EXPECT_EQ(c->Call({"HELLO", "2", "FOO"}).str, "ERR Syntax error in HELLO option 'FOO'");
  EXPECT_EQ(c->Call({"HELLO", "2", "AUTH", "default"}).str,
            "ERR Syntax error in HELLO option 'AUTH'");
  EXPECT_EQ(c->Call({"HELLO", "2", "SETNAME", "a b"}).str,
            "ERR Client names cannot contain spaces, newlines or special characters.");
  Reply two = c->Call({"HELLO", "2"});
  EXPECT_EQ(two.type, Type::kArray);
  EXPECT_EQ(two.elements[5].integer, 2);
}

TEST_F(ClientFrontTest, AuthWithoutRequirepassIsRedisError) {
  StartFront();
  auto c = Connect();
  EXPECT_EQ(c->Call({"AUTH", "x"}).str,
            "ERR AUTH <password> called without any password configured for the default user. "
            "Are you sure your configuration is correct?");
  EXPECT_EQ(c->Call({"AUTH", "default", "anything"}).str, "OK");
  EXPECT_EQ(c->Call({"HELLO", "3", "AUTH", "nobody", "x"}).str,
            "WRONGPASS invalid username-password pair or user is disabled.");
}

TEST_F(ClientFrontTest, SubscribeReceivesPublishedEventsInResp2) {
  StartFront();
  auto c = Connect();
  c->Send({"SUBSCRIBE", "+sdown", "+odown"});
  Reply first = c->Read();
  ASSERT_EQ(first.type, Type::kArray);
  EXPECT_EQ(Strings(first)[0], "subscribe");
  EXPECT_EQ(Strings(first)[1], "+sdown");
  EXPECT_EQ(first.elements[2].integer, 1);
  EXPECT_EQ(c->Read().elements[2].integer, 2);

  EXPECT_EQ(Publish("+sdown", "master m1 127.0.0.1 6379"), 1u);
  EXPECT_EQ(Publish("+other", "x"), 0u);
  Reply msg = c->Read();
  ASSERT_EQ(msg.type, Type::kArray);
  EXPECT_EQ(Strings(msg),
            (std::vector<std::string>{"message", "+sdown", "master m1 127.0.0.1 6379"}));

  // Subscribed RESP2 clients may only (un)subscribe and PING.
  EXPECT_EQ(c->Call({"INFO"}).str,
            "ERR Can't execute 'info': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
            "RESET are allowed in this context");
  EXPECT_EQ(c->Call({"CLIENT", "ID"}).str.rfind("ERR Can't execute 'client|id'", 0), 0u);
  EXPECT_EQ(c->Call({"PUBLISH", "__sentinel__:hello", "x"}).str.rfind("ERR Can't execute", 0), 0u);
  EXPECT_EQ(Strings(c->Call({"PING"})), (std::vector<std::string>{"pong", ""}));
  EXPECT_EQ(Strings(c->Call({"PING", "x"})), (std::vector<std::string>{"pong", "x"}));

  c->Send({"UNSUBSCRIBE"});
  EXPECT_EQ(c->Read().elements[2].integer, 1);
  EXPECT_EQ(c->Read().elements[2].integer, 0);
  // Nothing left: Redis answers with a null channel.
  Reply none = c->Call({"UNSUBSCRIBE"});
  EXPECT_EQ(none.elements[1].type, Type::kNil);
  EXPECT_EQ(none.elements[2].integer, 0);
  // Out of subscribed mode every command works again.
  EXPECT_EQ(c->Call({"CLIENT", "ID"}).type, Type::kInteger);
  EXPECT_EQ(Publish("+sdown", "y"), 0u);
}

TEST_F(ClientFrontTest, Resp3SubscribersGetPushesAndMayRunAnyCommand) {
  StartFront();
  auto c = Connect();
  ASSERT_EQ(c->Call({"HELLO", "3"}).type, Type::kMap);
  Reply sub = c->Call({"SUBSCRIBE", "+switch-master"});
  EXPECT_EQ(sub.type, Type::kPush);
  EXPECT_EQ(Publish("+switch-master", "m1 10.0.0.1 6379 10.0.0.2 6379"), 1u);
  Reply msg = c->Read();
  ASSERT_EQ(msg.type, Type::kPush);
  EXPECT_EQ(Strings(msg), (std::vector<std::string>{"message", "+switch-master",
                                                    "m1 10.0.0.1 6379 10.0.0.2 6379"}));
  EXPECT_EQ(c->Call({"PING"}).str, "PONG");
  EXPECT_EQ(c->Call({"INFO", "sentinel"}).str, kInfoSentinel);
  Reply none = c->Call({"PUNSUBSCRIBE"});
  EXPECT_EQ(none.type, Type::kPush);
  EXPECT_EQ(none.elements[1].type, Type::kNil);
  EXPECT_EQ(none.elements[2].integer, 1);  // the channel subscription remains
}

TEST_F(ClientFrontTest, PatternSubscriptionsMatchGlobsAndCountEachDelivery) {
  StartFront();
  auto c = Connect();
  c->Send({"PSUBSCRIBE", "+*", "-?down"});
  EXPECT_EQ(c->Read().elements[2].integer, 1);
  EXPECT_EQ(c->Read().elements[2].integer, 2);
  EXPECT_EQ(c->Call({"SUBSCRIBE", "+sdown"}).elements[2].integer, 3);

  // The channel subscriber first, then the pattern: two deliveries to the same client.
  EXPECT_EQ(Publish("+sdown", "a"), 2u);
  EXPECT_EQ(Strings(c->Read()), (std::vector<std::string>{"message", "+sdown", "a"}));
  EXPECT_EQ(Strings(c->Read()), (std::vector<std::string>{"pmessage", "+*", "+sdown", "a"}));
  EXPECT_EQ(Publish("-odown", "b"), 1u);
  EXPECT_EQ(Strings(c->Read()), (std::vector<std::string>{"pmessage", "-?down", "-odown", "b"}));
  EXPECT_EQ(Publish("-failover-abort", "c"), 0u);
  EXPECT_TRUE(c->Silent(50));

  Reply unsub = c->Call({"PUNSUBSCRIBE", "+*"});
  EXPECT_EQ(Strings(unsub)[1], "+*");
  EXPECT_EQ(unsub.elements[2].integer, 2);
  EXPECT_EQ(Publish("+tilt", "d"), 0u);

  auto other = Connect();
  std::string stats = other->Call({"INFO", "stats"}).str;
  EXPECT_NE(stats.find("pubsub_channels:1\r\n"), std::string::npos);
  EXPECT_NE(stats.find("pubsub_patterns:1\r\n"), std::string::npos);
}

TEST_F(ClientFrontTest, ClientNameIdListAndInfo) {
  StartFront();
  auto a = Connect();
  auto b = Connect();
  EXPECT_EQ(a->Call({"CLIENT", "GETNAME"}).type, Type::kNil);
  EXPECT_EQ(a->Call({"CLIENT", "SETNAME", "alpha"}).str, "OK");
  EXPECT_EQ(a->Call({"CLIENT", "GETNAME"}).str, "alpha");
  EXPECT_EQ(a->Call({"CLIENT", "SETNAME", "a b"}).str,
            "ERR Client names cannot contain spaces, newlines or special characters.");
  int64_t a_id = a->Call({"CLIENT", "ID"}).integer;
  int64_t b_id = b->Call({"CLIENT", "ID"}).integer;
  EXPECT_GT(b_id, a_id);
  b->Call({"SUBSCRIBE", "x"});

  Reply list = a->Call({"CLIENT", "LIST"});
  ASSERT_EQ(list.type, Type::kBulk);
  auto clients = ParseClientList(list.str);
  ASSERT_EQ(clients.size(), 2u);
  EXPECT_EQ(clients[0]["id"], std::to_string(a_id));
  EXPECT_EQ(clients[0]["name"], "alpha");
  EXPECT_EQ(clients[0]["flags"], "N");
  EXPECT_EQ(clients[0]["cmd"], "client|list");
  EXPECT_EQ(clients[0]["resp"], "2");
  EXPECT_EQ(clients[0]["laddr"], "127.0.0.1:" + std::to_string(front_->port()));
  EXPECT_EQ(clients[0]["user"], "default");
  EXPECT_EQ(clients[1]["id"], std::to_string(b_id));
  EXPECT_EQ(clients[1]["flags"], "P");
  EXPECT_EQ(clients[1]["sub"], "1");
  EXPECT_EQ(clients[1]["cmd"], "subscribe");
  for (const char* field : {"addr", "fd", "age", "idle", "db", "psub", "multi", "qbuf", "omem",
                            "tot-mem", "events", "redir"}) {
    EXPECT_TRUE(clients[0].contains(field)) << field;
  }

  auto pubsub = ParseClientList(a->Call({"CLIENT", "LIST", "TYPE", "pubsub"}).str);
  ASSERT_EQ(pubsub.size(), 1u);
  EXPECT_EQ(pubsub[0]["id"], std::to_string(b_id));
  auto by_id = ParseClientList(a->Call({"CLIENT", "LIST", "ID", std::to_string(a_id), "999"}).str);
  ASSERT_EQ(by_id.size(), 1u);
  EXPECT_EQ(by_id[0]["name"], "alpha");
  EXPECT_EQ(a->Call({"CLIENT", "LIST", "TYPE", "bogus"}).str, "ERR Unknown client type 'bogus'");
  EXPECT_EQ(a->Call({"CLIENT", "LIST", "ID", "x"}).str, "ERR Invalid client ID");
  EXPECT_EQ(a->Call({"CLIENT", "LIST", "x"}).str, "ERR syntax error");

  Reply info = a->Call({"CLIENT", "INFO"});
  auto self = ParseClientList(info.str);
  ASSERT_EQ(self.size(), 1u);
  EXPECT_EQ(self[0]["id"], std::to_string(a_id));
  EXPECT_EQ(self[0]["cmd"], "client|info");
}

TEST_F(ClientFrontTest, ClientKillByIdAddressAndType) {
  StartFront();
  auto killer = Connect();
  auto victim = Connect();
  auto sub = Connect();
  int64_t victim_id = victim->Call({"CLIENT", "ID"}).integer;
  sub->Call({"SUBSCRIBE", "x"});

  EXPECT_EQ(killer->Call({"CLIENT", "KILL", "ID", "0"}).str,
            "ERR client-id should be greater than 0");
  EXPECT_EQ(killer->Call({"CLIENT", "KILL", "TYPE", "bad"}).str, "ERR Unknown client type 'bad'");
  EXPECT_EQ(killer->Call({"CLIENT", "KILL", "USER", "bob"}).str, "ERR No such user 'bob'");
  EXPECT_EQ(killer->Call({"CLIENT", "KILL", "SKIPME", "maybe"}).str, "ERR syntax error");
  EXPECT_EQ(killer->Call({"CLIENT", "KILL", "a", "b", "c"}).str, "ERR syntax error");
  EXPECT_EQ(killer->Call({"CLIENT", "KILL", "1.2.3.4:5"}).str, "ERR No such client");

  EXPECT_EQ(killer->Call({"CLIENT", "KILL", "ID", std::to_string(victim_id)}).integer, 1);
  EXPECT_TRUE(victim->WaitClosed());
  EXPECT_EQ(killer->Call({"CLIENT", "KILL", "TYPE", "pubsub"}).integer, 1);
  EXPECT_TRUE(sub->WaitClosed());
  // SKIPME yes (the default) spares the caller.
  EXPECT_EQ(killer->Call({"CLIENT", "KILL", "TYPE", "normal"}).integer, 0);

  // The old form by address kills even the caller, after its +OK.
  auto self = Connect();
  auto clients = ParseClientList(self->Call({"CLIENT", "INFO"}).str);
  ASSERT_EQ(clients.size(), 1u);
  EXPECT_EQ(self->Call({"CLIENT", "KILL", clients[0]["addr"]}).str, "OK");
  EXPECT_TRUE(self->WaitClosed());
  EXPECT_EQ(killer->Call({"PING"}).str, "PONG");
}

TEST_F(ClientFrontTest, RoleListsMonitoredMasters) {
  StartFront();
  auto c = Connect();
  Reply role = c->Call({"ROLE"});
  ASSERT_EQ(role.type, Type::kArray);
  ASSERT_EQ(role.elements.size(), 2u);
  EXPECT_EQ(role.elements[0].str, "sentinel");
  EXPECT_EQ(Strings(role.elements[1]), (std::vector<std::string>{"m1", "m2"}));
}

TEST_F(ClientFrontTest, InfoSectionsInRedisOrder) {
  StartFront();
  auto c = Connect();
  std::string all = c->Call({"INFO"}).str;
  size_t server = all.find("# Server\r\n"), clients = all.find("\r\n\r\n# Clients\r\n"),
         cpu = all.find("\r\n\r\n# CPU\r\n"), stats = all.find("\r\n\r\n# Stats\r\n"),
         sentinel = all.find("\r\n\r\n# Sentinel\r\n");
  EXPECT_EQ(server, 0u);
  ASSERT_NE(sentinel, std::string::npos);
  EXPECT_LT(clients, cpu);
  EXPECT_LT(cpu, stats);
  EXPECT_LT(stats, sentinel);
  EXPECT_EQ(all.substr(sentinel + 4), kInfoSentinel);
  std::string everything = c->Call({"INFO", "everything"}).str;
  EXPECT_EQ(everything.find("# Server\r\n"), 0u);
  EXPECT_TRUE(everything.ends_with(std::string("\r\n\r\n").append(kInfoSentinel)));

  std::string s = c->Call({"INFO", "SERVER"}).str;
  EXPECT_EQ(s.rfind("# Server\r\nredis_version:7.0.15\r\n", 0), 0u);
  EXPECT_NE(s.find("redis_mode:sentinel\r\n"), std::string::npos);
  EXPECT_NE(s.find("run_id:" + host_.RunId() + "\r\n"), std::string::npos);
  EXPECT_NE(s.find("tcp_port:" + std::to_string(front_->port()) + "\r\n"), std::string::npos);
  EXPECT_NE(s.find("process_id:" + std::to_string(getpid()) + "\r\n"), std::string::npos);
  EXPECT_EQ(s.find("# Clients"), std::string::npos);

  EXPECT_EQ(c->Call({"INFO", "sentinel"}).str, kInfoSentinel);
  std::string two = c->Call({"INFO", "sentinel", "clients"}).str;
  EXPECT_EQ(two.rfind("# Clients\r\nconnected_clients:1\r\n", 0), 0u);
  EXPECT_NE(two.find("\r\n\r\n# Sentinel\r\n"), std::string::npos);
  EXPECT_EQ(c->Call({"INFO", "bogus"}).str, "");
  std::string stats_text = c->Call({"INFO", "stats"}).str;
  EXPECT_NE(stats_text.find("total_connections_received:1\r\n"), std::string::npos);
}

TEST_F(ClientFrontTest, PublishOnlyAcceptsHellosAndHandsThemToTheHost) {
  StartFront();
  auto c = Connect();
  auto watcher = Connect();
  watcher->Call({"PSUBSCRIBE", "*"});
  Reply r = c->Call({"PUBLISH", "__sentinel__:hello", "10.0.0.1,26379,abc,1,m,10.0.0.2,6379,1"});
  EXPECT_EQ(r.type, Type::kInteger);
  EXPECT_EQ(r.integer, 1);
  EXPECT_EQ(host_.hellos(), (std::vector<std::string>{"10.0.0.1,26379,abc,1,m,10.0.0.2,6379,1"}));
  // A hello goes to the host only: subscribers of the front do not see it.
  EXPECT_TRUE(watcher->Silent(50));
  EXPECT_EQ(c->Call({"PUBLISH", "news", "x"}).str,
            "ERR Only HELLO messages are accepted by Sentinel instances.");
}

TEST_F(ClientFrontTest, SentinelCommandGoesToTheHost) {
  StartFront();
  auto c = Connect();
  EXPECT_EQ(c->Call({"SENTINEL", "myid"}).str, host_.RunId());
  EXPECT_EQ(c->Call({"sentinel", "get-master-addr-by-name", "m1"}).str,
            "ERR Unknown sentinel subcommand");
  EXPECT_EQ(c->Call({"SENTINEL"}).str, "ERR wrong number of arguments for 'sentinel' command");
  EXPECT_EQ(host_.sentinel_calls(),
            (std::vector<std::vector<std::string>>{{"myid"}, {"get-master-addr-by-name", "m1"}}));
}

TEST_F(ClientFrontTest, CommandCountListInfoAndDocs) {
  StartFront();
  auto c = Connect();
  EXPECT_EQ(c->Call({"COMMAND", "COUNT"}).integer, 14);
  Reply all = c->Call({"COMMAND"});
  EXPECT_EQ(all.elements.size(), 14u);
  Reply docs = c->Call({"COMMAND", "DOCS"});
  EXPECT_EQ(docs.type, Type::kArray);  // an empty map, flat in RESP2
  EXPECT_TRUE(docs.elements.empty());
  Reply info = c->Call({"COMMAND", "INFO", "ping", "nosuch", "client|kill"});
  ASSERT_EQ(info.elements.size(), 3u);
  const Reply& ping = info.elements[0];
  ASSERT_EQ(ping.elements.size(), 10u);
  EXPECT_EQ(ping.elements[0].str, "ping");
  EXPECT_EQ(ping.elements[1].integer, -1);
  EXPECT_EQ(Strings(ping.elements[2]), (std::vector<std::string>{"fast"}));
  EXPECT_EQ(Strings(ping.elements[6]), (std::vector<std::string>{"@fast", "@connection"}));
  EXPECT_EQ(info.elements[1].type, Type::kNil);
  EXPECT_EQ(info.elements[2].elements[0].str, "client|kill");
  EXPECT_EQ(info.elements[2].elements[1].integer, -3);
  std::vector<std::string> names = Strings(c->Call({"COMMAND", "LIST"}));
  EXPECT_NE(std::find(names.begin(), names.end(), "client|setname"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "sentinel"), names.end());
}

TEST_F(ClientFrontTest, ProtocolErrorClosesOnlyThatClient) {
  StartFront();
  auto bad = Connect();
  auto good = Connect();
  EXPECT_EQ(good->Call({"PING"}).str, "PONG");
  bad->SendRaw("*1\r\n$-3\r\n");
  EXPECT_EQ(bad->Read().str, "ERR Protocol error: invalid bulk length");
  EXPECT_TRUE(bad->WaitClosed());
  EXPECT_EQ(good->Call({"PING"}).str, "PONG");
}

TEST_F(ClientFrontTest, ShutdownAsksTheHostAndClosesTheConnection) {
  StartFront();
  auto c = Connect();
  EXPECT_EQ(c->Call({"SHUTDOWN", "ABORT"}).str, "ERR No shutdown in progress.");
  EXPECT_EQ(c->Call({"SHUTDOWN", "NOSAVE", "SAVE"}).str, "ERR syntax error");
  EXPECT_EQ(c->Call({"SHUTDOWN", "later"}).str, "ERR syntax error");
  EXPECT_EQ(host_.shutdowns(), 0);
  c->Send({"SHUTDOWN", "NOW"});
  EXPECT_TRUE(c->WaitClosed());
  EXPECT_TRUE(c->buffered().empty());
  EXPECT_EQ(host_.shutdowns(), 1);
}

TEST_F(ClientFrontTest, StopClosesListenerAndClients) {
  StartFront();
  auto c = Connect();
  EXPECT_EQ(c->Call({"PING"}).str, "PONG");
  int port = front_->port();
  OnIo([this] {
    front_->Stop();
    return 0;
  });
  EXPECT_TRUE(c->WaitClosed());
  TestClient late(port);
  EXPECT_FALSE(late.connected());
}

TEST(ClientFrontListenTest, AFailedAddressLeavesNothingListening) {
  boost::asio::io_context io;
  FakeHost host;
  ClientFrontSettings first;
  first.port = 0;
  first.bind = {"127.0.0.1"};
  ClientFront taken(io, first, host);
  ASSERT_TRUE(taken.Listen().ok());

  // The same port again: the bind fails.
  ClientFrontSettings clash = first;
  clash.port = taken.port();
  ClientFront second(io, clash, host);
  base::Status status = second.Listen();
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("Could not create server TCP listening socket"),
            std::string::npos);

  // A good address followed by a bad one: the good one is closed again. The port is one just
  // freed, so that the probe knows where to knock.
  int free_port = taken.port();
  taken.Stop();
  ClientFrontSettings mixed;
  mixed.port = free_port;
  mixed.bind = {"127.0.0.1", "not-an-address"};
  ClientFront third(io, mixed, host);
  EXPECT_EQ(third.Listen().message(), "Invalid bind address 'not-an-address'");
  TestClient probe(free_port);
  EXPECT_FALSE(probe.connected());
}

}  // namespace
}  // namespace tandem::sentinel
