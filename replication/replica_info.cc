// What a replica shows of its link: INFO replication's replica fields and ROLE's replica form, in
// Redis 7.0's names, order and values (reference §1.11).

#include <cinttypes>
#include <cstdio>

#include "replication/replication.h"
#include "server/commands/context.h"

namespace tandem::replication {

namespace {

void AppendLine(std::string& out, const char* format, auto... values) {
  char line[256];
  int n = std::snprintf(line, sizeof(line), format, values...);
  if (n > 0) out.append(line, std::min<size_t>(static_cast<size_t>(n), sizeof(line) - 1));
}

const char* RoleLinkState(const MasterLink* link) {
  if (link == nullptr) return "connect";  // waiting to retry
  switch (link->state()) {
    case LinkState::kConnecting:
      return "connecting";
    case LinkState::kHandshake:
      return "handshake";
    case LinkState::kTransfer:
      return "sync";
    case LinkState::kConnected:
      return "connected";
    case LinkState::kClosed:
      break;
  }
  return "connect";
}

}  // namespace

void Replication::AppendReplicaFields(std::string& out) {
  const int64_t now_s = state_.clock.NowMs() / 1000;
  const bool connected = link_ != nullptr && link_->state() == LinkState::kConnected;
  const bool transfer = link_ != nullptr && link_->state() == LinkState::kTransfer;
  MasterLinkInfo info = link_ != nullptr ? link_->info() : MasterLinkInfo{};
  // Redis shows 1 when it has neither a master nor a cached one.
  int64_t applied = connected || cached_master_ ? offset_ : 1;
  int64_t read = connected ? info.read_offset : applied;
  out += "master_host:" + master_host_ + "\r\n";
  AppendLine(out, "master_port:%d\r\n", master_port_);
  out += connected ? "master_link_status:up\r\n" : "master_link_status:down\r\n";
  AppendLine(out, "master_last_io_seconds_ago:%d\r\n",
             connected ? static_cast<int>(now_s - info.last_io_ms / 1000) : -1);
  AppendLine(out, "master_sync_in_progress:%d\r\n", transfer ? 1 : 0);
  AppendLine(out, "slave_read_repl_offset:%" PRId64 "\r\n", read);
  AppendLine(out, "slave_repl_offset:%" PRId64 "\r\n", applied);
  if (transfer) {
    double perc = info.transfer_size > 0
                      ? static_cast<double>(info.transfer_read) / info.transfer_size * 100
                      : 0;
    AppendLine(out,
               "master_sync_total_bytes:%" PRId64 "\r\nmaster_sync_read_bytes:%" PRId64
               "\r\nmaster_sync_left_bytes:%" PRId64
               "\r\nmaster_sync_perc:%.2f\r\nmaster_sync_last_io_seconds_ago:%d\r\n",
               info.transfer_size, info.transfer_read, info.transfer_size - info.transfer_read,
               perc, static_cast<int>(now_s - info.transfer_last_io_ms / 1000));
  }
  if (!connected) {
    AppendLine(out, "master_link_down_since_seconds:%" PRId64 "\r\n",
               link_down_since_ms_ != 0 ? now_s - link_down_since_ms_ / 1000 : int64_t{-1});
  }
  AppendLine(out, "slave_priority:%d\r\n",
             static_cast<int>(state_.config.GetInt("replica-priority")));
  AppendLine(out, "slave_read_only:%d\r\n", state_.settings.replica_read_only ? 1 : 0);
  AppendLine(out, "replica_announced:%d\r\n", state_.config.GetBool("replica-announced") ? 1 : 0);
}

void Replication::ReplyReplicaRole(commands::Context& ctx) {
  const bool connected = link_ != nullptr && link_->state() == LinkState::kConnected;
  ctx.reply().ArrayHeader(5);
  ctx.reply().Bulk("slave");
  ctx.reply().Bulk(master_host_);
  ctx.reply().Integer(master_port_);
  ctx.reply().Bulk(RoleLinkState(link_.get()));
  ctx.reply().Integer(connected ? offset_ : -1);
}

}  // namespace tandem::replication
