#pragma once
// ServerState: everything commands share across clients: the keyspace, the config, the command
// table, the connected clients, users, statistics, the slowlog and monitors.
//
// Owner: the app (one per process); used only from the server thread.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "server/base/clock.h"
#include "server/commands/acl.h"
#include "server/commands/blocking.h"
#include "server/commands/client.h"
#include "server/commands/command_table.h"
#include "server/commands/persistence_control.h"
#include "server/commands/propagation.h"
#include "server/commands/pubsub.h"
#include "server/commands/replication_control.h"
#include "server/commands/watch.h"
#include "server/config/config.h"
#include "server/store/keyspace.h"

namespace tandem::scripting {
class FunctionEngine;
class LuaEngine;
}  // namespace tandem::scripting

namespace tandem::commands {

// Per-command counters for INFO commandstats.
struct CommandStats {
  uint64_t calls = 0;
  uint64_t usec = 0;
  uint64_t rejected_calls = 0;
  uint64_t failed_calls = 0;
};

struct ServerStats {
  uint64_t total_connections_received = 0;
  uint64_t total_commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t net_input_bytes = 0;
  uint64_t net_output_bytes = 0;
  uint64_t total_error_replies = 0;
  uint64_t unexpected_error_replies = 0;
  uint64_t client_query_buffer_limit_disconnections = 0;
  uint64_t total_reads_processed = 0;
  uint64_t total_writes_processed = 0;
  uint64_t dirty = 0;             // writes since start (rdb_changes_since_last_save later)
  uint64_t sync_full = 0;         // full syncs served to replicas
  uint64_t sync_partial_ok = 0;   // PSYNCs answered +CONTINUE
  uint64_t sync_partial_err = 0;  // PSYNCs with a replid that got a full sync
  uint64_t instantaneous_ops_per_sec = 0;
  uint64_t used_memory_peak = 0;                 // highest base::UsedMemory() seen (INFO, cron)
  std::map<std::string, uint64_t> error_counts;  // errorstats, by error code ("ERR", "WRONGTYPE")
  std::vector<CommandStats> commands;            // indexed by CommandSpec::id
};

struct SlowlogEntry {
  uint64_t id;
  int64_t unix_time;
  int64_t duration_us;
  std::vector<std::string> argv;
  std::string peer;
  std::string client_name;
};

// CLIENT PAUSE state. Flow: kOff -> (PAUSE) kWrite|kAll -> (UNPAUSE or timeout) kOff.
enum class PauseMode {
  kOff,    // nothing paused
  kWrite,  // write commands wait
  kAll,    // every command waits
};

// What commands may ask of the process (implemented by the app).
class ServerControl {
 public:
  virtual ~ServerControl() = default;
  // Stops the server after the current command (SHUTDOWN).
  virtual void RequestShutdown() = 0;
  // Serves other clients' pending events once, without blocking: called by a script or function
  // that runs past busy-reply-threshold, so that they get BUSY and may send SCRIPT KILL. Commands
  // must not change the keyspace from inside it (the dispatcher refuses all but allow-busy ones).
  virtual void ProcessEventsWhileBusy() {}
  // Runs `fn` on the server thread from the event loop, after `delay_us` (0: as soon as pending
  // events are served), never from inside this call.
  virtual void Defer(std::function<void()> fn, int64_t delay_us) = 0;
};

// The script or function running now. Flow: idle -> (EVAL/FCALL) running -> (past
// busy-reply-threshold) busy: other clients get BUSY -> (returns, or SCRIPT/FUNCTION KILL while
// it has not written) idle.
struct RunningScript {
  bool running = false;         // a script or function is executing
  bool busy = false;            // it passed busy-reply-threshold
  bool is_function = false;     // FCALL (FUNCTION KILL stops it) rather than EVAL (SCRIPT KILL)
  bool wrote = false;           // it ran a write command: it cannot be killed
  bool kill_requested = false;  // SCRIPT/FUNCTION KILL asked it to stop
  int64_t start_ms = 0;
  Client* caller = nullptr;  // the client that sent EVAL/FCALL (ACL LOG shows it)
  // FCALL only (FUNCTION STATS shows them): the function and the command that called it.
  std::string function_name;
  std::vector<std::string> command;
};

// What a running script may do: from EVAL_RO/EVALSHA_RO, the script's shebang flags and the
// memory state when it started.
struct ScriptCallRules {
  bool read_only = false;     // EVAL_RO or "no-writes": write commands are refused
  bool allow_oom = false;     // "allow-oom": denyoom commands run even over maxmemory
  bool oom_at_start = false;  // used memory was over maxmemory when the script started
};

// Runs one of EXEC's queued commands with the dispatcher's checks and statistics (implemented by
// the Dispatcher, which owns both).
class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  virtual void RunQueued(Client& client, std::span<const std::string_view> argv) = 0;
  // Runs redis.call/pcall's `argv` for a script's client with the script checks (see
  // dispatcher_script.cc); the reply, or the refusal, goes to the script client's buffer.
  virtual void RunFromScript(Client& script_client, std::span<const std::string_view> argv,
                             const ScriptCallRules& rules) = 0;
};

