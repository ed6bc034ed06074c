// REPLICAOF, SLAVEOF, PSYNC, SYNC, REPLCONF, WAIT, ROLE and FAILOVER: the rows live here with the
// other families; the behaviour is replication's (ReplicationControl). Without replication (unit
// tests) the node is a master without replicas.

#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/replication_control.h"

namespace tandem::commands {
namespace {

// Runs `method` of the installed replication, or answers as a lone master would.
template <void (ReplicationControl::*method)(Context&)>
void Forward(Context& ctx) {
  if (ctx.server.replication != nullptr) return (ctx.server.replication->*method)(ctx);
  if (method == &ReplicationControl::Role) {
    resp::ReplyBuilder& r = ctx.reply();
    r.ArrayHeader(3);
    r.Bulk("master");
    r.Integer(0);
    r.ArrayHeader(0);
    return;
  }
  ctx.Error("ERR replication is not available");
}

}  // namespace

void RegisterReplicationCommands(CommandTable& table) {
  constexpr uint32_t kSync = kAdmin | kNoScript | kNoMulti;
  constexpr uint64_t kAdminAcl = kAclAdmin | kAclSlow | kAclDangerous;
  table.Register({
      {"replicaof", 3, kAdmin | kNoScript | kStale, 0, 0, 0, kAdminAcl,
       Forward<&ReplicationControl::ReplicaOf>, "server",
       "Make the server a replica of another instance, or promote it as master.", "5.0.0"},
      {"slaveof", 3, kAdmin | kNoScript | kStale, 0, 0, 0, kAdminAcl,
       Forward<&ReplicationControl::ReplicaOf>, "server",
       "Make the server a replica of another instance, or promote it as master.", "1.0.0"},
      {"psync", -3, kSync, 0, 0, 0, kAdminAcl, Forward<&ReplicationControl::Psync>, "server",
       "Internal command used for replication", "2.8.0"},
      {"sync", 1, kSync, 0, 0, 0, kAdminAcl, Forward<&ReplicationControl::Psync>, "server",
       "Internal command used for replication", "1.0.0"},
      {"replconf", -1, kAdmin | kNoScript | kLoading | kStale | kAllowBusy, 0, 0, 0, kAdminAcl,
       Forward<&ReplicationControl::Replconf>, "server",
       "An internal command for configuring the replication stream", "3.0.0"},
      {"wait", 3, kNoScript, 0, 0, 0, kAclSlow | kAclConnection, Forward<&ReplicationControl::Wait>,
       "generic",
       "Wait for the synchronous replication of all the write commands sent in the context of "
       "the current connection",
       "3.0.0"},
      {"role", 1, kNoScript | kLoading | kStale | kFast, 0, 0, 0,
       kAclAdmin | kAclFast | kAclDangerous, Forward<&ReplicationControl::Role>, "server",
       "Return the role of the instance in the context of replication", "2.8.12"},
      {"failover", -1, kAdmin | kNoScript | kStale, 0, 0, 0, kAdminAcl,
       Forward<&ReplicationControl::Failover>, "server",
       "Start a coordinated failover between this server and one of its replicas.", "6.2.0"},
  });
}

}  // namespace tandem::commands
