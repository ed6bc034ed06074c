// CLIENT ID / GETNAME / SETNAME / LIST / INFO / KILL / HELP as Redis 7.0 serves them, with the
// CLIENT LIST line in Redis's field order (redis-py parses it field by field).

#include <optional>
#include <string>

#include "sentinel/client_session.h"
#include "sentinel/front_commands.h"
#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"

namespace tandem::sentinel {
namespace {

enum class ClientType { kNormal, kReplica, kPubSub, kMaster };

std::optional<ClientType> ParseClientType(std::string_view name) {
  if (base::EqualsIgnoreCase(name, "normal")) return ClientType::kNormal;
  if (base::EqualsIgnoreCase(name, "slave") || base::EqualsIgnoreCase(name, "replica")) {
    return ClientType::kReplica;
  }
  if (base::EqualsIgnoreCase(name, "pubsub")) return ClientType::kPubSub;
  if (base::EqualsIgnoreCase(name, "master")) return ClientType::kMaster;
  return std::nullopt;
}

// The front's clients are never masters or replicas: subscribed ones are pubsub, others normal.
ClientType TypeOf(ClientSession& c) {
  return c.subscription_count() > 0 ? ClientType::kPubSub : ClientType::kNormal;
}

void AppendField(std::string& line, std::string_view key, std::string_view value) {
  if (!line.empty()) line += ' ';
  line += key;
  line += '=';
  line += value;
}

void AppendField(std::string& line, std::string_view key, int64_t value) {
  AppendField(line, key, std::to_string(value));
}

// One CLIENT LIST line, "\n" included. Fields that describe Redis features the front lacks
// (MULTI, shard channels, argv memory) carry Redis's values for a client not using them.
std::string ClientLine(ClientSession& c) {
  net::Session& s = c.session();
  int64_t now = FrontNowMs();
  int64_t qbuf = static_cast<int64_t>(s.query_buffer_size());
  int64_t qbuf_free = static_cast<int64_t>(s.query_buffer_free());
  int64_t out = static_cast<int64_t>(s.output_size());
  std::string line;
  AppendField(line, "id", static_cast<int64_t>(c.id()));
  AppendField(line, "addr", s.peer_address());
  AppendField(line, "laddr", s.local_address());
  AppendField(line, "fd", s.fd());
  AppendField(line, "name", c.name());
  AppendField(line, "age", (now - c.created_ms()) / 1000);
  AppendField(line, "idle", (now - c.last_interaction_ms()) / 1000);
  AppendField(line, "flags", c.subscription_count() > 0 ? "P" : "N");
  AppendField(line, "db", 0);
  AppendField(line, "sub", static_cast<int64_t>(c.channels().size()));
  AppendField(line, "psub", static_cast<int64_t>(c.patterns().size()));
  AppendField(line, "ssub", 0);
  AppendField(line, "multi", -1);
  AppendField(line, "qbuf", qbuf);
  AppendField(line, "qbuf-free", qbuf_free);
  AppendField(line, "argv-mem", 0);
  AppendField(line, "multi-mem", 0);
  AppendField(line, "rbs", out);
  AppendField(line, "rbp", out);
  AppendField(line, "obl", out);
  AppendField(line, "oll", 0);
  AppendField(line, "omem", 0);
  AppendField(line, "tot-mem", qbuf + qbuf_free + out);
  AppendField(line, "events", out > 0 ? "rw" : "r");
  AppendField(line, "cmd", c.last_command());
  AppendField(line, "user", "default");
  AppendField(line, "redir", -1);
  AppendField(line, "resp", c.protocol());
  line += '\n';
  return line;
}

}  // namespace

bool ValidClientName(std::string_view name) {
  for (char ch : name) {
    if (ch < '!' || ch > '~') return false;
  }
  return true;
}

void ClientIdCommand(ClientSession& c, std::span<const std::string_view>) {
  c.reply().Integer(static_cast<int64_t>(c.id()));
}

void ClientGetNameCommand(ClientSession& c, std::span<const std::string_view>) {
  if (c.name().empty()) return c.reply().Null();
  c.reply().Bulk(c.name());
}

void ClientSetNameCommand(ClientSession& c, std::span<const std::string_view> argv) {
  if (!ValidClientName(argv[2])) return c.Error(kBadClientName);
  c.set_name(std::string(argv[2]));
  c.reply().SimpleString("OK");
}

void ClientInfoCommand(ClientSession& c, std::span<const std::string_view>) {
  c.reply().Verbatim(ClientLine(c));
}

void ClientListCommand(ClientSession& c, std::span<const std::string_view> argv) {
  std::string text;
  if (argv.size() == 4 && base::EqualsIgnoreCase(argv[2], "TYPE")) {
    std::optional<ClientType> type = ParseClientType(argv[3]);
    if (!type) return c.Error("ERR Unknown client type '" + std::string(argv[3]) + "'");
    for (auto& [id, client] : c.state().clients) {
      if (TypeOf(*client) == *type) text += ClientLine(*client);
    }
  } else if (argv.size() > 3 && base::EqualsIgnoreCase(argv[2], "ID")) {
    for (std::string_view arg : argv.subspan(3)) {
      std::optional<int64_t> id = base::ParseInt64(arg);
      if (!id) return c.Error("ERR Invalid client ID");
      auto it = c.state().clients.find(static_cast<uint64_t>(*id));
      if (it != c.state().clients.end()) text += ClientLine(*it->second);
    }
  } else if (argv.size() != 2) {
    return c.Error(kSyntaxError);
  } else {
    for (auto& [id, client] : c.state().clients) text += ClientLine(*client);
  }
  c.reply().Verbatim(text);
}

void ClientKillCommand(ClientSession& c, std::span<const std::string_view> argv) {
  std::optional<uint64_t> id;
  std::optional<ClientType> type;
  std::optional<std::string_view> addr, laddr;
  bool skipme = true;
  bool old_form = argv.size() == 3;  // CLIENT KILL <ip:port>
  if (old_form) {
    addr = argv[2];
    skipme = false;
  } else if (argv.size() % 2 == 0) {
    for (size_t i = 2; i < argv.size(); i += 2) {
      std::string_view option = argv[i], value = argv[i + 1];
      if (base::EqualsIgnoreCase(option, "ID")) {
        std::optional<int64_t> parsed = base::ParseInt64(value);
        if (!parsed || *parsed < 1) return c.Error("ERR client-id should be greater than 0");
        id = static_cast<uint64_t>(*parsed);
      } else if (base::EqualsIgnoreCase(option, "TYPE")) {
        type = ParseClientType(value);
        if (!type) return c.Error("ERR Unknown client type '" + std::string(value) + "'");
      } else if (base::EqualsIgnoreCase(option, "ADDR")) {
        addr = value;
      } else if (base::EqualsIgnoreCase(option, "LADDR")) {
        laddr = value;
      } else if (base::EqualsIgnoreCase(option, "USER")) {
        // "default" is the only user, and every client is authenticated as it.
        if (value != "default") return c.Error("ERR No such user '" + std::string(value) + "'");
      } else if (base::EqualsIgnoreCase(option, "SKIPME")) {
        if (base::EqualsIgnoreCase(value, "yes")) {
          skipme = true;
        } else if (base::EqualsIgnoreCase(value, "no")) {
          skipme = false;
        } else {
          return c.Error(kSyntaxError);
        }
      } else {
        return c.Error(kSyntaxError);
      }
    }
  } else {
    return c.Error(kSyntaxError);
  }

  int64_t killed = 0;
  for (auto& [client_id, client] : c.state().clients) {
    if (id && client_id != *id) continue;
    if (type && TypeOf(*client) != *type) continue;
    if (addr && client->session().peer_address() != *addr) continue;
    if (laddr && client->session().local_address() != *laddr) continue;
    if (client == &c && skipme) continue;
    // The killer gets its reply first; any other client goes at once, pending output or not.
    if (client == &c) {
      c.session().CloseAfterFlush();
    } else {
      client->session().CloseSoon();
    }
    ++killed;
  }
  if (!old_form) return c.reply().Integer(killed);
  if (killed == 0) return c.Error("ERR No such client");
  c.reply().SimpleString("OK");
}

void ClientHelpCommand(ClientSession& c, std::span<const std::string_view>) {
  static constexpr std::string_view kLines[] = {
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "KILL <ip:port>",
      "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are:",
      "    * ADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made from the specified address",
      "    * LADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made to specified local address",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Kill connections by type.",
      "    * USER <username>",
      "      Kill connections authenticated by <username>.",
      "    * SKIPME (YES|NO)",
      "      Skip killing current connection (default: yes).",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Return clients of specified type.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
  };
  ReplyHelp(c.reply(), "CLIENT", kLines);
}

}  // namespace tandem::sentinel
