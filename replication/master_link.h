#pragma once
// MasterLink: a replica's connection to its master, Redis 7.0's replica side (docs/replication.md):
// connect; the handshake (PING, AUTH [masteruser] masterauth, REPLCONF listening-port <port>,
// REPLCONF ip-address <replica-announce-ip> when set, REPLCONF capa eof capa psync2, PSYNC); for a
// full sync the RDB payload (`$<len>\r\n` or `$EOF:<40-char mark>\r\n` framing) saved to a temp
// file and handed to the host to load, then REPLCONF ACK at once; then the command stream applied
// through the dispatcher as the master client (kClientMaster), REPLCONF ACK <offset> every second.
// Newline keep-alives are tolerated wherever a reply is awaited. The link closes itself when
// nothing arrives for `repl-timeout` seconds.
//
// Flow: kConnecting -> kHandshake -> [kTransfer] -> kConnected -> kClosed (error, timeout, Stop).
// The host makes a new link to retry (about once a second) after kClosed; a link is never reused.
//
// Owner: replication::Replication, through a shared_ptr that the link's coroutines also hold;
// server thread only (Asio coroutines on the server's io_context).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "server/base/status.h"
#include "server/commands/dispatcher.h"
#include "server/commands/server_state.h"
#include "server/net/asio.h"

namespace tandem::replication {

enum class LinkState {
  kConnecting,  // TCP connect in progress (ROLE "connecting")
  kHandshake,   // handshake commands sent, replies awaited (ROLE "handshake")
  kTransfer,    // receiving the RDB payload (ROLE "sync"; INFO master_sync_in_progress:1)
  kConnected,   // applying the stream (ROLE "connected"; INFO master_link_status:up)
  kClosed,      // gone: the host is not called any more
};

// What PSYNC asks for, and the database the stream continues in after +CONTINUE.
struct PsyncRequest {
  std::string replid = "?";  // the cached master's replid, or "?" (full sync)
  int64_t offset = -1;       // the cached master's offset + 1, or -1
  int db = 0;                // the master client's database after a partial sync
  bool failover = false;     // a FAILOVER in progress: PSYNC carries a 4th argument, FAILOVER
};

// What the link asks of the replication state that owns it.
class MasterLinkHost {
 public:
  virtual ~MasterLinkHost() = default;
  // The PSYNC arguments (a cached master after a dropped link, a demotion or a restart).
  virtual PsyncRequest NextPsync() = 0;
  // A full sync's RDB is complete in `path`: replace the data set with it and adopt the master's
  // history (replid, offset from +FULLRESYNC). Returns the database the stream starts in (the
  // file's repl-stream-db, 0 when absent); an error closes the link.
  virtual base::StatusOr<int> LoadFullSync(const std::string& path, std::string_view replid,
                                           int64_t offset) = 0;
  // +CONTINUE [replid]: the master continues from NextPsync's offset. `replid` is empty when the
  // master sent none (no capa psync2), else the master's current id.
  virtual void PartialSyncAccepted(std::string_view replid) = 0;
  // Whole commands of the stream were applied (a MULTI ... EXEC counts once, at EXEC): `bytes`
  // are exactly as received; the offset advances by their size and sub-replicas get them.
  virtual void StreamApplied(std::string_view bytes) = 0;
  // The offset REPLCONF ACK reports: the stream applied so far.
  virtual int64_t AckOffset() const = 0;
  // The link is closed; `was_connected` when it had reached kConnected (the host then caches the
  // master for the next PSYNC).
  virtual void LinkClosed(bool was_connected) = 0;
  // Only after a PSYNC with `failover` set: the target answered it with +CONTINUE or +FULLRESYNC
  // (`accepted`, the link then goes on), or with anything else or not at all (the connection
  // ended). The host may Stop() the link from here.
  virtual void FailoverPsyncAnswered(bool accepted) = 0;
};

// INFO replication's view of the link.
struct MasterLinkInfo {
  int64_t last_io_ms = 0;      // when bytes last came from the master (0: never)
  int64_t read_offset = 0;     // slave_read_repl_offset: stream bytes received, applied or not
  int64_t transfer_size = -1;  // master_sync_total_bytes (-1 before the header, 0 with EOF)
  int64_t transfer_read = 0;   // master_sync_read_bytes
  int64_t transfer_last_io_ms = 0;
};

class MasterLink : public std::enable_shared_from_this<MasterLink> {
 public:
  // Starts connecting to `master_host`:`master_port` now. The config is read from `state`
  // (masterauth, masteruser, replica-announce-ip/port, port, repl-timeout, dir).
  static std::shared_ptr<MasterLink> Start(boost::asio::io_context& io,
                                           commands::ServerState& state,
                                           commands::Dispatcher& dispatcher, MasterLinkHost& host,
                                           std::string master_host, int master_port);
  ~MasterLink();
  // Closes the link now; the host is not called again (not even LinkClosed).
  void Stop();
  // Sends REPLCONF ACK <host.AckOffset()> now (REPLCONF GETACK from the master). Only while
  // kConnected.
  void SendAck();

  LinkState state() const;
  MasterLinkInfo info() const;
  // The database of the master client (RDB repl-stream-db for this node's own sub-replicas).
  int stream_db() const;
  const std::string& master_host() const;
  int master_port() const;

 private:
  struct Impl;
  explicit MasterLink(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tandem::replication
