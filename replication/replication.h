#pragma once
// Replication: this node's place in the replication tree (docs/replication.md). It owns the
// replication ids, the backlog and the stream offset; as a master it feeds the stream (it is a
// commands::Propagator), answers PSYNC (+CONTINUE from the backlog, or +FULLRESYNC and an RDB
// transfer), keeps its replicas' links and ACK offsets, WAIT and min-replicas-to-write; as a
// replica it owns the MasterLink and forwards the applied stream to its own replicas (chained
// replication). It implements the replication commands and INFO replication
// (commands::ReplicationControl) and keeps ServerState::repl up to date.
//
// Flow: master --(REPLICAOF host port, or FAILOVER once the target caught up)--> replica (link:
//       connecting -> handshake -> sync -> connected, retried each second) --(REPLICAOF NO ONE,
//       or PSYNC ... FAILOVER from its master)--> master with the old replid as replid2.
//
// Owner: the app (one per process); server thread only.

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "replication/backlog.h"
#include "replication/failover.h"
#include "replication/master_link.h"
#include "replication/replica_link.h"
#include "replication/replication_ids.h"
#include "replication/stream_encoder.h"
#include "server/commands/dispatcher.h"
#include "server/commands/propagation.h"
#include "server/commands/replication_control.h"
#include "server/commands/server_state.h"
#include "server/net/asio.h"

