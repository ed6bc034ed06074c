// Connection commands: PING, ECHO, QUIT, SELECT, AUTH, HELLO, RESET.

#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"
#include "server/commands/acl.h"
#include "server/commands/client_info.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/version.h"

namespace tandem::commands {
namespace {

void Ping(Context& ctx) {
  if (ctx.argv.size() > 2) return ctx.Error(errors::WrongArity("ping"));
  if (ctx.client.subscribed() && ctx.client.resp_version() == 2) {
    // RESP2 subscribed mode: an array, so that it reads like the messages around it.
    ctx.reply().ArrayHeader(2);
    ctx.reply().Bulk("pong");
    return ctx.reply().Bulk(ctx.argv.size() == 2 ? ctx.argv[1] : "");
  }
  if (ctx.argv.size() == 2) return ctx.reply().Bulk(ctx.argv[1]);
  ctx.reply().SimpleString("PONG");
}

void Echo(Context& ctx) { ctx.reply().Bulk(ctx.argv[1]); }

void Quit(Context& ctx) {
  ctx.reply().SimpleString("OK");
  ctx.client.connection().CloseAfterReply();
}

void Select(Context& ctx) {
  auto index = base::ParseInt64(ctx.argv[1]);
  if (!index) return ctx.Error(errors::kNotInteger);
  if (*index < INT32_MIN || *index > INT32_MAX) return ctx.Error(errors::kIntOutOfRange);
  if (*index < 0 || *index >= ctx.keyspace().database_count())
    return ctx.Error(errors::kDbIndexOutOfRange);
  ctx.client.db = static_cast<int>(*index);
  ctx.reply().SimpleString("OK");
}

// Authenticates the client as `user`; replies with the error and returns false on failure.
bool Authenticate(Context& ctx, std::string_view user, std::string_view password) {
  const AclUser* found = ctx.server.acl.Authenticate(user, password);
  if (found == nullptr) {
    ctx.server.acl.log().Add(AclDenialReason::kAuth, AclLogContext::kToplevel, ctx.argv[0], user,
                             ClientInfoForLog(ctx.client, ctx.now_ms, ctx.spec.full_name, ctx.argv),
                             ctx.now_ms);
    ctx.Error(errors::kWrongPass);
    return false;
  }
  ctx.client.user = found;
  ctx.client.authenticated = true;
  ctx.client.connection().SetAuthenticated(true);
  return true;
}

void Auth(Context& ctx) {
  if (ctx.argv.size() > 3) return ctx.Error(errors::kSyntax);
  if (ctx.argv.size() == 2 && ctx.server.acl.default_user().nopass) {
    return ctx.Error(
        "ERR AUTH <password> called without any password configured for the default user. Are "
        "you sure your configuration is correct?");
  }
  std::string_view user = ctx.argv.size() == 3 ? ctx.argv[1] : "default";
  if (Authenticate(ctx, user, ctx.argv.back())) ctx.reply().SimpleString("OK");
}

void Hello(Context& ctx) {
  int version = ctx.client.resp_version();
  size_t i = 1;
  if (ctx.argv.size() >= 2) {
    auto v = base::ParseInt64(ctx.argv[1]);
    if (!v) return ctx.Error("ERR Protocol version is not an integer or out of range");
    if (*v < 2 || *v > 3) return ctx.Error("NOPROTO unsupported protocol version");
    version = static_cast<int>(*v);
    i = 2;
  }
  std::string_view user, pass, name;
  bool has_auth = false, has_name = false;
  for (; i < ctx.argv.size(); ++i) {
    size_t left = ctx.argv.size() - i - 1;
    if (base::EqualsIgnoreCase(ctx.argv[i], "auth") && left >= 2) {
      has_auth = true;
      user = ctx.argv[i + 1];
      pass = ctx.argv[i + 2];
      i += 2;
    } else if (base::EqualsIgnoreCase(ctx.argv[i], "setname") && left >= 1) {
      has_name = true;
      name = ctx.argv[++i];
    } else {
      return ctx.Error("ERR Syntax error in HELLO option '" + std::string(ctx.argv[i]) + "'");
    }
  }
  if (has_auth && !Authenticate(ctx, user, pass)) return;
  if (!ctx.client.authenticated) {
    return ctx.Error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
        "AUTH <user> <pass> option can be used to authenticate the client and select the RESP "
        "protocol version at the same time");
  }
  if (has_name) {
    if (!IsValidClientName(name)) return ctx.Error(errors::kInvalidClientName);
    ctx.client.name = std::string(name);
  }
  ctx.client.set_resp_version(version);
  resp::ReplyBuilder& r = ctx.reply();
  r.MapHeader(7);
  r.Bulk("server");
  r.Bulk("redis");
  r.Bulk("version");
  r.Bulk(kRedisCompatVersion);
  r.Bulk("proto");
  r.Integer(version);
  r.Bulk("id");
  r.Integer(static_cast<int64_t>(ctx.client.id()));
  r.Bulk("mode");
  r.Bulk("standalone");
  r.Bulk("role");
  r.Bulk("master");
  r.Bulk("modules");
  r.ArrayHeader(0);
}

void Reset(Context& ctx) {
  Client& c = ctx.client;
  c.db = 0;
  c.set_resp_version(2);
  c.name.clear();
  c.flags = 0;
  std::erase(ctx.server.monitors, &c);
  c.multi.reset();
  ctx.server.watches.UnwatchAll(c);
  ctx.server.pubsub.RemoveClient(c);
  c.user = &ctx.server.acl.default_user();
  c.authenticated = ctx.server.acl.DefaultUserNeedsNoAuth();
  c.connection().SetAuthenticated(c.authenticated);
  ctx.reply().SimpleString("RESET");
}

}  // namespace

void RegisterConnectionCommands(CommandTable& table) {
  constexpr uint32_t kConn = kNoScript | kLoading | kStale | kFast | kNoAuth | kAllowBusy;
  table.Register({
      {"ping", -1, kFast, 0, 0, 0, kAclConnection, Ping, "connection", "Ping the server", "1.0.0"},
      {"echo", 2, kFast, 0, 0, 0, kAclConnection, Echo, "connection", "Echo the given string",
       "1.0.0"},
      {"quit", -1, kConn, 0, 0, 0, kAclConnection, Quit, "connection", "Close the connection",
       "1.0.0"},
      {"select", 2, kLoading | kStale | kFast, 0, 0, 0, kAclConnection, Select, "connection",
       "Change the selected database for the current connection", "1.0.0"},
      {"auth", -2, kConn, 0, 0, 0, kAclConnection, Auth, "connection", "Authenticate to the server",
       "1.0.0"},
      {"hello", -1, kConn, 0, 0, 0, kAclConnection, Hello, "connection", "Handshake with Redis",
       "6.0.0"},
      {"reset", 1, kConn, 0, 0, 0, kAclConnection, Reset, "connection", "Reset the connection",
       "6.2.0"},
  });
}

}  // namespace tandem::commands