// Config values read on every command, cached here by the app's config hooks.
struct HotSettings {
  int64_t maxmemory = 0;
  int64_t slowlog_log_slower_than = 10000;
  size_t slowlog_max_len = 128;
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  bool replica_read_only = true;         // replica-read-only
  bool replica_serve_stale_data = true;  // replica-serve-stale-data
};

class ServerState {
 public:
  ServerState(config::Config& config, const base::Clock& clock, uint64_t seed);

  config::Config& config;
  const base::Clock& clock;
  store::Keyspace keyspace;
  CommandTable commands;
  Acl acl;
  ServerStats stats;
  HotSettings settings;
  ServerControl* control = nullptr;
  CommandRunner* runner = nullptr;
  SnapshotControl* snapshots = nullptr;   // RDB (null: no persistence, as in unit tests)
  SnapshotHook* snapshot_hook = nullptr;  // set while a forkless BGSAVE walks the keyspace
  AofControl* aof = nullptr;              // the append-only file
  PersistenceStatus persistence;
  ReplicationControl* replication = nullptr;  // null: a master without replicas (unit tests)
  ReplicationStatus repl;

  std::string run_id;  // 40 hex chars, new at each start
  int64_t start_time_ms = 0;
  int tcp_port = 0;
  std::string executable;
  std::string config_file;

  // Connected clients by id (CLIENT LIST order).
  std::map<uint64_t, Client*> clients;
  uint64_t next_client_id = 1;
  std::vector<Client*> monitors;
  BlockingRegistry blocking;
  WatchRegistry watches;
  Pubsub pubsub;
  int notify_keyspace_events = 0;  // config::keyspace_event flags (notify-keyspace-events)

  std::deque<SlowlogEntry> slowlog;  // newest first
  uint64_t next_slowlog_id = 0;

  // DEBUG SET-ACTIVE-EXPIRE: when false the cron skips the active expiry cycle.
  bool active_expire_enabled = true;

  RunningScript script;
  Propagation propagation;  // effects sent to replicas and the AOF
  // The EVAL scripts' Lua state and cache, made on first use (script_family.cc). A shared_ptr so
  // that this header needs only a declaration of the engine.
  std::shared_ptr<scripting::LuaEngine> lua;
  // The function libraries and their Lua state, made on first use (function_family.cc).
  std::shared_ptr<scripting::FunctionEngine> functions;

  PauseMode pause_mode = PauseMode::kOff;
  int64_t pause_end_ms = 0;
  std::vector<uint64_t> paused_clients;  // ids waiting for the pause to end

  // LASTSAVE, INFO rdb_last_save_time: the Unix time of the last successful save, the start time
  // before any.
  int64_t last_save_unix() const {
    return persistence.last_save_unix != 0 ? persistence.last_save_unix : start_time_ms / 1000;
  }
  // Ends an expired pause and resumes the clients it held. Called by the cron and by UNPAUSE.
  void EndPauseIfDue(int64_t now_ms, bool force);
  void RemoveClient(Client* client);
  // A write changed (db, key): breaks WATCHes on it and wakes clients blocked on it.
  void KeyTouched(int db, std::string_view key) {
    watches.Touched(db, key);
    blocking.KeyTouched(db, key);
  }
  // Publishes __keyspace@<db>__:<key> <event> and/or __keyevent@<db>__:<event> <key> when
  // notify-keyspace-events enables `event_class`.
  void NotifyKeyspaceEvent(int event_class, std::string_view event, std::string_view key, int db);
  // Counts an error reply in errorstats (keyed by its first word).
  void CountError(std::string_view text);
};

}  // namespace tandem::commands
