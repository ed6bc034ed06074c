#include "replication/replication.h"

#include "server/commands/context.h"

namespace tandem::replication {

// Placeholder until the primary side lands: the node stays a master without replicas.
Replication::Replication(commands::ServerState& state, commands::Dispatcher& dispatcher,
                         boost::asio::io_context& io)
    : state_(state), dispatcher_(dispatcher), io_(io) {}
Replication::~Replication() {
  if (state_.replication == this) state_.replication = nullptr;
}
void Replication::Start() {}
void Replication::Cron(int64_t) {}
void Replication::ReplicaOf(commands::Context& ctx) { ctx.Error("ERR not implemented"); }
void Replication::Psync(commands::Context& ctx) { ctx.Error("ERR not implemented"); }
void Replication::Replconf(commands::Context& ctx) { ctx.Error("ERR not implemented"); }
void Replication::Wait(commands::Context& ctx) { ctx.Error("ERR not implemented"); }
void Replication::Role(commands::Context& ctx) { ctx.Error("ERR not implemented"); }
void Replication::Failover(commands::Context& ctx) { ctx.Error("ERR not implemented"); }
void Replication::AppendInfo(std::string&) {}
void Replication::ClientClosed(commands::Client&) {}
void Replication::FillSnapshotAux(rdb::SnapshotAux&) const {}
void Replication::Propagate(int, std::span<const std::string_view>) {}
PsyncRequest Replication::NextPsync() { return {}; }
base::StatusOr<int> Replication::LoadFullSync(const std::string&, std::string_view, int64_t) {
  return base::Status::IoError("not implemented");
}
void Replication::PartialSyncAccepted(std::string_view) {}
void Replication::StreamApplied(std::string_view) {}
int64_t Replication::AckOffset() const { return 0; }
void Replication::LinkClosed(bool) {}

}  // namespace tandem::replication
