#pragma once
// Context: what a command handler gets for one call: its arguments, the client, the server state,
// the reply builder and the time the call started. Handlers reply through ctx.reply() and report
// errors through ctx.Error() so that errorstats and failed_calls stay true.

#include <span>
#include <string_view>

#include "server/commands/client.h"
#include "server/commands/command_spec.h"
#include "server/commands/server_state.h"

namespace tandem::commands {

class Context {
 public:
  Context(std::span<const std::string_view> argv, const CommandSpec& spec, Client& client,
          ServerState& server, int64_t now_ms)
      : argv(argv), spec(spec), client(client), server(server), now_ms(now_ms) {}

  std::span<const std::string_view> argv;
  const CommandSpec& spec;
  Client& client;
  ServerState& server;
  int64_t now_ms;
  bool failed = false;  // an error reply was sent

  resp::ReplyBuilder& reply() { return client.reply(); }
  // Sends an error reply (text without '-') and counts it.
  void Error(std::string_view text);

  int db_index() const { return client.db; }
  store::Database& db() { return server.keyspace.db(client.db); }
  store::Keyspace& keyspace() { return server.keyspace; }
  // A live key for reading: counts hits/misses and touches the access data.
  store::Entry* Lookup(std::string_view key) {
    return server.keyspace.Lookup(client.db, key, now_ms);
  }
  // A live key for reading without an access touch (TYPE, EXISTS, TTL, OBJECT): counts
  // hits/misses only, so that introspection does not change what eviction sees.
  store::Entry* Peek(std::string_view key) {
    store::Entry* e = Find(key);
    ++(e != nullptr ? server.keyspace.stats().keyspace_hits
                    : server.keyspace.stats().keyspace_misses);
    return e;
  }
  // A live key for writing: no hit/miss counting.
  store::Entry* Find(std::string_view key) { return server.keyspace.Find(client.db, key, now_ms); }
  // Records that the keyspace changed (n writes).
  void Dirty(uint64_t n = 1) { server.stats.dirty += n; }
  // Redis's signalModifiedKey: every write to `key` calls it (breaks WATCH, wakes blocked clients).
  void Touched(std::string_view key) { server.KeyTouched(client.db, key); }
  // Publishes a keyspace notification of `event_class` (config::keyspace_event) for `key`.
  void Notify(int event_class, std::string_view event, std::string_view key) {
    server.NotifyKeyspaceEvent(event_class, event, key, client.db);
  }

  // Effects propagation (propagation.h): records `argv` as what replicas and the AOF get for this
  // call, in this client's database; once a call recorded anything its own argv is not recorded.
  // Check server.propagation.enabled() before building an argv that costs anything.
  void Propagate(std::span<const std::string_view> effect) {
    server.propagation.Record(client.db, effect);
  }
  // Records nothing for this call even though it wrote (Redis's preventCommandPropagation).
  void PreventPropagation() { server.propagation.Prevent(); }

  // Blocking commands. False inside MULTI/EXEC or a script: the handler then replies as on a
  // timeout instead of blocking.
  bool CanBlock() const { return !client.in_exec; }
  // Makes the client wait on `keys` until `deadline_ms` (0: forever); see blocking.h. The handler
  // returns without a reply; its command runs again when a key is written.
  void Block(std::span<const std::string_view> keys, int64_t deadline_ms) {
    Block(keys, deadline_ms, argv);
  }
  // As above, but the command re-run later is `rerun` (XREAD with `$` rewritten to the last ID).
  void Block(std::span<const std::string_view> keys, int64_t deadline_ms,
             std::span<const std::string_view> rerun) {
    server.blocking.Block(client, client.db, keys, deadline_ms, rerun);
    blocked = true;
  }
  bool blocked = false;  // Block was called
};

}  // namespace tandem::commands
