#pragma once
// AclSelector: one set of ACL permissions: which commands may run, which keys they may name and
// which Pub/Sub channels they may use. Every user has a root selector and may have more ("(...)"
// rules of ACL SETUSER); a call is allowed when any of the user's selectors allows it.
//
// Value type; borrows the command table, which outlives it. Server thread only.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/status.h"
#include "server/commands/command_spec.h"

namespace tandem::commands {

class CommandTable;

// Why a call was refused, in Redis's ACL_DENIED_* order: when no selector allows a call, the
// denial reported is the greatest reason (and for equal reasons the one at the later argument).
enum class AclDenialReason {
  kCommand = 1,  // the command is not allowed
  kKey = 2,      // a key argument matches no key pattern
  kAuth = 3,     // AUTH/HELLO failed (ACL LOG only)
  kChannel = 4,  // a channel argument matches no channel pattern
};

struct AclDenial {
  AclDenialReason reason;
  int arg_index = 0;  // argv index of the refused key or channel; 0 for kCommand
};

// Key pattern permissions: "%R~p" read, "%W~p" write, "~p" (or "%RW~p") both.
enum AclKeyPermission : uint8_t {
  kAclKeyRead = 1,
  kAclKeyWrite = 2,
  kAclKeyReadWrite = 3,
};

struct AclKeyPattern {
  std::string pattern;
  uint8_t permissions;  // AclKeyPermission bits; never 0
};

class AclSelector {
 public:
  // A selector that allows no command and no key; channels per acl-pubsub-default.
  AclSelector(const CommandTable& table, bool all_channels);

  // Applies one selector rule: +cmd, -cmd, +cmd|sub, -cmd|sub, +cmd|firstarg, +@cat, -@cat,
  // allcommands, nocommands, ~pattern, %R~pattern, %W~pattern, %RW~pattern, allkeys, resetkeys,
  // &pattern, allchannels, resetchannels (keywords in any case). On failure returns Redis's reason
  // text ("Syntax error", "Unknown command or category name in ACL", ...) as the message, and the
  // selector may be partly changed: callers apply rules to a copy.
  base::Status Apply(std::string_view rule);

  // Null when this selector allows the call (argv[0] is the command name, as the dispatcher has
  // it; `spec` is the resolved command or subcommand). `keys` caches the call's key positions
  // across selectors: computed on first need.
  std::optional<AclDenial> Check(const CommandSpec& spec, std::span<const std::string_view> argv,
                                 std::optional<std::vector<int>>* keys) const;
  // Every command, key and channel is allowed: no check needed.
  bool AllowsEverything() const { return all_commands_ && all_keys_ && all_channels_; }

  // The command rules that rebuild this selector, as ACL LIST and GETUSER show them: "+@all" or
  // "-@all", then the categories that fit best, then single commands and first-args.
  std::string DescribeCommands() const;
  // GETUSER "keys": "~*", or the patterns separated by spaces ("~k* %R~r:*"), "" when none.
  std::string DescribeKeys() const;
  // GETUSER "channels": "&*", or the patterns separated by spaces, "" when none.
  std::string DescribeChannels() const;
  // ACL LIST form: "~k* resetchannels &c* -@all +get".
  std::string Describe() const;

 private:
  base::Status ApplyCommandRule(std::string_view rule);
  base::Status ApplyKeyPattern(std::string_view rule);
  base::Status ApplyChannelPattern(std::string_view rule);
  void SetBit(int id, bool allow);
  // Allows or denies a command; for a container, all its subcommands too.
  void ChangePermission(const CommandSpec& spec, bool allow);
  void SetCategory(uint64_t category, bool allow);
  void SetAllCommands(bool allow);
  // The allowed/denied counts of a category's commands, for DescribeCommands.
  void CountCategory(uint64_t category, int* on, int* off) const;
  void AppendSingleCommandRules(const CommandSpec& spec, AclSelector* fake,
                                std::string* rules) const;
  bool KeyAllowed(std::string_view key, uint8_t needed) const;
  bool ChannelAllowed(std::string_view channel, bool literal) const;

  const CommandTable* table_;
  std::vector<bool> allowed_;  // by CommandSpec::id
  // Every bit of allowed_ is set (cleared by any denial): the check skips the bitmap.
  bool all_commands_ = false;
  // Set by +@all/allcommands, cleared only by -@all/nocommands: the rules start from "+@all"
  // (Redis's bit for commands added later).
  bool from_all_commands_ = false;
  // "+select|0": first arguments allowed for a command whose bit is clear, by command id.
  std::map<int, std::vector<std::string>> first_args_;
  bool all_keys_ = false;
  std::vector<AclKeyPattern> key_patterns_;
  bool all_channels_ = false;
  std::vector<std::string> channel_patterns_;
};

}  // namespace tandem::commands
