#include "server/commands/command_table.h"

#include <algorithm>

#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"

namespace tandem::commands {
namespace {

// Lower-cases into a stack buffer; names longer than it cannot be commands.
constexpr size_t kMaxNameLen = 64;

bool Lower(std::string_view in, char (&buf)[kMaxNameLen], std::string_view* out) {
  if (in.size() > kMaxNameLen) return false;
  for (size_t i = 0; i < in.size(); ++i) buf[i] = base::AsciiLower(in[i]);
  *out = std::string_view(buf, in.size());
  return true;
}

}  // namespace

CommandTable::CommandTable() {
  RegisterConnectionCommands(*this);
  RegisterStringCommands(*this);
  RegisterKeyCommands(*this);
  RegisterExpireCommands(*this);
  RegisterServerCommands(*this);
  RegisterPersistenceCommands(*this);
  RegisterClientCommands(*this);
  RegisterIntrospectionCommands(*this);
  RegisterConfigCommands(*this);
  RegisterAclCommands(*this);
  RegisterHashCommands(*this);
  RegisterListCommands(*this);
  RegisterSetCommands(*this);
  RegisterSortedSetCommands(*this);
  RegisterBitmapCommands(*this);
  RegisterHyperLogLogCommands(*this);
  RegisterGeoCommands(*this);
  RegisterSortCommands(*this);
  RegisterPubsubCommands(*this);
  RegisterTransactionCommands(*this);
  RegisterScriptingCommands(*this);
  RegisterFunctionCommands(*this);
  RegisterStreamCommands(*this);
  RegisterStreamGroupCommands(*this);
  RegisterStreamInfoCommands(*this);
  RegisterDumpCommands(*this);
  RegisterAofCommands(*this);
  RegisterReplicationCommands(*this);
}

void CommandTable::AssignIds(CommandSpec& spec, std::string_view parent) {
  spec.id = next_id_++;
  by_id_.push_back(&spec);
  if (parent.empty()) {
    spec.full_name = spec.name;
  } else {
    full_names_.push_back(std::string(parent) + "|" + std::string(spec.name));
    spec.full_name = full_names_.back();
  }
  for (CommandSpec& sub : spec.subcommands) AssignIds(sub, spec.name);
}

void CommandTable::Register(std::vector<CommandSpec> rows) {
  for (CommandSpec& row : rows) {
    storage_.push_back(std::move(row));
    CommandSpec& spec = storage_.back();
    AssignIds(spec, "");
    by_name_.emplace(std::string(spec.name), &spec);
    ordered_.push_back(&spec);
  }
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  char buf[kMaxNameLen] = {};  // initialised: GCC 12 cannot see Lower() fill it
  std::string_view lower;
  if (!Lower(name, buf, &lower)) return nullptr;
  auto it = by_name_.find(lower);
  return it == by_name_.end() ? nullptr : it->second;
}

const CommandSpec* CommandTable::FindSubcommand(const CommandSpec& container,
                                                std::string_view name) const {
  char buf[kMaxNameLen] = {};  // initialised: GCC 12 cannot see Lower() fill it
  std::string_view lower;
  if (!Lower(name, buf, &lower)) return nullptr;
  for (const CommandSpec& sub : container.subcommands)
    if (sub.name == lower) return &sub;
  return nullptr;
}

const CommandSpec* CommandTable::ResolveCall(std::span<const std::string_view> call) const {
  const CommandSpec* spec = Find(call[0]);
  if (spec == nullptr || spec->subcommands.empty() || call.size() < 2) return spec;
  return FindSubcommand(*spec, call[1]);
}

std::vector<int> KeyPositions(const CommandSpec& spec, std::span<const std::string_view> argv) {
  std::vector<int> keys;
  if (spec.key_finder != nullptr) {
    spec.key_finder(argv, &keys);
    return keys;
  }
  if (spec.first_key <= 0) return keys;
  int argc = static_cast<int>(argv.size());
  int last = spec.last_key >= 0 ? spec.last_key : argc + spec.last_key;
  for (int i = spec.first_key; i <= last && i < argc; i += std::max(1, spec.step))
    keys.push_back(i);
  return keys;
}

void AppendNumkeysKeys(std::span<const std::string_view> argv, size_t numkeys_index,
                       std::vector<int>* keys) {
  if (numkeys_index >= argv.size()) return;
  auto n = base::ParseInt64(argv[numkeys_index]);
  if (!n || *n < 1) return;
  for (size_t i = numkeys_index + 1;
       i < argv.size() && i <= numkeys_index + static_cast<size_t>(*n); ++i) {
    keys->push_back(static_cast<int>(i));
  }
}

}  // namespace tandem::commands
