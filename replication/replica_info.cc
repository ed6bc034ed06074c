// Placeholders for the replica side (REPLICAOF, the MasterLinkHost methods, the replica's INFO and
// ROLE fields, MasterLink::SendAck and stream_db): the node stays a master. The replica side's
// files replace this one.
#include "replication/replication.h"
#include "server/commands/context.h"

namespace tandem::replication {

void Replication::ReplicaOf(commands::Context& ctx) { ctx.Error("ERR not implemented"); }
void Replication::AppendReplicaFields(std::string&) {}
void Replication::ReplyReplicaRole(commands::Context& ctx) { ctx.Error("ERR not implemented"); }
void Replication::StartReplica() {}
PsyncRequest Replication::NextPsync() { return {}; }
base::StatusOr<int> Replication::LoadFullSync(const std::string&, std::string_view, int64_t) {
  return base::Status::IoError("not implemented");
}
void Replication::PartialSyncAccepted(std::string_view) {}
void Replication::StreamApplied(std::string_view) {}
int64_t Replication::AckOffset() const { return offset_; }
void Replication::LinkClosed(bool) {}
// The MasterLink methods the primary side calls (link_ is always null here).
void MasterLink::SendAck() {}
int MasterLink::stream_db() const { return 0; }

}  // namespace tandem::replication
