// Sorted set commands over whole sets: ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD,
// ZRANDMEMBER and ZSCAN. The command table is in zset_family.cc.

#include <algorithm>
#include <climits>
#include <cmath>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "server/base/ascii_case.h"
#include "server/base/double_format.h"
#include "server/base/number_parse.h"
#include "server/commands/errors.h"
#include "server/commands/scan_args.h"
#include "server/commands/zset_family.h"
#include "server/store/set_object.h"

namespace tandem::commands::zset {

using store::RankRange;
using store::ZSetObject;

namespace {

constexpr std::string_view kWeightNotFloat = "ERR weight value is not a float";
constexpr std::string_view kLimitNegative = "ERR LIMIT can't be negative";
constexpr std::string_view kOutOfRange = "ERR value is out of range";

}  // namespace

// --- ZRANDMEMBER
// ----------------------------------------------------------------------------------

namespace {

void ReplyRandomElement(resp::ReplyBuilder& r, std::pair<std::string_view, double> element,
                        bool withscores) {
  if (withscores && r.protocol() >= 3) r.ArrayHeader(2);
  r.Bulk(element.first);
  if (withscores) r.Double(element.second);
}

}  // namespace

// ZRANDMEMBER key [count [WITHSCORES]]: a negative count may repeat members, a positive one
// returns distinct members (all of them when count >= size).
void ZRandMember(Context& ctx) {
  std::string_view key = ctx.argv[1];
  if (ctx.argv.size() == 2) {
    ZSetObject* zset = Lookup(ctx, key);
    if (ctx.failed) return;
    if (zset == nullptr) return ctx.reply().Null();
    std::mt19937_64& rng = ctx.keyspace().rng();
    return ctx.reply().Bulk(zset->At(rng() % zset->size()).first);
  }
  auto count = base::ParseInt64(ctx.argv[2]);
  if (!count) return ctx.Error(errors::kNotInteger);
  if (*count == INT64_MIN) {
    return ctx.Error(
        "ERR value is out of range, value must between -9223372036854775807 and "
        "9223372036854775807");
  }
  bool withscores = false;
  if (ctx.argv.size() > 4 ||
      (ctx.argv.size() == 4 && !base::EqualsIgnoreCase(ctx.argv[3], "withscores"))) {
    return ctx.Error(errors::kSyntax);
  }
  if (ctx.argv.size() == 4) {
    withscores = true;
    if (*count < -INT64_MAX / 2 || *count > INT64_MAX / 2) return ctx.Error(kOutOfRange);
  }
  ZSetObject* zset = Lookup(ctx, key);
  if (ctx.failed) return;
  resp::ReplyBuilder& r = ctx.reply();
  if (zset == nullptr || *count == 0) return r.ArrayHeader(0);
  std::mt19937_64& rng = ctx.keyspace().rng();
  size_t size = zset->size();
  bool flat_scores = withscores && r.protocol() < 3;

  if (*count < 0) {
    uint64_t n = static_cast<uint64_t>(-*count);
    r.ArrayHeader(flat_scores ? 2 * n : n);
    for (uint64_t i = 0; i < n; ++i) ReplyRandomElement(r, zset->At(rng() % size), withscores);
    return;
  }
  if (static_cast<uint64_t>(*count) >= size) {
    return ReplyRange(ctx, *zset, {0, size}, false, withscores);
  }
  // Distinct ranks: a partial shuffle when many are wanted, else draws until enough differ.
  size_t n = static_cast<size_t>(*count);
  std::vector<size_t> ranks;
  if (n * 3 > size) {
    ranks.resize(size);
    std::iota(ranks.begin(), ranks.end(), 0);
    for (size_t i = 0; i < n; ++i) std::swap(ranks[i], ranks[i + rng() % (size - i)]);
    ranks.resize(n);
  } else {
    std::unordered_set<size_t> chosen;
    while (chosen.size() < n) {
      size_t rank = rng() % size;
      if (chosen.insert(rank).second) ranks.push_back(rank);
    }
  }
  r.ArrayHeader(flat_scores ? 2 * n : n);
  for (size_t rank : ranks) ReplyRandomElement(r, zset->At(rank), withscores);
}

// --- ZUNION / ZINTER / ZDIFF (and STORE), ZINTERCARD
// ----------------------------------------------

namespace {

enum class SetOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

// One input: a sorted set (null for a missing key) and its weight.
// One input key: a sorted set, or a plain set whose members all count with score 1.
struct SetOpInput {
  const ZSetObject* zset = nullptr;
  const store::SetObject* set = nullptr;
  // A set's members, copied: an intset formats its members into a temporary buffer, and the
  // result keeps views of the members it reports.
  std::vector<std::string> set_members;
  double weight = 1;

