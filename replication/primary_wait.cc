// WAIT, REPLCONF ACK and min-replicas-to-write (Redis 7.0's, docs/replication.md).
#include <spdlog/spdlog.h>

#include <array>

#include "replication/replication.h"
#include "server/base/number_parse.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"

namespace tandem::replication {

namespace {
constexpr std::string_view kWaitOnReplica =
    "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a "
    "replica is configured to be writable (which is not the default) writes to replicas are just "
    "local and are not propagated.";
}  // namespace

int64_t Replication::CountAcked(int64_t offset) const {
  int64_t n = 0;
  for (const auto& [id, link] : links_) {
    if (link.state == ReplicaState::kOnline && link.ack_offset >= offset) ++n;
  }
  return n;
}

void Replication::Wait(commands::Context& ctx) {
  if (state_.repl.replica) return ctx.Error(kWaitOnReplica);
  std::optional<int64_t> numreplicas = base::ParseInt64(ctx.argv[1]);
  if (!numreplicas) return ctx.Error(commands::errors::kNotInteger);
  std::optional<int64_t> timeout = base::ParseInt64(ctx.argv[2]);
  if (!timeout) return ctx.Error("ERR timeout is not an integer or out of range");
  if (*timeout < 0) return ctx.Error("ERR timeout is negative");
  // The stream up to this client's last command (not the GETACKs fed since).
  int64_t target = ctx.client.woff;
  int64_t acked = CountAcked(target);
  if (acked >= *numreplicas || !ctx.CanBlock()) return ctx.reply().Integer(acked);
  int64_t deadline = *timeout > 0 ? ctx.now_ms + *timeout : 0;
  waiters_.push_back({&ctx.client, target, *numreplicas, deadline});
  ctx.blocked = true;
  if (deadline != 0 && state_.control != nullptr) {
    state_.control->Defer([this] { ServeWaiters(state_.clock.NowMs()); }, *timeout * 1000);
  }
  RequestAcks();
}

void Replication::RequestAcks() {
  if (getack_requested_ || state_.control == nullptr) return;
  getack_requested_ = true;
  state_.control->Defer(
      [this] {
        getack_requested_ = false;
        // Not while a FAILOVER waits for a replica to reach the offset (as Redis while paused).
        if (waiters_.empty() || !propagating_ || failover_.state != FailoverState::kNone) return;
        std::array<std::string_view, 3> getack{"REPLCONF", "GETACK", "*"};
        Propagate(-1, getack);
      },
      0);
}

void Replication::OnAck(ReplicaLink& link, int64_t offset, int64_t now_ms) {
  link.ack_offset = std::max(link.ack_offset, offset);
  link.ack_time_ms = now_ms;
  if (link.state == ReplicaState::kOnline && link.awaiting_first_ack) {
    link.awaiting_first_ack = false;
    link.client->reply().Raw(link.pending);
    std::string().swap(link.pending);
    link.client->connection().Flush();
  }
  if (!waiters_.empty()) ServeWaiters(now_ms);
  if (failover_.state == FailoverState::kWaitForSync) ScheduleFailoverCheck();
}

void Replication::ServeWaiters(int64_t now_ms) {
  std::vector<Waiter> still;
  std::vector<Waiter> done;
  for (const Waiter& w : waiters_) {
    int64_t acked = CountAcked(w.offset);
    bool expired = w.deadline_ms != 0 && now_ms >= w.deadline_ms;
    (acked >= w.numreplicas || expired ? done : still).push_back(w);
  }
  waiters_ = std::move(still);
  // A blocked command is counted in commandstats when it is answered, as Redis does.
  const commands::CommandSpec* wait = state_.commands.Find("wait");
  for (const Waiter& w : done) {
    ++state_.stats.commands[wait->id].calls;
    w.client->reply().Integer(CountAcked(w.offset));
    w.client->connection().Flush();
    w.client->connection().ResumeServed();
  }
}

void Replication::UpdateGoodReplicas(int64_t now_ms) {
  int64_t min_replicas = state_.config.GetInt("min-replicas-to-write");
  int64_t max_lag_s = state_.config.GetInt("min-replicas-max-lag");
  int good = 0;
  for (const auto& [id, link] : links_) {
    if (link.state == ReplicaState::kOnline &&
        now_ms / 1000 - link.ack_time_ms / 1000 <= max_lag_s) {
      ++good;
    }
  }
  good_replicas_ = good;
  state_.repl.too_few_replicas =
      !state_.repl.replica && min_replicas > 0 && max_lag_s > 0 && good < min_replicas;
}

}  // namespace tandem::replication
