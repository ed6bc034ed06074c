#pragma once
// Acl: the users (the "default" user always exists), their passwords and flags, their selectors
// (allowed commands, key and channel patterns; see acl_selector.h), the permission check the
// dispatcher runs before every command, the ACL log, and the ACL file. Passwords are kept as
// SHA-256 hex digests, as ACL GETUSER shows them. Rules and replies follow Redis 7.0.
//
// Owner: ServerState; server thread only. AclUser objects keep their address for as long as the
// user exists (clients point at them): SETUSER, requirepass and ACL LOAD change the default user
// in place; a user is freed only by DeleteUsers or LoadAclFile, which first tell the caller.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/status.h"
#include "server/commands/acl_log.h"
#include "server/commands/acl_selector.h"
#include "server/commands/command_spec.h"

namespace tandem::commands {

class CommandTable;

// DUMP/RESTORE payload sanitisation flag of a user (sanitize-payload / skip-sanitize-payload).
enum class AclSanitizePayload {
  kUnset,     // neither flag: sanitize-dump-payload decides
  kSanitize,  // "sanitize-payload" (set by "reset")
  kSkip,      // "skip-sanitize-payload"
};

class AclUser {
 public:
  AclUser(std::string name, AclSelector root) : root(std::move(root)), name_(std::move(name)) {}
  const std::string& name() const { return name_; }

  bool enabled = false;  // "on" / "off"
  bool nopass = false;
  AclSanitizePayload sanitize_payload = AclSanitizePayload::kUnset;
  std::vector<std::string> password_hashes;  // SHA-256 hex, in the order added
  AclSelector root;                          // the rules given outside parentheses
  std::vector<AclSelector> selectors;        // "(...)" rules, in the order added

  bool PasswordMatches(std::string_view password) const;

 private:
  std::string name_;
};

class Acl {
 public:
  explicit Acl(const CommandTable& table);

  const AclUser& default_user() const { return *users_.at("default"); }
  const AclUser* Find(std::string_view name) const;
  // The user for AUTH/HELLO AUTH: enabled, and the password matches (or nopass). Null otherwise.
  const AclUser* Authenticate(std::string_view name, std::string_view password) const;
  // New connections start authenticated as "default" when it is enabled and needs no password.
  bool DefaultUserNeedsNoAuth() const;

  // Null when `user` may run this call (`spec` is the resolved command or subcommand, argv the
  // whole call); otherwise why not: the denial from the user's selectors that Redis reports.
  std::optional<AclDenial> Evaluate(const AclUser& user, const CommandSpec& spec,
                                    std::span<const std::string_view> argv) const;
  // Empty when `user` may run this call; otherwise the NOPERM error text.
  std::optional<std::string> Check(const AclUser& user, const CommandSpec& spec,
                                   std::span<const std::string_view> argv) const;
  // The NOPERM error for a denial: "NOPERM this user has no permissions to run the 'set'
  // command", or the fixed texts for keys and channels.
  static std::string DenialError(const AclDenial& denial, const CommandSpec& spec);

  // requirepass: sets (or with "" clears, making the user nopass) the default user's only password.
  void SetRequirePass(std::string_view password);
  // acl-pubsub-default: whether new users (and "reset") start with all channels allowed.
  void set_pubsub_default_all(bool all) { pubsub_default_all_ = all; }

  // ACL SETUSER name rule...: creates the user when absent. The rules apply all or none; on failure
  // the message is the whole error reply ("ERR Error in ACL SETUSER modifier 'x': Syntax error").
  // A rule starting with '(' and the ones after it up to one ending with ')' form one selector.
  base::Status SetUser(std::string_view name, std::span<const std::string_view> rules);

  // Called with each user just before it is freed, so that its clients can be disconnected.
  using UserRemovedFn = std::function<void(const AclUser&)>;
  // ACL DELUSER; "default" cannot be deleted (checked by the caller). Returns the number deleted.
  int DeleteUsers(std::span<const std::string_view> names, const UserRemovedFn& on_removed = {});

  // Sorted by name, as ACL LIST and USERS show them.
  const std::map<std::string, std::unique_ptr<AclUser>, std::less<>>& users() const {
    return users_;
  }
  // ACL LIST line for a user ("user default on nopass ~* &* +@all").
  std::string Describe(const AclUser& user) const;

  // A config file "user" line: `args` are its arguments, the user name then the rules. Rules apply
  // as SETUSER's; declaring "default" resets it first. A user may be declared once. Errors read
  // "Error in user declaration '<rule>': <reason>".
  base::Status LoadUserDirective(std::span<const std::string> args);
  // Replaces every user with those of an ACL file (lines "user <name> <rule>...", blank lines
  // allowed), or changes nothing when any line is wrong; the message then lists every problem,
  // as ACL LOAD replies it after "ERR ".
  base::Status LoadAclFile(const std::string& path, const UserRemovedFn& on_removed = {});
  // ACL SAVE: writes every user's ACL LIST line (without the reply's quoting) to `path`, through
  // a temporary file renamed over it. Fails with the I/O error.
  base::Status SaveAclFile(const std::string& path) const;

  AclLog& log() { return log_; }
  const AclLog& log() const { return log_; }

 private:
  AclUser NewUser(std::string name) const;
  // The default user as a server starts: on, nopass, ~* &* +@all.
  AclUser NewDefaultUser() const;
  // Applies one user rule (flags, passwords, selectors, "reset") or else a root selector rule;
  // on failure the message is Redis's reason ("Syntax error", ...).
  base::Status ApplyRule(AclUser& user, std::string_view rule) const;
  // SetUser's work on a copy: returns the changed user, or the reply error.
  base::StatusOr<AclUser> StageUser(std::string_view name,
                                    std::span<const std::string_view> rules) const;
  void Store(AclUser user);
  // Joins rules that spread a selector over several arguments ("(+get", "~k)") into one rule per
  // selector. Returns false, with the index of the unclosed '(' rule, when one is not closed.
  static bool MergeSelectorRules(std::span<const std::string_view> rules,
                                 std::vector<std::string>* merged, size_t* unclosed);

  const CommandTable& table_;
  std::map<std::string, std::unique_ptr<AclUser>, std::less<>> users_;
  bool pubsub_default_all_ = false;
  std::vector<std::string> declared_users_;  // by LoadUserDirective
  AclLog log_;
};

}  // namespace tandem::commands
