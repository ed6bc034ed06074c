#pragma once
// ReplicaLink: what a master keeps about one replica connection (Redis's slave fields of a
// client): the handshake's REPLCONF values, the sync state, the ACKed offset and the stream held
// back while its full sync runs.
//
// Flow: kHandshake (REPLCONF only) -> PSYNC/SYNC -> kWaitBgsaveStart -> kWaitBgsaveEnd ->
// kSendBulk -> kOnline; a partial sync goes straight to kOnline.
//
// Owner: replication::Replication (keyed by client id); server thread only.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "server/commands/client.h"

namespace tandem::replication {

enum class ReplicaState {
  kHandshake,        // sent REPLCONF but no PSYNC yet: not a replica
  kWaitBgsaveStart,  // full sync requested, snapshot not started (INFO "wait_bgsave")
  kWaitBgsaveEnd,    // the snapshot for it runs (INFO "wait_bgsave"; diskless: sending)
  kSendBulk,         // the RDB payload is being sent (INFO "send_bulk")
  kOnline,           // streaming (INFO "online")
};

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

struct ReplicaLink {
  commands::Client* client = nullptr;
  ReplicaState state = ReplicaState::kHandshake;
  int listening_port = 0;     // REPLCONF listening-port
  std::string announced_ip;   // REPLCONF ip-address (empty: the peer address)
  bool capa_eof = false;      // REPLCONF capa eof: accepts the diskless framing
  bool capa_psync2 = false;   // REPLCONF capa psync2: +CONTINUE carries the replid
  bool legacy_sync = false;   // SYNC: no offsets, never ACKs
  int64_t ack_offset = 0;     // the highest REPLCONF ACK offset
  int64_t ack_time_ms = 0;    // when the last ACK (or the link) came
  int64_t sync_offset = 0;    // +FULLRESYNC's offset
  int64_t wait_start_ms = 0;  // when it asked for a full sync (repl-diskless-sync-delay)
  bool diskless = false;      // its full sync uses the EOF framing
  // Online but the stream waits for the first ACK (after an EOF-framed payload).
  bool awaiting_first_ack = false;
  std::string pending;  // stream bytes held until the payload is sent (or the first ACK)
  std::unique_ptr<std::FILE, FileCloser> rdb_file;  // disk mode: the payload being sent
  int64_t soft_limit_since_ms = 0;  // when its output went over the soft limit (0: not over)

  // The address it is known by (INFO, ROLE, FAILOVER TO): REPLCONF ip-address, else the ip of its
  // connection.
  std::string ip() const {
    if (!announced_ip.empty()) return announced_ip;
    std::string peer = client->connection().PeerAddress();
    size_t colon = peer.rfind(':');
    return colon == std::string::npos ? peer : peer.substr(0, colon);
  }
};

}  // namespace tandem::replication
