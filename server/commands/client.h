#pragma once
// Client: the per-connection state commands read and change (selected db, protocol, name, user,
// flags). The transport behind it is reached through ClientConnection, which the app implements
// over a net::Session; commands never see sockets.
//
// Owner: the app's connection object; registered in ServerState::clients while connected.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/resp/reply_builder.h"

namespace tandem::commands {

class AclUser;

// What commands may ask of a client's transport.
class ClientConnection {
 public:
  virtual ~ClientConnection() = default;
  // Closes the connection once the replies already written are flushed.
  virtual void CloseAfterReply() = 0;
  // Closes the connection soon (from the event loop, not inside the caller), dropping replies not
  // yet sent: for a client that does not read (output buffer limits). Transports that cannot drop
  // replies close after them.
  virtual void CloseNow() { CloseAfterReply(); }
  // Continues processing requests after the client was blocked (paused, later blocking commands).
  virtual void Resume() = 0;
  // Continues after a blocked request was answered from outside (a blocking command served or
  // timed out): the request is consumed, not run again.
  virtual void ResumeServed() = 0;
  // Sends what was appended to the client's output buffer outside of a request (MONITOR, pub/sub).
  virtual void Flush() = 0;
  virtual std::string PeerAddress() const = 0;   // "ip:port"
  virtual std::string LocalAddress() const = 0;  // "ip:port"
  virtual int Fd() const = 0;
  virtual size_t QueryBufferSize() const = 0;
  virtual size_t QueryBufferFree() const = 0;
  virtual size_t OutputBufferSize() const = 0;
  // Updates the request parser's limits after authentication or a config change.
  virtual void SetAuthenticated(bool authenticated) = 0;
  // Calls `fn` each time everything appended to the output buffer has been written to the socket
  // (empty: no more calls). A replica's full sync feeds its payload so, a piece at a time.
  // Transports without a socket never call it.
  virtual void SetOnDrained(std::function<void()> fn) { (void)fn; }
};

// MULTI state: the commands queued until EXEC. Flow: MULTI -> queued... -> EXEC | DISCARD.
struct Transaction {
  std::vector<std::vector<std::string>> commands;
  bool aborted = false;  // a command failed to queue: EXEC answers EXECABORT
};

// Client flags (CLIENT LIST "flags" letters are derived from them).
enum ClientFlag : uint32_t {
  kClientMonitor = 1u << 0,    // 'O'
  kClientCloseASAP = 1u << 1,  // 'A': killed, closing
  kClientNoEvict = 1u << 2,    // 'e'
  kClientReplyOff = 1u << 3,   // CLIENT REPLY OFF
  kClientReplySkip = 1u << 4,  // CLIENT REPLY SKIP: skip the next command's reply
  kClientReplySkipNext = 1u << 5,
  kClientReplica = 1u << 6,  // 'S': a replica of this server (after its PSYNC/SYNC)
  kClientMaster = 1u << 7,   // 'M': this replica's link to its master; its writes obey no
                             // READONLY and its keys never expire here
};

class Client {
 public:
  Client(uint64_t id, ClientConnection* connection, std::string* output, int64_t now_ms)
      : id_(id),
        connection_(connection),
        reply_(*output),
        created_ms_(now_ms),
        last_interaction_ms_(now_ms) {}

  uint64_t id() const { return id_; }
  ClientConnection& connection() { return *connection_; }
  resp::ReplyBuilder& reply() { return reply_; }

  int db = 0;
  int resp_version() const { return reply_.protocol(); }
  void set_resp_version(int v) { reply_.set_protocol(v); }
  std::string name;
  std::string lib_name;
  const AclUser* user = nullptr;
  bool authenticated = false;
  uint32_t flags = 0;

  int64_t created_ms() const { return created_ms_; }
  int64_t last_interaction_ms() const { return last_interaction_ms_; }
  void set_last_interaction_ms(int64_t ms) { last_interaction_ms_ = ms; }
  // Full name of the last command run ("client|list"), for CLIENT LIST "cmd".
  std::string_view last_command = "NULL";
  // Pub/sub subscriptions (Pubsub keeps the sets); RESP2 subscribed mode while any is > 0.
  size_t pubsub_channels = 0;
  size_t pubsub_patterns = 0;
  std::optional<Transaction> multi;  // set between MULTI and EXEC/DISCARD
  size_t pubsub_shard_channels = 0;
  // A pub/sub client (CLIENT LIST flag 'P', type pubsub): it has a subscription.
  bool subscribed() const { return pubsub_channels + pubsub_patterns + pubsub_shard_channels > 0; }
  bool blocked = false;  // waiting in a blocking command (BlockingRegistry keeps it)
  // True while EXEC runs this client's queued commands (blocking commands must not block).
  bool in_exec = false;
  // The replication offset after this client's last command: what WAIT waits for replicas to reach.
  int64_t woff = 0;

 private:
  uint64_t id_;
  ClientConnection* connection_;
  resp::ReplyBuilder reply_;
  int64_t created_ms_;
  int64_t last_interaction_ms_;
};

}  // namespace tandem::commands
