#include "sentinel/front_commands.h"

#include <algorithm>
#include <array>
#include <vector>

#include "sentinel/client_session.h"
#include "server/base/ascii_case.h"

namespace tandem::sentinel {
namespace {

// Values from Redis 7.0.15's COMMAND INFO in sentinel mode.
constexpr std::string_view kClientSubFlags = "noscript loading stale";
constexpr std::string_view kClientSubCats = "@slow @connection";
constexpr std::string_view kAdminCats = "@admin @slow @dangerous @connection";
constexpr std::string_view kPubSubFlags = "pubsub noscript loading stale";
constexpr std::string_view kCmdFlags = "loading stale";
constexpr std::string_view kOrderTip = "nondeterministic_output_order";

constexpr std::array<FrontCommand, 7> kClientSubcommands = {{
    {"client|getname", 2, kClientSubFlags, kClientSubCats, "", ClientGetNameCommand, {}},
    {"client|help", 2, kCmdFlags, kClientSubCats, "", ClientHelpCommand, {}},
    {"client|id", 2, kClientSubFlags, kClientSubCats, "", ClientIdCommand, {}},
    {"client|info",
     2,
     kClientSubFlags,
     kClientSubCats,
     "nondeterministic_output",
     ClientInfoCommand,
     {}},
    {"client|kill", -3, "admin noscript loading stale", kAdminCats, "", ClientKillCommand, {}},
    {"client|list",
     -2,
     "admin noscript loading stale",
     kAdminCats,
     "nondeterministic_output",
     ClientListCommand,
     {}},
    {"client|setname", 3, kClientSubFlags, kClientSubCats, "", ClientSetNameCommand, {}},
}};

constexpr std::array<FrontCommand, 5> kCommandSubcommands = {{
    {"command|count", 2, kCmdFlags, kClientSubCats, "", CommandCountCommand, {}},
    {"command|docs", -2, kCmdFlags, kClientSubCats, kOrderTip, CommandDocsCommand, {}},
    {"command|help", 2, kCmdFlags, kClientSubCats, "", CommandHelpCommand, {}},
    {"command|info", -2, kCmdFlags, kClientSubCats, kOrderTip, CommandInfoCommand, {}},
    {"command|list", -2, kCmdFlags, kClientSubCats, kOrderTip, CommandListCommand, {}},
}};

constexpr std::string_view kHelloFlags = "noscript loading stale fast no_auth allow_busy";

constexpr std::array<FrontCommand, 14> kCommands = {{
    {"auth", -2, kHelloFlags, "@fast @connection", "", AuthCommand, {}},
    {"client", -2, "", "@slow", "", nullptr, kClientSubcommands},
    {"command", -1, kCmdFlags, kClientSubCats, kOrderTip, CommandCommand, kCommandSubcommands},
    {"hello", -1, kHelloFlags, "@fast @connection", "", HelloCommand, {}},
    {"info",
     -1,
     kCmdFlags,
     "@slow @dangerous",
     "nondeterministic_output request_policy:all_shards response_policy:special",
     InfoCommand,
     {}},
    {"ping",
     -1,
     "fast",
     "@fast @connection",
     "request_policy:all_shards response_policy:all_succeeded",
     PingCommand,
     {}},
    {"psubscribe", -2, kPubSubFlags, "@pubsub @slow", "", PSubscribeCommand, {}},
    {"publish", 3, "pubsub loading stale fast", "@pubsub @fast", "", PublishCommand, {}},
    {"punsubscribe", -1, kPubSubFlags, "@pubsub @slow", "", PUnsubscribeCommand, {}},
    {"role", 1, "noscript loading stale fast", "@admin @fast @dangerous", "", RoleCommand, {}},
    {"sentinel", -2, "admin", "@admin @slow @dangerous", "", SentinelCommand, {}},
    {"shutdown",
     -1,
     "admin noscript loading stale no_multi allow_busy",
     "@admin @slow @dangerous",
     "",
     ShutdownCommand,
     {}},
    {"subscribe", -2, kPubSubFlags, "@pubsub @slow", "", SubscribeCommand, {}},
    {"unsubscribe", -1, kPubSubFlags, "@pubsub @slow", "", UnsubscribeCommand, {}},
}};

std::vector<std::string_view> Words(std::string_view text) {
  std::vector<std::string_view> words;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    if (end > pos) words.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return words;
}

// The part of a full name after '|' ("kill" for "client|kill").
std::string_view ShortName(const FrontCommand& cmd) {
  size_t bar = cmd.name.find('|');
  return bar == std::string_view::npos ? cmd.name : cmd.name.substr(bar + 1);
}

// One COMMAND INFO entry in Redis 7.0's shape: name, arity, flags, first key, last key, step, ACL
// categories, tips, key specs, subcommands.
void ReplyCommandInfo(resp::ReplyBuilder& out, const FrontCommand& cmd) {
  out.ArrayHeader(10);
  out.Bulk(cmd.name);
  out.Integer(cmd.arity);
  std::vector<std::string_view> flags = Words(cmd.flags);
  out.SetHeader(flags.size());
  for (std::string_view f : flags) out.SimpleString(f);
  for (int i = 0; i < 3; ++i) out.Integer(0);  // the front's commands take no keys
  std::vector<std::string_view> categories = Words(cmd.categories);
  out.SetHeader(categories.size());
  for (std::string_view c : categories) out.SimpleString(c);
  std::vector<std::string_view> tips = Words(cmd.tips);
  out.SetHeader(tips.size());
  for (std::string_view t : tips) out.Bulk(t);
  out.SetHeader(0);  // key specs
  if (cmd.subcommands.empty()) {
    out.SetHeader(0);
    return;
  }
  out.ArrayHeader(cmd.subcommands.size());
  for (const FrontCommand& sub : cmd.subcommands) ReplyCommandInfo(out, sub);
}

}  // namespace

bool FrontCommand::HasFlag(std::string_view flag) const {
  std::vector<std::string_view> words = Words(flags);
  return std::find(words.begin(), words.end(), flag) != words.end();
}

const FrontCommand* FindFrontCommand(std::string_view name) {
  for (const FrontCommand& cmd : kCommands) {
    if (base::EqualsIgnoreCase(cmd.name, name)) return &cmd;
  }
  return nullptr;
}

const FrontCommand* FindSubcommand(const FrontCommand& container, std::string_view name) {
  for (const FrontCommand& sub : container.subcommands) {
    if (base::EqualsIgnoreCase(ShortName(sub), name)) return &sub;
  }
  return nullptr;
}

void CommandCommand(ClientSession& c, std::span<const std::string_view>) {
  c.reply().ArrayHeader(kCommands.size());
  for (const FrontCommand& cmd : kCommands) ReplyCommandInfo(c.reply(), cmd);
}

void CommandCountCommand(ClientSession& c, std::span<const std::string_view>) {
  c.reply().Integer(static_cast<int64_t>(kCommands.size()));
}

void CommandDocsCommand(ClientSession& c, std::span<const std::string_view>) {
  // redis-cli asks for docs at start-up only for hints; the front has none to give.
  c.reply().MapHeader(0);
}

void CommandInfoCommand(ClientSession& c, std::span<const std::string_view> argv) {
  if (argv.size() == 2) return CommandCommand(c, argv);
  c.reply().ArrayHeader(argv.size() - 2);
  for (size_t i = 2; i < argv.size(); ++i) {
    const FrontCommand* cmd = FindFrontCommand(argv[i]);
    if (cmd == nullptr) {
      // "container|sub" names a subcommand.
      size_t bar = argv[i].find('|');
      const FrontCommand* container =
          bar == std::string_view::npos ? nullptr : FindFrontCommand(argv[i].substr(0, bar));
      if (container != nullptr) cmd = FindSubcommand(*container, argv[i].substr(bar + 1));
    }
    if (cmd == nullptr) {
      c.reply().Null();
    } else {
      ReplyCommandInfo(c.reply(), *cmd);
    }
  }
}

void CommandListCommand(ClientSession& c, std::span<const std::string_view> argv) {
  if (argv.size() != 2) return c.Error(kSyntaxError);  // FILTERBY is not served
  std::vector<std::string_view> names;
  for (const FrontCommand& cmd : kCommands) {
    names.push_back(cmd.name);
    for (const FrontCommand& sub : cmd.subcommands) names.push_back(sub.name);
  }
  c.reply().BulkArray(names);
}

void CommandHelpCommand(ClientSession& c, std::span<const std::string_view>) {
  static constexpr std::string_view kLines[] = {
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
  };
  ReplyHelp(c.reply(), "COMMAND", kLines);
}

}  // namespace tandem::sentinel
