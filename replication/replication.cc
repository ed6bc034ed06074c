#include "replication/replication.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"

namespace tandem::replication {

namespace {

const char* StateName(ReplicaState state) {
  switch (state) {
    case ReplicaState::kSendBulk:
      return "send_bulk";
    case ReplicaState::kOnline:
      return "online";
    default:
      return "wait_bgsave";
  }
}

}  // namespace

Replication::Replication(commands::ServerState& state, commands::Dispatcher& dispatcher,
                         boost::asio::io_context& io)
    : state_(state), dispatcher_(dispatcher), io_(io), rng_(std::random_device{}()) {
  ids_ = ReplicationIds::Fresh(rng_);
}

Replication::~Replication() {
  // The link's coroutines outlive this object in the event loop; stopped, they no longer call it
  // (and the link no longer keeps itself alive).
  if (link_ != nullptr) link_->Stop();
  if (snapshot_running_ && snapshot_diskless_ && state_.snapshots != nullptr) {
    state_.snapshots->AbortStreamSnapshot();
  }
  if (propagating_) state_.propagation.RemovePropagator(this);
  if (state_.replication == this) state_.replication = nullptr;
}

// ---- Shared by both roles.

void Replication::FeedReplicas(std::string_view bytes) {
  offset_ += static_cast<int64_t>(bytes.size());
  if (backlog_ != nullptr) backlog_->Append(bytes);
  if (links_.empty()) return;
  int64_t now_ms = state_.clock.NowMs();
  for (auto& [id, link] : links_) {
    if (link.state == ReplicaState::kHandshake ||
        (link.client->flags & commands::kClientCloseASAP)) {
      continue;
    }
    switch (link.state) {
      case ReplicaState::kHandshake:
      case ReplicaState::kWaitBgsaveStart:
        // Its full sync's offset is taken when the snapshot starts: earlier bytes are in it.
        continue;
      case ReplicaState::kWaitBgsaveEnd:
      case ReplicaState::kSendBulk:
        link.pending.append(bytes);
        break;
      case ReplicaState::kOnline:
        if (link.awaiting_first_ack) {
          link.pending.append(bytes);
        } else {
          link.client->reply().Raw(bytes);
          ScheduleReplicaFlush();
        }
        break;
    }
    EnforceOutputLimit(link, now_ms);
  }
}

void Replication::DisconnectReplicas() {
  for (auto& [id, link] : links_) {
    if (link.state != ReplicaState::kHandshake) link.client->connection().CloseNow();
  }
}

void Replication::EnsureBacklog() {
  if (backlog_ != nullptr) return;
  backlog_ = std::make_unique<Backlog>(
      static_cast<size_t>(state_.config.GetInt("repl-backlog-size")), offset_);
  UpdatePropagation();
}

void Replication::UpdatePropagation() {
  bool want = !state_.repl.replica && backlog_ != nullptr;
  if (want == propagating_) return;
  if (want) {
    state_.propagation.AddPropagator(this);
  } else {
    state_.propagation.RemovePropagator(this);
  }
  propagating_ = want;
}

void Replication::Propagate(int db, std::span<const std::string_view> argv) {
  encoded_.clear();
  encoder_.Encode(db, argv, encoded_);
  FeedReplicas(encoded_);
  if (encoded_.capacity() > 1024 * 1024) std::string().swap(encoded_);  // after a huge value
}

void Replication::FlushReplicas() {
  flush_scheduled_ = false;
  flushing_ = true;
  for (auto& [id, link] : links_) {
    if (link.state == ReplicaState::kOnline) link.client->connection().Flush();
  }
  flushing_ = false;
}

void Replication::FlushBeforeReplies() {
  if (flush_scheduled_ && !flushing_) FlushReplicas();
}

void Replication::ScheduleReplicaFlush() {
  if (state_.control == nullptr) return FlushReplicas();
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  state_.control->Defer(
      [this] {
        if (flush_scheduled_) FlushReplicas();
      },
      0);
}

// ---- Start-up and cron.

void Replication::Start() {
  state_.replication = this;
  if (!started_) {
    started_ = true;
    state_.config.OnChange("repl-backlog-size", [this](const std::string&) {
      if (backlog_ != nullptr) {
        backlog_->Resize(static_cast<size_t>(state_.config.GetInt("repl-backlog-size")));
      }
      return base::Status::Ok();
    });
    replica_limit_ = state_.config.ClientOutputBufferLimits().replica;
    state_.config.OnChange("client-output-buffer-limit", [this](const std::string&) {
      replica_limit_ = state_.config.ClientOutputBufferLimits().replica;
      return base::Status::Ok();
    });
    state_.config.OnChange("min-replicas-to-write", [this](const std::string&) {
      UpdateGoodReplicas(state_.clock.NowMs());
      return base::Status::Ok();
    });
    state_.config.OnChange("min-replicas-max-lag", [this](const std::string&) {
      UpdateGoodReplicas(state_.clock.NowMs());
      return base::Status::Ok();
    });
  }
  no_replicas_since_ms_ = state_.clock.NowMs();
  if (!state_.config.GetString("replicaof").empty()) return StartReplica();
  AdoptLoadedHistory();
  UpdateGoodReplicas(state_.clock.NowMs());  // min-replicas-to-write refuses from the start
}

void Replication::AdoptLoadedHistory() {
  const commands::PersistenceStatus& p = state_.persistence;
  if (p.loaded_repl_id.size() != 40 || p.loaded_repl_offset <= 0) return;
  // As Redis 7.0: the old history stays valid as replid2, so that replicas of the previous run
  // can continue with a partial sync from the offset the file was saved at.
  ids_.replid2 = p.loaded_repl_id;
  ids_.second_offset = p.loaded_repl_offset + 1;
  offset_ = p.loaded_repl_offset;
  backlog_.reset();
  EnsureBacklog();
  spdlog::info("Resuming the replication history {} at offset {}", p.loaded_repl_id, offset_);
}

void Replication::Cron(int64_t now_ms) {
  UpdateFailover(now_ms);
  MaybeStartFullSync(now_ms);
  if (now_ms - last_second_ms_ >= 1000) {
    last_second_ms_ = now_ms;
    OnceASecond(now_ms);
  }
}

void Replication::OnceASecond(int64_t now_ms) {
  ++seconds_;
  int64_t period = std::max<int64_t>(1, state_.config.GetInt("repl-ping-replica-period"));
  if (propagating_ && ReplicaCount() > 0 && seconds_ % period == 0 &&
      state_.pause_mode == commands::PauseMode::kOff) {
    std::array<std::string_view, 1> ping{"PING"};
    Propagate(-1, ping);
  }
  SendKeepAlives();
  int64_t timeout_ms = state_.config.GetInt("repl-timeout") * 1000;
  for (auto& [id, link] : links_) {
    if (link.state == ReplicaState::kOnline && !link.legacy_sync &&
        now_ms - link.ack_time_ms > timeout_ms &&
        !(link.client->flags & commands::kClientCloseASAP)) {
      spdlog::warn("Disconnecting timedout replica (streaming sync): {}:{}", link.ip(),
                   link.listening_port);
      link.client->flags |= commands::kClientCloseASAP;
      link.client->connection().CloseNow();
      continue;
    }
    EnforceOutputLimit(link, now_ms);
  }
  // repl-backlog-ttl: a master without replicas frees its backlog and starts a new history, so
  // that no replica can later continue the old one wrongly. BecomeMaster restarts the count: a
  // freshly promoted node keeps its backlog for its former siblings.
  if (ReplicaCount() > 0) {
    no_replicas_since_ms_ = now_ms;
  } else if (!state_.repl.replica && backlog_ != nullptr) {
    int64_t ttl = state_.config.GetInt("repl-backlog-ttl");
    if (ttl > 0 && now_ms - no_replicas_since_ms_ >= ttl * 1000) {
      ids_ = ReplicationIds::Fresh(rng_);
      backlog_.reset();
      UpdatePropagation();
      spdlog::info("Replication backlog freed after {} seconds without connected replicas.", ttl);
    }
  }
  UpdateGoodReplicas(now_ms);
}

void Replication::EnforceOutputLimit(ReplicaLink& link, int64_t now_ms) {
  if (link.state == ReplicaState::kHandshake || (link.client->flags & commands::kClientCloseASAP))
    return;
  const config::OutputBufferLimit& limit = replica_limit_;
  uint64_t used = link.client->connection().OutputBufferSize() + link.pending.size();
  bool over = limit.hard_limit_bytes > 0 && used >= limit.hard_limit_bytes;
  if (limit.soft_limit_bytes > 0 && used >= limit.soft_limit_bytes) {
    if (link.soft_limit_since_ms == 0) link.soft_limit_since_ms = now_ms;
    over = over || now_ms - link.soft_limit_since_ms > limit.soft_limit_seconds * 1000;
  } else {
    link.soft_limit_since_ms = 0;
  }
  if (!over) return;
  spdlog::warn(
      "Client id={} addr={} laddr={} fd={} name={} flags=S omem={} scheduled to be closed ASAP "
      "for overcoming of output buffer limits.",
      link.client->id(), link.client->connection().PeerAddress(),
      link.client->connection().LocalAddress(), link.client->connection().Fd(), link.client->name,
      used);
  link.client->flags |= commands::kClientCloseASAP;
  link.client->connection().CloseNow();
}

size_t Replication::ReplicaCount() const {
  return static_cast<size_t>(std::count_if(links_.begin(), links_.end(), [](const auto& entry) {
    return entry.second.state != ReplicaState::kHandshake;
  }));
}

// ---- Commands.

void Replication::Replconf(commands::Context& ctx) {
  if (ctx.argv.size() % 2 == 0) return ctx.Error(commands::errors::kSyntax);
  // The handshake's values are kept for the PSYNC that follows.
  auto handshake = [&]() -> ReplicaLink& {
    ReplicaLink& link = links_[ctx.client.id()];
    link.client = &ctx.client;
    return link;
  };
  for (size_t j = 1; j < ctx.argv.size(); j += 2) {
    std::string_view option = ctx.argv[j];
    std::string_view value = ctx.argv[j + 1];
    if (base::EqualsIgnoreCase(option, "listening-port")) {
      std::optional<int64_t> port = base::ParseInt64(value);
      if (!port) return ctx.Error(commands::errors::kNotInteger);
      handshake().listening_port = static_cast<int>(*port);
    } else if (base::EqualsIgnoreCase(option, "ip-address")) {
      if (value.size() >= 256) {
        return ctx.Error("ERR REPLCONF ip-address provided by replica instance is too long: " +
                         std::to_string(value.size()) + " bytes");
      }
      handshake().announced_ip = std::string(value);
    } else if (base::EqualsIgnoreCase(option, "capa")) {
      ReplicaLink& link = handshake();
      if (base::EqualsIgnoreCase(value, "eof")) link.capa_eof = true;
      if (base::EqualsIgnoreCase(value, "psync2")) link.capa_psync2 = true;
    } else if (base::EqualsIgnoreCase(option, "ack")) {
      // From a replica only, and never answered (FACK and other pairs after it are ignored).
      auto it = links_.find(ctx.client.id());
      if (it == links_.end() || it->second.state == ReplicaState::kHandshake) return;
      std::optional<int64_t> offset = base::ParseInt64(value);
      if (offset) OnAck(it->second, *offset, ctx.now_ms);
      return;
    } else if (base::EqualsIgnoreCase(option, "getack")) {
      // From this replica's master: answered with an ACK on the link, never with a reply.
      if ((ctx.client.flags & commands::kClientMaster) && link_ != nullptr) link_->SendAck();
      return;
    } else if (base::EqualsIgnoreCase(option, "rdb-only")) {
      std::optional<int64_t> flag = base::ParseInt64(value);
      if (!flag || (*flag != 0 && *flag != 1)) return ctx.Error(commands::errors::kNotInteger);
    } else {
      return ctx.Error("ERR Unrecognized REPLCONF option: " + std::string(option));
    }
  }
  ctx.reply().SimpleString("OK");
}

void Replication::ClientClosed(commands::Client& client) {
  std::erase_if(waiters_, [&](const Waiter& w) { return w.client == &client; });
  auto it = links_.find(client.id());
  if (it == links_.end()) return;
  bool replica = it->second.state != ReplicaState::kHandshake;
  if (replica) {
    spdlog::info("Connection with replica {}:{} lost.", it->second.ip(), it->second.listening_port);
  }
  client.connection().SetOnDrained({});
  links_.erase(it);
  if (!replica) return;
  if (snapshot_running_ && snapshot_diskless_ && SnapshotReceivers().empty()) {
    // Nobody left to receive the stream snapshot.
    if (state_.snapshots != nullptr) state_.snapshots->AbortStreamSnapshot();
    snapshot_running_ = false;
  }
  int64_t now_ms = state_.clock.NowMs();
  if (ReplicaCount() == 0) no_replicas_since_ms_ = now_ms;
  UpdateGoodReplicas(now_ms);
}

void Replication::Role(commands::Context& ctx) {
  if (state_.repl.replica) return ReplyReplicaRole(ctx);
  resp::ReplyBuilder& r = ctx.reply();
  std::vector<const ReplicaLink*> online;
  for (const auto& [id, link] : links_) {
    if (link.state == ReplicaState::kOnline) online.push_back(&link);
  }
  r.ArrayHeader(3);
  r.Bulk("master");
  r.Integer(offset_);
  r.ArrayHeader(online.size());
  for (const ReplicaLink* link : online) {
    r.ArrayHeader(3);
    r.Bulk(link->ip());
    r.Bulk(std::to_string(link->listening_port));
    r.Bulk(std::to_string(link->ack_offset));
  }
}

void Replication::AppendInfo(std::string& out) {
  if (state_.repl.replica) {
    out += "role:slave\r\n";
    AppendReplicaFields(out);
  } else {
    out += "role:master\r\n";
  }
  AppendMasterInfo(out);
}

void Replication::AppendMasterInfo(std::string& out) {
  auto field = [&out](std::string_view name, const auto& value) {
    out.append(name);
    out.push_back(':');
    if constexpr (std::is_arithmetic_v<std::decay_t<decltype(value)>>) {
      out += std::to_string(value);
    } else {
      out.append(value);
    }
    out += "\r\n";
  };
  field("connected_slaves", ReplicaCount());
  if (state_.config.GetInt("min-replicas-to-write") > 0 &&
      state_.config.GetInt("min-replicas-max-lag") > 0) {
    field("min_slaves_good_slaves", good_replicas_);
  }
  int64_t now_s = state_.clock.NowMs() / 1000;
  int n = 0;
  for (const auto& [id, link] : links_) {
    if (link.state == ReplicaState::kHandshake) continue;
    int64_t lag = link.state == ReplicaState::kOnline ? now_s - link.ack_time_ms / 1000 : 0;
    std::string ip = link.ip();
    out += "slave" + std::to_string(n++) + ":ip=" + ip +
           ",port=" + std::to_string(link.listening_port) + ",state=" + StateName(link.state) +
           ",offset=" + std::to_string(link.ack_offset) + ",lag=" + std::to_string(lag) + "\r\n";
  }
  field("master_failover_state", FailoverStateName(failover_.state));
  field("master_replid", ids_.replid);
  field("master_replid2", ids_.replid2);
  field("master_repl_offset", offset_);
  field("second_repl_offset", ids_.second_offset);
  field("repl_backlog_active", backlog_ != nullptr ? 1 : 0);
  field("repl_backlog_size", state_.config.GetInt("repl-backlog-size"));
  field("repl_backlog_first_byte_offset", backlog_ != nullptr ? backlog_->first_offset() : 0);
  field("repl_backlog_histlen", backlog_ != nullptr ? backlog_->histlen() : 0);
}

void Replication::FillSnapshotAux(rdb::SnapshotAux& aux) const {
  if (state_.repl.replica) {
    // The master client's database, or the cached master's while the link is down.
    bool linked = link_ != nullptr && link_->state() == LinkState::kConnected;
    aux.repl_stream_db = linked ? link_->stream_db() : cached_db_;
  } else if (backlog_ != nullptr) {
    aux.repl_stream_db = std::max(encoder_.selected_db(), 0);
  } else {
    return;
  }
  aux.repl_id = ids_.replid;
  aux.repl_offset = offset_;
}

}  // namespace tandem::replication
