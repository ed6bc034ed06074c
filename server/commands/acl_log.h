#pragma once
// AclLog: the recent ACL denials ACL LOG shows, newest first. A denial like one of the 10 newest
// entries (same reason, context, object and user, within 60 s) bumps that entry's count and moves
// it to the front instead of adding a new one, as Redis does.
//
// Owner: Acl; server thread only.

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "server/commands/acl_selector.h"

namespace tandem::commands {

// Where the denied call came from (ACL LOG "context").
enum class AclLogContext {
  kToplevel,  // a client's own command
  kMulti,     // inside MULTI/EXEC
  kLua,       // from a script
  kModule,    // from a module
};

struct AclLogEntry {
  uint64_t count = 1;
  AclDenialReason reason;
  AclLogContext context;
  std::string object;       // the command's full name, the key, the channel, or AUTH's argv[0]
  std::string username;     // the user the client was (or tried to be) authenticated as
  int64_t time_ms = 0;      // of the latest occurrence
  std::string client_info;  // CLIENT LIST line of the latest client
};

class AclLog {
 public:
  void Add(AclDenialReason reason, AclLogContext context, std::string_view object,
           std::string_view username, std::string client_info, int64_t now_ms);
  void Reset() { entries_.clear(); }
  // acllog-max-len; older entries are dropped at the next Add.
  void set_max_len(size_t max_len) { max_len_ = max_len; }
  const std::deque<AclLogEntry>& entries() const { return entries_; }

 private:
  std::deque<AclLogEntry> entries_;  // newest first
  size_t max_len_ = 128;
};

// ACL LOG's names: "command", "key", "auth", "channel"; "toplevel", "multi", "lua", "module".
std::string_view AclDenialReasonName(AclDenialReason reason);
std::string_view AclLogContextName(AclLogContext context);

}  // namespace tandem::commands
