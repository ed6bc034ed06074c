// FAILOVER: Redis 7.0's coordinated switchover (reference §1.10). The master pauses writes, waits
// until a replica has ACKed its whole stream, becomes that replica's replica and asks it to take
// over with `PSYNC <replid> <offset> FAILOVER`; the target promotes itself (primary_sync.cc) and
// answers +CONTINUE from its backlog, so no acknowledged write is lost and nobody resyncs in full.
#include "replication/failover.h"

#include <spdlog/spdlog.h>

#include <limits>

#include "replication/replication.h"
#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"

namespace tandem::replication {

namespace {

constexpr std::string_view kNotInProgress = "ERR No failover in progress.";
constexpr std::string_view kAlreadyInProgress = "ERR FAILOVER already in progress.";
constexpr std::string_view kOnReplica = "ERR FAILOVER is not valid when server is a replica.";
constexpr std::string_view kNoReplicas = "ERR FAILOVER requires connected replicas.";
constexpr std::string_view kForceNeedsTargetAndTimeout =
    "ERR FAILOVER with force option requires both a timeout and target HOST and IP.";
constexpr std::string_view kNotAReplica = "ERR FAILOVER target HOST and PORT is not a replica.";
constexpr std::string_view kNotOnline = "ERR FAILOVER target replica is not online.";
constexpr std::string_view kBadTimeout = "ERR FAILOVER timeout must be greater than 0";

}  // namespace

const char* FailoverStateName(FailoverState state) {
  switch (state) {
    case FailoverState::kWaitForSync:
      return "waiting-for-sync";
    case FailoverState::kInProgress:
      return "failover-in-progress";
    case FailoverState::kNone:
      break;
  }
  return "no-failover";
}

base::StatusOr<FailoverArgs> ParseFailoverArgs(std::span<const std::string_view> argv) {
  auto error = [](std::string_view text) {
    return base::Status::InvalidArgument(std::string(text));
  };
  FailoverArgs args;
  if (argv.size() == 2 && base::EqualsIgnoreCase(argv[1], "abort")) {
    args.abort = true;
    return args;
  }
  bool has_target = false;
  for (size_t j = 1; j < argv.size(); ++j) {
    if (base::EqualsIgnoreCase(argv[j], "timeout") && j + 1 < argv.size() && args.timeout_ms == 0) {
      std::optional<int64_t> timeout = base::ParseInt64(argv[j + 1]);
      if (!timeout) return error(commands::errors::kNotInteger);
      if (*timeout <= 0) return error(kBadTimeout);
      args.timeout_ms = *timeout;
      ++j;
    } else if (base::EqualsIgnoreCase(argv[j], "to") && j + 2 < argv.size() && !has_target) {
      std::optional<int64_t> port = base::ParseInt64(argv[j + 2]);
      if (!port) return error(commands::errors::kNotInteger);
      args.host = std::string(argv[j + 1]);
      args.port = *port;
      has_target = true;
      j += 2;
    } else if (base::EqualsIgnoreCase(argv[j], "force") && !args.force) {
      args.force = true;
    } else {
      return error(commands::errors::kSyntax);
    }
  }
  return args;
}

// ---- The master's side.

void Replication::Failover(commands::Context& ctx) {
  base::StatusOr<FailoverArgs> parsed = ParseFailoverArgs(ctx.argv);
  if (!parsed.ok()) return ctx.Error(parsed.status().message());
  const FailoverArgs& args = parsed.value();
  if (args.abort) {
    if (failover_.state == FailoverState::kNone) return ctx.Error(kNotInProgress);
    AbortFailover("Failover manually aborted");
    return ctx.reply().SimpleString("OK");
  }
  if (failover_.state != FailoverState::kNone) return ctx.Error(kAlreadyInProgress);
  if (state_.repl.replica) return ctx.Error(kOnReplica);
  if (ReplicaCount() == 0) return ctx.Error(kNoReplicas);
  if (args.force && (args.timeout_ms == 0 || args.host.empty())) {
    return ctx.Error(kForceNeedsTargetAndTimeout);
  }
  if (!args.host.empty()) {
    const ReplicaLink* target = FindReplica(args.host, args.port);
    if (target == nullptr) return ctx.Error(kNotAReplica);
    if (target->state != ReplicaState::kOnline) return ctx.Error(kNotOnline);
    spdlog::info("FAILOVER requested to {}:{}.", args.host, args.port);
  } else {
    spdlog::info("FAILOVER requested to any replica.");
  }
  failover_.host = args.host;
  failover_.port = static_cast<int>(args.port);
  failover_.end_ms = args.timeout_ms > 0 ? ctx.now_ms + args.timeout_ms : 0;
  failover_.force = args.force;
  failover_.state = FailoverState::kWaitForSync;
  PauseWritesForFailover();
  ctx.reply().SimpleString("OK");
  // A replica that is already in sync is taken at once (Redis checks before its next sleep).
  ScheduleFailoverCheck();
}

const ReplicaLink* Replication::FindReplica(std::string_view host, int64_t port) const {
  for (const auto& [id, link] : links_) {
    if (link.state == ReplicaState::kHandshake) continue;
    if (base::EqualsIgnoreCase(host, link.ip()) && port == link.listening_port) return &link;
  }
  return nullptr;
}

void Replication::ScheduleFailoverCheck() {
  // Deferred: the role change must not happen inside the command (an ACK) that triggered it.
  if (state_.control == nullptr || failover_check_scheduled_) return;
  failover_check_scheduled_ = true;
  state_.control->Defer(
      [this] {
        failover_check_scheduled_ = false;
        UpdateFailover(state_.clock.NowMs());
      },
      0);
}

void Replication::UpdateFailover(int64_t now_ms) {
  if (failover_.state == FailoverState::kNone) return;
  // CLIENT UNPAUSE ends every pause; the failover's own holds until the failover ends.
  if (state_.pause_mode == commands::PauseMode::kOff) {
    state_.pause_mode = commands::PauseMode::kWrite;
    state_.pause_end_ms = std::numeric_limits<int64_t>::max();
  }
  if (failover_.state != FailoverState::kWaitForSync) return;
  if (failover_.end_ms != 0 && failover_.end_ms <= now_ms) {
    if (!failover_.force) return AbortFailover("Replica never caught up before timeout");
    spdlog::info("FAILOVER to {}:{} time out exceeded, failing over.", failover_.host,
                 failover_.port);
    failover_.state = FailoverState::kInProgress;
    BecomeReplica(failover_.host, failover_.port);
    return;
  }
  const ReplicaLink* target = nullptr;
  if (!failover_.host.empty()) {
    target = FindReplica(failover_.host, failover_.port);
  } else {
    // The first replica that has everything becomes the target.
    for (const auto& [id, link] : links_) {
      if (link.state == ReplicaState::kOnline && link.ack_offset == offset_) {
        target = &link;
        failover_.host = link.ip();
        failover_.port = link.listening_port;
        break;
      }
    }
  }
  if (target == nullptr || target->state != ReplicaState::kOnline ||
      target->ack_offset != offset_) {
    return;
  }
  spdlog::info("Failover target {}:{} is synced, failing over.", failover_.host, failover_.port);
  failover_.state = FailoverState::kInProgress;
  // Its PSYNC carries FAILOVER (NextPsync) while the state is kInProgress.
  BecomeReplica(failover_.host, failover_.port);
}

void Replication::AbortFailover(std::string_view why) {
  if (failover_.state == FailoverState::kNone) return;
  if (failover_.host.empty()) {
    spdlog::info("FAILOVER to any replica aborted: {}", why);
  } else {
    spdlog::info("FAILOVER to {}:{} aborted: {}", failover_.host, failover_.port, why);
  }
  // Already a replica of the target: back to master, as REPLICAOF NO ONE.
  if (failover_.state == FailoverState::kInProgress) BecomeMaster();
  EndFailover();
}

void Replication::EndFailover() {
  failover_.state = FailoverState::kNone;
  failover_.host.clear();
  failover_.port = 0;
  failover_.end_ms = 0;
  failover_.force = false;
  ResumeWritesAfterFailover(state_.clock.NowMs());
}

void Replication::PauseWritesForFailover() {
  // Redis's PAUSE_DURING_FAILOVER: writes wait (reads go on) and no PING enters the stream, so the
  // offset the replicas must reach stays put. A CLIENT PAUSE in effect is kept for later.
  failover_.saved_pause_end_ms =
      state_.pause_mode == commands::PauseMode::kOff ? 0 : state_.pause_end_ms;
  if (state_.pause_mode == commands::PauseMode::kOff)
    state_.pause_mode = commands::PauseMode::kWrite;
  state_.pause_end_ms = std::numeric_limits<int64_t>::max();
}

void Replication::ResumeWritesAfterFailover(int64_t now_ms) {
  if (failover_.saved_pause_end_ms > now_ms && state_.pause_mode != commands::PauseMode::kOff) {
    state_.pause_end_ms = failover_.saved_pause_end_ms;  // the CLIENT PAUSE runs its course
  } else {
    state_.EndPauseIfDue(now_ms, /*force=*/true);
  }
  failover_.saved_pause_end_ms = 0;
}

// ---- The demoted master's link: the answer to its PSYNC ... FAILOVER.

void Replication::FailoverPsyncAnswered(bool accepted) {
  if (failover_.state != FailoverState::kInProgress) return;
  if (accepted) {
    spdlog::info("FAILOVER to {}:{} completed.", failover_.host, failover_.port);
    EndFailover();
  } else {
    AbortFailover("Failover target rejected psync request");
  }
}

}  // namespace tandem::replication
