// The master's side of PSYNC/SYNC: the partial sync from the backlog, and the full sync (Redis
// 7.0's, docs/replication.md): +FULLRESYNC <replid> <offset>, then the RDB either streamed
// (`$EOF:<mark>\r\n` + RDB + mark, replicas with capa eof when repl-diskless-sync is on) or from a
// BGSAVE's file (`$<size>\r\n` + file), then the stream buffered meanwhile.
#include <spdlog/spdlog.h>

#include <cstdio>

#include "replication/replication.h"
#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"

namespace tandem::replication {

namespace {

constexpr size_t kFileChunk = 64 * 1024;
// Diskless: the snapshot walk waits while a receiver holds more unsent bytes than this.
constexpr size_t kStreamHighWater = 4 * 1024 * 1024;

std::string Describe(commands::Client& client, const ReplicaLink& link) {
  std::string address = client.connection().PeerAddress();
  if (link.listening_port == 0) return address;
  return address.substr(0, address.rfind(':')) + ":" + std::to_string(link.listening_port);
}

}  // namespace

void Replication::Psync(commands::Context& ctx) {
  if (ctx.client.flags & commands::kClientReplica) return;  // already a replica: ignored
  if (ctx.argv.size() > 3 && base::EqualsIgnoreCase(ctx.argv[0], "psync") &&
      base::EqualsIgnoreCase(ctx.argv[3], "failover")) {
    // FAILOVER on our master: it has become our replica and hands its role over. Its history
    // must be ours, so that it continues from our backlog after we promote ourselves.
    spdlog::warn("Failover request received for replid {}.", ctx.argv[1]);
    if (!state_.repl.replica) return ctx.Error("ERR PSYNC FAILOVER can't be sent to a master.");
    if (!base::EqualsIgnoreCase(ctx.argv[1], ids_.replid)) {
      return ctx.Error("ERR PSYNC FAILOVER replid must match my replid.");
    }
    BecomeMaster();
    spdlog::info("MASTER MODE enabled (failover request from '{}')",
                 ctx.client.connection().PeerAddress());
  }
  if (failover_.state != FailoverState::kNone) {
    return ctx.Error("NOMASTERLINK Can't SYNC while failing over");
  }
  if (state_.repl.replica && !state_.repl.link_up) {
    return ctx.Error("NOMASTERLINK Can't SYNC while not connected with my master");
  }
  bool psync = base::EqualsIgnoreCase(ctx.argv[0], "psync");
  std::string_view replid = "?";
  int64_t offset = -1;
  if (psync) {
    if (ctx.argv.size() > 4 ||
        (ctx.argv.size() == 4 && !base::EqualsIgnoreCase(ctx.argv[3], "failover"))) {
      return ctx.Error(commands::errors::kSyntax);
    }
    std::optional<int64_t> parsed = base::ParseInt64(ctx.argv[2]);
    if (!parsed) return ctx.Error(commands::errors::kNotInteger);
    replid = ctx.argv[1];
    offset = *parsed;
  }
  ReplicaLink& link = links_[ctx.client.id()];
  link.client = &ctx.client;
  link.legacy_sync = !psync;
  link.ack_time_ms = ctx.now_ms;
  ctx.client.flags |= commands::kClientReplica;
  no_replicas_since_ms_ = ctx.now_ms;

  if (psync) {
    PsyncVerdict verdict = DecidePsync(ids_, backlog_.get(), replid, offset);
    if (verdict.decision == PsyncDecision::kContinue) {
      return ContinuePartialSync(link, offset, ctx);
    }
    if (replid != "?") {
      ++state_.stats.sync_partial_err;
      spdlog::info("Partial resynchronization not accepted: {} (replica asked for '{}' offset {})",
                   verdict.reason, replid, offset);
    }
  }
  spdlog::info("Replica {} asks for synchronization", Describe(ctx.client, link));
  spdlog::info("Full resync requested by replica {}", Describe(ctx.client, link));
  ++state_.stats.sync_full;
  link.state = ReplicaState::kWaitBgsaveStart;
  link.wait_start_ms = ctx.now_ms;
  if (ReplicaCount() == 1 && backlog_ == nullptr) {
    // A new history begins with the first replica (as Redis): no one can continue an old one.
    ids_ = ReplicationIds::Fresh(rng_);
    EnsureBacklog();
    spdlog::info("Replication backlog created, my new replication IDs are '{}' and '{}'",
                 ids_.replid, ids_.replid2);
  }
  // A disk BGSAVE for other replicas: this one shares its file and their buffered stream.
  if (snapshot_running_ && !snapshot_diskless_ &&
      !(state_.config.GetBool("repl-diskless-sync") && link.capa_eof)) {
    for (ReplicaLink* other : SnapshotReceivers()) {
      link.pending = other->pending;
      link.sync_offset = other->sync_offset;
      link.state = ReplicaState::kWaitBgsaveEnd;
      WriteFullResyncReply(link);
      spdlog::info("Waiting for end of BGSAVE for SYNC");
      return;
    }
  }
  UpdateGoodReplicas(ctx.now_ms);
  MaybeStartFullSync(ctx.now_ms);
}

void Replication::ContinuePartialSync(ReplicaLink& link, int64_t offset, commands::Context& ctx) {
  link.state = ReplicaState::kOnline;
  link.ack_offset = offset - 1;
  resp::ReplyBuilder& r = ctx.reply();
  r.Raw(link.capa_psync2 ? "+CONTINUE " + ids_.replid + "\r\n" : std::string("+CONTINUE\r\n"));
  std::string bytes;
  backlog_->CopyFrom(offset, bytes);
  r.Raw(bytes);
  ++state_.stats.sync_partial_ok;
  spdlog::info(
      "Partial resynchronization request from {} accepted. Sending {} bytes of backlog starting "
      "from offset {}.",
      Describe(ctx.client, link), bytes.size(), offset);
  UpdateGoodReplicas(ctx.now_ms);
}

std::vector<ReplicaLink*> Replication::SnapshotReceivers() {
  std::vector<ReplicaLink*> out;
  for (auto& [id, link] : links_) {
    if (link.state == ReplicaState::kWaitBgsaveEnd &&
        !(link.client->flags & commands::kClientCloseASAP)) {
      out.push_back(&link);
    }
  }
  return out;
}

void Replication::MaybeStartFullSync(int64_t now_ms) {
  if (snapshot_running_ || state_.snapshots == nullptr) return;
  size_t waiting = 0;
  bool all_eof = true;
  int64_t oldest_ms = now_ms;
  for (const auto& [id, link] : links_) {
    if (link.state != ReplicaState::kWaitBgsaveStart) continue;
    ++waiting;
    all_eof = all_eof && link.capa_eof;
    oldest_ms = std::min(oldest_ms, link.wait_start_ms);
  }
  if (waiting == 0) return;
  bool diskless = state_.config.GetBool("repl-diskless-sync") && all_eof;
  if (diskless) {
    // Wait repl-diskless-sync-delay so that more replicas share the snapshot, unless
    // repl-diskless-sync-max-replicas are already waiting.
    int64_t delay_ms = state_.config.GetInt("repl-diskless-sync-delay") * 1000;
    int64_t max_replicas = state_.config.GetInt("repl-diskless-sync-max-replicas");
    bool enough = max_replicas > 0 && static_cast<int64_t>(waiting) >= max_replicas;
    if (!enough && now_ms - oldest_ms < delay_ms) return;
  }
  for (auto& [id, link] : links_) {
    if (link.state != ReplicaState::kWaitBgsaveStart) continue;
    link.state = ReplicaState::kWaitBgsaveEnd;
    link.diskless = diskless;
    link.sync_offset = offset_;
    link.pending.clear();
  }
  snapshot_running_ = true;
  snapshot_diskless_ = diskless;
  bool started = diskless ? StartDisklessSync(now_ms) : StartDiskSync();
  if (!started) {
    // A BGSAVE or rewrite runs: the cron tries again.
    snapshot_running_ = false;
    for (ReplicaLink* link : SnapshotReceivers()) link->state = ReplicaState::kWaitBgsaveStart;
    return;
  }
  // The stream selects its database again after the snapshot (Redis's slaveseldb = -1).
  encoder_.ForgetDb();
}

void Replication::WriteFullResyncReply(ReplicaLink& link) {
  if (link.legacy_sync) return;
  link.client->reply().Raw("+FULLRESYNC " + ids_.replid + " " + std::to_string(link.sync_offset) +
                           "\r\n");
  link.client->connection().Flush();
}

bool Replication::StartDisklessSync(int64_t now_ms) {
  eof_mark_ = RandomReplicationId(rng_);
  snapshot_header_sent_ = false;
  commands::StreamSnapshotJob job;
  job.sink = [this](std::string_view bytes) {
    OnDisklessBytes(bytes);
    return base::Status::Ok();
  };
  job.ready = [this] {
    for (ReplicaLink* link : SnapshotReceivers()) {
      if (link->client->connection().OutputBufferSize() > kStreamHighWater) return false;
    }
    return true;
  };
  job.done = [this](const base::Status& status) { OnSnapshotDone(status, state_.clock.NowMs()); };
  if (!state_.snapshots->StartStreamSnapshot(std::move(job))) return false;
  spdlog::info("Starting BGSAVE for SYNC with target: replicas sockets");
  if (!snapshot_header_sent_) OnDisklessBytes({});
  (void)now_ms;
  return true;
}

void Replication::OnDisklessBytes(std::string_view bytes) {
  std::vector<ReplicaLink*> receivers = SnapshotReceivers();
  for (ReplicaLink* link : receivers) {
    if (!snapshot_header_sent_) {
      WriteFullResyncReply(*link);
      link->client->reply().Raw("$EOF:" + eof_mark_ + "\r\n");
    }
    link->client->reply().Raw(bytes);
    link->client->connection().Flush();
  }
  snapshot_header_sent_ = true;
}

bool Replication::StartDiskSync() {
  bool started = state_.snapshots->BackgroundSaveForReplication(
      [this](const base::Status& status) { OnSnapshotDone(status, state_.clock.NowMs()); });
  if (!started) return false;
  spdlog::info("Starting BGSAVE for SYNC with target: disk");
  // `done` may already have run (the file could not be created).
  if (snapshot_running_) {
    for (ReplicaLink* link : SnapshotReceivers()) WriteFullResyncReply(*link);
  }
  return true;
}

void Replication::OnSnapshotDone(const base::Status& status, int64_t now_ms) {
  bool diskless = snapshot_diskless_;
  snapshot_running_ = false;
  std::vector<ReplicaLink*> receivers = SnapshotReceivers();
  if (!status.ok()) {
    spdlog::warn("SYNC failed. BGSAVE for replication returned an error: {}", status.message());
    for (ReplicaLink* link : receivers) {
      link->client->flags |= commands::kClientCloseASAP;
      link->client->connection().CloseNow();
    }
    return;
  }
  if (diskless) {
    if (!snapshot_header_sent_) OnDisklessBytes({});  // `done` came before any byte
    spdlog::info("Diskless rdb transfer, done reading from pipe, {} replicas still up.",
                 receivers.size());
    for (ReplicaLink* link : receivers) {
      link->client->reply().Raw(eof_mark_);
      // The stream waits for the replica's first ACK, so the mark is never glued to it.
      PutOnline(*link, true, now_ms);
    }
    return;
  }
  std::string path = state_.snapshots->RdbPath();
  for (ReplicaLink* link : receivers) {
    link->rdb_file.reset(std::fopen(path.c_str(), "rb"));
    if (link->rdb_file == nullptr || std::fseek(link->rdb_file.get(), 0, SEEK_END) != 0) {
      spdlog::warn("SYNC failed. Can't open/stat DB after BGSAVE: {}", path);
      link->client->flags |= commands::kClientCloseASAP;
      link->client->connection().CloseNow();
      continue;
    }
    long size = std::ftell(link->rdb_file.get());
    std::rewind(link->rdb_file.get());
    link->state = ReplicaState::kSendBulk;
    link->client->reply().Raw("$" + std::to_string(size) + "\r\n");
    uint64_t id = link->client->id();
    link->client->connection().SetOnDrained([this, id] { SendFileChunk(id); });
    SendFileChunk(id);
  }
}

void Replication::SendFileChunk(uint64_t client_id) {
  auto it = links_.find(client_id);
  if (it == links_.end() || it->second.state != ReplicaState::kSendBulk) return;
  ReplicaLink& link = it->second;
  std::string chunk(kFileChunk, '\0');
  size_t n = std::fread(chunk.data(), 1, chunk.size(), link.rdb_file.get());
  chunk.resize(n);
  link.client->reply().Raw(chunk);
  if (n < kFileChunk) {
    link.rdb_file.reset();
    link.client->connection().SetOnDrained({});
    spdlog::info("Synchronization with replica {} succeeded", Describe(*link.client, link));
    PutOnline(link, false, state_.clock.NowMs());
  }
  link.client->connection().Flush();
}

void Replication::PutOnline(ReplicaLink& link, bool wait_first_ack, int64_t now_ms) {
  link.state = ReplicaState::kOnline;
  link.ack_time_ms = now_ms;
  link.awaiting_first_ack = wait_first_ack;
  if (!wait_first_ack) {
    link.client->reply().Raw(link.pending);
    std::string().swap(link.pending);
  }
  link.client->connection().Flush();
  UpdateGoodReplicas(now_ms);
}

void Replication::SendKeepAlives() {
  // A newline before the payload keeps the replica's read timeouts from firing; it is not part
  // of the stream and counts in no offset.
  for (auto& [id, link] : links_) {
    bool waiting = link.state == ReplicaState::kWaitBgsaveStart ||
                   (link.state == ReplicaState::kWaitBgsaveEnd && !link.diskless);
    if (!waiting || (link.client->flags & commands::kClientCloseASAP)) continue;
    link.client->reply().Raw("\n");
    link.client->connection().Flush();
  }
}

}  // namespace tandem::replication
