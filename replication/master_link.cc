#include "replication/master_link.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>
#include <vector>

#include "replication/payload_receiver.h"
#include "server/commands/client.h"
#include "server/net/source_address.h"
#include "server/resp/argv_encoder.h"
#include "server/resp/request_parser.h"

namespace tandem::replication {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;

namespace {

// Larger than a client's 16 KB reads: the stream is one long pipeline, and fewer wake-ups let a
// replica that shares the CPU with its master keep up.
constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kMaxReplyLine = 64 * 1024;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

struct MasterLink::Impl {
  class Connection;

  Impl(asio::io_context& io_context, commands::ServerState& server_state,
       commands::Dispatcher& command_dispatcher, MasterLinkHost& link_host, std::string host_name,
       int host_port)
      : io(io_context),
        state(server_state),
        dispatcher(command_dispatcher),
        host(link_host),
        master_host(std::move(host_name)),
        master_port(host_port),
        socket(io_context),
        watchdog(io_context) {}

  asio::io_context& io;
  commands::ServerState& state;
  commands::Dispatcher& dispatcher;
  MasterLinkHost& host;
  const std::string master_host;
  const int master_port;
  tcp::socket socket;
  asio::steady_timer watchdog;  // once a second: REPLCONF ACK and repl-timeout

  LinkState link_state = LinkState::kConnecting;
  bool stopped = false;  // Stop(): the host is not called any more
  MasterLinkInfo info;
  int stream_db = 0;
  int64_t last_ack_ms = 0;

  std::string in;  // bytes received and not consumed yet
  std::array<char, kReadChunk> chunk;
  std::unique_ptr<PayloadReceiver> payload;

  // The stream: the master client, and the bytes of a transaction not yet applied to the end.
  std::unique_ptr<Connection> connection;
  bool client_registered = false;  // in state.clients
  std::string client_output;       // replies to the master are discarded
  std::unique_ptr<commands::Client> client;
  resp::RequestParser parser;
  std::string transaction_bytes;

  std::string out;  // bytes to the master not written yet
  bool writing = false;

  int64_t NowMs() const { return state.clock.NowMs(); }
  // Closed by an error, a timeout or Stop(): a coroutine resuming then ends quietly.
  bool closed() const { return link_state == LinkState::kClosed; }

  awaitable<void> Run(std::shared_ptr<MasterLink> self);
  awaitable<base::Status> Connect();
  awaitable<void> ConnectFrom(const std::string& source,
                              const tcp::resolver::results_type& endpoints,
                              boost::system::error_code& ec);
  awaitable<base::Status> Handshake();
  awaitable<base::Status> ReceivePayload(std::string_view replid, int64_t offset);
  awaitable<void> Stream();
  awaitable<void> Watchdog(std::shared_ptr<MasterLink> self);
  awaitable<void> Writer(std::shared_ptr<MasterLink> self);
  // Reads more bytes into `in` (or, during the transfer, hands them to `payload`). An error
  // when the connection ended.
  awaitable<base::Status> ReadSome();
  // The next reply line, "\r\n" stripped; newline keep-alives are skipped.
  awaitable<base::StatusOr<std::string>> ReadLine();
  void Send(std::string bytes, std::shared_ptr<MasterLink> self);
  void SendAck(std::shared_ptr<MasterLink> self);
  // Applies the whole commands in `in`. False when the link was closed meanwhile.
  bool ApplyStream();
  void StartClient();
  // Ends the link (an error, a timeout, a kill): tells the host unless stopped.
  void Close(std::string_view why);
  void CloseSocket();
  std::shared_ptr<MasterLink> self_ref;  // set while running; cleared by Close/Stop
};

// The master client's transport: the link itself. Commands that close it (CLIENT KILL TYPE
// master) drop the link, which then reconnects and asks for a partial sync.
class MasterLink::Impl::Connection final : public commands::ClientConnection {
 public:
  explicit Connection(Impl& link) : link_(link) {}
  void CloseAfterReply() override;
  void Resume() override {}
  void ResumeServed() override {}
  void Flush() override {}
  std::string PeerAddress() const override;
  std::string LocalAddress() const override;
  int Fd() const override;
  size_t QueryBufferSize() const override;
  size_t QueryBufferFree() const override { return 0; }
  size_t OutputBufferSize() const override { return 0; }
  void SetAuthenticated(bool) override {}

