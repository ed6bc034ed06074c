// ACL commands: SETUSER, GETUSER, DELUSER, LIST, USERS, WHOAMI, CAT, GENPASS, LOG, DRYRUN, LOAD,
// SAVE, HELP, with Redis 7.0's replies.

#include <random>

#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/help_reply.h"

namespace tandem::commands {
namespace {

constexpr std::string_view kNoAclFile =
    "ERR This Redis instance is not configured to use an ACL file. You may want to specify users "
    "via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis "
    "configuration file set) in order to store users in the Redis configuration.";
constexpr int64_t kGenpassMaxBits = 4096;

void SubcommandSyntax(Context& ctx) { ctx.Error(errors::SubcommandSyntax("acl", ctx.argv[1])); }

// Clients authenticated as a user that is going away fall back to an unauthenticated default
// user and are closed once their pending replies are written (the caller's after this reply).
Acl::UserRemovedFn DisconnectClientsOf(ServerState& server) {
  return [&server](const AclUser& user) {
    for (auto& [id, client] : server.clients) {
      if (client->user != &user) continue;
      client->user = &server.acl.default_user();
      client->authenticated = false;
      client->connection().CloseAfterReply();
    }
  };
}

void AclSetUser(Context& ctx) {
  base::Status status = ctx.server.acl.SetUser(ctx.argv[2], ctx.argv.subspan(3));
  if (!status.ok()) return ctx.Error(status.message());
  ctx.reply().SimpleString("OK");
}

void ReplySelector(resp::ReplyBuilder& r, const AclSelector& selector) {
  r.Bulk("commands");
  r.Bulk(selector.DescribeCommands());
  r.Bulk("keys");
  r.Bulk(selector.DescribeKeys());
  r.Bulk("channels");
  r.Bulk(selector.DescribeChannels());
}

void AclGetUser(Context& ctx) {
  const AclUser* user = ctx.server.acl.Find(ctx.argv[2]);
  if (user == nullptr) return ctx.reply().Null();
  resp::ReplyBuilder& r = ctx.reply();
  r.MapHeader(6);
  r.Bulk("flags");
  bool sanitize_flag = user->sanitize_payload != AclSanitizePayload::kUnset;
  r.SetHeader(1 + (user->nopass ? 1 : 0) + (sanitize_flag ? 1 : 0));
  r.Bulk(user->enabled ? "on" : "off");
  if (user->nopass) r.Bulk("nopass");
  if (user->sanitize_payload == AclSanitizePayload::kSkip) r.Bulk("skip-sanitize-payload");
  if (user->sanitize_payload == AclSanitizePayload::kSanitize) r.Bulk("sanitize-payload");
  r.Bulk("passwords");
  r.ArrayHeader(user->password_hashes.size());
  for (const std::string& hash : user->password_hashes) r.Bulk(hash);
  ReplySelector(r, user->root);
  r.Bulk("selectors");
  r.ArrayHeader(user->selectors.size());
  for (const AclSelector& selector : user->selectors) {
    r.MapHeader(3);
    ReplySelector(r, selector);
  }
}

void AclDelUser(Context& ctx) {
  std::span<const std::string_view> names = ctx.argv.subspan(2);
  for (std::string_view name : names) {
    if (name == "default") return ctx.Error("ERR The 'default' user cannot be removed");
  }
  int deleted = ctx.server.acl.DeleteUsers(names, DisconnectClientsOf(ctx.server));
  ctx.reply().Integer(deleted);
}

void AclList(Context& ctx) {
  const Acl& acl = ctx.server.acl;
  ctx.reply().ArrayHeader(acl.users().size());
  for (const auto& [name, user] : acl.users()) ctx.reply().Bulk(acl.Describe(*user));
}

void AclUsers(Context& ctx) {
  ctx.reply().ArrayHeader(ctx.server.acl.users().size());
  for (const auto& [name, user] : ctx.server.acl.users()) ctx.reply().Bulk(name);
}

void AclWhoami(Context& ctx) {
  if (ctx.client.user == nullptr) return ctx.reply().Null();
  ctx.reply().Bulk(ctx.client.user->name());
}

void AclCat(Context& ctx) {
  if (ctx.argv.size() > 3) return SubcommandSyntax(ctx);
  std::span<const AclCategoryName> categories = AclCategoryNames();
  if (ctx.argv.size() == 2) {
    ctx.reply().ArrayHeader(categories.size());
    for (const AclCategoryName& c : categories) ctx.reply().Bulk(c.name);
    return;
  }
  uint64_t bit = 0;
  for (const AclCategoryName& c : categories) {
    if (base::EqualsIgnoreCase(c.name, ctx.argv[2])) bit = c.bit;
  }
  if (bit == 0) {
    return ctx.Error("ERR Unknown category '" + std::string(ctx.argv[2].substr(0, 128)) + "'");
  }
  std::vector<std::string_view> names;
  for (const CommandSpec* spec : ctx.server.commands.all()) {
    if (EffectiveAclCategories(*spec) & bit) names.push_back(spec->full_name);
    for (const CommandSpec& sub : spec->subcommands) {
      if (EffectiveAclCategories(sub) & bit) names.push_back(sub.full_name);
    }
  }
  ctx.reply().BulkArray(names);
}

void AclGenpass(Context& ctx) {
  if (ctx.argv.size() > 3) return SubcommandSyntax(ctx);
  int64_t bits = 256;
  if (ctx.argv.size() == 3) {
    std::optional<int64_t> parsed = base::ParseInt64(ctx.argv[2]);
    if (!parsed) return ctx.Error(errors::kNotInteger);
    bits = *parsed;
  }
  if (bits <= 0 || bits > kGenpassMaxBits) {
    return ctx.Error(
        "ERR ACL GENPASS argument must be the number of bits for the output password, a positive "
        "number up to 4096");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device random;
  std::string password(static_cast<size_t>((bits + 3) / 4), '0');
  for (size_t i = 0; i < password.size(); i += 8) {
    uint32_t word = random();
    for (size_t j = i; j < i + 8 && j < password.size(); ++j, word >>= 4)
      password[j] = kHex[word & 15];
  }
  ctx.reply().Bulk(password);
}

void AclLogReply(Context& ctx) {
  if (ctx.argv.size() > 3) return SubcommandSyntax(ctx);
  AclLog& log = ctx.server.acl.log();
  int64_t count = 10;
  if (ctx.argv.size() == 3) {
    if (base::EqualsIgnoreCase(ctx.argv[2], "reset")) {
      log.Reset();
      return ctx.reply().SimpleString("OK");
    }
    std::optional<int64_t> parsed = base::ParseInt64(ctx.argv[2]);
    if (!parsed) return ctx.Error(errors::kNotInteger);
    count = std::max<int64_t>(*parsed, 0);
  }
  const std::deque<AclLogEntry>& entries = log.entries();
  size_t n = std::min(entries.size(), static_cast<size_t>(count));
  resp::ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(n);
  for (size_t i = 0; i < n; ++i) {
    const AclLogEntry& e = entries[i];
    r.MapHeader(7);
    r.Bulk("count");
    r.Integer(static_cast<int64_t>(e.count));
    r.Bulk("reason");
    r.Bulk(AclDenialReasonName(e.reason));
    r.Bulk("context");
    r.Bulk(AclLogContextName(e.context));
    r.Bulk("object");
    r.Bulk(e.object);
    r.Bulk("username");
    r.Bulk(e.username);
    r.Bulk("age-seconds");
    r.Double(static_cast<double>(ctx.now_ms - e.time_ms) / 1000);
    r.Bulk("client-info");
    r.Bulk(e.client_info);
  }
}

// ACL DRYRUN user command [arg...]: whether `user` could run the call, without running it.
void AclDryrun(Context& ctx) {
  const AclUser* user = ctx.server.acl.Find(ctx.argv[2]);
  if (user == nullptr) return ctx.Error("ERR User '" + std::string(ctx.argv[2]) + "' not found");
  std::span<const std::string_view> call = ctx.argv.subspan(3);
  const CommandSpec* spec = ctx.server.commands.ResolveCall(call);
  if (spec == nullptr) return ctx.Error("ERR Command '" + std::string(call[0]) + "' not found");
  if (!ArityOk(*spec, call.size())) return ctx.Error(errors::WrongArity(spec->full_name));
  std::optional<AclDenial> denial = ctx.server.acl.Evaluate(*user, *spec, call);
  if (!denial) return ctx.reply().SimpleString("OK");
  std::string message;
  switch (denial->reason) {
    case AclDenialReason::kKey:
      message = "This user has no permissions to access the '" +
                std::string(call[denial->arg_index]) + "' key";
      break;
    case AclDenialReason::kChannel:
      message = "This user has no permissions to access the '" +
                std::string(call[denial->arg_index]) + "' channel";
      break;
    case AclDenialReason::kCommand:
    case AclDenialReason::kAuth:
      message =
          "This user has no permissions to run the '" + std::string(spec->full_name) + "' command";
      break;
  }
  ctx.reply().Bulk(message);
}

void AclLoad(Context& ctx) {
  std::string path = ctx.server.config.GetString("aclfile");
  if (path.empty()) return ctx.Error(kNoAclFile);
  base::Status status = ctx.server.acl.LoadAclFile(path, DisconnectClientsOf(ctx.server));
  if (!status.ok()) return ctx.Error("ERR " + status.message());
  ctx.reply().SimpleString("OK");
}

void AclSave(Context& ctx) {
  std::string path = ctx.server.config.GetString("aclfile");
  if (path.empty()) return ctx.Error(kNoAclFile);
  if (!ctx.server.acl.SaveAclFile(path).ok()) {
    return ctx.Error(
        "ERR There was an error trying to save the ACLs. Please check the server logs for more "
        "information");
  }
  ctx.reply().SimpleString("OK");
}

void AclHelp(Context& ctx) {
  ReplyHelp(ctx.reply(), "ACL",
            {
                "CAT [<category>]",
                "    List all commands that belong to <category>, or all command categories",
                "    when no category is specified.",
                "DELUSER <username> [<username> ...]",
                "    Delete a list of users.",
                "DRYRUN <username> <command> [<arg> ...]",
                "    Returns whether the user can execute the given command without executing the "
                "command.",
                "GETUSER <username>",
                "    Get the user's details.",
                "GENPASS [<bits>]",
                "    Generate a secure 256-bit user password. The optional `bits` argument can",
                "    be used to specify a different size.",
                "LIST",
                "    Show users details in config file format.",
                "LOAD",
                "    Reload users from the ACL file.",
                "LOG [<count> | RESET]",
                "    Show the ACL log entries.",
                "SAVE",
                "    Save the current config to the ACL file.",
                "SETUSER <username> <attribute> [<attribute> ...]",
                "    Create or modify a user with the specified attributes.",
                "USERS",
                "    List all the registered usernames.",
                "WHOAMI",
                "    Return the current connection username.",
            });
}

}  // namespace

void RegisterAclCommands(CommandTable& table) {
  constexpr uint32_t kAdminSub = kAdmin | kNoScript | kLoading | kStale;
  constexpr uint32_t kUserSub = kNoScript | kLoading | kStale;
  constexpr std::string_view kServer = "server";
  std::vector<CommandSpec> subcommands = {
      {"cat", -2, kUserSub, 0, 0, 0, 0, AclCat, kServer,
       "List the ACL categories or the commands inside a category", "6.0.0"},
      {"deluser", -3, kAdminSub, 0, 0, 0, 0, AclDelUser, kServer,
       "Remove the specified ACL users and the associated rules", "6.0.0"},
      {"dryrun", -4, kAdminSub, 0, 0, 0, 0, AclDryrun, kServer,
       "Returns whether the user can execute the given command without executing the command.",
       "7.0.0"},
      {"genpass", -2, kUserSub, 0, 0, 0, 0, AclGenpass, kServer,
       "Generate a pseudorandom secure password to use for ACL users", "6.0.0"},
      {"getuser", 3, kAdminSub, 0, 0, 0, 0, AclGetUser, kServer,
       "Get the rules for a specific ACL user", "6.0.0"},
      {"help", 2, kLoading | kStale, 0, 0, 0, 0, AclHelp, kServer,
       "Show helpful text about the different subcommands", "6.0.0"},
      {"list", 2, kAdminSub, 0, 0, 0, 0, AclList, kServer,
       "List the current ACL rules in ACL config file format", "6.0.0"},
      {"load", 2, kAdminSub, 0, 0, 0, 0, AclLoad, kServer,
       "Reload the ACLs from the configured ACL file", "6.0.0"},
      {"log", -2, kAdminSub, 0, 0, 0, 0, AclLogReply, kServer,
       "List latest events denied because of ACLs in place", "6.0.0"},
      {"save", 2, kAdminSub, 0, 0, 0, 0, AclSave, kServer,
       "Save the current ACL rules in the configured ACL file", "6.0.0"},
      {"setuser", -3, kAdminSub, 0, 0, 0, 0, AclSetUser, kServer,
       "Modify or create the rules for a specific ACL user", "6.0.0"},
      {"users", 2, kAdminSub, 0, 0, 0, 0, AclUsers, kServer,
       "List the username of all the configured ACL rules", "6.0.0"},
      {"whoami", 2, kUserSub, 0, 0, 0, 0, AclWhoami, kServer,
       "Return the name of the user associated to the current connection", "6.0.0"},
  };
  table.Register({
      ContainerCommand("acl", kServer, "A container for Access List Control commands ", "6.0.0",
                       std::move(subcommands)),
  });
}

}  // namespace tandem::commands
