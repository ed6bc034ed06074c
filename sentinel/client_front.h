#pragma once
// ClientFront: tandem-sentinel's own listening side, what redis-cli, redis-py and the other
// sentinels talk to. It accepts connections on the configured port/bind addresses and serves the
// commands of Redis 7.0's sentinel mode: PING, AUTH, HELLO, CLIENT (SETNAME, GETNAME, ID, LIST,
// INFO, KILL), ROLE, INFO, COMMAND (COUNT and a plain list), SUBSCRIBE, PSUBSCRIBE, UNSUBSCRIBE,
// PUNSUBSCRIBE, PUBLISH (only on __sentinel__:hello), SHUTDOWN, and SENTINEL, which goes to the
// host. Anything else is "-ERR unknown command ..." with Redis's text. With requirepass set, every
// command but AUTH, HELLO (with AUTH) is refused with -NOAUTH until the client authenticates.
// The events the sentinel publishes (+sdown, +switch-master, ...) reach subscribed clients
// through Publish().
//
// Owner: the sentinel's main; sentinel thread only (sessions run on the same io_context).

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/status.h"
#include "server/net/asio.h"
#include "server/resp/reply_builder.h"

namespace tandem::sentinel {

// What the front asks of the sentinel for the commands that depend on its state.
class ClientFrontHost {
 public:
  virtual ~ClientFrontHost() = default;
  // SENTINEL <args...>: `args` are the arguments after "SENTINEL" (possibly empty); the whole
  // reply, error or not, goes to `out` (which knows the client's protocol). Events it publishes
  // (ClientFront::Publish) must be published before it starts the reply: `out` is the caller's
  // output buffer, which also receives the caller's own pushes when it is a subscribed RESP3
  // client.
  virtual void SentinelCommand(std::span<const std::string_view> args, resp::ReplyBuilder& out) = 0;
  // The INFO "# Sentinel" section, header and trailing "\r\n" included.
  virtual std::string InfoSentinelSection() = 0;
  // The names of the monitored masters, for ROLE: ["sentinel", [names...]].
  virtual std::vector<std::string> MasterNames() = 0;
  // A PUBLISH on __sentinel__:hello with this payload (a peer that reaches us directly).
  virtual void HelloReceived(std::string_view payload) = 0;
  // This sentinel's run id (INFO server run_id).
  virtual const std::string& RunId() = 0;
  // SHUTDOWN: the sentinel saves its state and stops; the front replies nothing (the connection
  // closes).
  virtual void Shutdown() = 0;
};

struct ClientFrontSettings {
  int port = 26379;
  std::vector<std::string> bind;  // empty: "0.0.0.0" and "::" (IPv6 best-effort)
  std::string requirepass;        // empty: no AUTH needed
  int64_t start_time_ms = 0;      // for INFO uptime
};

class ClientFront {
 public:
  ClientFront(boost::asio::io_context& io, ClientFrontSettings settings, ClientFrontHost& host);
  ~ClientFront();

  // Binds every address; the first failure is returned and nothing is left listening.
  base::Status Listen();
  // The port actually bound (useful when settings.port was 0).
  int port() const;
  // Publishes `message` on `channel` to every client subscribed to it or to a matching pattern,
  // in RESP2 or RESP3 per client as Redis does. Returns the number of receivers.
  size_t Publish(std::string_view channel, std::string_view message);
  // Closes the listeners and every client connection.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tandem::sentinel
