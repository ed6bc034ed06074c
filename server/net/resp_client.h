#pragma once
// RespClient: one outbound TCP connection to a RESP server, for the parts of Tandem that act as a
// client of many servers at once (tandem-sentinel's probes and failover commands). Commands are
// pipelined: each Send() is written at once and its callback gets the reply, in order. Replies
// are read with resp::ReplyParser (RESP2 and RESP3).
//
// Pub/sub: once SetOnMessage() was called, an array (or RESP3 push) reply whose first element is
// "message" or "pmessage" is a published message and goes to that callback instead of to the
// oldest pending Send(). Subscribe confirmations are ordinary replies to the SUBSCRIBE sent, one
// per channel: send one channel per SUBSCRIBE. A reply when nothing is pending is dropped.
//
// Flow: new -> Connect() -> connecting -> connected -> closed (peer closed, I/O or protocol
// error, connect timeout, Close()). A client is never reconnected: make a new one.
// Callbacks: each pending Send() callback gets exactly one call, with the reply or, when the
// connection ends first, an IoError. Exception: after Close() no callback of any kind is called
// again (the owner may be gone); Close() may be called from inside a callback.
// Owner: shared_ptr held by its owner and by pending Asio operations; one io_context thread.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "server/base/status.h"
#include "server/net/asio.h"
#include "server/resp/reply_parser.h"

namespace tandem::net {

class RespClient : public std::enable_shared_from_this<RespClient> {
 public:
  using ReplyFn = std::function<void(base::StatusOr<resp::Reply>)>;
  using MessageFn = std::function<void(const resp::Reply&)>;
  using StatusFn = std::function<void(base::Status)>;

  static std::shared_ptr<RespClient> Create(boost::asio::io_context& io);
  ~RespClient();

  // Connects to host:port (an IPv4/IPv6 literal, or a name resolved through the system resolver).
  // `on_done` gets OK once connected, or IoError (refused, unreachable, unresolvable, or not
  // connected within timeout_ms). Sends made before the connection is up are queued and written
  // once it is. Call once.
  void Connect(const std::string& host, int port, int64_t timeout_ms, StatusFn on_done);

  // Sends one command (argv non-empty); `on_reply` (may be empty) gets its reply, error replies
  // included (Reply::Type::kError is a reply, not a failed Status).
  void Send(std::span<const std::string_view> argv, ReplyFn on_reply);
  void Send(std::initializer_list<std::string_view> argv, ReplyFn on_reply);

  // Where published messages go (see above). Set before subscribing.
  void SetOnMessage(MessageFn on_message);
  // Called once when the connection ends for any reason other than Close() (a failed Connect()
  // included), after every pending Send() callback got its IoError.
  void SetOnClosed(StatusFn on_closed);

  // Makes Connect() bind the local end to `ip` (port chosen by the system) before connecting,
  // as Redis's bind-source-addr does; best effort: when `ip` is not a local address of the
  // target's family the connection is made unbound. Call before Connect().
  void SetSourceAddress(std::string ip) { source_ip_ = std::move(ip); }

  // Ends the connection now, dropping what is unsent and every callback.
  void Close();

  bool connected() const { return state_ == State::kConnected; }
  bool closed() const { return state_ == State::kClosed; }
  // Commands sent and not yet answered (SENTINEL's link-pending-commands).
  size_t pending() const;
  // The local IP of the connection ("" unless connected): what a sentinel announces when it has
  // no announce-ip.
  const std::string& local_ip() const { return local_ip_; }

 private:
  enum class State { kNew, kConnecting, kConnected, kClosed };
  struct Impl;

  explicit RespClient(boost::asio::io_context& io);

  void Connected();
  // Closes the socket and stops every operation; state_ becomes kClosed. Calls nothing.
  void EndConnection();
  // The connection ended without Close(): the connect callback, then every pending callback get
  // `status`, then on_closed (each skipped once Close() was called from one of them).
  void Fail(base::Status status);
  void StartWrite();
  void StartRead();
  // Hands every whole reply in the input to its callback. False when the connection ended.
  bool ParseReplies();
  void Deliver(resp::Reply reply);

  void ConnectFrom(const boost::asio::ip::tcp::resolver::results_type& endpoints);
  void ConnectDone(const boost::system::error_code& ec);

  State state_ = State::kNew;
  std::string local_ip_;
  std::string source_ip_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tandem::net
