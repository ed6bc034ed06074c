#include "replication/replication.h"

#include <spdlog/spdlog.h>

#include "server/commands/context.h"

namespace tandem::replication {

Replication::Replication(commands::ServerState& state, commands::Dispatcher& dispatcher,
                         boost::asio::io_context& io)
    : state_(state), dispatcher_(dispatcher), io_(io), rng_(std::random_device{}()) {
  ids_ = ReplicationIds::Fresh(rng_);
}

Replication::~Replication() {
  if (propagating_) state_.propagation.RemovePropagator(this);
  if (state_.replication == this) state_.replication = nullptr;
}

void Replication::FeedReplicas(std::string_view bytes) {
  offset_ += static_cast<int64_t>(bytes.size());
  if (backlog_ != nullptr) backlog_->Append(bytes);
  for (auto& [id, link] : links_) {
    switch (link.state) {
      case ReplicaState::kHandshake:
      case ReplicaState::kWaitBgsaveStart:
        // Its full sync's offset is taken when the snapshot starts: earlier bytes are in it.
        break;
      case ReplicaState::kWaitBgsaveEnd:
      case ReplicaState::kSendBulk:
        link.pending.append(bytes);
        break;
      case ReplicaState::kOnline:
        if (link.awaiting_first_ack) {
          link.pending.append(bytes);
        } else {
          link.client->reply().Raw(bytes);
          link.client->connection().Flush();
        }
        break;
    }
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
  std::string bytes;
  encoder_.Encode(db, argv, bytes);
  FeedReplicas(bytes);
}

// ---- Placeholders until the primary side lands.
void Replication::Start() { state_.replication = this; }
void Replication::Cron(int64_t) {}
void Replication::Psync(commands::Context& ctx) { ctx.Error("ERR not implemented"); }
void Replication::Replconf(commands::Context& ctx) { ctx.Error("ERR not implemented"); }
void Replication::Wait(commands::Context& ctx) { ctx.Error("ERR not implemented"); }
void Replication::Role(commands::Context& ctx) { ctx.Error("ERR not implemented"); }
void Replication::Failover(commands::Context& ctx) { ctx.Error("ERR not implemented"); }
void Replication::AppendInfo(std::string&) {}
void Replication::ClientClosed(commands::Client& client) { links_.erase(client.id()); }
void Replication::FillSnapshotAux(rdb::SnapshotAux&) const {}

}  // namespace tandem::replication
