// The replica side of Replication: REPLICAOF / SLAVEOF, the master link's host (full and partial
// syncs, the applied stream), the cached master for PSYNC and the reconnection (reference §1.2,
// §1.4, §1.8, §1.10).

#include <spdlog/spdlog.h>
#include <strings.h>

#include <cstdio>

#include "replication/replication.h"
#include "server/base/number_parse.h"
#include "server/commands/client.h"
#include "server/commands/context.h"

namespace tandem::replication {

namespace {

constexpr std::string_view kInvalidMasterPort = "ERR Invalid master port";
constexpr std::string_view kReplicaCannotReplicaOf =
    "ERR Command is not valid when client is a replica.";
constexpr std::string_view kWhileFailingOver = "ERR REPLICAOF not allowed while failing over.";
// A closed link is retried after this long (Redis retries from its once-a-second cron).
constexpr int64_t kReconnectDelayMs = 1000;

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

void Replication::ReplicaOf(commands::Context& ctx) {
  if (failover_.state != FailoverState::kNone) {
    ctx.Error(kWhileFailingOver);
    return;
  }
  if (ctx.client.flags & commands::kClientReplica) {
    ctx.Error(kReplicaCannotReplicaOf);
    return;
  }
  if (EqualsNoCase(ctx.argv[1], "no") && EqualsNoCase(ctx.argv[2], "one")) {
    if (state_.repl.replica) {
      BecomeMaster();
      spdlog::info("MASTER MODE enabled (user request from '{}')",
                   ctx.client.connection().PeerAddress());
    }
    ctx.reply().SimpleString("OK");
    return;
  }
  std::optional<int64_t> port = base::ParseInt64(ctx.argv[2]);
  if (!port || *port < 0 || *port > 65535) {
    ctx.Error(kInvalidMasterPort);
    return;
  }
  std::string host(ctx.argv[1]);
  if (state_.repl.replica && EqualsNoCase(host, master_host_) && *port == master_port_) {
    spdlog::info(
        "REPLICAOF would result into synchronization with the master we are already "
        "connected with. No operation performed.");
    ctx.reply().SimpleString("OK Already connected to specified master");
    return;
  }
  BecomeReplica(std::move(host), static_cast<int>(*port));
  spdlog::info("REPLICAOF {}:{} enabled (user request from '{}')", master_host_, master_port_,
               ctx.client.connection().PeerAddress());
  ctx.reply().SimpleString("OK");
}

void Replication::BecomeReplica(std::string host, int port) {
  if (!state_.repl.replica) {
    // PSYNC2 demotion: this node's own history is the cached master, so that it may continue
    // from the node promoted in its place.
    spdlog::info(
        "Before turning into a replica, using my own master parameters to synthesize a "
        "cached master: I may be able to synchronize with the new master with just a "
        "partial transfer.");
    EnsureBacklog();
    cached_master_ = true;
    cached_db_ = 0;
    DisconnectBlockedClients();
  }
  StopLink();
  master_host_ = std::move(host);
  master_port_ = port;
  RecordRole();
  state_.repl.replica = true;
  state_.repl.link_up = false;
  link_down_since_ms_ = 0;
  UpdatePropagation();  // a replica forwards its master's stream, not its own effects
  ConnectToMaster();
}

void Replication::DisconnectBlockedClients() {
  static constexpr std::string_view kUnblocked =
      "UNBLOCKED force unblock from blocking operation, instance state changed (master -> "
      "replica?)";
  for (auto& [id, client] : state_.clients) {
    bool waiting = std::erase_if(waiters_, [&](const Waiter& w) { return w.client == client; });
    if (waiting) {
      state_.CountError(kUnblocked);
      client->reply().Error(kUnblocked);
      client->connection().ResumeServed();
    } else if (!state_.blocking.Unblock(*client, kUnblocked)) {
      continue;
    }
    client->connection().CloseAfterReply();
  }
}

void Replication::RecordRole() {
  // CONFIG GET replicaof and CONFIG REWRITE follow the role (the sentinel's promotion
  // transaction rewrites the file so that a restart keeps it), as in Redis.
  std::string value =
      master_host_.empty() ? std::string() : master_host_ + " " + std::to_string(master_port_);
  if (state_.config.GetString("replicaof") == value) return;
  // "no one" is how a master is written (Redis's ParseReplicaOf takes it as unset).
  if (base::Status st = state_.config.Override("replicaof", value.empty() ? "no one" : value);
      !st.ok()) {
    spdlog::warn("Could not record replicaof {}: {}", value, st.message());
  }
}

void Replication::BecomeMaster() {
  StopLink();
  cached_master_ = false;
  master_host_.clear();
  master_port_ = 0;
  RecordRole();
  state_.repl.replica = false;
  state_.repl.link_up = false;
  no_replicas_since_ms_ = state_.clock.NowMs();  // repl-backlog-ttl counts from the promotion
  UpdatePropagation();
  // The old history stays valid, as replid2, up to this offset: siblings may continue from us.
  ids_.Shift(offset_, rng_);
  DisconnectReplicas();
  encoder_.ForgetDb();
  EnsureBacklog();
  spdlog::info(
      "Setting secondary replication ID to {}, valid up to offset: {}. New replication "
      "ID is {}",
      ids_.replid2, ids_.second_offset, ids_.replid);
}

void Replication::StartReplica() {
  const std::string& replicaof = state_.config.GetString("replicaof");
  if (replicaof.empty()) return;
  char host[256] = {0};
  int port = 0;
  if (std::sscanf(replicaof.c_str(), "%255s %d", host, &port) != 2) return;
  const commands::PersistenceStatus& loaded = state_.persistence;
  if (!loaded.loaded_repl_id.empty()) {
    // A restarted replica continues its master's history from the offset its RDB recorded.
    ids_.replid = loaded.loaded_repl_id;
    ids_.ClearSecond();
    offset_ = loaded.loaded_repl_offset;
    EnsureBacklog();
    cached_master_ = true;
    cached_db_ = loaded.loaded_repl_stream_db;
  }
  master_host_ = host;
  master_port_ = port;
  state_.repl.replica = true;
  state_.repl.link_up = false;
  UpdatePropagation();
  ConnectToMaster();
}

void Replication::ConnectToMaster() {
  link_ = MasterLink::Start(io_, state_, dispatcher_, *this, master_host_, master_port_);
}

void Replication::StopLink() {
  reconnect_timer_.cancel();
  if (link_ == nullptr) return;
  bool was_connected = link_->state() == LinkState::kConnected;
  if (was_connected) cached_db_ = link_->stream_db();
  link_->Stop();
  link_.reset();
  state_.repl.link_up = false;
}

void Replication::ScheduleReconnect(int64_t delay_ms) {
  reconnect_timer_.expires_after(std::chrono::milliseconds(delay_ms));
  reconnect_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && state_.repl.replica && link_ == nullptr) ConnectToMaster();
  });
}

