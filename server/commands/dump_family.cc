// DUMP and RESTORE: a key's value as Redis 7.0's serialised payload (the RDB value, the RDB version
// and a CRC64; server/rdb), so that values move between Tandem and Redis in either direction.

#include <string>

#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/object_limits.h"
#include "server/config/keyspace_events.h"
#include "server/rdb/value_codec.h"
#include "server/store/eviction.h"

namespace tandem::commands {
namespace {

void Dump(Context& ctx) {
  store::Entry* e = ctx.Lookup(ctx.argv[1]);
  if (e == nullptr) return ctx.reply().Null();
  std::string body;
  rdb::AppendValue(*e, {.compress = ctx.server.config.GetBool("rdbcompression")}, &body);
  ctx.reply().Bulk(rdb::WrapDumpPayload(std::move(body)));
}

struct RestoreOptions {
  bool replace = false;
  bool absttl = false;
  int64_t idle_s = -1;
  int freq = -1;
};

// REPLACE, ABSTTL, IDLETIME seconds, FREQ frequency (IDLETIME and FREQ exclude each other: the
// second is a syntax error, as in Redis). False after an error reply.
bool ParseRestoreOptions(Context& ctx, RestoreOptions* out) {
  for (size_t i = 4; i < ctx.argv.size(); ++i) {
    std::string_view arg = ctx.argv[i];
    bool has_value = i + 1 < ctx.argv.size();
    if (base::EqualsIgnoreCase(arg, "replace")) {
      out->replace = true;
    } else if (base::EqualsIgnoreCase(arg, "absttl")) {
      out->absttl = true;
    } else if (base::EqualsIgnoreCase(arg, "idletime") && has_value && out->freq < 0) {
      auto v = base::ParseInt64(ctx.argv[++i]);
      if (!v) return ctx.Error(errors::kNotInteger), false;
      if (*v < 0) return ctx.Error(errors::kInvalidIdletime), false;
      out->idle_s = *v;
    } else if (base::EqualsIgnoreCase(arg, "freq") && has_value && out->idle_s < 0) {
      auto v = base::ParseInt64(ctx.argv[++i]);
      if (!v) return ctx.Error(errors::kNotInteger), false;
      if (*v < 0 || *v > 255) return ctx.Error(errors::kInvalidFreq), false;
      out->freq = static_cast<int>(*v);
    } else {
      return ctx.Error(errors::kSyntax), false;
    }
  }
  return true;
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency].
// Checks in Redis's order: options, BUSYKEY, the TTL, the payload footer, then the value.
void Restore(Context& ctx) {
  RestoreOptions opt;
  if (!ParseRestoreOptions(ctx, &opt)) return;
  std::string_view key = ctx.argv[1];
  if (!opt.replace && ctx.Find(key) != nullptr) return ctx.Error(errors::kBusyKey);
  auto ttl = base::ParseInt64(ctx.argv[2]);
  if (!ttl) return ctx.Error(errors::kNotInteger);
  if (*ttl < 0) return ctx.Error(errors::kInvalidTtl);
  auto body = rdb::UnwrapDumpPayload(ctx.argv[3]);
  if (!body.ok()) return ctx.Error(errors::kDumpPayload);
  rdb::BufferReader in(*body);
  auto type = in.ReadByte();
  if (!type.ok()) return ctx.Error(errors::kBadDataFormat);
  auto value = rdb::ReadValue(*type, in, ObjectLimitsFrom(ctx.server.config));
  if (!value.ok()) return ctx.Error(errors::kBadDataFormat);

  bool deleted = opt.replace && ctx.db().Delete(key);
  int64_t expire_ms = *ttl == 0 ? 0 : (opt.absttl ? *ttl : ctx.now_ms + *ttl);
  if (expire_ms != 0 && expire_ms <= ctx.now_ms) {
    // Already expired: the key is not created; a replaced one is gone, which goes out as DEL.
    if (deleted) {
      ctx.Dirty();
      ctx.Touched(key);
      ctx.Notify(config::keyspace_event::kGeneric, "del", key);
      std::string_view del[] = {"DEL", key};
      ctx.Propagate(del);
    }
    return ctx.reply().SimpleString("OK");
  }
  store::Entry* e = value->object ? store::Entry::NewObject(key, std::move(value->object), false)
                                  : store::Entry::NewString(key, value->string, false);
  ctx.db().Add(e);
  if (expire_ms != 0) e = ctx.db().SetExpire(e, expire_ms);
  const store::EvictionConfig& eviction = ctx.keyspace().eviction();
  e->set_access(store::AccessFromLoaded(store::InitialAccess(eviction, ctx.now_ms), eviction,
                                        opt.idle_s, opt.freq, ctx.now_ms));
  if (expire_ms != 0 && !opt.absttl) {
    // Replicas and the AOF get the absolute time, as Redis 7.0 rewrites it.
    std::string when = std::to_string(expire_ms);
    std::vector<std::string_view> effect(ctx.argv.begin(), ctx.argv.end());
    effect[2] = when;
    effect.push_back("ABSTTL");
    ctx.Propagate(effect);
  }
  ctx.Dirty();
  ctx.Touched(key);
  ctx.Notify(config::keyspace_event::kGeneric, "restore", key);
  ctx.reply().SimpleString("OK");
}

}  // namespace

void RegisterDumpCommands(CommandTable& table) {
  constexpr std::string_view kGeneric = "generic";
  table.Register({
      {"dump", 2, kReadonly, 1, 1, 1, kAclKeyspace, Dump, kGeneric,
       "Return a serialized version of the value stored at the specified key.", "2.6.0",
       "RO ACCESS"},
      {"restore", -4, kWrite | kDenyOom, 1, 1, 1, kAclKeyspace | kAclDangerous, Restore, kGeneric,
       "Create a key using the provided serialized value, previously obtained using DUMP.", "2.6.0",
       "OW UPDATE"},
  });
}

}  // namespace tandem::commands
