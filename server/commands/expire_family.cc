// Key expiry commands: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME
// and PERSIST. Expire times are absolute Unix times in ms (Entry::expire_ms).

#include <climits>
#include <string_view>

#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/config/keyspace_events.h"

namespace tandem::commands {
namespace {

// EXPIRE's conditions: NX (no TTL yet), XX (has a TTL), GT/LT (new time later/earlier than the
// current one; a key without a TTL counts as expiring never).
struct ExpireConditions {
  bool nx = false, xx = false, gt = false, lt = false;
};

// Parses the conditions from argv[3...]; replies with the error and returns false when invalid.
bool ParseConditions(Context& ctx, ExpireConditions* c) {
  for (size_t i = 3; i < ctx.argv.size(); ++i) {
    std::string_view a = ctx.argv[i];
    if (base::EqualsIgnoreCase(a, "nx")) {
      c->nx = true;
    } else if (base::EqualsIgnoreCase(a, "xx")) {
      c->xx = true;
    } else if (base::EqualsIgnoreCase(a, "gt")) {
      c->gt = true;
    } else if (base::EqualsIgnoreCase(a, "lt")) {
      c->lt = true;
    } else {
      ctx.Error(errors::UnsupportedOption(a));
      return false;
    }
  }
  if (c->nx && (c->xx || c->gt || c->lt)) {
    ctx.Error(errors::kExpireNxConflict);
    return false;
  }
  if (c->gt && c->lt) {
    ctx.Error(errors::kExpireGtLtConflict);
    return false;
  }
  return true;
}

// True when the conditions allow replacing `current` (-1: no TTL) with `when`.
bool ConditionsHold(const ExpireConditions& c, int64_t current, int64_t when) {
  if (c.nx && current != -1) return false;
  if (c.xx && current == -1) return false;
  if (c.gt && (current == -1 || when <= current)) return false;
  if (c.lt && current != -1 && when >= current) return false;
  return true;
}

// EXPIRE/PEXPIRE (base_ms = now) and EXPIREAT/PEXPIREAT (base_ms = 0). A time at or before now
// deletes the key; a time that overflows int64 ms is an error, checked before the key is looked up.
void ExpireGeneric(Context& ctx, int64_t base_ms, bool seconds) {
  ExpireConditions conditions;
  if (!ParseConditions(ctx, &conditions)) return;
  auto amount = base::ParseInt64(ctx.argv[2]);
  if (!amount) return ctx.Error(errors::kNotInteger);
  int64_t when = *amount;
  if (seconds) {
    if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000)
      return ctx.Error(errors::InvalidExpire(ctx.spec.name));
    when *= 1000;
  }
  if (when > INT64_MAX - base_ms) return ctx.Error(errors::InvalidExpire(ctx.spec.name));
  when += base_ms;