 private:
  Impl& link_;
};

void MasterLink::Impl::Connection::CloseAfterReply() {
  // From inside a command of the stream: close once the command returns.
  Impl& link = link_;
  asio::post(link.io, [self = link.self_ref, &link] {
    if (self) link.Close("the master client was killed");
  });
}
std::string MasterLink::Impl::Connection::PeerAddress() const {
  return link_.master_host + ":" + std::to_string(link_.master_port);
}
std::string MasterLink::Impl::Connection::LocalAddress() const {
  boost::system::error_code ec;
  tcp::endpoint ep = link_.socket.local_endpoint(ec);
  if (ec) return "";
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}
int MasterLink::Impl::Connection::Fd() const {
  return link_.socket.is_open() ? const_cast<tcp::socket&>(link_.socket).native_handle() : -1;
}
size_t MasterLink::Impl::Connection::QueryBufferSize() const { return link_.in.size(); }

std::shared_ptr<MasterLink> MasterLink::Start(asio::io_context& io, commands::ServerState& state,
                                              commands::Dispatcher& dispatcher,
                                              MasterLinkHost& host, std::string master_host,
                                              int master_port) {
  auto impl =
      std::make_unique<Impl>(io, state, dispatcher, host, std::move(master_host), master_port);
  std::shared_ptr<MasterLink> link(new MasterLink(std::move(impl)));
  link->impl_->self_ref = link;
  asio::co_spawn(io, link->impl_->Run(link), asio::detached);
  asio::co_spawn(io, link->impl_->Watchdog(link), asio::detached);
  return link;
}

MasterLink::MasterLink(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MasterLink::~MasterLink() {
  if (impl_->client_registered) impl_->state.RemoveClient(impl_->client.get());
}

void MasterLink::Stop() {
  impl_->stopped = true;
  impl_->Close("stopped");
}

void MasterLink::SendAck() {
  if (impl_->link_state == LinkState::kConnected && impl_->self_ref) {
    impl_->SendAck(impl_->self_ref);
  }
}

LinkState MasterLink::state() const { return impl_->link_state; }

MasterLinkInfo MasterLink::info() const {
  MasterLinkInfo info = impl_->info;
  if (impl_->payload) {
    info.transfer_size = impl_->payload->total_size();
    info.transfer_read = impl_->payload->received();
  }
  if (impl_->link_state == LinkState::kConnected) {
    info.read_offset = impl_->host.AckOffset() +
                       static_cast<int64_t>(impl_->transaction_bytes.size() + impl_->in.size());
  }
  return info;
}

int MasterLink::stream_db() const { return impl_->client ? impl_->client->db : impl_->stream_db; }
const std::string& MasterLink::master_host() const { return impl_->master_host; }
int MasterLink::master_port() const { return impl_->master_port; }

// ---- The link's life: connect, handshake, PSYNC, [payload], stream.

awaitable<void> MasterLink::Impl::Run(std::shared_ptr<MasterLink> self) {
  info.last_io_ms = NowMs();
  spdlog::info("Connecting to MASTER {}:{}", master_host, master_port);
  if (base::Status st = co_await Connect(); !st.ok()) {
    Close("Error condition on socket for SYNC: " + st.message());
    co_return;
  }
  if (closed()) co_return;
  spdlog::info("MASTER <-> REPLICA sync started");
  link_state = LinkState::kHandshake;
  if (base::Status st = co_await Handshake(); !st.ok()) {
    Close(st.message());
    co_return;
  }
  if (closed()) co_return;
  PsyncRequest request = host.NextPsync();
  if (request.replid != "?") {
    spdlog::info("Trying a partial resynchronization (request {}:{}).", request.replid,
                 request.offset);
  } else {
    spdlog::info("Partial resynchronization not possible (no cached master)");
  }
  std::string psync;
  if (request.failover) {
    // This node is handing its master role over: the target promotes itself first.
    resp::EncodeCommand({"PSYNC", request.replid, std::to_string(request.offset), "FAILOVER"},
                        &psync);
  } else {
    resp::EncodeCommand({"PSYNC", request.replid, std::to_string(request.offset)}, &psync);
  }
  Send(std::move(psync), self);
  auto line = co_await ReadLine();
  if (closed()) co_return;
  if (request.failover) {
    bool accepted = line.ok() && (StartsWith(line.value(), "+FULLRESYNC") ||
                                  StartsWith(line.value(), "+CONTINUE"));
    host.FailoverPsyncAnswered(accepted);
    if (closed()) co_return;  // the failover was aborted: the host stopped this link
  }
  if (!line.ok()) {
    Close(line.status().message());
    co_return;
  }
  const std::string& reply = line.value();
  if (StartsWith(reply, "+FULLRESYNC")) {
    std::string replid;
    int64_t offset = -1;
    // "+FULLRESYNC <40-char replid> <offset>"; a malformed reply still starts a transfer.
    std::string_view rest = std::string_view(reply).substr(std::min<size_t>(12, reply.size()));
    size_t space = rest.find(' ');
    if (space == 40) {
      replid = std::string(rest.substr(0, 40));
      std::string_view num = rest.substr(41);
      std::from_chars(num.data(), num.data() + num.size(), offset);
    } else {
      spdlog::warn("Master replied with wrong +FULLRESYNC syntax.");
    }
    spdlog::info("Full resync from master: {}:{}", replid, offset);
    if (base::Status st = co_await ReceivePayload(replid, offset); !st.ok()) {
      if (!stopped) Close(st.message());
      co_return;
    }
    if (closed()) co_return;
  } else if (StartsWith(reply, "+CONTINUE")) {
    std::string_view id = std::string_view(reply).substr(9);
    while (!id.empty() && id.front() == ' ') id.remove_prefix(1);
    spdlog::info("Successful partial resynchronization with master.");
    stream_db = request.db;
    host.PartialSyncAccepted(id.size() == 40 ? id : std::string_view());
    spdlog::info("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
  } else if (StartsWith(reply, "-NOMASTERLINK") || StartsWith(reply, "-LOADING")) {
    Close("Master is currently unable to PSYNC but should be in the future: " + reply);
    co_return;
  } else {
    // Redis falls back to the pre-2.8 SYNC here; every master we follow speaks PSYNC.
    Close("Unexpected reply to PSYNC from master: " + reply);
    co_return;
  }
  StartClient();
  link_state = LinkState::kConnected;
  last_ack_ms = NowMs();
  SendAck(self);
  co_await Stream();
}

awaitable<base::Status> MasterLink::Impl::Connect() {
  boost::system::error_code ec;
  tcp::resolver resolver(io);
  auto endpoints = co_await resolver.async_resolve(master_host, std::to_string(master_port),
                                                   asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return base::Status::IoError(ec.message());
  if (closed()) co_return base::Status::IoError("stopped");
  const std::string& source = state.config.GetString("bind-source-addr");
  if (source.empty()) {
    co_await asio::async_connect(socket, endpoints, asio::redirect_error(asio::use_awaitable, ec));
  } else {
    tcp::endpoint target = net::OpenFromSource(socket, source, endpoints, ec);
    if (!ec) co_await socket.async_connect(target, asio::redirect_error(asio::use_awaitable, ec));
  }
  if (ec) co_return base::Status::IoError(ec.message());
  if (closed()) {
    CloseSocket();  // the link timed out while connecting: the connect reopened the socket
    co_return base::Status::IoError("closed");
  }
  socket.set_option(tcp::no_delay(true), ec);
  info.last_io_ms = NowMs();
  co_return base::Status::Ok();
}

awaitable<base::Status> MasterLink::Impl::Handshake() {
  auto self = self_ref;
  std::string ping;
  resp::EncodeCommand({"PING"}, &ping);
  Send(std::move(ping), self);
  auto pong = co_await ReadLine();
  if (!pong.ok()) co_return pong.status();
  const std::string& p = pong.value();
  // An auth error is fine here: AUTH comes next.
  if (p[0] == '-' && !StartsWith(p, "-NOAUTH") && !StartsWith(p, "-NOPERM") &&
      !StartsWith(p, "-ERR operation not permitted")) {
    co_return base::Status::IoError("Error reply to PING from master: '" + p + "'");
  }
  spdlog::info("Master replied to PING, replication can continue...");

  // AUTH, REPLCONF listening-port, [ip-address], capa are sent at once, then the replies read in
  // order, as Redis does.
  const config::Config& config = state.config;
  std::string batch;
  const std::string& auth = config.GetString("masterauth");
  const std::string& user = config.GetString("masteruser");
  if (!auth.empty()) {
    if (user.empty()) {
      resp::EncodeCommand({"AUTH", auth}, &batch);
    } else {
      resp::EncodeCommand({"AUTH", user, auth}, &batch);
    }
  }
  int64_t announce_port = config.GetInt("replica-announce-port");
  std::string port = std::to_string(announce_port != 0 ? announce_port : state.tcp_port);
  resp::EncodeCommand({"REPLCONF", "listening-port", port}, &batch);
  const std::string& announce_ip = config.GetString("replica-announce-ip");
  if (!announce_ip.empty()) resp::EncodeCommand({"REPLCONF", "ip-address", announce_ip}, &batch);
  resp::EncodeCommand({"REPLCONF", "capa", "eof", "capa", "psync2"}, &batch);
  Send(std::move(batch), self);

  if (!auth.empty()) {
    auto reply = co_await ReadLine();
    if (!reply.ok()) co_return reply.status();
    if (reply.value()[0] == '-') {
      co_return base::Status::IoError("Unable to AUTH to MASTER: " + reply.value());
    }
  }
  auto port_reply = co_await ReadLine();
  if (!port_reply.ok()) co_return port_reply.status();
  if (port_reply.value()[0] == '-') {
    spdlog::info("(Non critical) Master does not understand REPLCONF listening-port: {}",
                 port_reply.value());
  }
  if (!announce_ip.empty()) {
    auto ip_reply = co_await ReadLine();
    if (!ip_reply.ok()) co_return ip_reply.status();
    if (ip_reply.value()[0] == '-') {
      spdlog::info("(Non critical) Master does not understand REPLCONF ip-address: {}",
                   ip_reply.value());
    }
  }
  auto capa_reply = co_await ReadLine();
  if (!capa_reply.ok()) co_return capa_reply.status();
  if (capa_reply.value()[0] == '-') {
    spdlog::info("(Non critical) Master does not understand REPLCONF capa: {}", capa_reply.value());
  }
  co_return base::Status::Ok();
}

awaitable<base::Status> MasterLink::Impl::ReceivePayload(std::string_view replid_view,
                                                         int64_t offset) {
  std::string replid(replid_view);
  link_state = LinkState::kTransfer;
  info.transfer_last_io_ms = NowMs();
  payload = std::make_unique<PayloadReceiver>();
  std::string temp =
      "temp-" + std::to_string(std::time(nullptr)) + "." + std::to_string(::getpid()) + ".rdb";
  if (base::Status st = payload->Open(temp); !st.ok()) co_return st;
  // Bytes that came with the +FULLRESYNC line.
  std::string first = std::move(in);
  in.clear();
  size_t consumed = 0;
  PayloadReceiver::Result result = payload->Feed(first, &consumed);
  if (result == PayloadReceiver::Result::kDone) in = first.substr(consumed);
  while (result == PayloadReceiver::Result::kNeedMore) {
    if (base::Status st = co_await ReadSome(); !st.ok()) co_return st;
    if (closed()) co_return base::Status::IoError("stopped");
    info.transfer_last_io_ms = NowMs();
    result = payload->Feed(in, &consumed);
    in.erase(0, consumed);
  }
  if (result == PayloadReceiver::Result::kError) co_return base::Status::IoError(payload->error());
  spdlog::info("MASTER <-> REPLICA sync: received {} bytes of payload", payload->received());
  spdlog::info("MASTER <-> REPLICA sync: Loading DB in memory");
  base::StatusOr<int> db = host.LoadFullSync(payload->path(), replid, offset);
  payload.reset();            // the file was renamed, or is removed now
  info.last_io_ms = NowMs();  // the load held the thread
  if (!db.ok()) {
    co_return base::Status::IoError(
        "Failed trying to load the MASTER synchronization DB from disk: " + db.status().message());
  }
  stream_db = db.value();
  spdlog::info("MASTER <-> REPLICA sync: Finished with success");
  co_return base::Status::Ok();
}

void MasterLink::Impl::StartClient() {
  connection = std::make_unique<Connection>(*this);
  client = std::make_unique<commands::Client>(state.next_client_id++, connection.get(),
                                              &client_output, NowMs());
  client->flags |= commands::kClientMaster;
  client->authenticated = true;  // no user: the ACL does not apply to the master's stream
  client->db = stream_db;
  state.clients.emplace(client->id(), client.get());
  client_registered = true;
  resp::ParserLimits limits;
  limits.from_primary = true;
  parser.set_limits(limits);
}

awaitable<void> MasterLink::Impl::Stream() {
  if (!ApplyStream()) co_return;
  for (;;) {
    if (base::Status st = co_await ReadSome(); !st.ok()) {
      if (!stopped) Close(st.message());
      co_return;
    }
    if (closed() || !ApplyStream()) co_return;
  }
}

bool MasterLink::Impl::ApplyStream() {
  size_t pos = 0;
  std::vector<std::string_view> argv;
  while (pos < in.size()) {
    if (parser.needed() > in.size() - pos) break;
    size_t consumed = 0;
    std::string_view rest = std::string_view(in).substr(pos);
    resp::ParseResult r = parser.Parse(rest, &consumed, &argv);
    if (r == resp::ParseResult::kNeedMore) break;
    if (r == resp::ParseResult::kError) {
      Close("Protocol error from MASTER: " + parser.error());
      return false;
    }
    std::string_view bytes = rest.substr(0, consumed);
    pos += consumed;
    if (!argv.empty()) {
      dispatcher.Execute(*client, argv);
      client_output.clear();
      if (link_state == LinkState::kClosed) return false;  // the command killed the link
    }
    // Inside MULTI the bytes wait for EXEC, so that a transaction cut short is asked for again.
    if (client->multi) {
      transaction_bytes.append(bytes);
    } else if (!transaction_bytes.empty()) {
      transaction_bytes.append(bytes);
      host.StreamApplied(transaction_bytes);
      transaction_bytes.clear();
    } else {
      host.StreamApplied(bytes);
    }
  }
  in.erase(0, pos);
  return true;
}

// ---- I/O helpers.

awaitable<base::Status> MasterLink::Impl::ReadSome() {
  boost::system::error_code ec;
  size_t n = co_await socket.async_read_some(asio::buffer(chunk),
                                             asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    if (ec == asio::error::eof) co_return base::Status::IoError("Connection lost with MASTER");
    co_return base::Status::IoError(ec.message());
  }
  in.append(chunk.data(), n);
  info.last_io_ms = NowMs();
  co_return base::Status::Ok();
}

awaitable<base::StatusOr<std::string>> MasterLink::Impl::ReadLine() {
  for (;;) {
    size_t nl = in.find('\n');
    if (nl != std::string::npos) {
      std::string line = in.substr(0, nl);
      in.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;  // keep-alive
      co_return line;
    }
    if (in.size() > kMaxReplyLine)
      co_return base::Status::IoError("Reply line from MASTER too long");
    if (base::Status st = co_await ReadSome(); !st.ok()) co_return st;
    if (closed()) co_return base::Status::IoError("stopped");
  }
}

void MasterLink::Impl::Send(std::string bytes, std::shared_ptr<MasterLink> self) {
  out.append(bytes);
  if (!writing) {
    writing = true;
    asio::co_spawn(io, Writer(std::move(self)), asio::detached);
  }
}

awaitable<void> MasterLink::Impl::Writer([[maybe_unused]] std::shared_ptr<MasterLink> self) {
  std::string sending;
  while (!out.empty() && !stopped && link_state != LinkState::kClosed) {
    sending.swap(out);
    out.clear();
    boost::system::error_code ec;
    co_await asio::async_write(socket, asio::buffer(sending),
                               asio::redirect_error(asio::use_awaitable, ec));
    sending.clear();
    if (ec) {
      writing = false;
      if (!stopped) Close("Error writing to MASTER: " + ec.message());
      co_return;
    }
  }
  writing = false;
}

void MasterLink::Impl::SendAck(std::shared_ptr<MasterLink> self) {
  std::string ack;
  resp::EncodeCommand({"REPLCONF", "ACK", std::to_string(host.AckOffset())}, &ack);
  last_ack_ms = NowMs();
  Send(std::move(ack), std::move(self));
}

awaitable<void> MasterLink::Impl::Watchdog(std::shared_ptr<MasterLink> self) {
  while (link_state != LinkState::kClosed) {
    watchdog.expires_after(std::chrono::milliseconds(100));
    boost::system::error_code ec;
    co_await watchdog.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (link_state == LinkState::kClosed || stopped) co_return;
    int64_t now = NowMs();
    int64_t timeout_ms = state.config.GetInt("repl-timeout") * 1000;
    if (now - info.last_io_ms > timeout_ms) {
      switch (link_state) {
        case LinkState::kConnecting:
        case LinkState::kHandshake:
          Close("Timeout connecting to the MASTER...");
          break;
        case LinkState::kTransfer:
          Close(
              "Timeout receiving bulk data from MASTER... If the problem persists try to set the "
              "'repl-timeout' parameter in redis.conf to a larger value.");
          break;
        default:
          Close("MASTER timeout: no data nor PING received...");
      }
      co_return;
    }
    if (link_state == LinkState::kConnected && now - last_ack_ms >= 1000) SendAck(self);
  }
}

void MasterLink::Impl::CloseSocket() {
  boost::system::error_code ec;
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
  watchdog.cancel();
}

void MasterLink::Impl::Close(std::string_view why) {
  if (link_state == LinkState::kClosed) return;
  bool was_connected = link_state == LinkState::kConnected;
  link_state = LinkState::kClosed;
  if (!stopped) spdlog::warn("{}", why);
  CloseSocket();
  payload.reset();
  if (client_registered) {
    // The client itself is kept until the link is destroyed: a command of the stream may still
    // be running.
    client_registered = false;
    state.RemoveClient(client.get());
  }
  // The coroutines hold their own references; the link may go once they end.
  std::shared_ptr<MasterLink> keep = std::move(self_ref);
  if (!stopped) host.LinkClosed(was_connected);
}

}  // namespace tandem::replication
