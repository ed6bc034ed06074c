#include "server/net/resp_client.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <chrono>
#include <deque>
#include <utility>

#include "server/net/source_address.h"
#include "server/resp/argv_encoder.h"

namespace tandem::net {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr size_t kReadChunk = 64 * 1024;

bool IsPublishedMessage(const resp::Reply& reply) {
  if (reply.type != resp::Reply::Type::kArray && reply.type != resp::Reply::Type::kPush) {
    return false;
  }
  if (reply.elements.empty()) return false;
  const resp::Reply& kind = reply.elements.front();
  if (kind.type != resp::Reply::Type::kBulk && kind.type != resp::Reply::Type::kString) {
    return false;
  }
  return kind.str == "message" || kind.str == "pmessage";
}

std::string LocalIp(const tcp::socket& socket) {
  boost::system::error_code ec;
  tcp::endpoint local = socket.local_endpoint(ec);
  if (ec) return "";
  asio::ip::address address = local.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address.to_string();
}

}  // namespace

struct RespClient::Impl {
  explicit Impl(asio::io_context& io_context)
      : io(io_context), resolver(io_context), socket(io_context), connect_timer(io_context) {}

  asio::io_context& io;
  tcp::resolver resolver;
  tcp::socket socket;
  asio::steady_timer connect_timer;
  // Close() was called: from then on no callback of any kind runs.
  bool user_closed = false;

  StatusFn on_connected;
  MessageFn on_message;
  StatusFn on_closed;
  // One entry per command sent (or queued) and not answered yet, oldest first.
  std::deque<ReplyFn> pending;

  std::string out;      // encoded commands not handed to a write yet
  std::string writing;  // the bytes of the write in flight
  bool write_in_flight = false;

  std::array<char, kReadChunk> chunk;
  std::string in;  // bytes received and not parsed yet
  resp::ReplyParser parser;
  size_t needed = 0;  // parser hint: don't parse again before `in` holds this many bytes
};

std::shared_ptr<RespClient> RespClient::Create(asio::io_context& io) {
  return std::shared_ptr<RespClient>(new RespClient(io));
}

RespClient::RespClient(asio::io_context& io) : impl_(std::make_unique<Impl>(io)) {}

RespClient::~RespClient() = default;

void RespClient::Connect(const std::string& host, int port, int64_t timeout_ms, StatusFn on_done) {
  if (state_ != State::kNew) {
    // Connect() is called once; a second call only gets an error (unless closed by the owner).
    if (!impl_->user_closed && on_done) {
      asio::post(impl_->io, [self = shared_from_this(), on_done = std::move(on_done)] {
        if (!self->impl_->user_closed) on_done(base::Status::IoError("already connecting"));
      });
    }
    return;
  }
  state_ = State::kConnecting;
  impl_->on_connected = std::move(on_done);
  auto self = shared_from_this();
  impl_->connect_timer.expires_after(std::chrono::milliseconds(std::max<int64_t>(timeout_ms, 0)));
  impl_->connect_timer.async_wait([self](const boost::system::error_code& ec) {
    if (ec || self->state_ != State::kConnecting) return;
    self->Fail(base::Status::IoError("connect timeout"));
  });
  impl_->resolver.async_resolve(
      host, std::to_string(port), tcp::resolver::numeric_service,
      [self](const boost::system::error_code& ec, tcp::resolver::results_type endpoints) {
        if (self->state_ != State::kConnecting) return;
        if (ec) {
          self->Fail(base::Status::IoError(ec.message()));
          return;
        }
        if (!self->source_ip_.empty()) {
          self->ConnectFrom(endpoints);
          return;
        }
        asio::async_connect(self->impl_->socket, endpoints,
                            [self](const boost::system::error_code& ec, const tcp::endpoint&) {
                              self->ConnectDone(ec);
                            });
      });
}

void RespClient::ConnectFrom(const tcp::resolver::results_type& endpoints) {
  boost::system::error_code ec;
  tcp::endpoint target = OpenFromSource(impl_->socket, source_ip_, endpoints, ec);
  if (ec) return Fail(base::Status::IoError(ec.message()));
  impl_->socket.async_connect(
      target,
      [self = shared_from_this()](const boost::system::error_code& ec) { self->ConnectDone(ec); });
}

void RespClient::ConnectDone(const boost::system::error_code& ec) {
  if (state_ != State::kConnecting) {
    // Timed out or closed meanwhile: an attempt may have reopened it.
    boost::system::error_code ignored;
    impl_->socket.close(ignored);
    return;
  }
  if (ec) {
    Fail(base::Status::IoError(ec.message()));
    return;
  }
  Connected();
}

void RespClient::Connected() {
  Impl& impl = *impl_;
  impl.connect_timer.cancel();
  state_ = State::kConnected;
  boost::system::error_code ignored;
  impl.socket.set_option(tcp::no_delay(true), ignored);
  local_ip_ = LocalIp(impl.socket);
  StartWrite();
  StartRead();
  StatusFn on_connected = std::move(impl.on_connected);
  if (on_connected) on_connected(base::Status::Ok());
}