// ---- MasterLinkHost

PsyncRequest Replication::NextPsync() {
  PsyncRequest request;
  if (cached_master_) request = PsyncRequest{ids_.replid, offset_ + 1, cached_db_};
  request.failover = failover_.state == FailoverState::kInProgress;
  return request;
}

base::StatusOr<int> Replication::LoadFullSync(const std::string& path, std::string_view replid,
                                              int64_t offset) {
  // Whatever happens next, the data set no longer matches a cached master.
  cached_master_ = false;
  if (state_.snapshots == nullptr) return base::Status::IoError("no persistence");
  const std::string target = state_.snapshots->RdbPath();
  if (std::rename(path.c_str(), target.c_str()) != 0) {
    return base::Status::IoError("Failed trying to rename the temp DB into " + target +
                                 " in MASTER <-> REPLICA synchronization");
  }
  auto aux = state_.snapshots->LoadForReplication(target);
  if (!aux.ok()) return aux.status();
  if (state_.aof != nullptr) state_.aof->RewriteAfterFullSync();
  int db = 0;
  for (const auto& [name, value] : aux.value()) {
    if (name == "repl-stream-db") db = static_cast<int>(base::ParseInt64(value).value_or(0));
  }
  // The master's history is ours now; sub-replicas must resync with it.
  ids_.replid = std::string(replid);
  ids_.ClearSecond();
  offset_ = offset;
  if (backlog_ != nullptr) backlog_->Reset(offset_);
  EnsureBacklog();
  DisconnectReplicas();
  cached_master_ = true;
  state_.repl.link_up = true;
  return db;
}

void Replication::PartialSyncAccepted(std::string_view replid) {
  if (!replid.empty() && replid != ids_.replid) {
    // The master's history changed (a failover): ours continues under its new id.
    ids_.replid2 = ids_.replid;
    ids_.second_offset = offset_ + 1;
    ids_.replid = std::string(replid);
    spdlog::info("Master replication ID changed to {}", ids_.replid);
    DisconnectReplicas();
  }
  EnsureBacklog();
  state_.repl.link_up = true;
}

void Replication::StreamApplied(std::string_view bytes) { FeedReplicas(bytes); }

int64_t Replication::AckOffset() const { return offset_; }

void Replication::LinkClosed(bool was_connected) {
  if (was_connected) {
    if (link_ != nullptr) cached_db_ = link_->stream_db();
    link_down_since_ms_ = state_.clock.NowMs();
    spdlog::info("Connection with master lost; caching the disconnected master state.");
  }
  state_.repl.link_up = false;
  link_.reset();
  ScheduleReconnect(kReconnectDelayMs);
}

}  // namespace tandem::replication
