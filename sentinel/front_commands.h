#pragma once
// The front's command table: one row per command that Redis 7.0's sentinel mode serves, with
// Redis's COMMAND INFO values (arity with Redis's sign rule, flags, ACL categories, tips) and the
// handler. COMMAND's replies are generated from the rows; ClientSession's pre-checks read them.

#include <span>
#include <string_view>

#include "server/resp/help_reply.h"
#include "server/resp/reply_builder.h"

namespace tandem::sentinel {

class ClientSession;

using FrontHandler = void (*)(ClientSession& client, std::span<const std::string_view> argv);

struct FrontCommand {
  std::string_view name;        // full name, lower case: "ping", "client|kill"
  int arity;                    // > 0: exactly; < 0: at least -arity arguments (the name included)
  std::string_view flags;       // space-separated COMMAND flags ("noscript loading stale fast")
  std::string_view categories;  // space-separated ACL categories ("@fast @connection")
  std::string_view tips;        // space-separated command tips
  FrontHandler handler;         // null for a container (its subcommands carry handlers)
  std::span<const FrontCommand> subcommands;

  bool HasFlag(std::string_view flag) const;
};

// The top-level command named `name` (any case), or null.
const FrontCommand* FindFrontCommand(std::string_view name);
// The subcommand `name` (any case) of a container, or null.
const FrontCommand* FindSubcommand(const FrontCommand& container, std::string_view name);

// Handlers, grouped by the file that implements them.
// connection_commands.cc
void PingCommand(ClientSession& c, std::span<const std::string_view> argv);
void AuthCommand(ClientSession& c, std::span<const std::string_view> argv);
void HelloCommand(ClientSession& c, std::span<const std::string_view> argv);
void RoleCommand(ClientSession& c, std::span<const std::string_view> argv);
void SentinelCommand(ClientSession& c, std::span<const std::string_view> argv);
void PublishCommand(ClientSession& c, std::span<const std::string_view> argv);
void ShutdownCommand(ClientSession& c, std::span<const std::string_view> argv);
// client_command.cc
void ClientIdCommand(ClientSession& c, std::span<const std::string_view> argv);
void ClientGetNameCommand(ClientSession& c, std::span<const std::string_view> argv);
void ClientSetNameCommand(ClientSession& c, std::span<const std::string_view> argv);
void ClientListCommand(ClientSession& c, std::span<const std::string_view> argv);
void ClientInfoCommand(ClientSession& c, std::span<const std::string_view> argv);
void ClientKillCommand(ClientSession& c, std::span<const std::string_view> argv);
void ClientHelpCommand(ClientSession& c, std::span<const std::string_view> argv);
// client_pubsub.cc
void SubscribeCommand(ClientSession& c, std::span<const std::string_view> argv);
void PSubscribeCommand(ClientSession& c, std::span<const std::string_view> argv);
void UnsubscribeCommand(ClientSession& c, std::span<const std::string_view> argv);
void PUnsubscribeCommand(ClientSession& c, std::span<const std::string_view> argv);
// info_front.cc
void InfoCommand(ClientSession& c, std::span<const std::string_view> argv);
// front_commands.cc
void CommandCommand(ClientSession& c, std::span<const std::string_view> argv);
void CommandCountCommand(ClientSession& c, std::span<const std::string_view> argv);
void CommandDocsCommand(ClientSession& c, std::span<const std::string_view> argv);
void CommandInfoCommand(ClientSession& c, std::span<const std::string_view> argv);
void CommandListCommand(ClientSession& c, std::span<const std::string_view> argv);
void CommandHelpCommand(ClientSession& c, std::span<const std::string_view> argv);

// Client names (CLIENT SETNAME, HELLO SETNAME) may only use '!'..'~'; the empty name clears it.
bool ValidClientName(std::string_view name);
inline constexpr std::string_view kBadClientName =
    "ERR Client names cannot contain spaces, newlines or special characters.";
inline constexpr std::string_view kSyntaxError = "ERR syntax error";

using resp::ReplyHelp;  // server/resp/help_reply.h

}  // namespace tandem::sentinel
