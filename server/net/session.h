#pragma once
// Session: one client TCP connection. Reads into a growable buffer, parses every complete request
// in it (zero-copy: arguments are views into the buffer), hands each to the SessionHandler, and
// writes all replies of the batch with one write. Protocol errors reply "-ERR Protocol error: ..."
// and close this connection only.
//
// Flow: reading -> (request) handler -> ... -> (blocked) waiting for Resume() -> reading
//       -> (close requested or error) closing -> closed (handler->OnClosed called once).
// Owner: shared_ptr held by pending Asio operations; server thread only.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/net/asio.h"
#include "server/resp/request_parser.h"

namespace tandem::net {

class Session;

// What a session asks of the layer above for each connection.
class SessionHandler {
 public:
  virtual ~SessionHandler() = default;
  // Handles one request (argv non-empty). Returns false when the client must wait: the request
  // stays unconsumed and processing stops until Session::Resume().
  virtual bool OnRequest(std::span<const std::string_view> argv) = 0;
  // Called once when the connection is gone.
  virtual void OnClosed() = 0;
};

struct SessionSettings {
  size_t query_buffer_limit = 1024ull * 1024 * 1024;  // client-query-buffer-limit
  int64_t proto_max_bulk_len = 512ll * 1024 * 1024;   // proto-max-bulk-len
  int tcp_keepalive_s = 300;                          // tcp-keepalive (0: off)
  // Server-wide byte counters (INFO total_net_input_bytes/total_net_output_bytes) that every
  // session adds its traffic to as it flows; null when nobody counts.
  uint64_t* total_bytes_read = nullptr;
  uint64_t* total_bytes_written = nullptr;
  // Runs before any session sends bytes (the AOF is written, and under appendfsync always
  // fsynced, before a reply acknowledges a write); may be empty.
  std::function<void()> before_write;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `limits` is owned by the server and outlives every session; changes apply at the next read.
  Session(boost::asio::ip::tcp::socket socket, const SessionSettings& limits);
  ~Session();

  // Starts reading; `handler` receives every request from now on.
  void Start(std::unique_ptr<SessionHandler> handler);

  // Where replies are appended; sent by Flush() or at the end of each batch.
  std::string& output() { return out_; }
  void Flush();
  // Continues processing after OnRequest returned false.
  void Resume();
  // Like Resume, but the held request was answered already: it is consumed without a rerun.
  void ResumeServed();
  // Closes after what is in the output buffer has been written.
  void CloseAfterFlush();
  // Closes from the event loop without waiting for unsent output (a peer that does not read).
  void CloseSoon();
  void SetAuthenticated(bool authenticated);
  // Called after each write that left no output pending (empty: none).
  void SetOnDrained(std::function<void()> fn) { on_drained_ = std::move(fn); }

  const std::string& peer_address() const { return peer_; }
  const std::string& local_address() const { return local_; }
  std::string peer_ip() const;
  int fd();
  size_t query_buffer_size() const { return in_end_ - in_begin_; }
  size_t query_buffer_free() const { return in_.size() - in_end_; }
  size_t output_size() const { return out_.size() + writing_.size(); }

 private:
  void Read();
  void OnRead(const boost::system::error_code& ec, size_t n);
  void Process();
  void Write();
  void OnWrite(const boost::system::error_code& ec, size_t n);
  void Close();
  void EnsureReadRoom();

  boost::asio::ip::tcp::socket socket_;
  const SessionSettings& limits_;
  std::unique_ptr<SessionHandler> handler_;
  resp::RequestParser parser_;
  std::vector<std::string_view> argv_;

  std::vector<char> in_;  // bytes [in_begin_, in_end_) are received and not yet consumed
  size_t in_begin_ = 0;
  size_t in_end_ = 0;
  std::string out_;      // replies being produced
  std::string writing_;  // replies being written
  bool reading_ = false;
  bool writing_active_ = false;
  bool blocked_ = false;
  bool skip_held_ = false;  // the held request was answered (ResumeServed): drop it
  bool close_after_flush_ = false;
  bool closed_ = false;
  bool processing_ = false;
  std::string peer_;
  std::string local_;
  std::function<void()> on_drained_;
};

// "ip:port", with IPv6 addresses as Redis prints them ("::1:6379").
std::string FormatEndpoint(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace tandem::net