  store::Entry* e = ctx.Find(ctx.argv[1]);
  if (e == nullptr) return ctx.reply().Integer(0);
  int64_t current = e->has_expire() ? e->expire_ms() : -1;
  if (!ConditionsHold(conditions, current, when)) return ctx.reply().Integer(0);
  std::string_view key = ctx.argv[1];
  ctx.Touched(key);
  if (when <= ctx.now_ms) {
    ctx.Notify(config::keyspace_event::kGeneric, "del", key);
    ctx.db().Delete(e);
    if (ctx.server.propagation.enabled()) {
      // As Redis 7.0: the deletion goes out as DEL (UNLINK with lazyfree-lazy-expire).
      bool lazy = ctx.server.config.GetBool("lazyfree-lazy-expire");
      std::string_view effect[] = {lazy ? "UNLINK" : "DEL", key};
      ctx.Propagate(effect);
    }
  } else {
    ctx.db().SetExpire(e, when);
    ctx.Notify(config::keyspace_event::kGeneric, "expire", key);
    if (ctx.server.propagation.enabled()) {
      // As Redis 7.0: an absolute PEXPIREAT (the condition flags kept), so a replay does not
      // extend the TTL.
      std::string at = std::to_string(when);
      std::vector<std::string_view> effect(ctx.argv.begin(), ctx.argv.end());
      effect[0] = "PEXPIREAT";
      effect[2] = at;
      ctx.Propagate(effect);
    }
  }
  ctx.Dirty();
  ctx.reply().Integer(1);
}

void Expire(Context& ctx) { ExpireGeneric(ctx, ctx.now_ms, true); }
void PExpire(Context& ctx) { ExpireGeneric(ctx, ctx.now_ms, false); }
void ExpireAt(Context& ctx) { ExpireGeneric(ctx, 0, true); }
void PExpireAt(Context& ctx) { ExpireGeneric(ctx, 0, false); }

// TTL, PTTL (relative) and EXPIRETIME, PEXPIRETIME (absolute): -2 for a missing key, -1 without a
// TTL; seconds are rounded to the nearest.
void TtlGeneric(Context& ctx, bool ms, bool absolute) {
  store::Entry* e = ctx.Peek(ctx.argv[1]);
  if (e == nullptr) return ctx.reply().Integer(-2);
  if (!e->has_expire()) return ctx.reply().Integer(-1);
  int64_t value = absolute ? e->expire_ms() : e->expire_ms() - ctx.now_ms;
  if (value < 0) value = 0;
  // Rounded to the nearest second without overflowing near INT64_MAX.
  ctx.reply().Integer(ms ? value : value / 1000 + (value % 1000 >= 500 ? 1 : 0));
}

void Ttl(Context& ctx) { TtlGeneric(ctx, false, false); }
void PTtl(Context& ctx) { TtlGeneric(ctx, true, false); }
void ExpireTime(Context& ctx) { TtlGeneric(ctx, false, true); }
void PExpireTime(Context& ctx) { TtlGeneric(ctx, true, true); }

void Persist(Context& ctx) {
  store::Entry* e = ctx.Find(ctx.argv[1]);
  if (e == nullptr || !ctx.db().Persist(e)) return ctx.reply().Integer(0);
  ctx.Dirty();
  ctx.Touched(ctx.argv[1]);
  ctx.Notify(config::keyspace_event::kGeneric, "persist", ctx.argv[1]);
  ctx.reply().Integer(1);
}

}  // namespace

void RegisterExpireCommands(CommandTable& table) {
  constexpr std::string_view kGeneric = "generic";
  constexpr uint32_t kSet = kWrite | kFast;
  constexpr uint32_t kGet = kReadonly | kFast;
  table.Register({
      {"expire", -3, kSet, 1, 1, 1, kAclKeyspace, Expire, kGeneric,
       "Set a key's time to live in seconds", "1.0.0", "RW UPDATE"},
      {"pexpire", -3, kSet, 1, 1, 1, kAclKeyspace, PExpire, kGeneric,
       "Set a key's time to live in milliseconds", "2.6.0", "RW UPDATE"},
      {"expireat", -3, kSet, 1, 1, 1, kAclKeyspace, ExpireAt, kGeneric,
       "Set the expiration for a key as a UNIX timestamp", "1.2.0", "RW UPDATE"},
      {"pexpireat", -3, kSet, 1, 1, 1, kAclKeyspace, PExpireAt, kGeneric,
       "Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0",
       "RW UPDATE"},
      {"ttl", 2, kGet, 1, 1, 1, kAclKeyspace, Ttl, kGeneric,
       "Get the time to live for a key in seconds", "1.0.0", "RO ACCESS"},
      {"pttl", 2, kGet, 1, 1, 1, kAclKeyspace, PTtl, kGeneric,
       "Get the time to live for a key in milliseconds", "2.6.0", "RO ACCESS"},
      {"expiretime", 2, kGet, 1, 1, 1, kAclKeyspace, ExpireTime, kGeneric,
       "Get the expiration Unix timestamp for a key", "7.0.0", "RO ACCESS"},
      {"pexpiretime", 2, kGet, 1, 1, 1, kAclKeyspace, PExpireTime, kGeneric,
       "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0", "RO ACCESS"},
      {"persist", 2, kSet, 1, 1, 1, kAclKeyspace, Persist, kGeneric,
       "Remove the expiration from a key", "2.2.0", "RW UPDATE"},
  });
}

}  // namespace tandem::commands