void RespClient::Send(std::span<const std::string_view> argv, ReplyFn on_reply) {
  assert(!argv.empty());
  Impl& impl = *impl_;
  if (state_ == State::kClosed) {
    // Too late: the reply can only be an error, given later so that the caller is not re-entered.
    if (!impl.user_closed && on_reply) {
      asio::post(impl.io, [self = shared_from_this(), on_reply = std::move(on_reply)] {
        if (!self->impl_->user_closed) on_reply(base::Status::IoError("connection closed"));
      });
    }
    return;
  }
  resp::EncodeCommand(argv, &impl.out);
  impl.pending.push_back(std::move(on_reply));
  if (state_ == State::kConnected) StartWrite();
}

void RespClient::Send(std::initializer_list<std::string_view> argv, ReplyFn on_reply) {
  Send(std::span<const std::string_view>(argv.begin(), argv.size()), std::move(on_reply));
}

void RespClient::SetOnMessage(MessageFn on_message) { impl_->on_message = std::move(on_message); }

void RespClient::SetOnClosed(StatusFn on_closed) { impl_->on_closed = std::move(on_closed); }

void RespClient::Close() {
  Impl& impl = *impl_;
  impl.user_closed = true;
  EndConnection();
  // Called from inside a callback, this does not destroy the running one: each is moved out of
  // its member before it is called.
  impl.on_connected = nullptr;
  impl.on_message = nullptr;
  impl.on_closed = nullptr;
  impl.pending.clear();
}

size_t RespClient::pending() const { return impl_->pending.size(); }

void RespClient::EndConnection() {
  Impl& impl = *impl_;
  state_ = State::kClosed;
  local_ip_.clear();
  boost::system::error_code ignored;
  impl.resolver.cancel();
  impl.connect_timer.cancel();
  impl.socket.close(ignored);
  impl.out.clear();
  impl.in.clear();
}

void RespClient::Fail(base::Status status) {
  Impl& impl = *impl_;
  if (state_ == State::kClosed) return;
  EndConnection();
  StatusFn on_connected = std::move(impl.on_connected);
  std::deque<ReplyFn> pending = std::move(impl.pending);
  impl.pending.clear();
  StatusFn on_closed = std::move(impl.on_closed);
  if (on_connected) on_connected(status);
  for (ReplyFn& on_reply : pending) {
    if (impl.user_closed) return;
    if (on_reply) on_reply(status);
  }
  if (!impl.user_closed && on_closed) on_closed(status);
}

void RespClient::StartWrite() {
  Impl& impl = *impl_;
  if (impl.write_in_flight || impl.out.empty()) return;
  impl.write_in_flight = true;
  impl.writing.swap(impl.out);
  asio::async_write(impl.socket, asio::buffer(impl.writing),
                    [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                      Impl& impl = *self->impl_;
                      impl.write_in_flight = false;
                      impl.writing.clear();
                      if (self->state_ != State::kConnected) return;
                      if (ec) {
                        self->Fail(base::Status::IoError(ec.message()));
                        return;
                      }
                      self->StartWrite();
                    });
}

void RespClient::StartRead() {
  Impl& impl = *impl_;
  impl.socket.async_read_some(
      asio::buffer(impl.chunk),
      [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
        if (self->state_ != State::kConnected) return;
        if (ec) {
          self->Fail(base::Status::IoError(ec == asio::error::eof ? "connection closed by peer"
                                                                  : ec.message()));
          return;
        }
        Impl& impl = *self->impl_;
        impl.in.append(impl.chunk.data(), n);
        if (self->ParseReplies()) self->StartRead();
      });
}

bool RespClient::ParseReplies() {
  Impl& impl = *impl_;
  if (impl.in.size() < impl.needed) return true;
  size_t pos = 0;
  while (pos < impl.in.size()) {
    size_t consumed = 0;
    resp::Reply reply;
    resp::ParseResult result =
        impl.parser.Parse(std::string_view(impl.in).substr(pos), &consumed, &reply);
    if (result == resp::ParseResult::kNeedMore) {
      impl.needed = impl.parser.needed();
      break;
    }
    if (result == resp::ParseResult::kError) {
      Fail(base::Status::IoError("Protocol error: " + impl.parser.error()));
      return false;
    }
    pos += consumed;
    impl.needed = 0;
    Deliver(std::move(reply));
    if (state_ != State::kConnected) return false;  // closed by the callback
  }
  impl.in.erase(0, pos);
  return true;
}

void RespClient::Deliver(resp::Reply reply) {
  Impl& impl = *impl_;
  if (impl.on_message && IsPublishedMessage(reply)) {
    // A copy: the callback may Close(), which resets the member.
    MessageFn on_message = impl.on_message;
    on_message(reply);
    return;
  }
  // A reply nobody asked for (none pending) is dropped.
  if (impl.pending.empty()) return;
  ReplyFn on_reply = std::move(impl.pending.front());
  impl.pending.pop_front();
  if (on_reply) on_reply(std::move(reply));
}

}  // namespace tandem::net
