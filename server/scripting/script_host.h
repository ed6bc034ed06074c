#pragma once
// ScriptHost: what a running script asks of the server. The command layer implements it for each
// EVAL; the Lua side never sees clients, the keyspace or the dispatcher.

#include <span>
#include <string>
#include <string_view>

#include "server/base/status.h"

namespace tandem::scripting {

// redis.log levels (Redis's LL_* values).
enum LogLevel { kLogDebug = 0, kLogVerbose = 1, kLogNotice = 2, kLogWarning = 3 };

// redis.set_repl flags.
enum ReplFlag { kReplNone = 0, kReplAof = 1, kReplReplica = 2, kReplAll = 3 };

class ScriptHost {
 public:
  virtual ~ScriptHost() = default;
  // redis.call/pcall: runs `argv` and appends its reply, in RESP `protocol` (2 or 3), to *reply.
  // A refusal (unknown command, noscript, ACL, write from a read-only script...) is an error reply.
  virtual void Call(std::span<const std::string_view> argv, int protocol, std::string* reply) = 0;
  // redis.acl_check_cmd: whether the script's user may run `argv`; an error status when argv[0]
  // names no command.
  virtual base::StatusOr<bool> AclCheck(std::span<const std::string_view> argv) = 0;
  // redis.log.
  virtual void Log(LogLevel level, std::string_view message) = 0;
  // redis.set_repl (ReplFlag bits).
  virtual void SetReplication(int flags) = 0;
  // Called every kHookInstructions Lua instructions while the script runs: the host checks the
  // time, serves other clients once the script is busy, and returns true when the script must
  // stop (SCRIPT KILL).
  virtual bool Interrupted() = 0;

  static constexpr int kHookInstructions = 100000;
};

}  // namespace tandem::scripting
