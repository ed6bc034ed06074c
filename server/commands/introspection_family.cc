// COMMAND and its subcommands (COUNT, LIST, INFO, DOCS, GETKEYS, GETKEYSANDFLAGS, HELP), generated
// from the command table's rows in Redis 7.0's reply layout.

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "server/base/ascii_case.h"
#include "server/base/glob.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/help_reply.h"

namespace tandem::commands {
namespace {

// ---- COMMAND DOCS details the rows do not carry -----------------------------------------------

// One argument of a command whose arguments are a flat list (no oneof or block groups).
struct ArgDoc {
  std::string_view name;
  std::string_view type;  // "key" arguments refer to the command's only key spec
  std::string_view since = {};
  bool optional = false;
  bool multiple = false;
};

struct DocDetails {
  std::string_view full_name;
  std::string_view complexity;
  std::span<const ArgDoc> arguments;  // empty: not documented here
};

constexpr ArgDoc kKeyArg[] = {{"key", "key"}};
constexpr ArgDoc kPingArgs[] = {{"message", "string", {}, true}};
constexpr ArgDoc kEchoArgs[] = {{"message", "string"}};
constexpr ArgDoc kSelectArgs[] = {{"index", "integer"}};
constexpr ArgDoc kAuthArgs[] = {{"username", "string", "6.0.0", true}, {"password", "string"}};
constexpr ArgDoc kInfoArgs[] = {{"section", "string", {}, true, true}};
constexpr ArgDoc kSlowlogGetArgs[] = {{"count", "integer", {}, true}};
constexpr ArgDoc kSetNameArgs[] = {{"connection-name", "string"}};
constexpr ArgDoc kCommandNamesArgs[] = {{"command-name", "string", {}, true, true}};

constexpr std::string_view kDependsOnSubcommand = "Depends on subcommand.";
constexpr std::string_view kPerClient = "O(N) where N is the number of client connections";
constexpr std::string_view kPerCommand = "O(N) where N is the total number of Redis commands";
constexpr std::string_view kPerLookup = "O(N) where N is the number of commands to look up";
constexpr std::string_view kPerArgument = "O(N) where N is the number of arguments to the command";

// Complexity texts (and flat argument lists) as Redis 7.0's COMMAND DOCS gives them.
constexpr DocDetails kDocDetails[] = {
    {"get", "O(1)", kKeyArg},
    {"set", "O(1)", {}},
    {"ping", "O(1)", kPingArgs},
    {"echo", "O(1)", kEchoArgs},
    {"quit", "O(1)", {}},
    {"select", "O(1)", kSelectArgs},
    {"auth", "O(N) where N is the number of passwords defined for the user", kAuthArgs},
    {"hello", "O(1)", {}},
    {"reset", "O(1)", {}},
    {"info", "O(1)", kInfoArgs},
    {"dbsize", "O(1)", {}},
    {"flushdb", "O(N) where N is the number of keys in the selected database", {}},
    {"flushall", "O(N) where N is the total number of keys in all databases", {}},
    {"time", "O(1)", {}},
    {"shutdown",
     "O(N) when saving, where N is the total number of keys in all databases when saving data, "
     "otherwise O(1)",
     {}},
    {"slowlog", kDependsOnSubcommand, {}},
    {"slowlog|len", "O(1)", {}},
    {"slowlog|get", "O(N) where N is the number of entries returned", kSlowlogGetArgs},
    {"slowlog|reset", "O(N) where N is the number of entries in the slowlog", {}},
    {"slowlog|help", "O(1)", {}},
    {"debug", kDependsOnSubcommand, {}},
    {"client", kDependsOnSubcommand, {}},
    {"client|id", "O(1)", {}},
    {"client|setname", "O(1)", kSetNameArgs},
    {"client|getname", "O(1)", {}},
    {"client|list", kPerClient, {}},
    {"client|info", "O(1)", {}},
    {"client|kill", kPerClient, {}},
    {"client|pause", "O(1)", {}},
    {"client|unpause", "O(N) Where N is the number of paused clients", {}},
    {"client|reply", "O(1)", {}},
    {"client|no-evict", "O(1)", {}},
    {"client|getredir", "O(1)", {}},
    {"client|trackinginfo", "O(1)", {}},
    {"client|help", "O(1)", {}},
    {"command", kPerCommand, {}},
    {"command|count", "O(1)", {}},
    {"command|list", kPerCommand, {}},
    {"command|info", kPerLookup, kCommandNamesArgs},
    {"command|docs", kPerLookup, kCommandNamesArgs},
    {"command|getkeys", kPerArgument, {}},
    {"command|getkeysandflags", kPerArgument, {}},
    {"command|help", "O(1)", {}},
};

const DocDetails* FindDocDetails(std::string_view full_name) {
  for (const DocDetails& d : kDocDetails) {
    if (d.full_name == full_name) return &d;
  }
  return nullptr;
}

// ---- Names and lookups ------------------------------------------------------------------------

// A command by its full name, "get" or "config|get" (any case); null when unknown.
const CommandSpec* FindByFullName(const CommandTable& table, std::string_view name) {
  size_t bar = name.find('|');
  if (bar == std::string_view::npos) return table.Find(name);
  const CommandSpec* container = table.Find(name.substr(0, bar));
  if (container == nullptr) return nullptr;
  return table.FindSubcommand(*container, name.substr(bar + 1));
}

bool HasKeys(const CommandSpec& spec) { return spec.first_key > 0 || spec.key_finder != nullptr; }

// ---- COMMAND INFO -----------------------------------------------------------------------------

// Flag names in the order COMMAND INFO lists them ("may_replicate" is never shown).
constexpr std::array<std::pair<uint32_t, std::string_view>, 16> kFlagNames{{
    {kWrite, "write"},
    {kReadonly, "readonly"},
    {kDenyOom, "denyoom"},
    {kAdmin, "admin"},
    {kPubsub, "pubsub"},
    {kNoScript, "noscript"},
    {kBlocking, "blocking"},
    {kLoading, "loading"},
    {kStale, "stale"},
    {kSkipMonitor, "skip_monitor"},
    {kSkipSlowlog, "skip_slowlog"},
    {kFast, "fast"},
    {kNoAuth, "no_auth"},
    {kNoMandatoryKeys, "no_mandatory_keys"},
    {kNoMulti, "no_multi"},
    {kAllowBusy, "allow_busy"},
}};

void ReplyFlags(resp::ReplyBuilder& r, const CommandSpec& spec) {
  bool movable = spec.key_finder != nullptr;
  size_t n = movable ? 1 : 0;
  for (const auto& [bit, name] : kFlagNames) n += (spec.flags & bit) ? 1 : 0;
  r.SetHeader(n);
  for (const auto& [bit, name] : kFlagNames) {
    if (spec.flags & bit) r.SimpleString(name);
  }
  if (movable) r.SimpleString("movablekeys");
}

void ReplyAclCategories(resp::ReplyBuilder& r, const CommandSpec& spec) {
  uint64_t bits = EffectiveAclCategories(spec);
  r.SetHeader(static_cast<size_t>(std::popcount(bits)));
  for (const AclCategoryName& category : AclCategoryNames()) {
    if (bits & category.bit) r.SimpleString("@" + std::string(category.name));
  }
}

// The key-spec flags of `spec` as COMMAND INFO spells them: "RO", "RW", "OW" and "RM" upper case,
// the rest ("access", "update", ...) lower case.
std::vector<std::string> KeySpecFlags(const CommandSpec& spec) {
  std::vector<std::string> flags;
  std::string_view rest = spec.key_flags;
  while (!rest.empty()) {
    size_t space = rest.find(' ');
    std::string word(rest.substr(0, space));
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    if (word.empty()) continue;
    if (word != "RO" && word != "RW" && word != "OW" && word != "RM") {
      for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    flags.push_back(std::move(word));
  }
  return flags;
}

// One key spec built from first/last/step: an index search and a range, as Redis derives it
// for legacy key positions. Commands whose keys a KeyFinder locates show their first key only.
void ReplyKeySpecs(resp::ReplyBuilder& r, const CommandSpec& spec) {
  if (spec.first_key <= 0) {
    r.SetHeader(0);
    return;
  }
  r.SetHeader(1);
  r.MapHeader(3);
  r.Bulk("flags");
  std::vector<std::string> flags = KeySpecFlags(spec);
  r.SetHeader(flags.size());
  for (const std::string& flag : flags) r.SimpleString(flag);
  r.Bulk("begin_search");
  r.MapHeader(2);
  r.Bulk("type");
  r.Bulk("index");
  r.Bulk("spec");
  r.MapHeader(1);
  r.Bulk("index");
  r.Integer(spec.first_key);
  r.Bulk("find_keys");
  r.MapHeader(2);
  r.Bulk("type");
  r.Bulk("range");
  r.Bulk("spec");
  r.MapHeader(3);
  r.Bulk("lastkey");
  r.Integer(spec.last_key >= 0 ? spec.last_key - spec.first_key : spec.last_key);
  r.Bulk("keystep");
  r.Integer(spec.step);
  r.Bulk("limit");
  r.Integer(0);
}

// The 10-element COMMAND INFO entry: name, arity, flags, first key, last key, step, ACL
// categories, tips, key specs, subcommands.
void ReplyCommandInfo(resp::ReplyBuilder& r, const CommandSpec& spec) {
  r.ArrayHeader(10);
  r.Bulk(spec.full_name);
  r.Integer(spec.arity);
  ReplyFlags(r, spec);
  r.Integer(spec.first_key);
  r.Integer(spec.last_key);
  r.Integer(spec.step);
  ReplyAclCategories(r, spec);
  r.SetHeader(0);  // tips: none recorded
  ReplyKeySpecs(r, spec);
  if (spec.subcommands.empty()) {
    r.SetHeader(0);
    return;
  }
  r.ArrayHeader(spec.subcommands.size());
  for (const CommandSpec& sub : spec.subcommands) ReplyCommandInfo(r, sub);
}

void ReplyAllCommandInfo(Context& ctx) {
  const std::vector<const CommandSpec*>& all = ctx.server.commands.all();
  ctx.reply().ArrayHeader(all.size());
  for (const CommandSpec* spec : all) ReplyCommandInfo(ctx.reply(), *spec);
}

void Command(Context& ctx) { ReplyAllCommandInfo(ctx); }

void Count(Context& ctx) {
  ctx.reply().Integer(static_cast<int64_t>(ctx.server.commands.all().size()));
}

void InfoCommand(Context& ctx) {
  if (ctx.argv.size() == 2) return ReplyAllCommandInfo(ctx);
  resp::ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(ctx.argv.size() - 2);
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    const CommandSpec* spec = FindByFullName(ctx.server.commands, ctx.argv[i]);
    if (spec == nullptr) {
      r.Null();
    } else {
      ReplyCommandInfo(r, *spec);
    }
  }
}

// ---- COMMAND DOCS -----------------------------------------------------------------------------

void ReplyArgument(resp::ReplyBuilder& r, const ArgDoc& arg) {
  bool key = arg.type == "key";
  size_t flag_count = (arg.optional ? 1 : 0) + (arg.multiple ? 1 : 0);
  r.MapHeader(2 + (key ? 1 : 0) + (arg.since.empty() ? 0 : 1) + (flag_count > 0 ? 1 : 0));
  r.Bulk("name");
  r.Bulk(arg.name);
  r.Bulk("type");
  r.Bulk(arg.type);
  if (key) {
    r.Bulk("key_spec_index");
    r.Integer(0);
  }
  if (!arg.since.empty()) {
    r.Bulk("since");
    r.Bulk(arg.since);
  }
  if (flag_count > 0) {
    r.Bulk("flags");
    r.SetHeader(flag_count);
    if (arg.optional) r.SimpleString("optional");
    if (arg.multiple) r.SimpleString("multiple");
  }
}

// The doc map of one command: summary, since, group, then complexity, arguments and subcommands
// when there are any.
void ReplyCommandDocs(resp::ReplyBuilder& r, const CommandSpec& spec) {
  const DocDetails* details = FindDocDetails(spec.full_name);
  bool has_complexity = details != nullptr && !details->complexity.empty();
  bool has_arguments = details != nullptr && !details->arguments.empty();
  bool has_subcommands = !spec.subcommands.empty();
  r.MapHeader(3 + (has_complexity ? 1 : 0) + (has_arguments ? 1 : 0) + (has_subcommands ? 1 : 0));
  r.Bulk("summary");
  r.Bulk(spec.summary);
  r.Bulk("since");
  r.Bulk(spec.since);
  r.Bulk("group");
  r.Bulk(spec.group);
  if (has_complexity) {
    r.Bulk("complexity");
    r.Bulk(details->complexity);
  }
  if (has_arguments) {
    r.Bulk("arguments");
    r.ArrayHeader(details->arguments.size());
    for (const ArgDoc& arg : details->arguments) ReplyArgument(r, arg);
  }
  if (has_subcommands) {
    r.Bulk("subcommands");
    r.MapHeader(spec.subcommands.size());
    for (const CommandSpec& sub : spec.subcommands) {
      r.Bulk(sub.full_name);
      ReplyCommandDocs(r, sub);
    }
  }
}

// COMMAND DOCS [name ...]: a map from each known name to its docs; unknown names are left out.
void Docs(Context& ctx) {
  std::vector<const CommandSpec*> specs;
  if (ctx.argv.size() == 2) {
    specs = ctx.server.commands.all();
  } else {
    for (size_t i = 2; i < ctx.argv.size(); ++i) {
      if (const CommandSpec* spec = FindByFullName(ctx.server.commands, ctx.argv[i]))
        specs.push_back(spec);
    }
  }
  resp::ReplyBuilder& r = ctx.reply();
  r.MapHeader(specs.size());
  for (const CommandSpec* spec : specs) {
    r.Bulk(spec->full_name);
    ReplyCommandDocs(r, *spec);
  }
}

// ---- COMMAND GETKEYS / GETKEYSANDFLAGS --------------------------------------------------------

// The key positions in the call argv[2...]; replies with the error and returns nullopt when the
// call names no command, a command without keys, breaks the arity or has no keys.
std::optional<std::vector<int>> CallKeys(Context& ctx, const CommandSpec** spec_out) {
  std::span<const std::string_view> call = ctx.argv.subspan(2);
  const CommandSpec* spec = ctx.server.commands.ResolveCall(call);
  if (spec == nullptr) {
    ctx.Error(errors::kInvalidCommandSpecified);
    return std::nullopt;
  }
  if (!HasKeys(*spec)) {
    ctx.Error(errors::kNoKeyArguments);
    return std::nullopt;
  }
  size_t argc = call.size();
  if ((spec->arity > 0 && argc != static_cast<size_t>(spec->arity)) ||
      (spec->arity < 0 && argc < static_cast<size_t>(-spec->arity))) {
    ctx.Error(errors::kInvalidArgumentCount);
    return std::nullopt;
  }
  std::vector<int> keys = KeyPositions(*spec, call);
  if (keys.empty()) {
    ctx.Error(errors::kInvalidKeyArguments);
    return std::nullopt;
  }
  *spec_out = spec;
  return keys;
}

void GetKeys(Context& ctx) {
  const CommandSpec* spec = nullptr;
  std::optional<std::vector<int>> keys = CallKeys(ctx, &spec);
  if (!keys) return;
  ctx.reply().ArrayHeader(keys->size());
  for (int index : *keys) ctx.reply().Bulk(ctx.argv[2 + index]);
}

void GetKeysAndFlags(Context& ctx) {
  const CommandSpec* spec = nullptr;
  std::optional<std::vector<int>> keys = CallKeys(ctx, &spec);
  if (!keys) return;
  std::vector<std::string> flags = KeySpecFlags(*spec);
  resp::ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(keys->size());
  for (int index : *keys) {
    r.ArrayHeader(2);
    r.Bulk(ctx.argv[2 + index]);
    r.SetHeader(flags.size());
    for (const std::string& flag : flags) r.SimpleString(flag);
  }
}

// ---- COMMAND LIST -----------------------------------------------------------------------------

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]: command and
// subcommand full names. Tandem has no modules, so a MODULE filter matches nothing.
void List(Context& ctx) {
  enum class Filter { kNone, kModule, kCategory, kPattern } filter = Filter::kNone;
  std::string_view value;
  if (ctx.argv.size() == 5 && base::EqualsIgnoreCase(ctx.argv[2], "filterby")) {
    value = ctx.argv[4];
    if (base::EqualsIgnoreCase(ctx.argv[3], "module")) {
      filter = Filter::kModule;
    } else if (base::EqualsIgnoreCase(ctx.argv[3], "aclcat")) {
      filter = Filter::kCategory;
    } else if (base::EqualsIgnoreCase(ctx.argv[3], "pattern")) {
      filter = Filter::kPattern;
    } else {
      return ctx.Error(errors::kSyntax);
    }
  } else if (ctx.argv.size() != 2) {
    return ctx.Error(errors::kSyntax);
  }
  uint64_t category = 0;
  if (filter == Filter::kCategory) {
    for (const AclCategoryName& c : AclCategoryNames()) {
      if (base::EqualsIgnoreCase(c.name, value)) category = c.bit;
    }
  }
  auto matches = [&](const CommandSpec& spec) {
    switch (filter) {
      case Filter::kNone:
        return true;
      case Filter::kModule:
        return false;
      case Filter::kCategory:
        return (EffectiveAclCategories(spec) & category) != 0;
      case Filter::kPattern:
        return base::GlobMatch(value, spec.full_name, /*nocase=*/true);
    }
    return false;
  };
  std::vector<std::string_view> names;
  for (const CommandSpec* spec : ctx.server.commands.all()) {
    if (matches(*spec)) names.push_back(spec->full_name);
    for (const CommandSpec& sub : spec->subcommands) {
      if (matches(sub)) names.push_back(sub.full_name);
    }
  }
  ctx.reply().BulkArray(names);
}

void Help(Context& ctx) {
  ReplyHelp(ctx.reply(), "COMMAND",
            {
                "(no subcommand)",
                "    Describe every command (as INFO does).",
                "COUNT",
                "    Return the number of commands.",
                "DOCS [<command-name> ...]",
                "    Return the documentation of the commands named, or of every command.",
                "GETKEYS <full-command>",
                "    Return the keys of a full command.",
                "GETKEYSANDFLAGS <full-command>",
                "    Return the keys of a full command and how it uses each.",
                "INFO [<command-name> ...]",
                "    Describe the commands named, or every command.",
                "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
                "    Return the names of the commands, optionally filtered.",
            });
}

}  // namespace

