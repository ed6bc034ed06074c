// The front's connection-level commands: PING, AUTH, HELLO, ROLE, SENTINEL, PUBLISH, SHUTDOWN,
// with Redis 7.0 sentinel mode's replies and error texts.

#include <optional>
#include <string>

#include "sentinel/client_session.h"
#include "sentinel/front_commands.h"
#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"

namespace tandem::sentinel {
namespace {

constexpr std::string_view kWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
constexpr std::string_view kHelloChannel = "__sentinel__:hello";

// Compares without an early exit, so the time taken does not tell how much of a guess was right.
bool SameSecret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// The only user is "default", whose password is requirepass (none: any password is accepted).
bool PasswordMatches(ClientSession& c, std::string_view user, std::string_view password) {
  const std::string& required = c.state().settings.requirepass;
  return user == "default" && (required.empty() || SameSecret(password, required));
}

}  // namespace

void PingCommand(ClientSession& c, std::span<const std::string_view> argv) {
  if (argv.size() > 2) return c.Error("ERR wrong number of arguments for 'ping' command");
  if (c.protocol() == 2 && c.subscription_count() > 0) {
    c.reply().ArrayHeader(2);
    c.reply().Bulk("pong");
    c.reply().Bulk(argv.size() == 2 ? argv[1] : "");
    return;
  }
  if (argv.size() == 2) return c.reply().Bulk(argv[1]);
  c.reply().SimpleString("PONG");
}

void AuthCommand(ClientSession& c, std::span<const std::string_view> argv) {
  if (argv.size() > 3) return c.Error(kSyntaxError);
  if (argv.size() == 2 && c.state().settings.requirepass.empty()) {
    return c.Error(
        "ERR AUTH <password> called without any password configured for the default user. Are "
        "you sure your configuration is correct?");
  }
  std::string_view user = argv.size() == 2 ? "default" : argv[1];
  if (!PasswordMatches(c, user, argv.back())) return c.Error(kWrongPass);
  c.set_authenticated(true);
  c.reply().SimpleString("OK");
}

void HelloCommand(ClientSession& c, std::span<const std::string_view> argv) {
  int protocol = c.protocol();
  if (argv.size() >= 2) {
    std::optional<int64_t> version = base::ParseInt64(argv[1]);
    if (!version) return c.Error("ERR Protocol version is not an integer or out of range");
    if (*version < 2 || *version > 3) return c.Error("NOPROTO unsupported protocol version");
    protocol = static_cast<int>(*version);
  }
  std::optional<std::string_view> user, password, name;
  for (size_t i = 2; i < argv.size(); ++i) {
    size_t more = argv.size() - 1 - i;
    if (base::EqualsIgnoreCase(argv[i], "AUTH") && more >= 2) {
      user = argv[i + 1];
      password = argv[i + 2];
      i += 2;
    } else if (base::EqualsIgnoreCase(argv[i], "SETNAME") && more >= 1) {
      name = argv[++i];
    } else {
      return c.Error("ERR Syntax error in HELLO option '" + std::string(argv[i]) + "'");
    }
  }
  if (user) {
    if (!PasswordMatches(c, *user, *password)) return c.Error(kWrongPass);
    c.set_authenticated(true);
  }
  if (!c.authenticated()) {
    return c.Error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
        "AUTH <user> <pass> option can be used to authenticate the client and select the RESP "
        "protocol version at the same time");
  }
  if (name) {
    if (!ValidClientName(*name)) return c.Error(kBadClientName);
    c.set_name(std::string(*name));
  }
  c.set_protocol(protocol);
  resp::ReplyBuilder& out = c.reply();
  out.MapHeader(6);
  out.Bulk("server");
  out.Bulk("redis");
  out.Bulk("version");
  out.Bulk("7.0.15");
  out.Bulk("proto");
  out.Integer(protocol);
  out.Bulk("id");
  out.Integer(static_cast<int64_t>(c.id()));
  out.Bulk("mode");
  out.Bulk("sentinel");
  out.Bulk("modules");
  out.ArrayHeader(0);
}

void RoleCommand(ClientSession& c, std::span<const std::string_view>) {
  std::vector<std::string> names = c.host().MasterNames();
  c.reply().ArrayHeader(2);
  c.reply().Bulk("sentinel");
  c.reply().ArrayHeader(names.size());
  for (const std::string& name : names) c.reply().Bulk(name);
}

void SentinelCommand(ClientSession& c, std::span<const std::string_view> argv) {
  c.host().SentinelCommand(argv.subspan(1), c.reply());
}

void PublishCommand(ClientSession& c, std::span<const std::string_view> argv) {
  // Sentinels accept hellos from peers that reach them directly; they are not re-published.
  if (argv[1] != kHelloChannel) {
    return c.Error("ERR Only HELLO messages are accepted by Sentinel instances.");
  }
  c.host().HelloReceived(argv[2]);
  c.reply().Integer(1);
}

void ShutdownCommand(ClientSession& c, std::span<const std::string_view> argv) {
  bool nosave = false, save = false, abort = false, other = false;
  for (std::string_view arg : argv.subspan(1)) {
    if (base::EqualsIgnoreCase(arg, "NOSAVE")) {
      nosave = true;
    } else if (base::EqualsIgnoreCase(arg, "SAVE")) {
      save = true;
    } else if (base::EqualsIgnoreCase(arg, "NOW") || base::EqualsIgnoreCase(arg, "FORCE")) {
      other = true;
    } else if (base::EqualsIgnoreCase(arg, "ABORT")) {
      abort = true;
    } else {
      return c.Error(kSyntaxError);
    }
  }
  if ((abort && (nosave || save || other)) || (nosave && save)) return c.Error(kSyntaxError);
  // A sentinel's shutdown is immediate, so there is never one in progress to abort.
  if (abort) return c.Error("ERR No shutdown in progress.");
  c.session().CloseAfterFlush();
  c.host().Shutdown();
}

}  // namespace tandem::sentinel
