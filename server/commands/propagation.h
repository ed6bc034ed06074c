#pragma once
// Effects propagation: what replicas and the AOF receive is what each write did, never what a
// script or transaction was asked to do (Redis 7.0's "effects replication").
//
// The dispatcher records, during one execution unit (a top-level command, or one blocked client
// served), every write as the command to replay, in execution order; a write run from EXEC or a
// script records itself and its container records nothing. At the end of the unit the pending
// commands go to the Propagator, wrapped in MULTI ... EXEC when there is more than one, so a
// replica applies them atomically. Keys deleted on expiry or eviction are recorded as DEL.
//
// Owner: ServerState; server thread only.

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tandem::commands {

// Receives the propagated stream (implemented by replication and the AOF). `db` is the database
// the command applies to (the receiver emits SELECT when it changes), or -1 for MULTI and EXEC,
// which apply to none.
class Propagator {
 public:
  virtual ~Propagator() = default;
  virtual void Propagate(int db, std::span<const std::string_view> argv) = 0;
};

class Propagation {
 public:
  // Adds or removes a receiver (the AOF, the replication stream); each gets every unit. With none,
  // nothing is recorded.
  void AddPropagator(Propagator* p);
  void RemovePropagator(Propagator* p);
  bool enabled() const { return !propagators_.empty(); }

  // Starts and ends an execution unit; units do not nest (a nested Begin is ignored).
  void BeginUnit() { ++depth_; }
  void EndUnit();
  // Records one write of the current unit; outside a unit it is sent at once (active expiry).
  void Record(int db, std::span<const std::string_view> argv);
  // Redis's preventCommandPropagation: the current call (and the EXEC or script around it) is not
  // recorded as its arguments, although it wrote: it recorded its effects, or has none to send.
  void Prevent() { ++prevented_; }
  // Changes whenever a call records or prevents (a container compares it before and after): a
  // call that wrote and left it unchanged is recorded as its own arguments.
  uint64_t handled() const { return pending_.size() + prevented_; }

 private:
  // The unit's commands, stored flat so that a unit allocates nothing once the buffers have grown:
  // every argument's bytes go to arena_, each command names its run of args_.
  struct Command {
    int db;
    size_t first_arg;
    size_t argc;
  };
  void Send(int db, std::span<const std::string_view> argv);

  std::vector<Propagator*> propagators_;
  int depth_ = 0;
  std::string arena_;
  std::vector<std::pair<size_t, size_t>> args_;  // (offset in arena_, length)
  std::vector<Command> pending_;
  std::vector<std::string_view> views_;  // scratch for Send
  uint64_t prevented_ = 0;
};

}  // namespace tandem::commands
