// Hash commands: HSET and friends, counters, whole-hash reads, HRANDFIELD and HSCAN.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/base/ascii_case.h"
#include "server/base/double_format.h"
#include "server/base/number_parse.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/object_access.h"
#include "server/commands/scan_args.h"
#include "server/config/keyspace_events.h"
#include "server/store/hash_object.h"

namespace tandem::commands {
namespace {

using store::HashObject;
constexpr auto kHashType = store::ValueType::kHash;

store::HashLimits Limits(Context& ctx) {
  return {static_cast<size_t>(ctx.server.config.GetInt("hash-max-listpack-entries")),
          static_cast<size_t>(ctx.server.config.GetInt("hash-max-listpack-value"))};
}

HashObject* LookupHash(Context& ctx, std::string_view key) {
  return LookupObject<HashObject>(ctx, key, kHashType);
}

// The hash under `key` for a write, created empty when absent (Redis's
// hashTypeLookupWriteOrCreate). Null after a WRONGTYPE reply.
HashObject* FindOrCreateHash(Context& ctx, std::string_view key) {
  HashObject* h = FindObjectForUpdate<HashObject>(ctx, key, kHashType);
  if (h == nullptr && !ctx.failed) h = AddObject(ctx, key, std::make_unique<HashObject>());
  return h;
}

// What every successful write does after changing `key`.
void Written(Context& ctx, std::string_view key, std::string_view event, uint64_t dirty = 1) {
  ctx.Touched(key);
  ctx.Notify(config::keyspace_event::kHash, event, key);
  ctx.Dirty(dirty);
}

// ---- Writes -------------------------------------------------------------------------------------

// HSET key field value [field value ...], and HMSET, which replies OK.
void SetPairs(Context& ctx, bool reply_ok) {
  if (ctx.argv.size() % 2 != 0) return ctx.Error(errors::WrongArity(ctx.spec.full_name));
  std::string_view key = ctx.argv[1];
  HashObject* h = FindOrCreateHash(ctx, key);
  if (h == nullptr) return;
  store::HashLimits limits = Limits(ctx);
  int64_t added = 0;
  for (size_t i = 2; i < ctx.argv.size(); i += 2)
    added += h->Set(ctx.argv[i], ctx.argv[i + 1], limits);
  if (reply_ok) {
    ctx.reply().SimpleString("OK");
  } else {
    ctx.reply().Integer(added);
  }
  Written(ctx, key, "hset", (ctx.argv.size() - 2) / 2);
}
void HSet(Context& ctx) { SetPairs(ctx, false); }
void HMSet(Context& ctx) { SetPairs(ctx, true); }

void HSetNx(Context& ctx) {
  std::string_view key = ctx.argv[1];
  HashObject* h = FindOrCreateHash(ctx, key);
  if (h == nullptr) return;
  if (h->Contains(ctx.argv[2])) return ctx.reply().Integer(0);
  h->Set(ctx.argv[2], ctx.argv[3], Limits(ctx));
  ctx.reply().Integer(1);
  Written(ctx, key, "hset");
}

void HDel(Context& ctx) {
  std::string_view key = ctx.argv[1];
  HashObject* h = FindObjectForUpdate<HashObject>(ctx, key, kHashType);
  if (h == nullptr) {
    if (!ctx.failed) ctx.reply().Integer(0);
    return;
  }
  int64_t deleted = 0;
  for (size_t i = 2; i < ctx.argv.size() && !h->empty(); ++i) deleted += h->Delete(ctx.argv[i]);
  if (deleted > 0) {
    ctx.Touched(key);
    ctx.Notify(config::keyspace_event::kHash, "hdel", key);
    if (h->empty()) DeleteEmptyKey(ctx, key);
    ctx.Dirty(deleted);
  }
  ctx.reply().Integer(deleted);
}

// Stores `text` as the new value of argv[2] in `h` (null: the key is absent and is created).
void StoreCounter(Context& ctx, HashObject* h, std::string_view text, std::string_view event) {
  if (h == nullptr) h = AddObject(ctx, ctx.argv[1], std::make_unique<HashObject>());
  h->Set(ctx.argv[2], text, Limits(ctx));
  Written(ctx, ctx.argv[1], event);
}

void HIncrBy(Context& ctx) {
  auto delta = base::ParseInt64(ctx.argv[3]);
  if (!delta) return ctx.Error(errors::kNotInteger);
  HashObject* h = FindObjectForUpdate<HashObject>(ctx, ctx.argv[1], kHashType);
  if (ctx.failed) return;
  int64_t value = 0;
  if (h != nullptr) {
    HashObject::TextBuffer buf;
    if (std::optional<std::string_view> current = h->Get(ctx.argv[2], buf)) {
      auto parsed = base::ParseInt64(*current);
      if (!parsed) return ctx.Error(errors::kHashValueNotInteger);
      value = *parsed;
    }
  }
  if ((*delta < 0 && value < 0 && *delta < INT64_MIN - value) ||
      (*delta > 0 && value > 0 && *delta > INT64_MAX - value)) {
    return ctx.Error(errors::kOverflow);
  }
  value += *delta;
  char digits[24];
  char* end = std::to_chars(digits, digits + sizeof(digits), value).ptr;
  ctx.reply().Integer(value);
  StoreCounter(ctx, h, std::string_view(digits, end - digits), "hincrby");
}

// Computed in long double and stored as text (base::FormatLongDouble), as INCRBYFLOAT does.
void HIncrByFloat(Context& ctx) {
  auto delta = base::ParseLongDouble(ctx.argv[3]);
  if (!delta) return ctx.Error(errors::kNotFloat);
  if (std::isnan(*delta) || std::isinf(*delta)) return ctx.Error(errors::kValueNanOrInf);
  HashObject* h = FindObjectForUpdate<HashObject>(ctx, ctx.argv[1], kHashType);
  if (ctx.failed) return;
  long double value = 0;
  if (h != nullptr) {
    HashObject::TextBuffer buf;
    if (std::optional<std::string_view> current = h->Get(ctx.argv[2], buf)) {
      auto parsed = base::ParseLongDouble(*current);
      if (!parsed) return ctx.Error(errors::kHashValueNotFloat);
      value = *parsed;
    }
  }
  value += *delta;
  if (std::isnan(value) || std::isinf(value)) return ctx.Error(errors::kIncrFloatNanOrInf);
  std::string text = base::FormatLongDouble(value);
  ctx.reply().Bulk(text);
  StoreCounter(ctx, h, text, "hincrbyfloat");
}

// ---- Reads --------------------------------------------------------------------------------------

void HGet(Context& ctx) {
  HashObject* h = LookupHash(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  HashObject::TextBuffer buf;
  std::optional<std::string_view> value;
  if (h != nullptr) value = h->Get(ctx.argv[2], buf);
  if (value) {
    ctx.reply().Bulk(*value);
  } else {
    ctx.reply().Null();
  }
}

void HMGet(Context& ctx) {
  HashObject* h = LookupHash(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  ctx.reply().ArrayHeader(ctx.argv.size() - 2);
  HashObject::TextBuffer buf;
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    std::optional<std::string_view> value;
    if (h != nullptr) value = h->Get(ctx.argv[i], buf);
    if (value) {
      ctx.reply().Bulk(*value);
    } else {
      ctx.reply().Null();
    }
  }
}

void HLen(Context& ctx) {
  HashObject* h = LookupHash(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  ctx.reply().Integer(h == nullptr ? 0 : static_cast<int64_t>(h->size()));
}

void HExists(Context& ctx) {
  HashObject* h = LookupHash(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  ctx.reply().Integer(h != nullptr && h->Contains(ctx.argv[2]) ? 1 : 0);
}

void HStrLen(Context& ctx) {
  HashObject* h = LookupHash(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  HashObject::TextBuffer buf;
  std::optional<std::string_view> value;
  if (h != nullptr) value = h->Get(ctx.argv[2], buf);
  ctx.reply().Integer(value ? static_cast<int64_t>(value->size()) : 0);
}

// HGETALL (a map), HKEYS and HVALS (arrays).
enum class Part { kPairs, kFields, kValues };

void ReplyAll(Context& ctx, Part part) {
  HashObject* h = LookupHash(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  resp::ReplyBuilder& r = ctx.reply();
  size_t n = h == nullptr ? 0 : h->size();
  if (part == Part::kPairs) {
    r.MapHeader(n);
  } else {
    r.ArrayHeader(n);
  }
  if (h == nullptr) return;
  h->ForEach([&r, part](std::string_view field, std::string_view value) {
    if (part != Part::kValues) r.Bulk(field);
    if (part != Part::kFields) r.Bulk(value);
  });
}
void HGetAll(Context& ctx) { ReplyAll(ctx, Part::kPairs); }
void HKeys(Context& ctx) { ReplyAll(ctx, Part::kFields); }
void HVals(Context& ctx) { ReplyAll(ctx, Part::kValues); }

// ---- HRANDFIELD ---------------------------------------------------------------------------------

// Writes `pairs` as HRANDFIELD's count form does: fields only; with values a flat array in RESP2
// and an array of [field, value] arrays in RESP3 (Redis 7.0).
class RandomFieldWriter {
 public:
  RandomFieldWriter(resp::ReplyBuilder& r, bool with_values, uint64_t count)
      : r_(r), with_values_(with_values), nested_(with_values && r.protocol() == 3) {
    r_.ArrayHeader(with_values_ && !nested_ ? 2 * count : count);
  }
  void operator()(const HashObject::Pair& pair) {
    if (nested_) r_.ArrayHeader(2);
    r_.Bulk(pair.first);
    if (with_values_) r_.Bulk(pair.second);
  }

 private:
  resp::ReplyBuilder& r_;
  bool with_values_;
  bool nested_;
};

// HRANDFIELD key [count [WITHVALUES]]
void HRandField(Context& ctx) {
  if (ctx.argv.size() == 2) {
    HashObject* h = LookupHash(ctx, ctx.argv[1]);
    if (h != nullptr) {
      HashObject::PairBuffer buf;
      ctx.reply().Bulk(h->Random(ctx.keyspace().rng(), buf).first);
    } else if (!ctx.failed) {
      ctx.reply().Null();
    }
    return;
  }
  auto count = base::ParseInt64(ctx.argv[2]);
  if (!count) return ctx.Error(errors::kNotInteger);
  if (*count == INT64_MIN) return ctx.Error(errors::kCountOutOfRange);
  bool with_values = ctx.argv.size() == 4;
  if (ctx.argv.size() > 4 || (with_values && !base::EqualsIgnoreCase(ctx.argv[3], "withvalues")))
    return ctx.Error(errors::kSyntax);
  // Redis refuses counts whose reply length (two bulks per pick) would overflow.
  if (with_values && (*count < -INT64_MAX / 2 || *count > INT64_MAX / 2))
    return ctx.Error(errors::kValueOutOfRange);
  HashObject* h = LookupHash(ctx, ctx.argv[1]);
  if (h == nullptr) {
    if (!ctx.failed) ctx.reply().ArrayHeader(0);
    return;
  }
  if (*count < 0) {
    // Repeats allowed: exactly -count picks.
    uint64_t n = 0 - static_cast<uint64_t>(*count);
    h->RandomPairs(n, ctx.keyspace().rng(), RandomFieldWriter(ctx.reply(), with_values, n));
    return;
  }
  uint64_t n = std::min<uint64_t>(static_cast<uint64_t>(*count), h->size());
  h->RandomDistinctPairs(n, ctx.keyspace().rng(), RandomFieldWriter(ctx.reply(), with_values, n));
}

// ---- HSCAN --------------------------------------------------------------------------------------

// HSCAN key cursor [MATCH pattern] [COUNT count]. As in Redis, the options are parsed after the
// key lookup, so a missing key answers an empty scan whatever they are.
void HScan(Context& ctx) {
  auto cursor = ParseScanCursorOrReply(ctx, ctx.argv[2]);
  if (!cursor) return;
  HashObject* h = LookupHash(ctx, ctx.argv[1]);
  resp::ReplyBuilder& r = ctx.reply();
  if (h == nullptr) {
    if (ctx.failed) return;
    return ReplyScanHeader(r, 0, 0);
  }
  auto opt = ParseScanOptionsOrReply(ctx, 3, /*allow_type=*/false);
  if (!opt) return;

  // Redis counts fields and values alike against COUNT, within the bucket budget. The pairs are
  // copied: a listpack hash's integers are decoded into a buffer the next pair reuses.
  std::vector<std::pair<std::string, std::string>> found;
  size_t visited = 0;
  auto visit = [&](std::string_view field, std::string_view value) {
    ++visited;
    if (opt->Matches(field)) found.emplace_back(field, value);
  };
  int64_t budget = opt->BucketBudget();
  do {
    *cursor = h->Scan(*cursor, visit);
  } while (*cursor != 0 && budget-- > 0 && static_cast<int64_t>(2 * visited) < opt->count);

  ReplyScanHeader(r, *cursor, 2 * found.size());
  for (const auto& pair : found) {
    r.Bulk(pair.first);
    r.Bulk(pair.second);
  }
}

}  // namespace

void RegisterHashCommands(CommandTable& table) {
  constexpr std::string_view kHash = "hash";
  table.Register({
      {"hset", -4, kWrite | kDenyOom | kFast, 1, 1, 1, kAclHash, HSet, kHash,
       "Set the string value of a hash field", "2.0.0", "RW UPDATE"},
      {"hsetnx", 4, kWrite | kDenyOom | kFast, 1, 1, 1, kAclHash, HSetNx, kHash,
       "Set the value of a hash field, only if the field does not exist", "2.0.0", "RW INSERT"},
      {"hget", 3, kReadonly | kFast, 1, 1, 1, kAclHash, HGet, kHash,
       "Get the value of a hash field", "2.0.0", "RO ACCESS"},
      {"hmget", -3, kReadonly | kFast, 1, 1, 1, kAclHash, HMGet, kHash,
       "Get the values of all the given hash fields", "2.0.0", "RO ACCESS"},
      {"hmset", -4, kWrite | kDenyOom | kFast, 1, 1, 1, kAclHash, HMSet, kHash,
       "Set multiple hash fields to multiple values", "2.0.0", "RW UPDATE"},
      {"hgetall", 2, kReadonly, 1, 1, 1, kAclHash, HGetAll, kHash,
       "Get all the fields and values in a hash", "2.0.0", "RO ACCESS"},
      {"hdel", -3, kWrite | kFast, 1, 1, 1, kAclHash, HDel, kHash, "Delete one or more hash fields",
       "2.0.0", "RW DELETE"},
      {"hlen", 2, kReadonly | kFast, 1, 1, 1, kAclHash, HLen, kHash,
       "Get the number of fields in a hash", "2.0.0", "RO"},
      {"hexists", 3, kReadonly | kFast, 1, 1, 1, kAclHash, HExists, kHash,
       "Determine if a hash field exists", "2.0.0", "RO"},
      {"hkeys", 2, kReadonly, 1, 1, 1, kAclHash, HKeys, kHash, "Get all the fields in a hash",
       "2.0.0", "RO ACCESS"},
      {"hvals", 2, kReadonly, 1, 1, 1, kAclHash, HVals, kHash, "Get all the values in a hash",
       "2.0.0", "RO ACCESS"},
      {"hincrby", 4, kWrite | kDenyOom | kFast, 1, 1, 1, kAclHash, HIncrBy, kHash,
       "Increment the integer value of a hash field by the given number", "2.0.0",
       "RW ACCESS UPDATE"},
      {"hincrbyfloat", 4, kWrite | kDenyOom | kFast, 1, 1, 1, kAclHash, HIncrByFloat, kHash,
       "Increment the float value of a hash field by the given amount", "2.6.0",
       "RW ACCESS UPDATE"},
      {"hstrlen", 3, kReadonly | kFast, 1, 1, 1, kAclHash, HStrLen, kHash,
       "Get the length of the value of a hash field", "3.2.0", "RO"},
      {"hrandfield", -2, kReadonly, 1, 1, 1, kAclHash, HRandField, kHash,
       "Get one or multiple random fields from a hash", "6.2.0", "RO ACCESS"},
      {"hscan", -3, kReadonly, 1, 1, 1, kAclHash, HScan, kHash,
       "Incrementally iterate hash fields and associated values", "2.8.0", "RO ACCESS"},
  });
}

}  // namespace tandem::commands