namespace tandem::replication {

class Replication final : public commands::ReplicationControl,
                          public commands::Propagator,
                          public MasterLinkHost {
 public:
  Replication(commands::ServerState& state, commands::Dispatcher& dispatcher,
              boost::asio::io_context& io);
  ~Replication() override;

  // After the data set is loaded: takes the loaded RDB's replication fields
  // (state.persistence.loaded_repl_*) and `replicaof` from the config, and installs itself in
  // state.replication.
  void Start();
  // The server cron (every 1000/hz ms); the once-a-second duties run when a second has passed.
  void Cron(int64_t now_ms);

  // commands::ReplicationControl
  void ReplicaOf(commands::Context& ctx) override;
  void Psync(commands::Context& ctx) override;
  void Replconf(commands::Context& ctx) override;
  void Wait(commands::Context& ctx) override;
  void Role(commands::Context& ctx) override;
  void Failover(commands::Context& ctx) override;
  void AppendInfo(std::string& out) override;
  void ClientClosed(commands::Client& client) override;
  void FillSnapshotAux(rdb::SnapshotAux& aux) const override;

  // commands::Propagator: the master's effects, encoded into the backlog and every replica.
  void Propagate(int db, std::span<const std::string_view> argv) override;
  // Runs before any client is sent a reply: the replicas' pending stream is handed to the kernel
  // first, so a write is never acknowledged before it left for the replicas (a crash right after
  // the reply then loses nothing the replicas could have had).
  void FlushBeforeReplies();

  // MasterLinkHost
  PsyncRequest NextPsync() override;
  base::StatusOr<int> LoadFullSync(const std::string& path, std::string_view replid,
                                   int64_t offset) override;
  void PartialSyncAccepted(std::string_view replid) override;
  void StreamApplied(std::string_view bytes) override;
  int64_t AckOffset() const override;
  void LinkClosed(bool was_connected) override;
  void FailoverPsyncAnswered(bool accepted) override;

 private:
  // ---- Shared by both roles (replication.cc).
  // Appends bytes to the stream: advances offset_, appends to the backlog (when there is one) and
  // to every replica (sent at once when online, else buffered until its full sync ends).
  void FeedReplicas(std::string_view bytes);
  // Closes every replica's connection now (CloseNow); ClientClosed then drops the links.
  void DisconnectReplicas();
  // Creates the backlog (repl-backlog-size) ending at offset_ unless there is one.
  void EnsureBacklog();
  // Registers this object as a Propagator iff the node is a master with a backlog (call after a
  // role change or when the backlog appears or goes).
  void UpdatePropagation();

  commands::ServerState& state_;
  commands::Dispatcher& dispatcher_;
  boost::asio::io_context& io_;
  std::mt19937_64 rng_;
  ReplicationIds ids_;                // master_replid, master_replid2, second_repl_offset
  std::unique_ptr<Backlog> backlog_;  // null: repl_backlog_active:0
  // master_repl_offset; it is state_.repl.offset, which the dispatcher copies into each client's
  // woff after its command (WAIT waits for that).
  int64_t& offset_ = state_.repl.offset;
  // The SELECT state of the stream this node feeds (ForgetDb on a new full sync, a promotion).
  StreamEncoder encoder_;
  bool propagating_ = false;  // registered with state_.propagation
  std::string encoded_;       // Propagate's scratch buffer
  bool flush_scheduled_ = false;
  bool flushing_ = false;  // FlushReplicas is writing (a replica's own write calls back in)
  // client-output-buffer-limit's replica class, read at Start and on CONFIG SET (not per write).
  config::OutputBufferLimit replica_limit_;

  // ---- Primary side: replica links, full syncs, the feed, WAIT, min-replicas, FAILOVER
  // (replication.cc and the primary_*.cc files).
  // A client waiting in WAIT until `numreplicas` replicas ACK `offset` (or `deadline_ms`, 0:
  // never).
  struct Waiter {
    commands::Client* client;
    int64_t offset;
    int64_t numreplicas;
    int64_t deadline_ms;
  };

  // replication.cc
  void OnceASecond(int64_t now_ms);
  // Closes replicas over client-output-buffer-limit replica (stream buffered during a full sync
  // included), with Redis's log line.
  void EnforceOutputLimit(ReplicaLink& link, int64_t now_ms);
  // Writes the online replicas' output once the current event-loop handler is done (or sooner,
  // FlushBeforeReplies), so that a pipelined batch of writes reaches each replica in one send
  // rather than one per write.
  void ScheduleReplicaFlush();
  void FlushReplicas();
  // Sets the replicaof parameter to the current master ("" on a master).
  void RecordRole();
  // Replicas past the handshake (INFO connected_slaves).
  size_t ReplicaCount() const;
  void AppendMasterInfo(std::string& out);
  // Master restart: the loaded RDB's history becomes replid2 and the stream continues its offsets.
  void AdoptLoadedHistory();

  // primary_sync.cc: PSYNC/SYNC and full syncs.
  // Answers +CONTINUE and sends the backlog from `offset`.
  void ContinuePartialSync(ReplicaLink& link, int64_t offset, commands::Context& ctx);
  // Starts the snapshot for the replicas waiting for one when it is time (delay, max-replicas)
  // and no other runs; retried from the cron.
  void MaybeStartFullSync(int64_t now_ms);
  bool StartDisklessSync(int64_t now_ms);
  bool StartDiskSync();
  // The replicas of the running snapshot (kWaitBgsaveEnd).
  std::vector<ReplicaLink*> SnapshotReceivers();
  void WriteFullResyncReply(ReplicaLink& link);
  void OnDisklessBytes(std::string_view bytes);
  void OnSnapshotDone(const base::Status& status, int64_t now_ms);
  // Disk mode: the next piece of the RDB file to `client_id` (called when its output drained).
  void SendFileChunk(uint64_t client_id);
  // The payload is sent: the replica is online and gets the stream buffered meanwhile (after its
  // first ACK with the EOF framing).
  void PutOnline(ReplicaLink& link, bool wait_first_ack, int64_t now_ms);
  void SendKeepAlives();

  // primary_wait.cc: WAIT, REPLCONF ACK, min-replicas.
  // Replicas online whose ACK reached `offset`.
  int64_t CountAcked(int64_t offset) const;
  void OnAck(ReplicaLink& link, int64_t offset, int64_t now_ms);
  // Replies to the waiters that are satisfied or past their deadline.
  void ServeWaiters(int64_t now_ms);
  // Feeds one REPLCONF GETACK * after this event-loop iteration (coalesced).
  void RequestAcks();
  // Recomputes state_.repl.too_few_replicas and good_replicas_.
  void UpdateGoodReplicas(int64_t now_ms);

  std::map<uint64_t, ReplicaLink> links_;  // by client id: handshakes and replicas
  std::vector<Waiter> waiters_;
  bool getack_requested_ = false;
  int good_replicas_ = 0;          // min_slaves_good_slaves
  bool snapshot_running_ = false;  // a full sync's snapshot (stream or disk) runs
  bool snapshot_diskless_ = false;
  bool snapshot_header_sent_ = false;  // diskless: +FULLRESYNC and $EOF went to its receivers
  std::string eof_mark_;               // diskless: the 40 characters around the payload
  int64_t last_second_ms_ = 0;         // when OnceASecond last ran
  int64_t seconds_ = 0;                // OnceASecond calls (the PING period counts them)
  int64_t no_replicas_since_ms_ = 0;   // repl-backlog-ttl
  bool started_ = false;

  // ---- Replica side: the master link, REPLICAOF, the cached master (replica_*.cc files).
  // A master turning into a replica ends every blocking command (BLPOP, WAIT...) with Redis's
  // UNBLOCKED error and closes those clients after the reply, as Redis does.
  void DisconnectBlockedClients();
  // INFO replication's replica fields, from master_host to replica_announced (after role:slave,
  // before connected_slaves).
  void AppendReplicaFields(std::string& out);
  // ROLE on a replica: ["slave", host, port, state, offset].
  void ReplyReplicaRole(commands::Context& ctx);
  // Start() on a node whose `replicaof` is set: the loaded RDB's repl-id/offset become the cached
  // master, then the link connects.
  void StartReplica();
  // The link to the master while this node is a replica (null otherwise). REPLCONF GETACK from
  // the master client calls link_->SendAck().
  std::shared_ptr<MasterLink> link_;

  // replica_role.cc
  // REPLICAOF host port: a master caches its own history first (PSYNC2 demotion); an existing
  // link is dropped; its own replicas stay (chained).
  void BecomeReplica(std::string host, int port);
  // REPLICAOF NO ONE: the old history becomes replid2; sub-replicas are dropped, the backlog kept.
  void BecomeMaster();
  void ConnectToMaster();
  // Retries a closed link after `delay_ms` (Redis retries from its once-a-second cron).
  void ScheduleReconnect(int64_t delay_ms);
  // Closes the link without a LinkClosed call (REPLICAOF, promotion, destruction).
  void StopLink();

  std::string master_host_;
  int master_port_ = 0;
  // The cached master: PSYNC may ask for ids_.replid from offset_ + 1, continuing in cached_db_.
  bool cached_master_ = false;
  int cached_db_ = 0;
  int64_t link_down_since_ms_ = 0;  // when a synced link was lost (0: never up)
  boost::asio::steady_timer reconnect_timer_{io_};

  // ---- FAILOVER (failover.cc; the target's side, PSYNC ... FAILOVER, is in primary_sync.cc).
  // The replica (past its PSYNC) known as host:port (REPLCONF ip-address or its peer ip, and
  // REPLCONF listening-port), or null.
  const ReplicaLink* FindReplica(std::string_view host, int64_t port) const;
  // Redis's updateFailoverStatus: while waiting for sync, aborts or forces at the TIMEOUT, else
  // demotes this node to a replica of the target once the target's ACK equals offset_. Runs after
  // each ACK and the FAILOVER command (deferred) and from the cron.
  void UpdateFailover(int64_t now_ms);
  void ScheduleFailoverCheck();
  // Ends a failover early (ABORT, timeout, refused PSYNC), logging `why`; once in progress this
  // node becomes a master again (as REPLICAOF NO ONE).
  void AbortFailover(std::string_view why);
  // Back to no-failover; writes resume.
  void EndFailover();
  void PauseWritesForFailover();
  void ResumeWritesAfterFailover(int64_t now_ms);

  struct FailoverJob {
    FailoverState state = FailoverState::kNone;
    std::string host;  // the target (empty while waiting for any replica)
    int port = 0;
    int64_t end_ms = 0;  // TIMEOUT's deadline (0: none)
    bool force = false;  // FORCE: at the deadline, fail over anyway
    // The end of a CLIENT PAUSE in effect when the failover paused writes (0: none).
    int64_t saved_pause_end_ms = 0;
  };
  FailoverJob failover_;
  bool failover_check_scheduled_ = false;
};

}  // namespace tandem::replication
