// Set commands: SADD, SREM, SMOVE, SPOP, the membership and random-member reads, the algebra
// (SINTER, SINTERCARD, SUNION, SDIFF and their STORE forms) and SSCAN.

#include <algorithm>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/object_access.h"
#include "server/commands/scan_args.h"
#include "server/config/keyspace_events.h"
#include "server/store/set_object.h"

namespace tandem::commands {
namespace {

using store::SetObject;
using store::ValueType;
namespace ke = config::keyspace_event;

size_t MaxIntsetEntries(Context& ctx) {
  return static_cast<size_t>(ctx.server.config.GetInt("set-max-intset-entries"));
}

SetObject* LookupSet(Context& ctx, std::string_view key) {
  return LookupObject<SetObject>(ctx, key, ValueType::kSet);
}

SetObject* FindSetForUpdate(Context& ctx, std::string_view key) {
  return FindObjectForUpdate<SetObject>(ctx, key, ValueType::kSet);
}

// Replies every member of `set` as a RESP3 set (an array in RESP2).
void ReplySet(Context& ctx, const SetObject& set) {
  resp::ReplyBuilder& r = ctx.reply();
  r.SetHeader(set.size());
  set.ForEach([&r](std::string_view m) { r.Bulk(m); });
}

// ---- SADD / SREM / SMOVE ----------------------------------------------------------------------

void SAdd(Context& ctx) {
  std::string_view key = ctx.argv[1];
  SetObject* set = FindSetForUpdate(ctx, key);
  if (ctx.failed) return;
  if (set == nullptr) set = AddObject(ctx, key, std::make_unique<SetObject>());
  size_t max_intset = MaxIntsetEntries(ctx);
  int64_t added = 0;
  for (size_t i = 2; i < ctx.argv.size(); ++i) added += set->Add(ctx.argv[i], max_intset) ? 1 : 0;
  if (added > 0) {
    ctx.Touched(key);
    ctx.Notify(ke::kSet, "sadd", key);
  }
  ctx.Dirty(added);
  ctx.reply().Integer(added);
}

void SRem(Context& ctx) {
  std::string_view key = ctx.argv[1];
  SetObject* set = FindSetForUpdate(ctx, key);
  if (set == nullptr) {
    if (!ctx.failed) ctx.reply().Integer(0);
    return;
  }
  int64_t removed = 0;
  for (size_t i = 2; i < ctx.argv.size() && set->size() > 0; ++i)
    removed += set->Remove(ctx.argv[i]) ? 1 : 0;
  if (removed > 0) {
    ctx.Touched(key);
    ctx.Notify(ke::kSet, "srem", key);
    if (set->size() == 0) DeleteEmptyKey(ctx, key);
    ctx.Dirty(removed);
  }
  ctx.reply().Integer(removed);
}

void SMove(Context& ctx) {
  std::string_view src_key = ctx.argv[1], dst_key = ctx.argv[2], member = ctx.argv[3];
  // A missing source answers 0 before the destination's type is checked.
  SetObject* src = FindSetForUpdate(ctx, src_key);
  if (src == nullptr) {
    if (!ctx.failed) ctx.reply().Integer(0);
    return;
  }
  SetObject* dst = FindSetForUpdate(ctx, dst_key);
  if (ctx.failed) return;
  if (src == dst) return ctx.reply().Integer(src->Contains(member) ? 1 : 0);
  if (!src->Remove(member)) return ctx.reply().Integer(0);
  ctx.Notify(ke::kSet, "srem", src_key);
  if (src->size() == 0) DeleteEmptyKey(ctx, src_key);
  if (dst == nullptr) dst = AddObject(ctx, dst_key, std::make_unique<SetObject>());
  ctx.Touched(src_key);
  ctx.Dirty();
  if (dst->Add(member, MaxIntsetEntries(ctx))) {
    ctx.Dirty();
    ctx.Touched(dst_key);
    ctx.Notify(ke::kSet, "sadd", dst_key);
  }
  ctx.reply().Integer(1);
}

// ---- SISMEMBER / SMISMEMBER / SCARD / SMEMBERS ------------------------------------------------

void SIsMember(Context& ctx) {
  SetObject* set = LookupSet(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  ctx.reply().Integer(set != nullptr && set->Contains(ctx.argv[2]) ? 1 : 0);
}

// A missing key is an empty set: all zeros.
void SMIsMember(Context& ctx) {
  SetObject* set = LookupSet(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  resp::ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(ctx.argv.size() - 2);
  for (size_t i = 2; i < ctx.argv.size(); ++i)
    r.Integer(set != nullptr && set->Contains(ctx.argv[i]) ? 1 : 0);
}

void SCard(Context& ctx) {
  SetObject* set = LookupSet(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  ctx.reply().Integer(set == nullptr ? 0 : static_cast<int64_t>(set->size()));
}

void SMembers(Context& ctx) {
  SetObject* set = LookupSet(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  if (set == nullptr) return ctx.reply().SetHeader(0);
  ReplySet(ctx, *set);
}

// ---- SPOP / SRANDMEMBER -------------------------------------------------------------------------

// SPOP key count. When few members would remain, it is cheaper to draw the survivors into a new
// set than to draw the victims one by one; like Redis, the survivors' set gets a fresh encoding.
void SPopWithCount(Context& ctx) {
  std::string_view key = ctx.argv[1];
  auto parsed = base::ParseInt64(ctx.argv[2]);
  if (!parsed || *parsed < 0) return ctx.Error(errors::kMustBePositive);
  auto count = static_cast<uint64_t>(*parsed);
  SetObject* set = FindSetForUpdate(ctx, key);
  if (ctx.failed) return;
  if (set == nullptr || count == 0) return ctx.reply().SetHeader(0);

  size_t size = set->size();
  ctx.Notify(ke::kSet, "spop", key);
  resp::ReplyBuilder& r = ctx.reply();
  if (count >= size) {
    ctx.Dirty(size);
    ReplySet(ctx, *set);
    DeleteEmptyKey(ctx, key);
    ctx.Touched(key);
    return;
  }
  ctx.Dirty(count);
  r.SetHeader(count);
  std::mt19937_64& rng = ctx.keyspace().rng();
  constexpr uint64_t kNewSetRatio = 5;
  uint64_t remaining = size - count;
  if (remaining * kNewSetRatio > count) {
    for (uint64_t i = 0; i < count; ++i) r.Bulk(set->PopRandom(rng));
  } else {
    SetObject survivors;
    size_t max_intset = MaxIntsetEntries(ctx);
    for (uint64_t i = 0; i < remaining; ++i) survivors.Add(set->PopRandom(rng), max_intset);
    set->ForEach([&r](std::string_view m) { r.Bulk(m); });
    *set = std::move(survivors);
  }
  ctx.Touched(key);
}

void SPop(Context& ctx) {
  if (ctx.argv.size() == 3) return SPopWithCount(ctx);
  if (ctx.argv.size() > 3) return ctx.Error(errors::kSyntax);
  std::string_view key = ctx.argv[1];
  SetObject* set = FindSetForUpdate(ctx, key);
  if (set == nullptr) {
    if (!ctx.failed) ctx.reply().Null();
    return;
  }
  std::string member = set->PopRandom(ctx.keyspace().rng());
  ctx.Notify(ke::kSet, "spop", key);
  ctx.reply().Bulk(member);
  if (set->size() == 0) DeleteEmptyKey(ctx, key);
  ctx.Touched(key);
  ctx.Dirty();
}

// SRANDMEMBER key count: distinct members for count >= 0, draws with repetition for count < 0.
void SRandMemberWithCount(Context& ctx) {
  auto parsed = base::ParseInt64(ctx.argv[2]);
  if (!parsed) return ctx.Error(errors::kNotInteger);
  if (*parsed == INT64_MIN) return ctx.Error(errors::kCountOutOfRange);
  bool distinct = *parsed >= 0;
  auto count = static_cast<uint64_t>(distinct ? *parsed : -*parsed);
  SetObject* set = LookupSet(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  resp::ReplyBuilder& r = ctx.reply();
  if (set == nullptr || count == 0) return r.ArrayHeader(0);

  std::mt19937_64& rng = ctx.keyspace().rng();
  size_t size = set->size();
  if (!distinct || count == 1) {
    r.ArrayHeader(count);
    for (uint64_t i = 0; i < count; ++i) r.Bulk(set->RandomMember(rng));
    return;
  }
  if (count >= size) {
    r.ArrayHeader(size);
    set->ForEach([&r](std::string_view m) { r.Bulk(m); });
    return;
  }
  r.ArrayHeader(count);
  constexpr uint64_t kCopyAllRatio = 3;
  if (count * kCopyAllRatio > size) {
    // Most of the set is wanted: a partial shuffle of all members picks a uniform subset.
    std::vector<std::string> all;
    all.reserve(size);
    set->ForEach([&all](std::string_view m) { all.emplace_back(m); });
    for (uint64_t i = 0; i < count; ++i) {
      std::swap(all[i], all[i + rng() % (size - i)]);
      r.Bulk(all[i]);
    }
    return;
  }
  // A small sample of a big set: draw until `count` distinct members came up.
  std::unordered_set<std::string> picked;
  picked.reserve(count);
  while (picked.size() < count) {
    auto [it, fresh] = picked.insert(set->RandomMember(rng));
    if (fresh) r.Bulk(*it);
  }
}

void SRandMember(Context& ctx) {
  if (ctx.argv.size() == 3) return SRandMemberWithCount(ctx);
  if (ctx.argv.size() > 3) return ctx.Error(errors::kSyntax);
  SetObject* set = LookupSet(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  if (set == nullptr) return ctx.reply().Null();
  ctx.reply().Bulk(set->RandomMember(ctx.keyspace().rng()));
}

// ---- SINTER / SINTERCARD / SUNION / SDIFF and the STORE forms -----------------------------------

// The sets under `keys` (null for a missing key), looked up for reading. Nullopt after a WRONGTYPE
// reply: every key is checked before any result is computed.
std::optional<std::vector<const SetObject*>> LookupSets(Context& ctx,
                                                        std::span<const std::string_view> keys) {
  std::vector<const SetObject*> sets;
  sets.reserve(keys.size());
  for (std::string_view key : keys) {
    sets.push_back(LookupSet(ctx, key));
    if (ctx.failed) return std::nullopt;
  }
  return sets;
}

bool AnyMissing(const std::vector<const SetObject*>& sets) {
  return std::find(sets.begin(), sets.end(), nullptr) != sets.end();
}

// Calls fn(member) for each member of the intersection of `sets` (none null), walking the smallest
// set and probing the others. fn returns false to stop early.
template <typename Fn>
void ForEachInIntersection(std::vector<const SetObject*> sets, Fn&& fn) {
  std::sort(sets.begin(), sets.end(),
            [](const SetObject* a, const SetObject* b) { return a->size() < b->size(); });
  bool stopped = false;
  sets[0]->ForEach([&](std::string_view m) {
    if (stopped) return;
    for (size_t i = 1; i < sets.size(); ++i) {
      if (sets[i] != sets[0] && !sets[i]->Contains(m)) return;
    }
    stopped = !fn(m);
  });
}

enum class SetOp { kUnion, kDiff };

// SUNION / SDIFF of `sets` (null = empty) as a new set, built with the usual encoding rules.
std::unique_ptr<SetObject> Combine(const std::vector<const SetObject*>& sets, SetOp op,
                                   size_t max_intset) {
  auto result = std::make_unique<SetObject>();
  if (op == SetOp::kUnion) {
    for (const SetObject* set : sets) {
      if (set != nullptr) set->ForEach([&](std::string_view m) { result->Add(m, max_intset); });
    }
    return result;
  }
  const SetObject* first = sets[0];
  // Subtracting the first set from itself (the same key named again) leaves nothing.
  if (first == nullptr || std::find(sets.begin() + 1, sets.end(), first) != sets.end())
    return result;
  first->ForEach([&](std::string_view m) {
    for (size_t i = 1; i < sets.size(); ++i) {
      if (sets[i] != nullptr && sets[i]->Contains(m)) return;
    }
    result->Add(m, max_intset);
  });
  return result;
}

// The end of every *STORE: `result` replaces `dst` whatever it held (the TTL goes too), or `dst`
// is deleted when `result` is empty. Replies the result's size.
void StoreResult(Context& ctx, std::string_view dst, std::unique_ptr<SetObject> result,
                 std::string_view event) {
  store::Entry* existing = ctx.Find(dst);
  int64_t size = static_cast<int64_t>(result->size());
  if (size == 0) {
    if (existing != nullptr) {
      DeleteEmptyKey(ctx, dst);
      ctx.Touched(dst);
      ctx.Dirty();
    }
    return ctx.reply().Integer(0);
  }
  if (existing != nullptr) ctx.db().Delete(existing);
  AddObject(ctx, dst, std::move(result));
  ctx.reply().Integer(size);
  ctx.Notify(ke::kSet, event, dst);
  ctx.Touched(dst);
  ctx.Dirty();
}

// SINTER and SMEMBERS's reply: a missing key makes the intersection empty.
void SInter(Context& ctx) {
  auto sets = LookupSets(ctx, ctx.argv.subspan(1));
  if (!sets) return;
  if (AnyMissing(*sets)) return ctx.reply().SetHeader(0);
  std::vector<std::string> members;
  ForEachInIntersection(*sets, [&members](std::string_view m) {
    members.emplace_back(m);
    return true;
  });
  resp::ReplyBuilder& r = ctx.reply();
  r.SetHeader(members.size());
  for (const std::string& m : members) r.Bulk(m);
}

void SInterStore(Context& ctx) {
  auto sets = LookupSets(ctx, ctx.argv.subspan(2));
  if (!sets) return;
  auto result = std::make_unique<SetObject>();
  if (!AnyMissing(*sets)) {
    size_t max_intset = MaxIntsetEntries(ctx);
    ForEachInIntersection(*sets, [&](std::string_view m) {
      result->Add(m, max_intset);
      return true;
    });
  }
  StoreResult(ctx, ctx.argv[1], std::move(result), "sinterstore");
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]: the arguments are all checked before any key.
void SInterCard(Context& ctx) {
  auto numkeys = base::ParseInt64(ctx.argv[1]);
  if (!numkeys || *numkeys < 1) return ctx.Error(errors::kNumkeysNotPositive);
  if (*numkeys > static_cast<int64_t>(ctx.argv.size()) - 2)
    return ctx.Error(errors::kNumkeysTooMany);
  size_t keys_end = 2 + static_cast<size_t>(*numkeys);
  uint64_t limit = 0;  // 0: no limit
  for (size_t i = keys_end; i < ctx.argv.size(); ++i) {
    if (!base::EqualsIgnoreCase(ctx.argv[i], "limit") || i + 1 == ctx.argv.size())
      return ctx.Error(errors::kSyntax);
    auto value = base::ParseInt64(ctx.argv[++i]);
    if (!value || *value < 0) return ctx.Error(errors::kLimitNegative);
    limit = static_cast<uint64_t>(*value);
  }
  auto sets = LookupSets(ctx, ctx.argv.subspan(2, keys_end - 2));
  if (!sets) return;
  uint64_t cardinality = 0;
  if (!AnyMissing(*sets)) {
    ForEachInIntersection(*sets, [&](std::string_view) {
      ++cardinality;
      return limit == 0 || cardinality < limit;
    });
  }
  ctx.reply().Integer(static_cast<int64_t>(cardinality));
}

void CombineCommand(Context& ctx, SetOp op) {
  auto sets = LookupSets(ctx, ctx.argv.subspan(1));
  if (!sets) return;
  ReplySet(ctx, *Combine(*sets, op, MaxIntsetEntries(ctx)));
}

void CombineStoreCommand(Context& ctx, SetOp op) {
  auto sets = LookupSets(ctx, ctx.argv.subspan(2));
  if (!sets) return;
  StoreResult(ctx, ctx.argv[1], Combine(*sets, op, MaxIntsetEntries(ctx)),
              op == SetOp::kUnion ? "sunionstore" : "sdiffstore");
}

void SUnion(Context& ctx) { CombineCommand(ctx, SetOp::kUnion); }
void SDiff(Context& ctx) { CombineCommand(ctx, SetOp::kDiff); }
void SUnionStore(Context& ctx) { CombineStoreCommand(ctx, SetOp::kUnion); }
void SDiffStore(Context& ctx) { CombineStoreCommand(ctx, SetOp::kDiff); }

// ---- SSCAN ------------------------------------------------------------------------------------

// SSCAN key cursor [MATCH pattern] [COUNT count]. As in Redis the options are only parsed once
// the key is known to be a set, so a missing key answers an empty scan whatever follows.
void SScan(Context& ctx) {
  auto cursor = ParseScanCursorOrReply(ctx, ctx.argv[2]);
  if (!cursor) return;
  SetObject* set = LookupSet(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  resp::ReplyBuilder& r = ctx.reply();
  if (set == nullptr) return ReplyScanHeader(r, 0, 0);
  auto opt = ParseScanOptionsOrReply(ctx, 3, /*allow_type=*/false);
  if (!opt) return;

  // Visit buckets until `count` members are visited, within the bucket budget. COUNT bounds the
  // members visited, before MATCH filters them (as in Redis).
  std::vector<std::string> found;
  int64_t visited = 0;
  int64_t budget = opt->BucketBudget();
  auto collect = [&](std::string_view m) {
    ++visited;
    if (opt->Matches(m)) found.emplace_back(m);
  };
  do {
    *cursor = set->Scan(*cursor, collect);
  } while (*cursor != 0 && budget-- > 0 && visited < opt->count);

  ReplyScanHeader(r, *cursor, found.size());
  for (const std::string& m : found) r.Bulk(m);
}

}  // namespace

void RegisterSetCommands(CommandTable& table) {
  constexpr std::string_view kSet = "set";
  table.Register({
      {"sadd", -3, kWrite | kDenyOom | kFast, 1, 1, 1, kAclSet, SAdd, kSet,
       "Add one or more members to a set", "1.0.0", "RW INSERT"},
      {"srem", -3, kWrite | kFast, 1, 1, 1, kAclSet, SRem, kSet,
       "Remove one or more members from a set", "1.0.0", "RW DELETE"},
      {"smembers", 2, kReadonly, 1, 1, 1, kAclSet, SMembers, kSet, "Get all the members in a set",
       "1.0.0", "RO ACCESS"},
      {"sismember", 3, kReadonly | kFast, 1, 1, 1, kAclSet, SIsMember, kSet,
       "Determine if a given value is a member of a set", "1.0.0", "RO"},
      {"smismember", -3, kReadonly | kFast, 1, 1, 1, kAclSet, SMIsMember, kSet,
       "Returns the membership associated with the given elements for a set", "6.2.0", "RO ACCESS"},
      {"scard", 2, kReadonly | kFast, 1, 1, 1, kAclSet, SCard, kSet,
       "Get the number of members in a set", "1.0.0", "RO"},
      {"spop", -2, kWrite | kFast, 1, 1, 1, kAclSet, SPop, kSet,
       "Remove and return one or multiple random members from a set", "1.0.0", "RW ACCESS DELETE"},
      {"srandmember", -2, kReadonly, 1, 1, 1, kAclSet, SRandMember, kSet,
       "Get one or multiple random members from a set", "1.0.0", "RO ACCESS"},
      // Two keys with different key specs; key_flags holds the first (source) key's.
      {"smove", 4, kWrite | kFast, 1, 2, 1, kAclSet, SMove, kSet,
       "Move a member from one set to another", "1.0.0", "RW ACCESS DELETE"},
      {"sinter", -2, kReadonly, 1, -1, 1, kAclSet, SInter, kSet, "Intersect multiple sets", "1.0.0",
       "RO ACCESS"},
      {.name = "sintercard",
       .arity = -3,
       .flags = kReadonly,
       .first_key = 0,
       .last_key = 0,
       .step = 0,
       .acl = kAclSet,
       .handler = SInterCard,
       .group = kSet,
       .summary = "Intersect multiple sets and return the cardinality of the result",
       .since = "7.0.0",
       .key_flags = "RO ACCESS",
       .key_finder = KeysAfterNumkeysAt<1>},
      // The *STORE rows: key_flags holds the destination's key spec.
      {"sinterstore", -3, kWrite | kDenyOom, 1, -1, 1, kAclSet, SInterStore, kSet,
       "Intersect multiple sets and store the resulting set in a key", "1.0.0", "RW UPDATE"},
      {"sunion", -2, kReadonly, 1, -1, 1, kAclSet, SUnion, kSet, "Add multiple sets", "1.0.0",
       "RO ACCESS"},
      {"sunionstore", -3, kWrite | kDenyOom, 1, -1, 1, kAclSet, SUnionStore, kSet,
       "Add multiple sets and store the resulting set in a key", "1.0.0", "OW UPDATE"},
      {"sdiff", -2, kReadonly, 1, -1, 1, kAclSet, SDiff, kSet, "Subtract multiple sets", "1.0.0",
       "RO ACCESS"},
      {"sdiffstore", -3, kWrite | kDenyOom, 1, -1, 1, kAclSet, SDiffStore, kSet,
       "Subtract multiple sets and store the resulting set in a key", "1.0.0", "OW UPDATE"},
      {"sscan", -3, kReadonly, 1, 1, 1, kAclSet, SScan, kSet, "Incrementally iterate Set elements",
       "2.8.0", "RO ACCESS"},
  });
}

}  // namespace tandem::commands
