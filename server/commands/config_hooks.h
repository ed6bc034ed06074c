#pragma once
// The bridge from config::Config to the running server: hooks that push parameter values into the
// places that act on them (HotSettings, the eviction config, the ACL), and the start-up loading of
// ACL users. The app calls both once at start-up, after Config::Load:
//   InstallConfigHooks(state);                  // applies the current values once, then on change
//   Status s = LoadAclUsers(state);             // user directives or aclfile; fails: print,
//   exit(1)

#include "server/base/status.h"
#include "server/commands/server_state.h"

namespace tandem::commands {

// Registers the change hooks (maxmemory, maxmemory-policy, maxmemory-samples, lfu-log-factor,
// lfu-decay-time, slowlog-log-slower-than, slowlog-max-len, proto-max-bulk-len, requirepass,
// acllog-max-len, acl-pubsub-default, client-output-buffer-limit's pubsub class) and CONFIG
// REWRITE's source for "user" lines, and applies every current value once.
void InstallConfigHooks(ServerState& server);

// Loads the users of the config file's "user" lines, or else those of the aclfile, as Redis does
// at start-up (after requirepass: a "user default" line overrides it). Declaring users both ways
// is an error. Messages name the problem (see Acl::LoadUserDirective and Acl::LoadAclFile).
base::Status LoadAclUsers(ServerState& server);

}  // namespace tandem::commands
