#pragma once
// What commands ask of replication (implemented by replication::Replication, installed by the app;
// null in unit tests, where the node is a master without replicas). The command rows (REPLICAOF,
// SLAVEOF, PSYNC, SYNC, REPLCONF, WAIT, ROLE, FAILOVER) are in replication_family.cc and forward
// here; the dispatcher reads ReplicationStatus on every command for its replica checks.

#include <cstdint>
#include <string>

#include "server/rdb/snapshot.h"

namespace tandem::commands {

class Context;
class Client;

// Kept up to date by replication; read by the dispatcher's pre-checks.
struct ReplicationStatus {
  bool replica = false;  // REPLICAOF host port is in effect (INFO role:slave)
  bool link_up = false;  // the link to the master is synced and streaming (master_link_status:up)
  // min-replicas-to-write is set and fewer good replicas are connected: writes get NOREPLICAS.
  bool too_few_replicas = false;
  int64_t offset = 0;  // master_repl_offset: the stream's bytes so far (Client::woff's source)
};

class ReplicationControl {
 public:
  virtual ~ReplicationControl() = default;
  // Command handlers: each replies through ctx (or blocks it: WAIT, FAILOVER).
  virtual void ReplicaOf(Context& ctx) = 0;  // REPLICAOF / SLAVEOF host port | NO ONE
  virtual void Psync(Context& ctx) = 0;      // PSYNC replid offset, and the legacy SYNC
  virtual void Replconf(Context& ctx) = 0;   // REPLCONF listening-port|ip-address|capa|ack|getack
  virtual void Wait(Context& ctx) = 0;       // WAIT numreplicas timeout
  virtual void Role(Context& ctx) = 0;       // ROLE
  virtual void Failover(Context& ctx) = 0;   // FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT]
  // The fields of INFO replication ("role:master\r\n..."), appended to `out`.
  virtual void AppendInfo(std::string& out) = 0;
  // Every client leaving the server passes here (a replica's link, a client blocked in WAIT).
  virtual void ClientClosed(Client& client) = 0;
  // The replication fields every RDB file carries (repl-stream-db, repl-id, repl-offset), so that
  // a restarted replica can resume with a partial sync. Leaves `aux` alone when there is no
  // replication history worth saving.
  virtual void FillSnapshotAux(rdb::SnapshotAux& aux) const = 0;
};

}  // namespace tandem::commands
