// The CLIENT command family: ID, SETNAME, GETNAME, LIST, INFO, KILL, PAUSE, UNPAUSE, REPLY,
// NO-EVICT, GETREDIR, TRACKINGINFO and HELP.

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"
#include "server/commands/acl.h"
#include "server/commands/client_info.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/help_reply.h"

namespace tandem::commands {
namespace {

// The TYPE of CLIENT LIST and CLIENT KILL.
enum class ClientType { kNormal, kReplica, kMaster, kPubsub };

std::optional<ClientType> ParseClientType(std::string_view name) {
  if (base::EqualsIgnoreCase(name, "normal")) return ClientType::kNormal;
  if (base::EqualsIgnoreCase(name, "replica") || base::EqualsIgnoreCase(name, "slave"))
    return ClientType::kReplica;
  if (base::EqualsIgnoreCase(name, "master")) return ClientType::kMaster;
  if (base::EqualsIgnoreCase(name, "pubsub")) return ClientType::kPubsub;
  return std::nullopt;
}

// Monitors are normal clients, as in Redis.
ClientType TypeOf(const Client& c) {
  if (c.flags & kClientMaster) return ClientType::kMaster;
  if ((c.flags & kClientReplica) && !(c.flags & kClientMonitor)) return ClientType::kReplica;
  return c.subscribed() ? ClientType::kPubsub : ClientType::kNormal;
}

// The line for `c`; the caller of CLIENT LIST/INFO is described as running ctx's command.
void AppendClientLine(Context& ctx, Client& c, std::string* out) {
  if (&c != &ctx.client) return AppendClientInfo(c, ctx.now_ms, nullptr, out);
  RunningCommand running{ctx.spec.full_name, ArgvBytes(ctx.argv)};
  AppendClientInfo(c, ctx.now_ms, &running, out);
}

void Id(Context& ctx) { ctx.reply().Integer(static_cast<int64_t>(ctx.client.id())); }

// CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends a blocking command as if it timed out, or with an error.
void Unblock(Context& ctx) {
  auto id = base::ParseInt64(ctx.argv[2]);
  if (!id) return ctx.Error(errors::kNotInteger);
  bool with_error = false;
  if (ctx.argv.size() == 4) {
    if (base::EqualsIgnoreCase(ctx.argv[3], "error")) {
      with_error = true;
    } else if (!base::EqualsIgnoreCase(ctx.argv[3], "timeout")) {
      return ctx.Error(errors::kUnblockReason);
    }
  }
  auto it = ctx.server.clients.find(static_cast<uint64_t>(*id));
  if (it == ctx.server.clients.end()) return ctx.reply().Integer(0);
  bool done = ctx.server.blocking.Unblock(*it->second, with_error ? errors::kUnblocked : "");
  ctx.reply().Integer(done ? 1 : 0);
}

void SetName(Context& ctx) {
  std::string_view name = ctx.argv[2];
  if (!IsValidClientName(name)) return ctx.Error(errors::kInvalidClientName);
  ctx.client.name.assign(name);
  ctx.reply().SimpleString("OK");
}

void GetName(Context& ctx) {
  if (ctx.client.name.empty()) return ctx.reply().Null();
  ctx.reply().Bulk(ctx.client.name);
}

// CLIENT LIST [TYPE type | ID id [id ...]]
void List(Context& ctx) {
  std::string text;
  size_t argc = ctx.argv.size();
  if (argc == 2) {
    for (const auto& [id, client] : ctx.server.clients) AppendClientLine(ctx, *client, &text);
  } else if (argc == 4 && base::EqualsIgnoreCase(ctx.argv[2], "type")) {
    std::optional<ClientType> type = ParseClientType(ctx.argv[3]);
    if (!type) return ctx.Error(errors::UnknownClientType(ctx.argv[3]));
    for (const auto& [id, client] : ctx.server.clients) {
      if (TypeOf(*client) == *type) AppendClientLine(ctx, *client, &text);
    }
  } else if (argc > 3 && base::EqualsIgnoreCase(ctx.argv[2], "id")) {
    // Listed in the order asked for; every id is checked before anything is listed.
    std::vector<int64_t> ids;
    for (size_t i = 3; i < argc; ++i) {
      auto id = base::ParseInt64(ctx.argv[i]);
      if (!id) return ctx.Error(errors::kInvalidClientId);
      ids.push_back(*id);
    }
    for (int64_t id : ids) {
      auto it = ctx.server.clients.find(static_cast<uint64_t>(id));
      if (id > 0 && it != ctx.server.clients.end()) AppendClientLine(ctx, *it->second, &text);
    }
  } else {
    return ctx.Error(errors::kSyntax);
  }
  ctx.reply().Verbatim(text);
}

void Info(Context& ctx) {
  std::string text;
  AppendClientLine(ctx, ctx.client, &text);
  ctx.reply().Verbatim(text);
}

// Closes `victim` once what was written to it is flushed (for the caller: after this reply).
// Others are flagged as closing so that a later KILL in the same batch does not count them again.
void Kill(Context& ctx, Client& victim) {
  if (&victim != &ctx.client) victim.flags |= kClientCloseASAP;
  victim.connection().CloseAfterReply();
}

// CLIENT KILL ip:port (the old form): +OK, or an error when no client has that address.
void KillByAddress(Context& ctx) {
  std::vector<Client*> victims;
  for (const auto& [id, client] : ctx.server.clients) {
    if (!(client->flags & kClientCloseASAP) && client->connection().PeerAddress() == ctx.argv[2])
      victims.push_back(client);
  }
  if (victims.empty()) return ctx.Error(errors::kNoSuchClient);
  ctx.reply().SimpleString("OK");
  for (Client* victim : victims) Kill(ctx, *victim);
}

// CLIENT KILL <filter> <value> ...: every filter given must match; replies with the count.
struct KillFilter {
  std::optional<uint64_t> id;
  std::optional<ClientType> type;
  const AclUser* user = nullptr;
  std::optional<std::string_view> addr;
  std::optional<std::string_view> laddr;
  bool skip_me = true;

