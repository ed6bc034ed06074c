#pragma once
// BlockingRegistry: clients waiting in BLPOP, BZPOPMIN, BLMOVE... until a key they wait on is
// written or their timeout passes.
//
// Model: a blocking handler that finds nothing to serve calls Context::Block; the dispatcher then
// leaves the request unconsumed. A write to a waited-on key (Context::Touched) queues the key as
// ready; after the writing command, ServeReadyKeys re-runs the waiting clients' commands in the
// order they blocked (FIFO). A re-run that still finds nothing keeps its place and deadline. The
// cron calls ExpireTimeouts, which answers each expired client with a null array (`*-1`, RESP3
// `_`): what Redis 7.0 replies to every timed-out list and sorted-set pop, BLMOVE included.
//
// Owner: ServerState; server thread only. Clients are removed by Unblock before they go away.

#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/commands/client.h"

namespace tandem::commands {

class BlockingRegistry {
 public:
  // Runs a blocked client's command again; returns true when it was served (did not block again).
  using Rerun = std::function<bool(Client&, std::span<const std::string_view>)>;

  // Registers `client` as waiting on `keys` of `db` until `deadline_ms` (0: no timeout), keeping a
  // copy of its command. A client already blocked (a re-run) keeps its place and deadline.
  void Block(Client& client, int db, std::span<const std::string_view> keys, int64_t deadline_ms,
             std::span<const std::string_view> argv);
  bool IsBlocked(const Client& client) const { return client.blocked; }
  // Queues (db, key) as ready when clients wait on it; cheap when none do.
  void KeyTouched(int db, std::string_view key);
  // FLUSHDB / FLUSHALL (db -1): queues every waited-on key of `db` as ready, so that waiters that
  // must notice a deleted key (XREADGROUP) re-run; the others find nothing and keep waiting.
  void DbFlushed(int db);
  // Re-runs the commands of clients waiting on ready keys, FIFO per key, until no key is ready.
  // A served client's transport is flushed and told to move past its request.
  void ServeReadyKeys(const Rerun& rerun);
  bool has_ready_keys() const { return !ready_.empty(); }
  // Sends the timeout reply to every client whose deadline is at or before now_ms.
  void ExpireTimeouts(int64_t now_ms);
  // Forgets `client` (disconnect). No reply is sent.
  void Remove(Client& client);
  // Ends the wait of `client` with its timeout reply, or with `error` when not empty (CLIENT
  // UNBLOCK). Returns false when it was not blocked.
  bool Unblock(Client& client, std::string_view error);

  size_t blocked_clients() const { return waiters_.size(); }
  size_t keys_waited_on() const { return by_key_.size(); }

 private:
  struct Waiter {
    int db;
    std::vector<std::string> keys;
    int64_t deadline_ms;
    std::vector<std::string> argv;
  };
  void Forget(Client& client);
  void Release(Client& client);

  std::unordered_map<const Client*, Waiter> waiters_;
  std::unordered_map<std::string, std::deque<Client*>> by_key_;  // DbKeyId -> clients, FIFO
  std::vector<std::string> ready_;                               // DbKeyIds, in signal order
  bool serving_ = false;
};

}  // namespace tandem::commands
