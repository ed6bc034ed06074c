#pragma once
// Dispatcher: runs one request for one client. Every pre-check lives here, once, in Redis's order:
// lookup, arity, authentication, ACL, RESP2 subscribed mode (Redis: after maxmemory), client
// pause, maxmemory; then the handler, then the statistics, slowlog and MONITOR feed. Handlers never
// repeat these checks.

#include <span>
#include <string_view>

#include "server/commands/client.h"
#include "server/commands/server_state.h"

namespace tandem::commands {

enum class DispatchResult {
  kDone,     // the request was handled (perhaps with an error reply)
  kBlocked,  // the client must wait: CLIENT PAUSE (the request is resent on Resume()) or a
             // blocking command (answered later; ResumeServed() moves past it)
};

class Dispatcher final : public CommandRunner {
 public:
  explicit Dispatcher(ServerState& server) : server_(server) { server_.runner = this; }
  DispatchResult Execute(Client& client, std::span<const std::string_view> argv);
  // EXEC's queued commands: checked again (arity, ACL) and run, without queueing or blocking.
  void RunQueued(Client& client, std::span<const std::string_view> argv) override;
  // A script's redis.call: Redis's script checks in its order (unknown command, arity, noscript,
  // ACL, write from a read-only script, OOM before the script's first write), each refusal with
  // the script wording, then the command itself. Marks server.script.wrote for a write command.
  // Defined in dispatcher_script.cc.
  void RunFromScript(Client& script_client, std::span<const std::string_view> argv,
                     const ScriptCallRules& rules) override;

 private:
  // Returns the command to run, or null after replying with the pre-check's error.
  const CommandSpec* Resolve(Client& client, std::span<const std::string_view> argv);
  // Records an ACL denial in ACL LOG.
  void LogDenial(Client& client, const CommandSpec& spec, std::span<const std::string_view> argv,
                 const AclDenial& denial);
  // Runs the handler and, unless it blocked, the statistics.
  DispatchResult Call(Client& client, const CommandSpec& spec,
                      std::span<const std::string_view> argv, int64_t now_ms);
  // Re-runs the commands of clients blocked on keys the last command wrote.
  void ServeBlockedClients();
  bool MustWaitForPause(Client& client, const CommandSpec& spec) const;
  // stop-writes-on-bgsave-error refuses this command (MISCONF) after a failed background save.
  bool RefusedByDiskError(const Client& client, const CommandSpec& spec) const;
  // The replication checks, in Redis's order: NOREPLICAS (min-replicas-to-write not met), READONLY
  // (a write on a read-only replica), MASTERDOWN (a replica whose link is down with
  // replica-serve-stale-data no). Returns the error, or empty when the command may run.
  std::string_view ReplicationRefusal(const Client& client, const CommandSpec& spec) const;
  // Whether `spec`, or EXEC of the client's transaction, would run a command with `flag`.
  bool RunsWithFlag(const Client& client, const CommandSpec& spec, uint32_t flag) const;
  // Whether EXEC of the client's transaction would run a command without `flag`.
  bool RunsWithoutFlag(const Client& client, const CommandSpec& spec, uint32_t flag) const;
  // Whether a queued command of the client's transaction has (`with`) or lacks `flag`.
  bool QueuedMatch(const Client& client, uint32_t flag, bool with) const;
  // Inside MULTI: queues the command (replying QUEUED) or refuses it and marks the transaction.
  void Queue(Client& client, const CommandSpec& spec, std::span<const std::string_view> argv,
             bool over_maxmemory);
  bool OverMaxmemory(int64_t now_ms);
  void Reject(Client& client, const CommandSpec* spec, std::string_view error);
  void AfterCall(Client& client, const CommandSpec& spec, std::span<const std::string_view> argv,
                 int64_t duration_us, bool failed);
  void FeedMonitors(Client& client, std::span<const std::string_view> argv, int64_t now_us);

  ServerState& server_;
};

}  // namespace tandem::commands
