// Generic key commands: DEL, UNLINK, EXISTS, TYPE, TOUCH, KEYS, SCAN, RANDOMKEY, RENAME, RENAMENX,
// COPY, MOVE, SWAPDB and OBJECT. The TTL commands live in expire_family.cc.

#include <climits>
#include <optional>
#include <string_view>
#include <vector>

#include "server/base/ascii_case.h"
#include "server/base/glob.h"
#include "server/base/number_parse.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/help_reply.h"
#include "server/commands/scan_args.h"
#include "server/config/keyspace_events.h"
#include "server/store/eviction.h"

namespace tandem::commands {
namespace {

// --- DEL / UNLINK / EXISTS / TYPE / TOUCH ----------------------------------------------------

// DEL and UNLINK: values are freed at once either way (there is no lazy-free thread).
void Del(Context& ctx) {
  int64_t removed = 0;
  for (size_t i = 1; i < ctx.argv.size(); ++i) {
    store::Entry* e = ctx.Find(ctx.argv[i]);
    if (e == nullptr) continue;
    ctx.db().Delete(e);
    ctx.Dirty();
    ctx.Touched(ctx.argv[i]);
    ctx.Notify(config::keyspace_event::kGeneric, "del", ctx.argv[i]);
    ++removed;
  }
  ctx.reply().Integer(removed);
}

// A key named twice counts twice.
void Exists(Context& ctx) {
  int64_t count = 0;
  for (size_t i = 1; i < ctx.argv.size(); ++i)
    if (ctx.Peek(ctx.argv[i]) != nullptr) ++count;
  ctx.reply().Integer(count);
}

void Type(Context& ctx) {
  store::Entry* e = ctx.Peek(ctx.argv[1]);
  ctx.reply().SimpleString(e == nullptr ? "none" : store::TypeName(e->type()));
}

void Touch(Context& ctx) {
  int64_t count = 0;
  for (size_t i = 1; i < ctx.argv.size(); ++i)
    if (ctx.Lookup(ctx.argv[i]) != nullptr) ++count;
  ctx.reply().Integer(count);
}

// --- KEYS / SCAN / RANDOMKEY -------------------------------------------------------------------

// Expired keys are skipped but left in place, as Redis does (KEYS never deletes).
void Keys(Context& ctx) {
  std::string_view pattern = ctx.argv[1];
  bool all = pattern == "*";
  std::vector<std::string_view> keys;
  ctx.db().ForEach([&](const store::Entry* e) {
    if (store::Keyspace::IsExpired(e, ctx.now_ms)) return;
    if (all || base::GlobMatch(pattern, e->key())) keys.push_back(e->key());
  });
  ctx.reply().BulkArray(keys);
}

void Scan(Context& ctx) {
  auto cursor = ParseScanCursorOrReply(ctx, ctx.argv[1]);
  if (!cursor) return;
  auto opt = ParseScanOptionsOrReply(ctx, 2, /*allow_type=*/true);
  if (!opt) return;

  // Visit buckets until `count` keys are collected, within the bucket budget.
  std::vector<store::Entry*> found;
  const store::Database& db = ctx.db();
  int64_t budget = opt->BucketBudget();
  auto collect = [&found](store::Entry* e) { found.push_back(e); };
  do {
    *cursor = db.Scan(*cursor, collect);
  } while (*cursor != 0 && budget-- > 0 && static_cast<int64_t>(found.size()) < opt->count);

  // Filter in place. Expired keys are deleted; only that key's block is freed, so the other
  // pointers stay valid.
  size_t kept = 0;
  for (store::Entry* e : found) {
    if (!opt->Matches(e->key())) continue;
    if (store::Keyspace::IsExpired(e, ctx.now_ms)) {
      ctx.Find(e->key());  // deletes it as an expiry
      continue;
    }
    if (opt->has_type && !base::EqualsIgnoreCase(opt->type, store::TypeName(e->type()))) continue;
    found[kept++] = e;
  }

  resp::ReplyBuilder& r = ctx.reply();
  ReplyScanHeader(r, *cursor, kept);
  for (size_t i = 0; i < kept; ++i) r.Bulk(found[i]->key());
}

void RandomKey(Context& ctx) {
  store::Entry* e = ctx.keyspace().RandomKey(ctx.db_index(), ctx.now_ms);
  if (e == nullptr) return ctx.reply().Null();
  ctx.reply().Bulk(e->key());
}

// --- RENAME / RENAMENX / MOVE / COPY / SWAPDB --------------------------------------------------

void RenameGeneric(Context& ctx, bool nx) {
  std::string_view from = ctx.argv[1], to = ctx.argv[2];
  if (ctx.Find(from) == nullptr) return ctx.Error(errors::kNoSuchKey);
  if (from == to) {
    if (nx) return ctx.reply().Integer(0);
    return ctx.reply().SimpleString("OK");
  }
  store::Database& db = ctx.db();
  if (store::Entry* existing = ctx.Find(to)) {
    if (nx) return ctx.reply().Integer(0);
    db.Delete(existing);
  }
  // The value, TTL and access data move with the key.
  db.Add(store::Entry::Rekey(db.Detach(from), to));
  ctx.Dirty();
  ctx.Touched(from);
  ctx.Touched(to);
  ctx.Notify(config::keyspace_event::kGeneric, "rename_from", from);
  ctx.Notify(config::keyspace_event::kGeneric, "rename_to", to);
  if (nx) return ctx.reply().Integer(1);
  ctx.reply().SimpleString("OK");
}

void Rename(Context& ctx) { RenameGeneric(ctx, false); }
void RenameNx(Context& ctx) { RenameGeneric(ctx, true); }

// Parses a database index argument as MOVE and COPY do (an int, then within the configured
// databases); replies with the error and returns -1 when invalid.
int ParseDbIndex(Context& ctx, std::string_view text) {
  auto index = base::ParseInt64(text);
  std::string_view error;
  if (!index) {
    error = errors::kNotInteger;
  } else if (*index < INT_MIN || *index > INT_MAX) {
    error = errors::kIntOutOfRange;
  } else if (*index < 0 || *index >= ctx.keyspace().database_count()) {
    error = errors::kDbIndexOutOfRange;
  } else {
    return static_cast<int>(*index);
  }
  ctx.Error(error);
  return -1;
}

// The entry keeps its block, TTL and access data: only its database changes.
void Move(Context& ctx) {
  std::string_view key = ctx.argv[1];
  int target = ParseDbIndex(ctx, ctx.argv[2]);
  if (target < 0) return;
  if (target == ctx.db_index()) return ctx.Error(errors::kSameObject);
  if (ctx.Find(key) == nullptr || ctx.keyspace().Find(target, key, ctx.now_ms) != nullptr)
    return ctx.reply().Integer(0);
  ctx.keyspace().db(target).Add(ctx.db().Detach(key));
  ctx.Dirty();
  ctx.Touched(key);
  ctx.server.KeyTouched(target, key);
  ctx.Notify(config::keyspace_event::kGeneric, "move_from", key);
  ctx.server.NotifyKeyspaceEvent(config::keyspace_event::kGeneric, "move_to", key, target);
  ctx.reply().Integer(1);
}

// COPY source destination [DB index] [REPLACE]
void Copy(Context& ctx) {
  std::string_view from = ctx.argv[1], to = ctx.argv[2];
  int target = ctx.db_index();
  bool replace = false;
  for (size_t i = 3; i < ctx.argv.size(); ++i) {
    if (base::EqualsIgnoreCase(ctx.argv[i], "replace")) {
      replace = true;
    } else if (base::EqualsIgnoreCase(ctx.argv[i], "db") && i + 1 < ctx.argv.size()) {
      target = ParseDbIndex(ctx, ctx.argv[++i]);
      if (target < 0) return;
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }
  if (target == ctx.db_index() && from == to) return ctx.Error(errors::kSameObject);
  store::Entry* source = ctx.Lookup(from);
  if (source == nullptr) return ctx.reply().Integer(0);
  store::Entry* existing = ctx.keyspace().Find(target, to, ctx.now_ms);
  if (existing != nullptr && !replace) return ctx.reply().Integer(0);
  store::Database& dst = ctx.keyspace().db(target);
  if (existing != nullptr) dst.Delete(existing);
  // A new value: fresh access data, the source's TTL.
  store::Entry* copy = store::Entry::CloneAs(source, to);
  ctx.keyspace().InitAccess(copy, ctx.now_ms);
  dst.Add(copy);
  ctx.Dirty();
  ctx.server.KeyTouched(target, to);
  ctx.server.NotifyKeyspaceEvent(config::keyspace_event::kGeneric, "copy_to", to, target);
  ctx.reply().Integer(1);
}

// Clients stay on their index and see the other database's keys.
void SwapDb(Context& ctx) {
  auto a = base::ParseInt64(ctx.argv[1]);
  if (!a || *a < INT_MIN || *a > INT_MAX) return ctx.Error(errors::kInvalidFirstDb);
  auto b = base::ParseInt64(ctx.argv[2]);
  if (!b || *b < INT_MIN || *b > INT_MAX) return ctx.Error(errors::kInvalidSecondDb);
  int count = ctx.keyspace().database_count();
  if (*a < 0 || *a >= count || *b < 0 || *b >= count) return ctx.Error(errors::kDbIndexOutOfRange);
  if (*a != *b) {
    int x = static_cast<int>(*a), y = static_cast<int>(*b);
    store::Keyspace& keyspace = ctx.keyspace();
    // A watched key changes when it exists on either side of the swap.
    auto exists = [&](int db, std::string_view key) {
      int other = db == x ? y : x;
      return keyspace.db(db).Find(key) != nullptr || keyspace.db(other).Find(key) != nullptr;
    };
    ctx.server.watches.TouchedDb(x, exists);
    ctx.server.watches.TouchedDb(y, exists);
    keyspace.SwapDatabases(x, y);
  }
  ctx.Dirty();
  ctx.reply().SimpleString("OK");
}

// --- OBJECT ------------------------------------------------------------------------------------

// OBJECT's key lookup: counts hits and misses but does not touch the access data; a missing key
// replies nil (before any policy error).
store::Entry* ObjectLookup(Context& ctx) {
  store::Entry* e = ctx.Peek(ctx.argv[2]);
  if (e == nullptr) ctx.reply().Null();
  return e;
}

void ObjectEncoding(Context& ctx) {
  store::Entry* e = ObjectLookup(ctx);
  if (e == nullptr) return;
  ctx.reply().Bulk(store::EncodingName(*e));
}

// Redis shares one object per integer 0..9999 (refcount INT_MAX) unless maxmemory is set with an
// LRU or LFU policy, which needs per-key access data.
void ObjectRefcount(Context& ctx) {
  store::Entry* e = ObjectLookup(ctx);
  if (e == nullptr) return;
  constexpr int64_t kSharedIntegers = 10000;
  bool shared = false;
  if (e->is_string() && e->string_encoding() == store::StringEncoding::kInt) {
    auto value = base::ParseInt64(e->string_value());
    store::EvictionPolicy policy = ctx.keyspace().eviction().policy;
    bool per_key_access = policy == store::EvictionPolicy::kAllKeysLru ||
                          policy == store::EvictionPolicy::kVolatileLru || store::UsesLfu(policy);
    shared = value && *value >= 0 && *value < kSharedIntegers &&
             (ctx.server.settings.maxmemory == 0 || !per_key_access);
  }
  ctx.reply().Integer(shared ? INT_MAX : 1);
}

void ObjectIdletime(Context& ctx) {
  store::Entry* e = ObjectLookup(ctx);
  if (e == nullptr) return;
  if (store::UsesLfu(ctx.keyspace().eviction().policy)) return ctx.Error(errors::kLfuSelected);
  ctx.reply().Integer(store::IdleTimeMs(e, ctx.now_ms) / 1000);
}

void ObjectFreq(Context& ctx) {
  store::Entry* e = ObjectLookup(ctx);
  if (e == nullptr) return;
  const store::EvictionConfig& eviction = ctx.keyspace().eviction();
  if (!store::UsesLfu(eviction.policy)) return ctx.Error(errors::kLfuNotSelected);
  ctx.reply().Integer(store::LfuFrequency(e, eviction, ctx.now_ms));
}

void ObjectHelp(Context& ctx) {
  ReplyHelp(ctx.reply(), "OBJECT",
            {
                "ENCODING <key>",
                "    Return the kind of internal representation used in order to store the value",
                "    associated with a <key>.",
                "FREQ <key>",
                "    Return the access frequency index of the <key>. The returned integer is",
                "    proportional to the logarithm of the recent access frequency of the key.",
                "IDLETIME <key>",
                "    Return the idle time of the <key>, that is the approximated number of",
                "    seconds elapsed since the last access to the key.",
                "REFCOUNT <key>",
                "    Return the number of references of the value associated with the specified",
                "    <key>.",
            });
}

}  // namespace

void RegisterKeyCommands(CommandTable& table) {
  constexpr std::string_view kGeneric = "generic";
  table.Register({
      {"del", -2, kWrite, 1, -1, 1, kAclKeyspace, Del, kGeneric, "Delete a key", "1.0.0",
       "RM DELETE"},
      {"unlink", -2, kWrite | kFast, 1, -1, 1, kAclKeyspace, Del, kGeneric,
       "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non "
       "blocking.",
       "4.0.0", "RM DELETE"},
      {"exists", -2, kReadonly | kFast, 1, -1, 1, kAclKeyspace, Exists, kGeneric,
       "Determine if a key exists", "1.0.0", "RO"},
      {"type", 2, kReadonly | kFast, 1, 1, 1, kAclKeyspace, Type, kGeneric,
       "Determine the type stored at key", "1.0.0", "RO"},
      {"touch", -2, kReadonly | kFast, 1, -1, 1, kAclKeyspace, Touch, kGeneric,
       "Alters the last access time of a key(s). Returns the number of existing keys specified.",
       "3.2.1", "RO"},
      {"keys", 2, kReadonly, 0, 0, 0, kAclKeyspace | kAclDangerous, Keys, kGeneric,
       "Find all keys matching the given pattern", "1.0.0"},
      {"scan", -2, kReadonly, 0, 0, 0, kAclKeyspace, Scan, kGeneric,
       "Incrementally iterate the keys space", "2.8.0"},
      {"randomkey", 1, kReadonly, 0, 0, 0, kAclKeyspace, RandomKey, kGeneric,
       "Return a random key from the keyspace", "1.0.0"},
      // Two keys with different key specs; key_flags holds the first (source) key's.
      {"rename", 3, kWrite, 1, 2, 1, kAclKeyspace, Rename, kGeneric, "Rename a key", "1.0.0",
       "RW ACCESS DELETE"},
      {"renamenx", 3, kWrite | kFast, 1, 2, 1, kAclKeyspace, RenameNx, kGeneric,
       "Rename a key, only if the new key does not exist", "1.0.0", "RW ACCESS DELETE"},
      {"copy", -3, kWrite | kDenyOom, 1, 2, 1, kAclKeyspace, Copy, kGeneric, "Copy a key", "6.2.0",
       "RO ACCESS"},
      {"move", 3, kWrite | kFast, 1, 1, 1, kAclKeyspace, Move, kGeneric,
       "Move a key to another database", "1.0.0", "RW ACCESS UPDATE"},
      {"swapdb", 3, kWrite | kFast, 0, 0, 0, kAclKeyspace | kAclDangerous, SwapDb, kGeneric,
       "Swaps two Redis databases", "4.0.0"},
      ContainerCommand(
          "object", kGeneric, "A container for object introspection commands", "2.2.3",
          {
              {"encoding", 3, kReadonly, 2, 2, 1, kAclKeyspace, ObjectEncoding, kGeneric,
               "Inspect the internal encoding of a Redis object", "2.2.3", "RO"},
              {"freq", 3, kReadonly, 2, 2, 1, kAclKeyspace, ObjectFreq, kGeneric,
               "Get the logarithmic access frequency counter of a Redis object", "4.0.0", "RO"},
              {"help", 2, kLoading | kStale, 0, 0, 0, kAclKeyspace, ObjectHelp, kGeneric,
               "Show helpful text about the different subcommands", "6.2.0"},
              {"idletime", 3, kReadonly, 2, 2, 1, kAclKeyspace, ObjectIdletime, kGeneric,
               "Get the time since a Redis object was last accessed", "2.2.3", "RO"},
              {"refcount", 3, kReadonly, 2, 2, 1, kAclKeyspace, ObjectRefcount, kGeneric,
               "Get the number of references to the value of the key", "2.2.3", "RO"},
          }),
  });
}

}  // namespace tandem::commands