void RegisterIntrospectionCommands(CommandTable& table) {
  constexpr uint32_t kFlags = kLoading | kStale;
  std::vector<CommandSpec> command_subcommands = {
      {"count", 2, kFlags, 0, 0, 0, kAclConnection, Count, "server",
       "Get total number of Redis commands", "2.8.13"},
      {"list", -2, kFlags, 0, 0, 0, kAclConnection, List, "server",
       "Get an array of Redis command names", "7.0.0"},
      {"info", -2, kFlags, 0, 0, 0, kAclConnection, InfoCommand, "server",
       "Get array of specific Redis command details, or all when no argument is given.", "2.8.13"},
      {"docs", -2, kFlags, 0, 0, 0, kAclConnection, Docs, "server",
       "Get array of specific Redis command documentation", "7.0.0"},
      {"getkeys", -4, kFlags, 0, 0, 0, kAclConnection, GetKeys, "server",
       "Extract keys given a full Redis command", "2.8.13"},
      {"getkeysandflags", -4, kFlags, 0, 0, 0, kAclConnection, GetKeysAndFlags, "server",
       "Extract keys and access flags given a full Redis command", "7.0.0"},
      {"help", 2, kFlags, 0, 0, 0, kAclConnection, Help, "server",
       "Show helpful text about the different subcommands", "5.0.0"},
  };
  table.Register({
      {"command", -1, kFlags, 0, 0, 0, kAclConnection, Command, "server",
       "Get array of Redis command details", "2.8.13", "", nullptr, std::move(command_subcommands)},
  });
}

}  // namespace tandem::commands
