#pragma once
// CommandTable: every command row, looked up case-insensitively by name. Rows are registered once
// at start-up by the family Register functions and never change afterwards.

#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/commands/command_spec.h"

namespace tandem::commands {

class CommandTable {
 public:
  // Builds the table from every family's rows.
  CommandTable();

  // Null when unknown. `name` may be in any case.
  const CommandSpec* Find(std::string_view name) const;
  // The subcommand of `container` named `name` (any case); null when unknown.
  const CommandSpec* FindSubcommand(const CommandSpec& container, std::string_view name) const;
  // The command a call (name and arguments) runs: its subcommand when it is a container and names
  // one; null when either is unknown (a container called alone is itself).
  const CommandSpec* ResolveCall(std::span<const std::string_view> call) const;
  // Every top-level command, in registration order.
  const std::vector<const CommandSpec*>& all() const { return ordered_; }
  // Number of ids handed out (commands and subcommands): the size of per-command arrays.
  int id_count() const { return next_id_; }
  const CommandSpec* ById(int id) const { return by_id_[id]; }

  void Register(std::vector<CommandSpec> rows);

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  void AssignIds(CommandSpec& spec, std::string_view parent);

  std::deque<CommandSpec> storage_;  // stable addresses
  std::deque<std::string> full_names_;
  std::unordered_map<std::string, const CommandSpec*, Hash, std::equal_to<>> by_name_;
  std::vector<const CommandSpec*> ordered_;
  std::vector<const CommandSpec*> by_id_;
  int next_id_ = 0;
};

// The family Register functions, each defined at the end of its family file.
void RegisterConnectionCommands(CommandTable& table);
void RegisterStringCommands(CommandTable& table);
void RegisterKeyCommands(CommandTable& table);
void RegisterExpireCommands(CommandTable& table);
void RegisterServerCommands(CommandTable& table);
void RegisterPersistenceCommands(CommandTable& table);
void RegisterClientCommands(CommandTable& table);
void RegisterIntrospectionCommands(CommandTable& table);
void RegisterConfigCommands(CommandTable& table);
void RegisterAclCommands(CommandTable& table);
void RegisterHashCommands(CommandTable& table);
void RegisterListCommands(CommandTable& table);
void RegisterSetCommands(CommandTable& table);
void RegisterSortedSetCommands(CommandTable& table);
void RegisterBitmapCommands(CommandTable& table);
void RegisterHyperLogLogCommands(CommandTable& table);
void RegisterGeoCommands(CommandTable& table);
void RegisterSortCommands(CommandTable& table);
void RegisterPubsubCommands(CommandTable& table);
void RegisterTransactionCommands(CommandTable& table);
void RegisterScriptingCommands(CommandTable& table);
void RegisterFunctionCommands(CommandTable& table);
void RegisterStreamCommands(CommandTable& table);
void RegisterStreamGroupCommands(CommandTable& table);
void RegisterStreamInfoCommands(CommandTable& table);
void RegisterDumpCommands(CommandTable& table);
void RegisterAofCommands(CommandTable& table);
void RegisterReplicationCommands(CommandTable& table);

}  // namespace tandem::commands
