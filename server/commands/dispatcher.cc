#include "server/commands/dispatcher.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "server/base/ascii_case.h"
#include "server/base/memory.h"
#include "server/commands/client_info.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/monitor.h"
#include "server/commands/slowlog.h"
#include "server/store/eviction.h"

namespace tandem::commands {
namespace {

int64_t SteadyMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The commands MULTI does not queue.
bool RunsInsideMulti(const CommandSpec& spec) {
  std::string_view n = spec.full_name;
  return n == "exec" || n == "discard" || n == "multi" || n == "watch" || n == "quit" ||
         n == "reset";
}

// What a RESP2 client may run while subscribed (its replies would mix with the messages).
bool AllowedWhileSubscribed(const CommandSpec& spec) {
  static constexpr std::string_view kAllowed[] = {"subscribe",    "unsubscribe", "psubscribe",
                                                  "punsubscribe", "ssubscribe",  "sunsubscribe",
                                                  "ping",         "quit",        "reset"};
  return std::find(std::begin(kAllowed), std::end(kAllowed), spec.full_name) != std::end(kAllowed);
}

// A forkless BGSAVE runs: writes the keys `spec` may change to it before they change (see
// store/snapshot_cursor.h). Commands that empty or swap whole databases finish the walk first,
// except FLUSHALL, which abandons the save (SnapshotControl::OnFlushAll), as Redis kills its child.
void PreserveForSnapshot(ServerState& server, int db, const CommandSpec& spec,
                         std::span<const std::string_view> argv) {
  SnapshotHook& hook = *server.snapshot_hook;
  std::string_view name = spec.full_name;
  if (name == "flushdb" || name == "swapdb" ||
      (name == "debug" && argv.size() == 2 && base::EqualsIgnoreCase(argv[1], "reload"))) {
    return hook.Drain();
  }
  if (!(spec.flags & kWrite)) return;  // reads change nothing (lazy expiry preserves by itself)
  for (int i : KeyPositions(spec, argv)) hook.Preserve(db, argv[i]);
  // MOVE key db and COPY src dst DB n write a key of another database.
  int other_db_key = name == "move" ? 1 : name == "copy" ? 2 : 0;
  if (other_db_key != 0) {
    for (int i = 0; i < server.keyspace.database_count(); ++i) {
      hook.Preserve(i, argv[other_db_key]);
    }
  }
}

// Replicas leave expiry to their master: reads do not see expired keys but do not delete them,
// the master's stream sees every key it has not deleted yet. Writes of a writable replica's
// clients delete expired keys as on a master.
store::ExpiryMode ExpiryModeFor(const ServerState& server, const Client& client,
                                const CommandSpec& spec) {
  // While writes are paused (CLIENT PAUSE WRITE, FAILOVER) nothing may enter the stream: expired
  // keys are hidden, not deleted, as Redis does.
  if (server.pause_mode != PauseMode::kOff && !(client.flags & kClientMaster)) {
    return store::ExpiryMode::kHide;
  }
  if (!server.repl.replica) return store::ExpiryMode::kDelete;
  if (client.flags & kClientMaster) return store::ExpiryMode::kKeep;
  return (spec.flags & kWrite) ? store::ExpiryMode::kDelete : store::ExpiryMode::kHide;
}

}  // namespace

void Context::Error(std::string_view text) {
  failed = true;
  server.CountError(text);
  reply().Error(text);
}

void Dispatcher::Reject(Client& client, const CommandSpec* spec, std::string_view error) {
  server_.CountError(error);
  if (spec != nullptr) ++server_.stats.commands[spec->id].rejected_calls;
  client.reply().Error(error);
}

const CommandSpec* Dispatcher::Resolve(Client& client, std::span<const std::string_view> argv) {
  const CommandSpec* spec = server_.commands.Find(argv[0]);
  if (spec == nullptr) {
    Reject(client, nullptr, errors::UnknownCommand(argv));
    return nullptr;
  }
  if (!spec->subcommands.empty() && argv.size() >= 2) {
    const CommandSpec* sub = server_.commands.FindSubcommand(*spec, argv[1]);
    if (sub == nullptr) {
      Reject(client, nullptr, errors::UnknownSubcommand(spec->name, argv[1]));
      return nullptr;
    }
    spec = sub;
  }
  if (!ArityOk(*spec, argv.size())) {
    Reject(client, spec, errors::WrongArity(spec->full_name));
    return nullptr;
  }
  // As Redis: authentication is needed only while the default user has a password (or is off).
  if (!client.authenticated && !(spec->flags & kNoAuth) && !server_.acl.DefaultUserNeedsNoAuth()) {
    Reject(client, spec, errors::kNoAuth);
    return nullptr;
  }
  if (client.user != nullptr) {
    if (auto denial = server_.acl.Evaluate(*client.user, *spec, argv)) {
      LogDenial(client, *spec, argv, *denial);
      Reject(client, spec, Acl::DenialError(*denial, *spec));
      return nullptr;
    }
  }
  if (client.subscribed() && client.resp_version() == 2 && !AllowedWhileSubscribed(*spec)) {
    Reject(client, spec, errors::SubscribedMode(spec->full_name));
    return nullptr;
  }
  return spec;
}

void Dispatcher::LogDenial(Client& client, const CommandSpec& spec,
                           std::span<const std::string_view> argv, const AclDenial& denial) {
  int64_t now_ms = server_.clock.NowMs();
  std::string_view object =
      denial.reason == AclDenialReason::kCommand ? spec.full_name : argv[denial.arg_index];
  server_.acl.log().Add(denial.reason, AclLogContext::kToplevel, object, client.user->name(),
                        ClientInfoForLog(client, now_ms, spec.full_name, argv), now_ms);
}

bool Dispatcher::MustWaitForPause(Client& client, const CommandSpec& spec) const {
  switch (server_.pause_mode) {
    case PauseMode::kOff:
      return false;
    case PauseMode::kAll:
      return true;
    case PauseMode::kWrite:
      // EXEC waits when it would run a write.
      return RunsWithFlag(client, spec, kWrite | kMayReplicate);
  }
  return false;
}

bool Dispatcher::QueuedMatch(const Client& client, uint32_t flag, bool with) const {
  if (!client.multi) return false;
  for (const auto& queued : client.multi->commands) {
    const CommandSpec* q =
        server_.commands.ResolveCall(std::vector<std::string_view>(queued.begin(), queued.end()));
    if (q != nullptr && ((q->flags & flag) != 0) == with) return true;
  }
  return false;
}

bool Dispatcher::RunsWithFlag(const Client& client, const CommandSpec& spec, uint32_t flag) const {
  return (spec.flags & flag) || (spec.full_name == "exec" && QueuedMatch(client, flag, true));
}

bool Dispatcher::RunsWithoutFlag(const Client& client, const CommandSpec& spec,
                                 uint32_t flag) const {
  return spec.full_name == "exec" && QueuedMatch(client, flag, false);
}

bool Dispatcher::RefusedByDiskError(const Client& client, const CommandSpec& spec) const {
  if (server_.snapshots == nullptr || !server_.snapshots->WritesRefused()) return false;
  // As Redis: write commands, EXEC of a transaction that writes, and PING.
  return spec.full_name == "ping" || RunsWithFlag(client, spec, kWrite);
}

std::string_view Dispatcher::ReplicationRefusal(const Client& client,
                                                const CommandSpec& spec) const {
  const ReplicationStatus& repl = server_.repl;
  if (client.flags & kClientMaster) return {};  // the master's stream is obeyed
  if (repl.too_few_replicas && RunsWithFlag(client, spec, kWrite)) return errors::kNoReplicas;
  if (!repl.replica) return {};
  if (server_.settings.replica_read_only && RunsWithFlag(client, spec, kWrite)) {
    return errors::kReadOnlyReplica;
  }
  // EXEC is refused when one of its commands is not allowed on stale data.
  bool stale_ok =
      (spec.flags & kStale) && !(spec.full_name == "exec" && RunsWithoutFlag(client, spec, kStale));
  if (!repl.link_up && !server_.settings.replica_serve_stale_data && !stale_ok) {
    return errors::kMasterDown;
  }
  return {};
}

void Dispatcher::Queue(Client& client, const CommandSpec& spec,
                       std::span<const std::string_view> argv, bool over_maxmemory) {
  if (spec.flags & kNoMulti) {
    client.multi->aborted = true;
    return Reject(client, &spec, errors::kNotAllowedInMulti);
  }
  if (over_maxmemory && (spec.flags & kDenyOom)) {
    client.multi->aborted = true;
    return Reject(client, &spec, errors::kOom);
  }
  client.multi->commands.emplace_back(argv.begin(), argv.end());
  client.reply().SimpleString("QUEUED");
}

void Dispatcher::RunQueued(Client& client, std::span<const std::string_view> argv) {
  const CommandSpec* spec = Resolve(client, argv);
  if (spec != nullptr) Call(client, *spec, argv, server_.clock.NowMs());
}

bool Dispatcher::OverMaxmemory(int64_t now_ms) {
  int64_t maxmemory = server_.settings.maxmemory;
  if (maxmemory <= 0) return false;
  bool ok = true;
  store::EvictToTarget(server_.keyspace, static_cast<size_t>(maxmemory), now_ms, &ok);
  return !ok;
}

DispatchResult Dispatcher::Execute(Client& client, std::span<const std::string_view> argv) {
  int64_t now_ms = server_.clock.NowMs();
  client.set_last_interaction_ms(now_ms);
  const CommandSpec* spec = Resolve(client, argv);
  if (spec == nullptr) {
    if (client.multi) client.multi->aborted = true;  // EXEC will answer EXECABORT
    return DispatchResult::kDone;
  }

  // Redis's order: after the ACL and subscribed-mode checks, before pause and MULTI queueing.
  if (server_.script.busy && !(spec->flags & kAllowBusy)) {
    if (client.multi) client.multi->aborted = true;
    Reject(client, spec, server_.script.is_function ? errors::kBusyFunction : errors::kBusyScript);
    return DispatchResult::kDone;
  }
  // The master's stream is neither paused nor a reason to evict (replica-ignore-maxmemory).
  bool from_master = (client.flags & kClientMaster) != 0;
  if (!from_master && MustWaitForPause(client, *spec)) {
    server_.paused_clients.push_back(client.id());
    return DispatchResult::kBlocked;
  }
  bool over_maxmemory = !from_master && !server_.repl.replica && OverMaxmemory(now_ms);
  if (RefusedByDiskError(client, *spec)) {
    if (client.multi) client.multi->aborted = true;
    Reject(client, spec, errors::kMisconfRdb);
    return DispatchResult::kDone;
  }
  if (std::string_view refusal = ReplicationRefusal(client, *spec); !refusal.empty()) {
    if (client.multi) client.multi->aborted = true;
    Reject(client, spec, refusal);
    return DispatchResult::kDone;
  }
  if (client.multi && !RunsInsideMulti(*spec)) {
    Queue(client, *spec, argv, over_maxmemory);
    return DispatchResult::kDone;
  }
  if (over_maxmemory && (spec->flags & kDenyOom)) {
    Reject(client, spec, errors::kOom);
    return DispatchResult::kDone;
  }

  server_.propagation.BeginUnit();
  DispatchResult result = Call(client, *spec, argv, now_ms);
  server_.propagation.EndUnit();
  client.woff = server_.repl.offset;
  ServeBlockedClients();
  return result;
}

DispatchResult Dispatcher::Call(Client& client, const CommandSpec& spec,
                                std::span<const std::string_view> argv, int64_t now_ms) {
  Context ctx(argv, spec, client, server_, now_ms);
  int db = client.db;
  uint64_t dirty_before = server_.stats.dirty;
  uint64_t handled_before = server_.propagation.handled();
  int64_t start = SteadyMicros();
  if (server_.snapshot_hook != nullptr) PreserveForSnapshot(server_, db, spec, argv);
  server_.keyspace.set_expiry_mode(ExpiryModeFor(server_, client, spec));
  spec.handler(ctx);
  // A blocked command is counted when it is finally served.
  if (ctx.blocked) return DispatchResult::kBlocked;
  // A write propagates itself unless it recorded its effects or prevented propagation, or ran
  // writes that did (EXEC, scripts).
  if (server_.stats.dirty != dirty_before && server_.propagation.handled() == handled_before) {
    server_.propagation.Record(db, argv);
  }
  AfterCall(client, spec, argv, SteadyMicros() - start, ctx.failed);
  return DispatchResult::kDone;
}

void Dispatcher::ServeBlockedClients() {
  if (!server_.blocking.has_ready_keys()) return;  // the common case: nothing to wake
  server_.blocking.ServeReadyKeys([this](Client& client, std::span<const std::string_view> argv) {
    const CommandSpec* spec = server_.commands.Find(argv[0]);
    server_.propagation.BeginUnit();
    bool done = Call(client, *spec, argv, server_.clock.NowMs()) == DispatchResult::kDone;
    server_.propagation.EndUnit();
    client.woff = server_.repl.offset;
    return done;
  });
}

void Dispatcher::AfterCall(Client& client, const CommandSpec& spec,
                           std::span<const std::string_view> argv, int64_t duration_us,
                           bool failed) {
  CommandStats& stats = server_.stats.commands[spec.id];
  ++stats.calls;
  stats.usec += static_cast<uint64_t>(duration_us);
  if (failed) ++stats.failed_calls;
  ++server_.stats.total_commands_processed;
  client.last_command = spec.full_name;

  int64_t threshold = server_.settings.slowlog_log_slower_than;
  bool to_slowlog = threshold >= 0 && duration_us >= threshold && !(spec.flags & kSkipSlowlog);
  bool to_monitors = !server_.monitors.empty() && !(spec.flags & (kSkipMonitor | kAdmin));
  if (!to_slowlog && !to_monitors) return;
  std::vector<std::string_view> shown = RedactSecrets(argv);
  if (to_slowlog) {
    server_.slowlog.push_front(MakeSlowlogEntry(server_.next_slowlog_id++, client, shown,
                                                server_.clock.NowMs() / 1000, duration_us));
    while (server_.slowlog.size() > server_.settings.slowlog_max_len) server_.slowlog.pop_back();
  }
  if (to_monitors) FeedMonitors(client, shown, server_.clock.NowUs());
}

void Dispatcher::FeedMonitors(Client& client, std::span<const std::string_view> argv,
                              int64_t now_us) {
  std::string line = FormatMonitorLine(client, argv, now_us);
  for (Client* monitor : server_.monitors) {
    if (monitor == &client) continue;
    monitor->reply().SimpleString(line);
    monitor->connection().Flush();
  }
}

}  // namespace tandem::commands
