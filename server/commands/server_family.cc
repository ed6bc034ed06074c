// Server commands: INFO, DBSIZE, FLUSHDB, FLUSHALL, TIME, SHUTDOWN, MONITOR, SLOWLOG and DEBUG.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/help_reply.h"
#include "server/commands/info.h"
#include "server/store/eviction.h"

namespace tandem::commands {
namespace {

void Info(Context& ctx) { ctx.reply().Verbatim(BuildInfo(ctx.server, ctx.argv.subspan(1))); }

void DbSize(Context& ctx) { ctx.reply().Integer(static_cast<int64_t>(ctx.db().size())); }

// FLUSHDB/FLUSHALL [ASYNC|SYNC]: both modes flush synchronously. Replies with the syntax error and
// returns false when the option is wrong.
bool ParseFlushMode(Context& ctx) {
  if (ctx.argv.size() == 1) return true;
  if (ctx.argv.size() == 2 && (base::EqualsIgnoreCase(ctx.argv[1], "async") ||
                               base::EqualsIgnoreCase(ctx.argv[1], "sync"))) {
    return true;
  }
  ctx.Error(errors::kSyntax);
  return false;
}

void FlushDb(Context& ctx) {
  if (!ParseFlushMode(ctx)) return;
  size_t removed = ctx.db().size();
  store::Database& db = ctx.db();
  ctx.server.watches.TouchedDb(ctx.db_index(),
                               [&](int, std::string_view key) { return db.Find(key) != nullptr; });
  db.Clear();
  ctx.server.blocking.DbFlushed(ctx.db_index());
  ctx.Dirty(removed);
  ctx.reply().SimpleString("OK");
}

void FlushAll(Context& ctx) {
  if (!ParseFlushMode(ctx)) return;
  size_t removed = ctx.keyspace().TotalKeys();
  store::Keyspace& keyspace = ctx.keyspace();
  ctx.server.watches.TouchedDb(
      -1, [&](int db, std::string_view key) { return keyspace.db(db).Find(key) != nullptr; });
  keyspace.FlushAll();
  ctx.server.blocking.DbFlushed(-1);
  // One more than the keys removed, as Redis counts it, so that even an empty FLUSHALL is a write.
  ctx.Dirty(removed + 1);
  // Then the save (when save points exist), which the changes above precede.
  if (ctx.server.snapshots != nullptr) ctx.server.snapshots->OnFlushAll();
  ctx.reply().SimpleString("OK");
}

void Time(Context& ctx) {
  int64_t now_us = ctx.server.clock.NowUs();
  char seconds[24], micros[24];
  int seconds_len =
      std::snprintf(seconds, sizeof(seconds), "%lld", static_cast<long long>(now_us / 1'000'000));
  int micros_len =
      std::snprintf(micros, sizeof(micros), "%lld", static_cast<long long>(now_us % 1'000'000));
  ctx.reply().ArrayHeader(2);
  ctx.reply().Bulk(std::string_view(seconds, seconds_len));
  ctx.reply().Bulk(std::string_view(micros, micros_len));
}

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. Tandem has no replicas to wait for, so NOW changes
// nothing and there is never a shutdown to abort; FORCE exits even when the final save fails.
void Shutdown(Context& ctx) {
  bool nosave = false, save = false, abort = false, force = false;
  for (size_t i = 1; i < ctx.argv.size(); ++i) {
    std::string_view a = ctx.argv[i];
    if (base::EqualsIgnoreCase(a, "nosave")) {
      nosave = true;
    } else if (base::EqualsIgnoreCase(a, "save")) {
      save = true;
    } else if (base::EqualsIgnoreCase(a, "abort")) {
      abort = true;
    } else if (base::EqualsIgnoreCase(a, "force")) {
      force = true;
    } else if (!base::EqualsIgnoreCase(a, "now")) {
      return ctx.Error(errors::kSyntax);
    }
  }
  if ((nosave && save) || (abort && ctx.argv.size() > 2)) return ctx.Error(errors::kSyntax);
  if (abort) return ctx.Error(errors::kNoShutdownInProgress);
  if (ctx.server.snapshots != nullptr) {
    base::Status saved = ctx.server.snapshots->PrepareShutdown(save, nosave, force);
    if (!saved.ok()) return ctx.Error(saved.message());
  }
  // No reply: the connection closes when the server stops.
  ctx.server.control->RequestShutdown();
}

void Monitor(Context& ctx) {
  // Redis ignores MONITOR from a client that already monitors, without a reply.
  if (ctx.client.flags & kClientMonitor) return;
  ctx.client.flags |= kClientMonitor;
  ctx.server.monitors.push_back(&ctx.client);
  ctx.reply().SimpleString("OK");
}

// SLOWLOG GET [count]: the newest `count` entries (10 by default, -1 for all).
void SlowlogGet(Context& ctx) {
  if (ctx.argv.size() > 3) return ctx.Error(errors::SubcommandSyntax("slowlog", ctx.argv[1]));
  int64_t count = 10;
  if (ctx.argv.size() == 3) {
    auto parsed = base::ParseInt64(ctx.argv[2]);
    if (!parsed || *parsed < -1) return ctx.Error(errors::kSlowlogCount);
    count = *parsed;
  }
  const std::deque<SlowlogEntry>& log = ctx.server.slowlog;
  size_t n = count == -1 ? log.size() : std::min(log.size(), static_cast<size_t>(count));
  resp::ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(n);
  for (size_t i = 0; i < n; ++i) {
    const SlowlogEntry& e = log[i];
    r.ArrayHeader(6);
    r.Integer(static_cast<int64_t>(e.id));
    r.Integer(e.unix_time);
    r.Integer(e.duration_us);
    r.ArrayHeader(e.argv.size());
    for (const std::string& arg : e.argv) r.Bulk(arg);
    r.Bulk(e.peer);
    r.Bulk(e.client_name);
  }
}

void SlowlogLen(Context& ctx) {
  ctx.reply().Integer(static_cast<int64_t>(ctx.server.slowlog.size()));
}

void SlowlogReset(Context& ctx) {
  ctx.server.slowlog.clear();
  ctx.reply().SimpleString("OK");
}

void SlowlogHelp(Context& ctx) {
  ReplyHelp(ctx.reply(), "SLOWLOG",
            {
                "GET [<count>]",
                "    Return the newest <count> entries of the slowlog (default 10, -1 for all).",
                "    Each entry holds: id, unix time, duration in microseconds, arguments,",
                "    client address and client name.",
                "LEN",
                "    Return the number of entries in the slowlog.",
                "RESET",
                "    Remove every entry from the slowlog.",
            });
}

// enable-debug-command: "yes", "no", or "local" (only from a loopback peer).
bool DebugAllowed(Context& ctx) {
  const std::string& mode = ctx.server.config.GetString("enable-debug-command");
  if (base::EqualsIgnoreCase(mode, "yes")) return true;
  if (!base::EqualsIgnoreCase(mode, "local")) return false;
  std::string peer = ctx.client.connection().PeerAddress();
  std::string_view ip(peer);
  ip = ip.substr(0, ip.rfind(':'));
  if (ip.size() >= 2 && ip.front() == '[') ip = ip.substr(1, ip.size() - 2);
  return ip == "127.0.0.1" || ip == "::1";
}

// The size of a string in an RDB file: integers of up to 11 characters are stored as 8, 16 or
// 32-bit integers; other strings as a length prefix and the bytes (LZF compression, which Redis
// applies to strings over 20 bytes, is not counted).
size_t RdbStringLength(std::string_view value) {
  if (value.size() <= 11) {
    if (auto n = base::ParseInt64(value)) {
      if (*n >= INT8_MIN && *n <= INT8_MAX) return 2;
      if (*n >= INT16_MIN && *n <= INT16_MAX) return 3;
      if (*n >= INT32_MIN && *n <= INT32_MAX) return 5;
    }
  }
  size_t len = value.size();
  size_t prefix = len < 64 ? 1 : len < 16384 ? 2 : len <= UINT32_MAX ? 5 : 9;
  return prefix + len;
}

// DEBUG OBJECT key: reads the table directly, as Redis does (no expiry check, no hit counting).
void DebugObject(Context& ctx) {
  const store::Entry* e = ctx.db().Find(ctx.argv[2]);
  if (e == nullptr) return ctx.Error(errors::kNoSuchKey);
  bool is_string = e->is_string();
  std::string_view encoding = store::EncodingName(*e);
  // Sizes of other types are not known before the RDB writer exists; 0 until then.
  size_t serialized = is_string ? RdbStringLength(e->string_value()) : 0;
  char line[256];
  std::snprintf(line, sizeof(line),
                "Value at:%p refcount:1 encoding:%.*s serializedlength:%zu lru:%u "
                "lru_seconds_idle:%lld",
                static_cast<const void*>(e), static_cast<int>(encoding.size()), encoding.data(),
                serialized, e->access(),
                static_cast<long long>(store::IdleTimeMs(e, ctx.now_ms) / 1000));
  ctx.reply().SimpleString(line);
}

// DEBUG SLEEP seconds: blocks the server; decimals allowed, text that is not a number sleeps 0.
void DebugSleep(Context& ctx) {
  double seconds = std::strtod(std::string(ctx.argv[2]).c_str(), nullptr);
  if (seconds > 0) std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  ctx.reply().SimpleString("OK");
}

// DEBUG RELOAD: saves, empties the keyspace and the function libraries, loads the file back.
void DebugReload(Context& ctx) {
  if (ctx.server.snapshots == nullptr) return ctx.Error("ERR");
  base::Status status = ctx.server.snapshots->DebugReload();
  if (!status.ok()) return ctx.Error(status.message());
  ctx.reply().SimpleString("OK");
}

// DEBUG SET-ACTIVE-EXPIRE 0|1: read as atoi reads it, any non-zero number enables.
void DebugSetActiveExpire(Context& ctx) {
  ctx.server.active_expire_enabled = std::atoi(std::string(ctx.argv[2]).c_str()) != 0;
  ctx.reply().SimpleString("OK");
}

void DebugHelp(Context& ctx) {
  ReplyHelp(ctx.reply(), "DEBUG",
            {
                "OBJECT <key>",
                "    Show low-level details about the value under <key>.",
                "RELOAD",
                "    Save the RDB on disk and reload it back to memory.",
                "SET-ACTIVE-EXPIRE <0|1>",
                "    0 stops the background expiry of keys that are not accessed; 1 restarts it.",
                "SLEEP <seconds>",
                "    Block the server for <seconds>; decimals allowed.",
            });
}

void Debug(Context& ctx) {
  if (!DebugAllowed(ctx)) return ctx.Error(errors::kDebugNotAllowed);
  std::string_view sub = ctx.argv[1];
  size_t argc = ctx.argv.size();
  if (base::EqualsIgnoreCase(sub, "help") && argc == 2) return DebugHelp(ctx);
  if (base::EqualsIgnoreCase(sub, "object") && argc == 3) return DebugObject(ctx);
  if (base::EqualsIgnoreCase(sub, "sleep") && argc == 3) return DebugSleep(ctx);
  if (base::EqualsIgnoreCase(sub, "reload") && argc == 2) return DebugReload(ctx);
  if (base::EqualsIgnoreCase(sub, "set-active-expire") && argc == 3)
    return DebugSetActiveExpire(ctx);
  ctx.Error(errors::SubcommandSyntax("debug", sub));
}

}  // namespace

void RegisterServerCommands(CommandTable& table) {
  constexpr uint32_t kAdminLoading = kAdmin | kLoading | kStale;
  std::vector<CommandSpec> slowlog_subcommands = {
      {"len", 2, kAdminLoading, 0, 0, 0, 0, SlowlogLen, "server", "Get the slow log's length",
       "2.2.12"},
      {"get", -2, kAdminLoading, 0, 0, 0, 0, SlowlogGet, "server", "Get the slow log's entries",
       "2.2.12"},
      {"reset", 2, kAdminLoading, 0, 0, 0, 0, SlowlogReset, "server",
       "Clear all entries from the slow log", "2.2.12"},
      {"help", 2, kLoading | kStale, 0, 0, 0, 0, SlowlogHelp, "server",
       "Show helpful text about the different subcommands", "6.2.0"},
  };
  table.Register({
      {"info", -1, kLoading | kStale, 0, 0, 0, kAclDangerous, Info, "server",
       "Get information and statistics about the server", "1.0.0"},
      {"dbsize", 1, kReadonly | kFast, 0, 0, 0, kAclKeyspace, DbSize, "server",
       "Return the number of keys in the selected database", "1.0.0"},
      {"flushdb", -1, kWrite, 0, 0, 0, kAclKeyspace | kAclDangerous, FlushDb, "server",
       "Remove all keys from the current database", "1.0.0"},
      {"flushall", -1, kWrite, 0, 0, 0, kAclKeyspace | kAclDangerous, FlushAll, "server",
       "Remove all keys from all databases", "1.0.0"},
      {"time", 1, kLoading | kStale | kFast, 0, 0, 0, 0, Time, "server",
       "Return the current server time", "2.6.0"},
      {"shutdown", -1, kAdmin | kNoScript | kLoading | kStale | kNoMulti | kAllowBusy, 0, 0, 0, 0,
       Shutdown, "server", "Synchronously save the dataset to disk and then shut down the server",
       "1.0.0"},
      {"monitor", 1, kAdmin | kNoScript | kLoading | kStale, 0, 0, 0, 0, Monitor, "server",
       "Listen for all requests received by the server in real time", "1.0.0"},
      ContainerCommand("slowlog", "server", "A container for slow log commands", "2.2.12",
                       std::move(slowlog_subcommands)),
      {"debug", -2, kAdmin | kNoScript | kLoading | kStale, 0, 0, 0, 0, Debug, "server",
       "A container for debugging commands", "1.0.0"},
  });
}

}  // namespace tandem::commands
