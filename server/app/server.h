#pragma once
// Server: the running tandem-server. Owns the event loop, the listeners, the shared command state
// and the periodic cron (active expiry, client timeouts, pause expiry, ops/sec), and implements
// ServerControl for SHUTDOWN.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "replication/replication.h"
#include "server/base/clock.h"
#include "server/base/status.h"
#include "server/commands/dispatcher.h"
#include "server/commands/server_state.h"
#include "server/config/config.h"
#include "server/net/asio.h"
#include "server/net/listener.h"
#include "server/net/session.h"
#include "server/persistence/aof_manager.h"
#include "server/persistence/fork_child.h"
#include "server/persistence/snapshot_manager.h"

namespace tandem::app {

class Server final : public commands::ServerControl {
 public:
  explicit Server(config::Config& config);
  // Binds every `bind` address on `port`. Fails when none could be bound. Call after the command
  // layer's config hooks are installed.
  base::Status Start();
  // Loads the data set at start (the RDB file when appendonly is no). Fails with the message to
  // print before exiting with 1.
  base::Status LoadPersistedData();
  // Serves until SHUTDOWN or SIGTERM/SIGINT.
  void Run();
  void RequestShutdown() override;
  // Runs the ready handlers of the event loop once (nested inside the busy script's handler).
  void ProcessEventsWhileBusy() override;
  // Posts `fn` to the event loop, through a one-shot timer when delay_us > 0.
  void Defer(std::function<void()> fn, int64_t delay_us) override;
  commands::ServerState& state() { return state_; }
  // After the data set is loaded: starts replication (the loaded RDB's replication fields,
  // `replicaof`).
  void StartReplication() { replication_.Start(); }
  // appendonly yes: loads the AOF and opens it for appending (aof_manager.h). Call before Start.
  // Fails when the AOF cannot be loaded or created: the server must not start.
  base::Status LoadAndOpenAof();

 private:
  void OnAccept(boost::asio::ip::tcp::socket socket);
  // SIGTERM/SIGINT: the final save (when save points exist), then shutdown; a failed save keeps
  // the server running, as Redis does.
  void WaitForSignal();
  void ScheduleCron();
  // Ends blocking commands whose timeout passed, every 10 ms (finer than the cron's hz).
  void ScheduleBlockTimeouts();
  void Cron();
  void CloseIdleClients(int64_t now_ms);
  // Reads the connection limits from the config (at start and on CONFIG SET, which so reaches
  // existing connections too, as in Redis).
  void RefreshSessionSettings();
  // Writes and fsyncs the AOF before the process exits (SHUTDOWN, SIGTERM).
  void FlushAofForExit();

  config::Config& config_;
  base::SystemClock clock_;
  commands::ServerState state_;
  commands::Dispatcher dispatcher_;
  persistence::ForkChild child_;  // the BGSAVE / AOF rewrite child
  persistence::SnapshotManager snapshots_{state_, child_};
  persistence::AofManager aof_;
  // Declared after the state: destroying the event loop destroys the sessions it still holds,
  // and their connections unregister from the state, which must still exist then.
  boost::asio::io_context io_{1};  // one thread runs it: lets Asio skip internal locking
  std::vector<std::unique_ptr<net::Listener>> listeners_;
  net::SessionSettings session_settings_;  // shared by every session
  // After the event loop: its master link's coroutines run on it.
  replication::Replication replication_{state_, dispatcher_, io_};
  boost::asio::steady_timer cron_timer_;
  boost::asio::steady_timer block_timer_;
  boost::asio::signal_set signals_;
  uint64_t ops_at_last_sample_ = 0;
  int64_t last_sample_ms_ = 0;
};

}  // namespace tandem::app