  size_t size() const { return zset != nullptr ? zset->size() : set_members.size(); }
  // Calls fn(member, score) until it returns false.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (zset != nullptr) return zset->ForEach(fn);
    for (const std::string& m : set_members) {
      if (!fn(std::string_view(m), 1.0)) return;
    }
  }
  std::optional<double> Score(std::string_view member) const {
    if (zset != nullptr) return zset->Score(member);
    if (set != nullptr && set->Contains(member)) return 1.0;
    return std::nullopt;
  }
};

// A weighted score; NaN (inf * 0) counts as 0, as in Redis.
double Weighted(double score, double weight) {
  double v = score * weight;
  return std::isnan(v) ? 0 : v;
}

void AggregateInto(double* target, double value, Aggregate aggregate) {
  switch (aggregate) {
    case Aggregate::kSum:
      *target += value;
      if (std::isnan(*target)) *target = 0;  // inf + -inf
      break;
    case Aggregate::kMin:
      *target = std::min(*target, value);
      break;
    case Aggregate::kMax:
      *target = std::max(*target, value);
      break;
  }
}

// Computes `op` over `inputs` into `result` (member -> score). For an intersection, `limit` > 0
// stops after that many members (ZINTERCARD).
void ComputeSetOp(SetOp op, std::vector<SetOpInput>& inputs, Aggregate aggregate, size_t limit,
                  std::vector<std::pair<std::string_view, double>>* result) {
  if (op == SetOp::kUnion) {
    std::unordered_map<std::string_view, size_t> index;
    for (const SetOpInput& in : inputs) {
      in.ForEach([&](std::string_view member, double score) {
        double value = Weighted(score, in.weight);
        auto [it, fresh] = index.emplace(member, result->size());
        if (fresh) {
          result->emplace_back(member, value);
        } else {
          AggregateInto(&(*result)[it->second].second, value, aggregate);
        }
        return true;
      });
    }
  } else if (op == SetOp::kInter) {
    // Walk the smallest input and probe the others.
    std::stable_sort(inputs.begin(), inputs.end(),
                     [](const SetOpInput& a, const SetOpInput& b) { return a.size() < b.size(); });
    if (inputs.front().size() == 0) return;
    inputs.front().ForEach([&](std::string_view member, double score) {
      double value = Weighted(score, inputs.front().weight);
      for (size_t i = 1; i < inputs.size(); ++i) {
        std::optional<double> other = inputs[i].Score(member);
        if (!other) return true;
        AggregateInto(&value, Weighted(*other, inputs[i].weight), aggregate);
      }
      result->emplace_back(member, value);
      return limit == 0 || result->size() < limit;
    });
  } else {
    inputs.front().ForEach([&](std::string_view member, double score) {
      for (size_t i = 1; i < inputs.size(); ++i) {
        if (inputs[i].Score(member)) return true;
      }
      result->emplace_back(member, score);
      return true;
    });
  }
}

// The set operations, as Redis's zunionInterDiffGenericCommand: argv[numkeys_index] holds
// numkeys, the keys follow, then WEIGHTS / AGGREGATE (not for ZDIFF), WITHSCORES (replying forms)
// or LIMIT (ZINTERCARD). `dst` is the destination of the STORE forms (empty otherwise).
void SetOpGeneric(Context& ctx, size_t numkeys_index, std::string_view dst, SetOp op,
                  bool cardinality_only) {
  auto numkeys = base::ParseInt64(ctx.argv[numkeys_index]);
  if (!numkeys) return ctx.Error(errors::kNotInteger);
  if (*numkeys < 1) {
    return ctx.Error("ERR at least 1 input key is needed for '" + std::string(ctx.spec.name) +
                     "' command");
  }
  size_t first_key = numkeys_index + 1;
  if (static_cast<uint64_t>(*numkeys) > ctx.argv.size() - first_key) {
    return ctx.Error(errors::kSyntax);
  }
  bool store = !dst.empty();
  std::vector<SetOpInput> inputs(static_cast<size_t>(*numkeys));
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::string_view key = ctx.argv[first_key + i];
    store::Entry* e = store ? ctx.Find(key) : ctx.Lookup(key);
    if (e == nullptr) continue;
    if (e->type() == store::ValueType::kZSet) {
      inputs[i].zset = static_cast<const ZSetObject*>(e->object());
    } else if (e->type() == store::ValueType::kSet) {
      inputs[i].set = static_cast<const store::SetObject*>(e->object());
      inputs[i].set_members.reserve(inputs[i].set->size());
      inputs[i].set->ForEach([&](std::string_view m) { inputs[i].set_members.emplace_back(m); });
    } else {
      return ctx.Error(errors::kWrongType);
    }
  }

