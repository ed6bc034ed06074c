// String commands: GET, SET and their variants, counters, ranges and LCS.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "server/base/ascii_case.h"
#include "server/base/double_format.h"
#include "server/base/number_parse.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/string_access.h"
#include "server/config/keyspace_events.h"

namespace tandem::commands {
namespace {

// Adds `key`, which must be absent, with a string value and fresh access data.
store::Entry* AddString(Context& ctx, std::string_view key, std::string_view value) {
  store::Entry* e = store::Entry::NewString(key, value, false);
  ctx.db().Add(e);
  ctx.keyspace().InitAccess(e, ctx.now_ms);
  return e;
}

// Sets `key` as SET does: any old value (of any type) and its TTL are replaced.
store::Entry* StoreString(Context& ctx, std::string_view key, std::string_view value) {
  store::Entry* e = ctx.db().SetString(key, value, false);
  ctx.keyspace().InitAccess(e, ctx.now_ms);
  return e;
}

namespace ke = config::keyspace_event;

// A write changed `key`: WATCH and blocked clients learn it, and the string-class `event` is
// published.
void Wrote(Context& ctx, std::string_view key, std::string_view event) {
  ctx.Touched(key);
  ctx.Notify(ke::kString, event, key);
}

// The TTL half of SET EX/GETEX: Redis publishes it as a generic "expire" event.
void WroteExpire(Context& ctx, std::string_view key) { ctx.Notify(ke::kGeneric, "expire", key); }

// False, after the error reply, when a string of `size` bytes grown by `added` bytes would be
// longer than proto-max-bulk-len.
bool CheckStringLength(Context& ctx, uint64_t size, uint64_t added) {
  if (size + added > static_cast<uint64_t>(ctx.server.settings.proto_max_bulk_len)) {
    ctx.Error(errors::kStringTooLong);
    return false;
  }
  return true;
}

// ---- GET, SET and the SET variants --------------------------------------------------------------

// How an expire time was given: relative (EX, PX) or absolute (EXAT, PXAT), in s or ms.
enum class ExpireForm { kNone, kEx, kPx, kExAt, kPxAt };

ExpireForm ExpireFormOf(std::string_view word) {
  if (base::EqualsIgnoreCase(word, "ex")) return ExpireForm::kEx;
  if (base::EqualsIgnoreCase(word, "px")) return ExpireForm::kPx;
  if (base::EqualsIgnoreCase(word, "exat")) return ExpireForm::kExAt;
  if (base::EqualsIgnoreCase(word, "pxat")) return ExpireForm::kPxAt;
  return ExpireForm::kNone;
}

// Converts an expire argument to an absolute time in ms. Replies with the error and returns false
// when it is not an integer, not positive, or the time would overflow.
bool ExpireAtMs(Context& ctx, ExpireForm form, std::string_view arg, int64_t* when_ms) {
  auto amount = base::ParseInt64(arg);
  if (!amount) {
    ctx.Error(errors::kNotInteger);
    return false;
  }
  bool seconds = form == ExpireForm::kEx || form == ExpireForm::kExAt;
  bool relative = form == ExpireForm::kEx || form == ExpireForm::kPx;
  int64_t ms = *amount;
  if (ms <= 0 || (seconds && ms > INT64_MAX / 1000) ||
      (relative && (seconds ? ms * 1000 : ms) > INT64_MAX - ctx.now_ms)) {
    ctx.Error(errors::InvalidExpire(ctx.spec.name));
    return false;
  }
  if (seconds) ms *= 1000;
  *when_ms = relative ? ms + ctx.now_ms : ms;
  return true;
}

// A SET with a TTL propagates as Redis 7.0 does: "SET key value PXAT <ms>", an absolute time, so
// that an AOF replay or a late replica does not extend the TTL.
void PropagateSetPxAt(Context& ctx, std::string_view key, std::string_view value, int64_t when_ms) {
  if (!ctx.server.propagation.enabled()) return;
  std::string at = std::to_string(when_ms);
  std::string_view effect[] = {"SET", key, value, "PXAT", at};
  ctx.Propagate(effect);
}

// Propagates a key's deletion as Redis 7.0 does: DEL, or UNLINK when `lazy_config` is on.
void PropagateDelete(Context& ctx, std::string_view key, std::string_view lazy_config) {
  if (!ctx.server.propagation.enabled()) return;
  std::string_view effect[] = {ctx.server.config.GetBool(lazy_config) ? "UNLINK" : "DEL", key};
  ctx.Propagate(effect);
}

// The options of SET (NX XX GET KEEPTTL and an expire) and GETEX (PERSIST and an expire). Redis
// parses both with one routine; the same expire option may repeat (the last one counts), two
// different ones may not.
struct StringOptions {
  bool nx = false, xx = false, get = false, keep_ttl = false, persist = false;
  ExpireForm expire = ExpireForm::kNone;
  std::string_view expire_arg;
};

// Parses argv[first...]; replies with the syntax error and returns false when invalid.
bool ParseStringOptions(Context& ctx, size_t first, bool is_set, StringOptions* opt) {
  for (size_t i = first; i < ctx.argv.size(); ++i) {
    std::string_view a = ctx.argv[i];
    ExpireForm form = ExpireFormOf(a);
    bool no_expire = opt->expire == ExpireForm::kNone;
    if (is_set && base::EqualsIgnoreCase(a, "nx") && !opt->xx) {
      opt->nx = true;
    } else if (is_set && base::EqualsIgnoreCase(a, "xx") && !opt->nx) {
      opt->xx = true;
    } else if (is_set && base::EqualsIgnoreCase(a, "get")) {
      opt->get = true;
    } else if (is_set && base::EqualsIgnoreCase(a, "keepttl") && no_expire) {
      opt->keep_ttl = true;
    } else if (!is_set && base::EqualsIgnoreCase(a, "persist") && no_expire) {
      opt->persist = true;
    } else if (form != ExpireForm::kNone && (no_expire || opt->expire == form) && !opt->keep_ttl &&
               !opt->persist && i + 1 < ctx.argv.size()) {
      opt->expire = form;
      opt->expire_arg = ctx.argv[++i];
    } else {
      ctx.Error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

void Get(Context& ctx) {
  store::Entry* e = LookupString(ctx, ctx.argv[1]);
  if (e != nullptr) {
    ctx.reply().Bulk(e->string_value());
  } else if (!ctx.failed) {
    ctx.reply().Null();
  }
}

// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ts-ms|KEEPTTL]
void Set(Context& ctx) {
  StringOptions opt;
  if (!ParseStringOptions(ctx, 3, /*is_set=*/true, &opt)) return;
  int64_t when_ms = 0;
  if (opt.expire != ExpireForm::kNone && !ExpireAtMs(ctx, opt.expire, opt.expire_arg, &when_ms))
    return;
  std::string_view key = ctx.argv[1];
  store::Entry* existing;
  if (opt.get) {
    existing = LookupString(ctx, key);
    if (ctx.failed) return;
    if (existing == nullptr) {
      ctx.reply().Null();
    } else {
      ctx.reply().Bulk(existing->string_value());
    }
  } else {
    existing = ctx.Find(key);
  }
  if ((opt.nx && existing != nullptr) || (opt.xx && existing == nullptr)) {
    if (!opt.get) ctx.reply().Null();
    return;
  }
  store::Entry* e = ctx.db().SetString(key, ctx.argv[2], opt.keep_ttl);
  if (opt.expire != ExpireForm::kNone) e = ctx.db().SetExpire(e, when_ms);
  ctx.keyspace().InitAccess(e, ctx.now_ms);
  ctx.Dirty();
  Wrote(ctx, key, "set");
  if (opt.expire != ExpireForm::kNone) WroteExpire(ctx, key);
  if (opt.expire != ExpireForm::kNone && opt.expire != ExpireForm::kPxAt) {
    PropagateSetPxAt(ctx, key, ctx.argv[2], when_ms);
  }
  if (!opt.get) ctx.reply().SimpleString("OK");
}

void SetNx(Context& ctx) {
  if (ctx.Find(ctx.argv[1]) != nullptr) return ctx.reply().Integer(0);
  AddString(ctx, ctx.argv[1], ctx.argv[2]);
  ctx.Dirty();
  Wrote(ctx, ctx.argv[1], "set");
  ctx.reply().Integer(1);
}

// SETEX / PSETEX key ttl value
void SetWithTtl(Context& ctx, ExpireForm form) {
  int64_t when_ms;
  if (!ExpireAtMs(ctx, form, ctx.argv[2], &when_ms)) return;
  store::Entry* e = StoreString(ctx, ctx.argv[1], ctx.argv[3]);
  ctx.db().SetExpire(e, when_ms);
  ctx.Dirty();
  Wrote(ctx, ctx.argv[1], "set");
  WroteExpire(ctx, ctx.argv[1]);
  PropagateSetPxAt(ctx, ctx.argv[1], ctx.argv[3], when_ms);
  ctx.reply().SimpleString("OK");
}
void SetEx(Context& ctx) { SetWithTtl(ctx, ExpireForm::kEx); }
void PSetEx(Context& ctx) { SetWithTtl(ctx, ExpireForm::kPx); }

void GetSet(Context& ctx) {
  store::Entry* e = LookupString(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  if (e == nullptr) {
    ctx.reply().Null();
  } else {
    ctx.reply().Bulk(e->string_value());
  }
  StoreString(ctx, ctx.argv[1], ctx.argv[2]);
  ctx.Dirty();
  Wrote(ctx, ctx.argv[1], "set");
}

void GetDel(Context& ctx) {
  store::Entry* e = LookupString(ctx, ctx.argv[1]);
  if (e == nullptr) {
    if (!ctx.failed) ctx.reply().Null();
    return;
  }
  ctx.reply().Bulk(e->string_value());
  ctx.db().Delete(e);
  ctx.Dirty();
  ctx.Touched(ctx.argv[1]);
  ctx.Notify(ke::kGeneric, "del", ctx.argv[1]);
  PropagateDelete(ctx, ctx.argv[1], "lazyfree-lazy-user-del");
}

// GETEX key [EX s|PX ms|EXAT ts|PXAT ts-ms|PERSIST]
void GetEx(Context& ctx) {
  StringOptions opt;
  if (!ParseStringOptions(ctx, 2, /*is_set=*/false, &opt)) return;
  store::Entry* e = LookupString(ctx, ctx.argv[1]);
  if (e == nullptr) {
    if (!ctx.failed) ctx.reply().Null();
    return;
  }
  int64_t when_ms = 0;
  if (opt.expire != ExpireForm::kNone && !ExpireAtMs(ctx, opt.expire, opt.expire_arg, &when_ms))
    return;
  ctx.reply().Bulk(e->string_value());
  bool absolute = opt.expire == ExpireForm::kExAt || opt.expire == ExpireForm::kPxAt;
  if (absolute && when_ms <= ctx.now_ms) {
    ctx.db().Delete(e);  // an absolute time already passed: the key goes now
    ctx.Dirty();
    ctx.Touched(ctx.argv[1]);
    ctx.Notify(ke::kGeneric, "del", ctx.argv[1]);
    PropagateDelete(ctx, ctx.argv[1], "lazyfree-lazy-expire");
  } else if (opt.expire != ExpireForm::kNone) {
    ctx.db().SetExpire(e, when_ms);
    ctx.Dirty();
    ctx.Touched(ctx.argv[1]);
    WroteExpire(ctx, ctx.argv[1]);
    if (ctx.server.propagation.enabled()) {  // as Redis 7.0: PEXPIREAT with the absolute time
      std::string at = std::to_string(when_ms);
      std::string_view effect[] = {"PEXPIREAT", ctx.argv[1], at};
      ctx.Propagate(effect);
    }
  } else if (opt.persist && ctx.db().Persist(e)) {
    ctx.Dirty();
    ctx.Touched(ctx.argv[1]);
    ctx.Notify(ke::kGeneric, "persist", ctx.argv[1]);
    if (ctx.server.propagation.enabled()) {
      std::string_view effect[] = {"PERSIST", ctx.argv[1]};
      ctx.Propagate(effect);
    }
  }
}

void MGet(Context& ctx) {
  ctx.reply().ArrayHeader(ctx.argv.size() - 1);
  for (size_t i = 1; i < ctx.argv.size(); ++i) {
    store::Entry* e = ctx.Lookup(ctx.argv[i]);
    if (e != nullptr && e->is_string()) {
      ctx.reply().Bulk(e->string_value());
    } else {
      ctx.reply().Null();  // absent or another type: MGET never fails
    }
  }
}

// MSET, and MSETNX (only_new), which sets nothing when any of the keys exists.
void MSetPairs(Context& ctx, bool only_new) {
  if (ctx.argv.size() % 2 == 0) return ctx.Error(errors::WrongArity(ctx.spec.full_name));
  if (only_new) {
    for (size_t i = 1; i < ctx.argv.size(); i += 2)
      if (ctx.Find(ctx.argv[i]) != nullptr) return ctx.reply().Integer(0);
  }
  for (size_t i = 1; i < ctx.argv.size(); i += 2) {
    StoreString(ctx, ctx.argv[i], ctx.argv[i + 1]);
    Wrote(ctx, ctx.argv[i], "set");
  }
  ctx.Dirty((ctx.argv.size() - 1) / 2);
  if (only_new) {
    ctx.reply().Integer(1);
  } else {
    ctx.reply().SimpleString("OK");
  }
}
void MSet(Context& ctx) { MSetPairs(ctx, false); }
void MSetNx(Context& ctx) { MSetPairs(ctx, true); }

void Append(Context& ctx) {
  std::string_view key = ctx.argv[1], tail = ctx.argv[2];
  store::Entry* e = FindStringForUpdate(ctx, key);
  if (ctx.failed) return;
  if (e == nullptr) {
    e = AddString(ctx, key, tail);
  } else {
    size_t old = e->string_value().size();
    if (!CheckStringLength(ctx, old, tail.size())) return;
    e = ctx.db().ResizeString(e, old + tail.size());
    if (!tail.empty()) std::memcpy(e->mutable_string_data() + old, tail.data(), tail.size());
    e->set_raw_encoding();
  }
  ctx.Dirty();
  Wrote(ctx, key, "append");
  ctx.reply().Integer(static_cast<int64_t>(e->string_value().size()));
}

void StrLen(Context& ctx) {
  store::Entry* e = LookupString(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  ctx.reply().Integer(e == nullptr ? 0 : static_cast<int64_t>(e->string_value().size()));
}

// ---- Counters -----------------------------------------------------------------------------------

// INCR, DECR, INCRBY, DECRBY: adds `delta` to the integer under argv[1] (0 when absent), keeping
// its TTL. The result is "int" encoded, as in Redis.
void AddToInteger(Context& ctx, int64_t delta) {
  std::string_view key = ctx.argv[1];
  store::Entry* e = FindStringForUpdate(ctx, key);
  if (ctx.failed) return;
  int64_t value = 0;
  if (e != nullptr) {
    auto parsed = base::ParseInt64(e->string_value());
    if (!parsed) return ctx.Error(errors::kNotInteger);
    value = *parsed;
  }
  if ((delta < 0 && value < 0 && delta < INT64_MIN - value) ||
      (delta > 0 && value > 0 && delta > INT64_MAX - value)) {
    return ctx.Error(errors::kOverflow);
  }
  value += delta;
  char digits[24];
  char* end = std::to_chars(digits, digits + sizeof(digits), value).ptr;
  std::string_view text(digits, static_cast<size_t>(end - digits));
  if (e == nullptr) {
    AddString(ctx, key, text);
  } else {
    e = ctx.db().ResizeString(e, text.size());
    std::memcpy(e->mutable_string_data(), text.data(), text.size());
    e->set_string_encoding(store::StringEncoding::kInt);
  }
  ctx.Dirty();
  Wrote(ctx, key, "incrby");
  ctx.reply().Integer(value);
}

void Incr(Context& ctx) { AddToInteger(ctx, 1); }
void Decr(Context& ctx) { AddToInteger(ctx, -1); }

void IncrBy(Context& ctx) {
  auto delta = base::ParseInt64(ctx.argv[2]);
  if (!delta) return ctx.Error(errors::kNotInteger);
  AddToInteger(ctx, *delta);
}

void DecrBy(Context& ctx) {
  auto delta = base::ParseInt64(ctx.argv[2]);
  if (!delta) return ctx.Error(errors::kNotInteger);
  if (*delta == INT64_MIN) return ctx.Error(errors::kDecrementOverflow);  // cannot be negated
  AddToInteger(ctx, -*delta);
}

// Computed in long double and stored as text (base::FormatLongDouble), keeping the TTL.
void IncrByFloat(Context& ctx) {
  std::string_view key = ctx.argv[1];
  store::Entry* e = FindStringForUpdate(ctx, key);
  if (ctx.failed) return;
  long double value = 0;
  if (e != nullptr) {
    auto parsed = base::ParseLongDouble(e->string_value());
    if (!parsed) return ctx.Error(errors::kNotFloat);
    value = *parsed;
  }
  auto delta = base::ParseLongDouble(ctx.argv[2]);
  if (!delta) return ctx.Error(errors::kNotFloat);
  value += *delta;
  if (std::isnan(value) || std::isinf(value)) return ctx.Error(errors::kIncrFloatNanOrInf);
  std::string text = base::FormatLongDouble(value);
  if (e == nullptr) {
    e = AddString(ctx, key, text);
  } else {
    e = ctx.db().ResizeString(e, text.size());
    std::memcpy(e->mutable_string_data(), text.data(), text.size());
  }
  // Redis stores the result as a plain string object: "embstr" or "raw", never "int".
  store::StringEncoding encoding = store::EncodingForNewString(text);
  e->set_string_encoding(encoding == store::StringEncoding::kInt ? store::StringEncoding::kEmbstr
                                                                 : encoding);
  ctx.Dirty();
  Wrote(ctx, ctx.argv[1], "incrbyfloat");
  ctx.reply().Bulk(text);
}

// ---- Ranges -------------------------------------------------------------------------------------

// GETRANGE and SUBSTR: bytes start..end inclusive; negative offsets count from the end, and the
// range is clipped to the string.
void GetRange(Context& ctx) {
  auto start = base::ParseInt64(ctx.argv[2]);
  auto end = base::ParseInt64(ctx.argv[3]);
  if (!start || !end) return ctx.Error(errors::kNotInteger);
  store::Entry* e = LookupString(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  std::string_view s = e == nullptr ? std::string_view() : e->string_value();
  int64_t n = static_cast<int64_t>(s.size());
  int64_t from = *start, to = *end;
  if (n == 0 || (from < 0 && to < 0 && from > to)) return ctx.reply().Bulk({});
  if (from < 0) from = std::max<int64_t>(0, n + from);
  if (to < 0) to = std::max<int64_t>(0, n + to);
  to = std::min(to, n - 1);
  if (from > to) return ctx.reply().Bulk({});
  ctx.reply().Bulk(s.substr(static_cast<size_t>(from), static_cast<size_t>(to - from + 1)));
}

// SETRANGE key offset value: overwrites from offset, padding with zero bytes past the end.
void SetRange(Context& ctx) {
  auto offset = base::ParseInt64(ctx.argv[2]);
  if (!offset) return ctx.Error(errors::kNotInteger);
  if (*offset < 0) return ctx.Error(errors::kOffsetOutOfRange);
  std::string_view key = ctx.argv[1], patch = ctx.argv[3];
  store::Entry* e = FindStringForUpdate(ctx, key);
  if (ctx.failed) return;
  size_t old = e == nullptr ? 0 : e->string_value().size();
  // Writing nothing changes nothing, and creates no key.
  if (patch.empty()) return ctx.reply().Integer(static_cast<int64_t>(old));
  if (!CheckStringLength(ctx, static_cast<uint64_t>(*offset), patch.size())) return;
  size_t at = static_cast<size_t>(*offset);
  size_t length = std::max(old, at + patch.size());
  if (e == nullptr) e = AddString(ctx, key, {});
  e = ctx.db().ResizeString(e, length);
  char* data = e->mutable_string_data();
  if (at > old) std::memset(data + old, 0, at - old);
  std::memcpy(data + at, patch.data(), patch.size());
  e->set_raw_encoding();
  ctx.Dirty();
  Wrote(ctx, key, "setrange");
  ctx.reply().Integer(static_cast<int64_t>(length));
}

// ---- LCS ----------------------------------------------------------------------------------------

// One matching stretch: a[a_start..a_end] == b[b_start..b_end].
struct LcsMatch {
  uint32_t a_start, a_end, b_start, b_end;
};

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: the longest common subsequence, by
// the dynamic-programming table of prefix LCS lengths, then walked back from the ends of both
// strings. IDX reports the matching stretches in that walk's order (last first), as Redis does.
void Lcs(Context& ctx) {
  store::Entry* ea = ctx.Lookup(ctx.argv[1]);
  store::Entry* eb = ctx.Lookup(ctx.argv[2]);
  if ((ea != nullptr && !ea->is_string()) || (eb != nullptr && !eb->is_string()))
    return ctx.Error(errors::kLcsNotStrings);
  std::string_view a = ea == nullptr ? std::string_view() : ea->string_value();
  std::string_view b = eb == nullptr ? std::string_view() : eb->string_value();

  bool want_len = false, want_idx = false, with_match_len = false;
  int64_t min_match_len = 0;
  for (size_t i = 3; i < ctx.argv.size(); ++i) {
    std::string_view opt = ctx.argv[i];
    if (base::EqualsIgnoreCase(opt, "idx")) {
      want_idx = true;
    } else if (base::EqualsIgnoreCase(opt, "len")) {
      want_len = true;
    } else if (base::EqualsIgnoreCase(opt, "withmatchlen")) {
      with_match_len = true;
    } else if (base::EqualsIgnoreCase(opt, "minmatchlen") && i + 1 < ctx.argv.size()) {
      auto v = base::ParseInt64(ctx.argv[++i]);
      if (!v) return ctx.Error(errors::kNotInteger);
      min_match_len = std::max<int64_t>(*v, 0);
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }
  if (want_len && want_idx) return ctx.Error(errors::kLcsLenAndIdx);

  // The table is transient memory; Redis caps it at proto-max-bulk-len bytes.
  const size_t width = b.size() + 1;
  const uint64_t cells = static_cast<uint64_t>(a.size() + 1) * width;
  if (cells > static_cast<uint64_t>(ctx.server.settings.proto_max_bulk_len) / sizeof(uint32_t))
    return ctx.Error(errors::kLcsTableTooBig);
  std::unique_ptr<uint32_t[]> table(new (std::nothrow) uint32_t[cells]);
  if (table == nullptr) return ctx.Error(errors::kLcsAllocFailed);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return table[i * width + j]; };
  for (size_t i = 0; i <= a.size(); ++i) {
    for (size_t j = 0; j <= b.size(); ++j) {
      if (i == 0 || j == 0) {
        at(i, j) = 0;
      } else if (a[i - 1] == b[j - 1]) {
        at(i, j) = at(i - 1, j - 1) + 1;
      } else {
        at(i, j) = std::max(at(i - 1, j), at(i, j - 1));
      }
    }
  }
  const uint32_t length = at(a.size(), b.size());
  if (want_len) return ctx.reply().Integer(length);

  std::string common(want_idx ? 0 : length, '\0');
  std::vector<LcsMatch> matches;
  LcsMatch current{};
  bool in_match = false;
  size_t i = a.size(), j = b.size(), left = length;
  while (i > 0 && j > 0) {
    bool close_match = false;
    if (a[i - 1] == b[j - 1]) {
      if (!want_idx) common[left - 1] = a[i - 1];
      if (in_match) {
        // Successive matches on the walk are always adjacent in both strings.
        --current.a_start;
        --current.b_start;
      } else {
        uint32_t ai = static_cast<uint32_t>(i - 1), bj = static_cast<uint32_t>(j - 1);
        current = {ai, ai, bj, bj};
        in_match = true;
      }
      close_match = current.a_start == 0 || current.b_start == 0;
      --left;
      --i;
      --j;
    } else {
      if (at(i - 1, j) > at(i, j - 1)) {
        --i;
      } else {
        --j;
      }
      close_match = in_match;
    }
    if (close_match) {
      int64_t match_len = current.a_end - current.a_start + 1;
      if (want_idx && match_len >= min_match_len) matches.push_back(current);
      in_match = false;
    }
  }
  if (!want_idx) return ctx.reply().Bulk(common);

  resp::ReplyBuilder& reply = ctx.reply();
  reply.MapHeader(2);
  reply.Bulk("matches");
  reply.ArrayHeader(matches.size());
  for (const LcsMatch& m : matches) {
    reply.ArrayHeader(with_match_len ? 3 : 2);
    reply.ArrayHeader(2);
    reply.Integer(m.a_start);
    reply.Integer(m.a_end);
    reply.ArrayHeader(2);
    reply.Integer(m.b_start);
    reply.Integer(m.b_end);
    if (with_match_len) reply.Integer(m.a_end - m.a_start + 1);
  }
  reply.Bulk("len");
  reply.Integer(length);
}

}  // namespace

void RegisterStringCommands(CommandTable& table) {
  constexpr std::string_view kString = "string";
  table.Register({
      {"get", 2, kReadonly | kFast, 1, 1, 1, kAclString, Get, kString, "Get the value of a key",
       "1.0.0", "RO ACCESS"},
      {"set", -3, kWrite | kDenyOom, 1, 1, 1, kAclString, Set, kString,
       "Set the string value of a key", "1.0.0", "RW ACCESS UPDATE VARIABLE_FLAGS"},
      {"setnx", 3, kWrite | kDenyOom | kFast, 1, 1, 1, kAclString, SetNx, kString,
       "Set the value of a key, only if the key does not exist", "1.0.0", "OW INSERT"},
      {"setex", 4, kWrite | kDenyOom, 1, 1, 1, kAclString, SetEx, kString,
       "Set the value and expiration of a key", "2.0.0", "OW UPDATE"},
      {"psetex", 4, kWrite | kDenyOom, 1, 1, 1, kAclString, PSetEx, kString,
       "Set the value and expiration in milliseconds of a key", "2.6.0", "OW UPDATE"},
      {"getset", 3, kWrite | kDenyOom | kFast, 1, 1, 1, kAclString, GetSet, kString,
       "Set the string value of a key and return its old value", "1.0.0", "RW ACCESS UPDATE"},
      {"getdel", 2, kWrite | kFast, 1, 1, 1, kAclString, GetDel, kString,
       "Get the value of a key and delete the key", "6.2.0", "RW ACCESS DELETE"},
      {"getex", -2, kWrite | kFast, 1, 1, 1, kAclString, GetEx, kString,
       "Get the value of a key and optionally set its expiration", "6.2.0", "RW ACCESS UPDATE"},
      {"mget", -2, kReadonly | kFast, 1, -1, 1, kAclString, MGet, kString,
       "Get the values of all the given keys", "1.0.0", "RO ACCESS"},
      {"mset", -3, kWrite | kDenyOom, 1, -1, 2, kAclString, MSet, kString,
       "Set multiple keys to multiple values", "1.0.1", "OW UPDATE"},
      {"msetnx", -3, kWrite | kDenyOom, 1, -1, 2, kAclString, MSetNx, kString,
       "Set multiple keys to multiple values, only if none of the keys exist", "1.0.1",
       "OW INSERT"},
      {"append", 3, kWrite | kDenyOom | kFast, 1, 1, 1, kAclString, Append, kString,
       "Append a value to a key", "2.0.0", "RW INSERT"},
      {"strlen", 2, kReadonly | kFast, 1, 1, 1, kAclString, StrLen, kString,
       "Get the length of the value stored in a key", "2.2.0", "RO"},
      {"incr", 2, kWrite | kDenyOom | kFast, 1, 1, 1, kAclString, Incr, kString,
       "Increment the integer value of a key by one", "1.0.0", "RW ACCESS UPDATE"},
      {"decr", 2, kWrite | kDenyOom | kFast, 1, 1, 1, kAclString, Decr, kString,
       "Decrement the integer value of a key by one", "1.0.0", "RW ACCESS UPDATE"},
      {"incrby", 3, kWrite | kDenyOom | kFast, 1, 1, 1, kAclString, IncrBy, kString,
       "Increment the integer value of a key by the given amount", "1.0.0", "RW ACCESS UPDATE"},
      {"decrby", 3, kWrite | kDenyOom | kFast, 1, 1, 1, kAclString, DecrBy, kString,
       "Decrement the integer value of a key by the given number", "1.0.0", "RW ACCESS UPDATE"},
      {"incrbyfloat", 3, kWrite | kDenyOom | kFast, 1, 1, 1, kAclString, IncrByFloat, kString,
       "Increment the float value of a key by the given amount", "2.6.0", "RW ACCESS UPDATE"},
      {"getrange", 4, kReadonly, 1, 1, 1, kAclString, GetRange, kString,
       "Get a substring of the string stored at a key", "2.4.0", "RO ACCESS"},
      {"setrange", 4, kWrite | kDenyOom, 1, 1, 1, kAclString, SetRange, kString,
       "Overwrite part of a string at key starting at the specified offset", "2.2.0", "RW UPDATE"},
      {"substr", 4, kReadonly, 1, 1, 1, kAclString, GetRange, kString,
       "Get a substring of the string stored at a key", "1.0.0", "RO ACCESS"},
      {"lcs", -3, kReadonly, 1, 2, 1, kAclString, Lcs, kString, "Find longest common substring",
       "7.0.0", "RO ACCESS"},
  });
}

}  // namespace tandem::commands