  bool Matches(Client& c) const {
    ClientConnection& conn = c.connection();
    return (!id || c.id() == *id) && (!type || TypeOf(c) == *type) &&
           (user == nullptr || c.user == user) && (!addr || conn.PeerAddress() == *addr) &&
           (!laddr || conn.LocalAddress() == *laddr);
  }
};

// Parses the filter pairs from argv[2...]; replies with the error and returns false when invalid.
bool ParseKillFilter(Context& ctx, KillFilter* filter) {
  if ((ctx.argv.size() - 2) % 2 != 0) {
    ctx.Error(errors::kSyntax);
    return false;
  }
  for (size_t i = 2; i < ctx.argv.size(); i += 2) {
    std::string_view option = ctx.argv[i];
    std::string_view value = ctx.argv[i + 1];
    if (base::EqualsIgnoreCase(option, "id")) {
      auto id = base::ParseInt64(value);
      if (!id || *id <= 0) {
        ctx.Error(errors::kClientIdNotPositive);
        return false;
      }
      filter->id = static_cast<uint64_t>(*id);
    } else if (base::EqualsIgnoreCase(option, "type")) {
      filter->type = ParseClientType(value);
      if (!filter->type) {
        ctx.Error(errors::UnknownClientType(value));
        return false;
      }
    } else if (base::EqualsIgnoreCase(option, "user")) {
      filter->user = ctx.server.acl.Find(value);
      if (filter->user == nullptr) {
        ctx.Error(errors::NoSuchUser(value));
        return false;
      }
    } else if (base::EqualsIgnoreCase(option, "addr")) {
      filter->addr = value;
    } else if (base::EqualsIgnoreCase(option, "laddr")) {
      filter->laddr = value;
    } else if (base::EqualsIgnoreCase(option, "skipme") &&
               (base::EqualsIgnoreCase(value, "yes") || base::EqualsIgnoreCase(value, "no"))) {
      filter->skip_me = base::EqualsIgnoreCase(value, "yes");
    } else {
      ctx.Error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

void KillCommand(Context& ctx) {
  if (ctx.argv.size() == 3) return KillByAddress(ctx);
  KillFilter filter;
  if (!ParseKillFilter(ctx, &filter)) return;
  std::vector<Client*> victims;
  for (const auto& [id, client] : ctx.server.clients) {
    if (client->flags & kClientCloseASAP) continue;
    if (filter.Matches(*client) && !(filter.skip_me && client == &ctx.client))
      victims.push_back(client);
  }
  ctx.reply().Integer(static_cast<int64_t>(victims.size()));
  for (Client* victim : victims) Kill(ctx, *victim);
}

// CLIENT PAUSE timeout-ms [WRITE|ALL]. A pause never shortens or weakens one in effect.
void Pause(Context& ctx) {
  if (ctx.argv.size() > 4) return ctx.Error(errors::SubcommandSyntax("client", ctx.argv[1]));
  auto timeout = base::ParseInt64(ctx.argv[2]);
  if (!timeout) return ctx.Error(errors::kTimeoutNotInteger);
  if (*timeout < 0) return ctx.Error(errors::kTimeoutNegative);
  if (*timeout > INT64_MAX - ctx.now_ms) return ctx.Error(errors::kTimeoutOutOfRange);
  PauseMode mode = PauseMode::kAll;
  if (ctx.argv.size() == 4) {
    if (base::EqualsIgnoreCase(ctx.argv[3], "write")) {
      mode = PauseMode::kWrite;
    } else if (!base::EqualsIgnoreCase(ctx.argv[3], "all")) {
      return ctx.Error(errors::kPauseMode);
    }
  }
  ServerState& s = ctx.server;
  // A zero timeout ends at the next check, as Redis's end time of 0 does.
  int64_t end_ms = *timeout == 0 ? 0 : ctx.now_ms + *timeout;
  if (s.pause_mode == PauseMode::kOff) {
    s.pause_end_ms = end_ms;
  } else {
    s.pause_end_ms = std::max(s.pause_end_ms, end_ms);
  }
  if (s.pause_mode != PauseMode::kAll) s.pause_mode = mode;
  ctx.reply().SimpleString("OK");
}

void Unpause(Context& ctx) {
  ctx.server.EndPauseIfDue(ctx.now_ms, /*force=*/true);
  ctx.reply().SimpleString("OK");
}

// CLIENT REPLY ON|OFF|SKIP. The connection drops the replies; OFF and SKIP reply nothing.
void Reply(Context& ctx) {
  std::string_view mode = ctx.argv[2];
  uint32_t& flags = ctx.client.flags;
  if (base::EqualsIgnoreCase(mode, "on")) {
    flags &= ~(kClientReplyOff | kClientReplySkip | kClientReplySkipNext);
    ctx.reply().SimpleString("OK");
  } else if (base::EqualsIgnoreCase(mode, "off")) {
    flags |= kClientReplyOff;
  } else if (base::EqualsIgnoreCase(mode, "skip")) {
    if (!(flags & kClientReplyOff)) flags |= kClientReplySkipNext;
  } else {
    ctx.Error(errors::kSyntax);
  }
}

void NoEvict(Context& ctx) {
  std::string_view mode = ctx.argv[2];
  if (base::EqualsIgnoreCase(mode, "on")) {
    ctx.client.flags |= kClientNoEvict;
  } else if (base::EqualsIgnoreCase(mode, "off")) {
    ctx.client.flags &= ~kClientNoEvict;
  } else {
    return ctx.Error(errors::kSyntax);
  }
  ctx.reply().SimpleString("OK");
}

// Tracking (client-side caching) is not implemented: no redirection, tracking off.
void GetRedir(Context& ctx) { ctx.reply().Integer(-1); }

void TrackingInfo(Context& ctx) {
  resp::ReplyBuilder& r = ctx.reply();
  r.MapHeader(3);
  r.Bulk("flags");
  r.SetHeader(1);
  r.Bulk("off");
  r.Bulk("redirect");
  r.Integer(-1);
  r.Bulk("prefixes");
  r.ArrayHeader(0);
}

void Help(Context& ctx) {
  ReplyHelp(ctx.reply(), "CLIENT",
            {
                "GETNAME",
                "    Return the name of this connection.",
                "GETREDIR",
                "    Return the id tracking notifications are redirected to (-1: none).",
                "ID",
                "    Return the id of this connection.",
                "INFO",
                "    Describe this connection, as one line of CLIENT LIST.",
                "KILL <ip:port>",
                "    Close the connection from <ip:port>.",
                "KILL <option> <value> [<option> <value> [...]]",
                "    Close the connections matching every option given:",
                "    * ID <client-id>",
                "    * ADDR <ip:port>      the peer address",
                "    * LADDR <ip:port>     the local address",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                "    * USER <username>",
                "    * SKIPME (YES|NO)     leave this connection alone (default: yes)",
                "LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB) | ID <client-id> [<client-id> ...]]",
                "    Describe the client connections, one line each.",
                "NO-EVICT (ON|OFF)",
                "    Protect this connection from client eviction, or stop protecting it.",
                "PAUSE <timeout> [WRITE|ALL]",
                "    Hold the commands of all clients (or only writes) for <timeout> ms.",
                "REPLY (ON|OFF|SKIP)",
                "    Turn the replies to this connection on or off, or skip the next one.",
                "SETNAME <name>",
                "    Name this connection.",
                "TRACKINGINFO",
                "    Report the client-side caching state of this connection.",
                "UNPAUSE",
                "    End a CLIENT PAUSE now.",
            });
}

}  // namespace

void RegisterClientCommands(CommandTable& table) {
  constexpr uint32_t kConn = kNoScript | kLoading | kStale;
  constexpr uint32_t kAdminConn = kAdmin | kConn;
  std::vector<CommandSpec> client_subcommands = {
      {"id", 2, kConn, 0, 0, 0, kAclConnection, Id, "connection",
       "Returns the client ID for the current connection", "5.0.0"},
      {"setname", 3, kConn, 0, 0, 0, kAclConnection, SetName, "connection",
       "Set the current connection name", "2.6.9"},
      {"getname", 2, kConn, 0, 0, 0, kAclConnection, GetName, "connection",
       "Get the current connection name", "2.6.9"},
      {"list", -2, kAdminConn, 0, 0, 0, kAclConnection, List, "connection",
       "Get the list of client connections", "2.4.0"},
      {"info", 2, kConn, 0, 0, 0, kAclConnection, Info, "connection",
       "Returns information about the current client connection.", "6.2.0"},
      {"unblock", -3, kAdminConn, 0, 0, 0, kAclConnection, Unblock, "connection",
       "Unblock a client blocked in a blocking command from a different connection", "5.0.0"},
      {"kill", -3, kAdminConn, 0, 0, 0, kAclConnection, KillCommand, "connection",
       "Kill the connection of a client", "2.4.0"},
      {"pause", -3, kAdminConn, 0, 0, 0, kAclConnection, Pause, "connection",
       "Stop processing commands from clients for some time", "2.9.50"},
      {"unpause", 2, kAdminConn, 0, 0, 0, kAclConnection, Unpause, "connection",
       "Resume processing of clients that were paused", "6.2.0"},
      {"reply", 3, kConn, 0, 0, 0, kAclConnection, Reply, "connection",
       "Instruct the server whether to reply to commands", "3.2.0"},
      {"no-evict", 3, kAdminConn, 0, 0, 0, kAclConnection, NoEvict, "connection",
       "Set client eviction mode for the current connection", "7.0.0"},
      {"getredir", 2, kConn, 0, 0, 0, kAclConnection, GetRedir, "connection",
       "Get tracking notifications redirection client ID if any", "6.0.0"},
      {"trackinginfo", 2, kConn, 0, 0, 0, kAclConnection, TrackingInfo, "connection",
       "Return information about server assisted client side caching for the current "
       "connection",
       "6.2.0"},
      {"help", 2, kLoading | kStale, 0, 0, 0, kAclConnection, Help, "connection",
       "Show helpful text about the different subcommands", "5.0.0"},
  };
  table.Register({
      ContainerCommand("client", "connection", "A container for client connection commands",
                       "2.4.0", std::move(client_subcommands)),
  });
}

}  // namespace tandem::commands