  Aggregate aggregate = Aggregate::kSum;
  bool withscores = false;
  int64_t limit = 0;
  for (size_t j = first_key + inputs.size(); j < ctx.argv.size();) {
    std::string_view opt = ctx.argv[j];
    size_t remaining = ctx.argv.size() - j;
    bool weighted = op != SetOp::kDiff && !cardinality_only;
    if (weighted && remaining >= inputs.size() + 1 && base::EqualsIgnoreCase(opt, "weights")) {
      ++j;
      for (SetOpInput& in : inputs) {
        auto weight = base::ParseDouble(ctx.argv[j++]);
        if (!weight) return ctx.Error(kWeightNotFloat);
        in.weight = *weight;
      }
    } else if (weighted && remaining >= 2 && base::EqualsIgnoreCase(opt, "aggregate")) {
      std::string_view how = ctx.argv[j + 1];
      if (base::EqualsIgnoreCase(how, "sum")) {
        aggregate = Aggregate::kSum;
      } else if (base::EqualsIgnoreCase(how, "min")) {
        aggregate = Aggregate::kMin;
      } else if (base::EqualsIgnoreCase(how, "max")) {
        aggregate = Aggregate::kMax;
      } else {
        return ctx.Error(errors::kSyntax);
      }
      j += 2;
    } else if (!store && !cardinality_only && base::EqualsIgnoreCase(opt, "withscores")) {
      withscores = true;
      ++j;
    } else if (cardinality_only && remaining >= 2 && base::EqualsIgnoreCase(opt, "limit")) {
      auto l = base::ParseInt64(ctx.argv[j + 1]);
      if (!l || *l < 0) return ctx.Error(kLimitNegative);
      limit = *l;
      j += 2;
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }

  std::vector<std::pair<std::string_view, double>> members;
  ComputeSetOp(op, inputs, aggregate, static_cast<size_t>(limit), &members);
  if (cardinality_only) return ctx.reply().Integer(static_cast<int64_t>(members.size()));

  store::ZSetLimits limits = store ? Limits(ctx) : ScratchLimits();
  auto result = std::make_unique<ZSetObject>(limits);
  for (const auto& [member, score] : members) result->Add(member, score, ZSetObject::kNone, limits);
  if (!store) return ReplyRange(ctx, *result, {0, result->size()}, false, withscores);
  std::string_view event = op == SetOp::kUnion   ? "zunionstore"
                           : op == SetOp::kInter ? "zinterstore"
                                                 : "zdiffstore";
  StoreResult(ctx, dst, std::move(result), event);
}

}  // namespace

void ZUnion(Context& ctx) { SetOpGeneric(ctx, 1, {}, SetOp::kUnion, false); }
void ZInter(Context& ctx) { SetOpGeneric(ctx, 1, {}, SetOp::kInter, false); }
void ZDiff(Context& ctx) { SetOpGeneric(ctx, 1, {}, SetOp::kDiff, false); }
void ZUnionStore(Context& ctx) { SetOpGeneric(ctx, 2, ctx.argv[1], SetOp::kUnion, false); }
void ZInterStore(Context& ctx) { SetOpGeneric(ctx, 2, ctx.argv[1], SetOp::kInter, false); }
void ZDiffStore(Context& ctx) { SetOpGeneric(ctx, 2, ctx.argv[1], SetOp::kDiff, false); }
void ZInterCard(Context& ctx) { SetOpGeneric(ctx, 1, {}, SetOp::kInter, true); }

// --- ZSCAN
// ----------------------------------------------------------------------------------------

// ZSCAN key cursor [MATCH pattern] [COUNT count]: member / score pairs, scores as text.
void ZScan(Context& ctx) {
  auto cursor = ParseScanCursorOrReply(ctx, ctx.argv[2]);
  if (!cursor) return;
  ZSetObject* zset = Lookup(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  resp::ReplyBuilder& r = ctx.reply();
  if (zset == nullptr) return ReplyScanHeader(r, 0, 0);
  auto opt = ParseScanOptionsOrReply(ctx, 3, /*allow_type=*/false);
  if (!opt) return;
  // As Redis, COUNT bounds the reply entries (two per member) within the bucket budget.
  std::vector<std::pair<std::string_view, double>> found;
  int64_t steps = opt->BucketBudget();
  auto collect = [&](std::string_view member, double score) {
    found.emplace_back(member, score);
    return true;
  };
  do {
    *cursor = zset->Scan(*cursor, collect);
  } while (*cursor != 0 && steps-- > 0 && static_cast<int64_t>(found.size() * 2) < opt->count);
  std::erase_if(found, [&](const auto& e) { return !opt->Matches(e.first); });

  ReplyScanHeader(r, *cursor, found.size() * 2);
  char buf[base::kFormatDoubleBufferSize];
  for (const auto& [member, score] : found) {
    r.Bulk(member);
    r.Bulk(std::string_view(buf, base::FormatDouble(score, buf)));
  }
}

// --- key positions
// --------------------------------------------------------------------------------

void DestinationAndKeys(std::span<const std::string_view> argv, std::vector<int>* keys) {
  if (argv.size() > 1) keys->push_back(1);
  AppendNumkeysKeys(argv, 2, keys);
}

}  // namespace tandem::commands::zset
