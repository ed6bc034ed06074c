#include "server/net/session.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace tandem::net {
namespace asio = boost::asio;

namespace {

constexpr size_t kReadChunk = 16 * 1024;  // as Redis's PROTO_IOBUF_LEN

}  // namespace

std::string FormatEndpoint(const asio::ip::tcp::endpoint& endpoint) {
  asio::ip::address addr = endpoint.address();
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) {
    addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
  }
  return addr.to_string() + ":" + std::to_string(endpoint.port());
}

Session::Session(asio::ip::tcp::socket socket, const SessionSettings& limits)
    : socket_(std::move(socket)), limits_(limits) {
  boost::system::error_code ec;
  auto remote = socket_.remote_endpoint(ec);
  if (!ec) peer_ = FormatEndpoint(remote);
  auto local = socket_.local_endpoint(ec);
  if (!ec) local_ = FormatEndpoint(local);
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  if (limits.tcp_keepalive_s > 0) {
    // As Redis: probe an idle peer after `tcp-keepalive` seconds, then every third of it.
    int fd = socket_.native_handle();
    int idle = limits.tcp_keepalive_s, interval = std::max(1, idle / 3), count = 3;
    socket_.set_option(asio::socket_base::keep_alive(true), ec);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof(interval));
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof(count));
  }
}

Session::~Session() = default;

std::string Session::peer_ip() const {
  size_t colon = peer_.rfind(':');
  return colon == std::string::npos ? peer_ : peer_.substr(0, colon);
}

int Session::fd() { return socket_.is_open() ? socket_.native_handle() : -1; }

void Session::SetAuthenticated(bool authenticated) {
  resp::ParserLimits pl = parser_.limits();
  pl.authenticated = authenticated;
  parser_.set_limits(pl);
}

void Session::Start(std::unique_ptr<SessionHandler> handler) {
  handler_ = std::move(handler);
  Read();
}

void Session::EnsureReadRoom() {
  // Drop consumed bytes first, then grow to fit at least a chunk or a known-size pending bulk.
  if (in_begin_ > 0) {
    std::memmove(in_.data(), in_.data() + in_begin_, in_end_ - in_begin_);
    in_end_ -= in_begin_;
    in_begin_ = 0;
  }
  size_t want = std::max(in_end_ + kReadChunk, parser_.needed());
  // A drained buffer grown by a big request goes back to one chunk, so an idle client does not
  // keep megabytes (Redis trims idle query buffers likewise).
  if (in_end_ == 0 && in_.size() > 4 * kReadChunk && want <= kReadChunk) {
    std::vector<char>().swap(in_);
  }
  if (in_.size() < want) in_.resize(want);
}

void Session::Read() {
  // A blocked client keeps reading (not parsing): that keeps the session alive and notices a
  // disconnect while it waits, as Redis does.
  if (reading_ || closed_ || close_after_flush_) return;
  reading_ = true;
  EnsureReadRoom();
  socket_.async_read_some(asio::buffer(in_.data() + in_end_, in_.size() - in_end_),
                          [self = shared_from_this()](const boost::system::error_code& ec,
                                                      size_t n) { self->OnRead(ec, n); });
}

void Session::OnRead(const boost::system::error_code& ec, size_t n) {
  reading_ = false;
  if (ec) return Close();
  in_end_ += n;
  if (limits_.total_bytes_read != nullptr) *limits_.total_bytes_read += n;
  if (in_end_ - in_begin_ > limits_.query_buffer_limit) return Close();
  if (parser_.limits().proto_max_bulk_len != limits_.proto_max_bulk_len) {
    resp::ParserLimits pl = parser_.limits();
    pl.proto_max_bulk_len = limits_.proto_max_bulk_len;
    parser_.set_limits(pl);
  }
  // Inside a busy script's nested event processing this session is mid-request: the request's
  // arguments point into the buffer, so it must not move until that request ends.
  if (processing_) return;
  Process();
  Read();
}

void Session::Process() {
  if (processing_) return;  // a handler resumed us from inside OnRequest
  processing_ = true;
  while (!closed_ && !close_after_flush_ && !blocked_) {
    size_t pending = in_end_ - in_begin_;
    if (pending == 0 || (parser_.needed() > pending)) break;
    size_t consumed = 0;
    std::string_view input(in_.data() + in_begin_, pending);
    resp::ParseResult result = parser_.Parse(input, &consumed, &argv_);
    if (result == resp::ParseResult::kNeedMore) break;
    if (result == resp::ParseResult::kError) {
      out_ += '-';
      out_ += parser_.error();
      out_ += "\r\n";
      close_after_flush_ = true;
      break;
    }
    if (skip_held_) {
      skip_held_ = false;
    } else if (!argv_.empty() && !handler_->OnRequest(argv_)) {
      blocked_ = true;  // the parser keeps its state; the same request is parsed again
      parser_.Reset();
      break;
    }
    in_begin_ += consumed;
  }
  // A read in flight (a resumed session) fills the buffer after in_end_: keep the offsets then.
  if (in_begin_ == in_end_ && !reading_) in_begin_ = in_end_ = 0;
  processing_ = false;
  Flush();
  Read();  // no-op when a read is in flight; restarts one a nested OnRead left out
}

void Session::Resume() {
  if (!blocked_ || closed_) return;
  blocked_ = false;
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->Process(); });
}

void Session::ResumeServed() {
  if (!blocked_ || closed_) return;
  skip_held_ = true;
  Resume();
}

void Session::Flush() {
  if (closed_ || writing_active_) return;
  if (out_.empty()) {
    if (close_after_flush_) Close();
    return;
  }
  Write();
}

void Session::Write() {
  // Busy first: before_write may flush other sessions (the replicas' stream), this one among
  // them, and that nested Flush must leave this write to finish the buffer.
  writing_active_ = true;
  if (limits_.before_write) limits_.before_write();
  writing_.swap(out_);
  asio::async_write(socket_, asio::buffer(writing_),
                    [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
                      self->OnWrite(ec, n);
                    });
}

void Session::OnWrite(const boost::system::error_code& ec, size_t n) {
  writing_active_ = false;
  if (limits_.total_bytes_written != nullptr) *limits_.total_bytes_written += n;
  writing_.clear();
  if (writing_.capacity() > 64 * 1024) std::string().swap(writing_);
  if (ec) return Close();
  Flush();
  // Copied first: the callback may replace itself.
  if (!writing_active_ && out_.empty() && on_drained_) {
    std::function<void()> fn = on_drained_;
    fn();
  }
}

void Session::CloseAfterFlush() {
  close_after_flush_ = true;
  // Deferred: the caller may be iterating the client registry that closing will change.
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->Flush(); });
}

void Session::CloseSoon() {
  // Posted for the same reason as CloseAfterFlush.
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->Close(); });
}

void Session::Close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  if (handler_) handler_->OnClosed();
}

}  // namespace tandem::net
