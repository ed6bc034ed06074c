// Dispatcher::RunFromScript: the commands a script runs through redis.call/pcall, with the
// checks Redis 7.0 makes for them (script.c's scriptCall) instead of a client's pre-checks.

#include "server/commands/client_info.h"
#include "server/commands/context.h"
#include "server/commands/dispatcher.h"
#include "server/commands/errors.h"

namespace tandem::commands {
namespace {

std::string_view ScriptAclError(AclDenialReason reason) {
  switch (reason) {
    case AclDenialReason::kKey:
      return errors::kScriptNoPermKeys;
    case AclDenialReason::kChannel:
      return errors::kScriptNoPermChannels;
    default:
      return errors::kScriptNoPermCommand;
  }
}

}  // namespace

void Dispatcher::RunFromScript(Client& client, std::span<const std::string_view> argv,
                               const ScriptCallRules& rules) {
  // An unknown subcommand is an unknown command here; a container without one fails the arity.
  const CommandSpec* spec = server_.commands.ResolveCall(argv);
  if (spec == nullptr) return Reject(client, nullptr, errors::kScriptUnknownCommand);
  if (!ArityOk(*spec, argv.size())) {
    return Reject(client, spec, errors::kScriptWrongArity);
  }
  if (spec->flags & kNoScript) return Reject(client, spec, errors::kScriptCommandNotAllowed);
  if (client.user != nullptr) {
    if (auto denial = server_.acl.Evaluate(*client.user, *spec, argv)) {
      int64_t now_ms = server_.clock.NowMs();
      std::string_view object =
          denial->reason == AclDenialReason::kCommand ? spec->full_name : argv[denial->arg_index];
      // ACL LOG shows the client that sent the script, as Redis does.
      Client& shown = server_.script.caller != nullptr ? *server_.script.caller : client;
      std::string_view running = server_.script.is_function ? "fcall" : "eval";
      server_.acl.log().Add(denial->reason, AclLogContext::kLua, object, client.user->name(),
                            ClientInfoForLog(shown, now_ms, running, argv), now_ms);
      return Reject(client, spec, ScriptAclError(denial->reason));
    }
  }
  bool write = (spec->flags & kWrite) != 0;
  if (write && rules.read_only) return Reject(client, spec, errors::kScriptWriteFromReadOnly);
  // The replication checks of the dispatcher, for the script's caller.
  const Client* caller = server_.script.caller;
  if (write && !(caller != nullptr && (caller->flags & kClientMaster))) {
    if (server_.repl.replica && server_.settings.replica_read_only) {
      return Reject(client, spec, errors::kReadOnlyReplica);
    }
    if (server_.repl.too_few_replicas) return Reject(client, spec, errors::kNoReplicas);
  }
  // As Redis: memory is checked only until the script's first write, which cannot be undone.
  if ((spec->flags & kDenyOom) && !rules.allow_oom && rules.oom_at_start && !server_.script.wrote) {
    return Reject(client, spec, errors::kOom);
  }
  if (write) server_.script.wrote = true;
  // As Redis: time stands still for key expiry while a script runs, so a key cannot expire
  // between two of its calls.
  Call(client, *spec, argv, server_.script.start_ms);
}

}  // namespace tandem::commands
