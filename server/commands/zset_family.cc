// Sorted set commands: ZADD and the point commands, the ZRANGE family, range removal, ZPOPMIN /
// ZPOPMAX / ZMPOP, and the command table of the whole family (the set operations, ZRANDMEMBER and
// ZSCAN are in zset_set_ops.cc). Values are store::ZSetObject (zset_object.h).

#include "server/commands/zset_family.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"
#include "server/commands/blocking_command.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/object_access.h"
#include "server/config/keyspace_events.h"
#include "server/store/zset_object.h"

namespace tandem::commands {

using store::LexBound;
using store::LexRange;
using store::RankRange;
using store::ScoreRange;
using store::ZSetObject;
namespace ke = config::keyspace_event;

// --- shared with zset_set_ops.cc (zset_family.h)
// --------------------------------------------------

namespace zset {

store::ZSetLimits Limits(Context& ctx) {
  return {static_cast<size_t>(ctx.server.config.GetInt("zset-max-listpack-entries")),
          static_cast<size_t>(ctx.server.config.GetInt("zset-max-listpack-value"))};
}

ZSetObject* Lookup(Context& ctx, std::string_view key) {
  return LookupObject<ZSetObject>(ctx, key, store::ValueType::kZSet);
}

void ReplyRange(Context& ctx, const ZSetObject& zset, RankRange ranks, bool reverse,
                bool withscores) {
  resp::ReplyBuilder& r = ctx.reply();
  bool pairs = withscores && r.protocol() >= 3;
  r.ArrayHeader(withscores && !pairs ? ranks.size() * 2 : ranks.size());
  zset.Visit(ranks, reverse, [&](std::string_view member, double score) {
    if (pairs) r.ArrayHeader(2);
    r.Bulk(member);
    if (withscores) r.Double(score);
    return true;
  });
}

void StoreResult(Context& ctx, std::string_view key, std::unique_ptr<ZSetObject> result,
                 std::string_view event) {
  size_t size = result->size();
  store::Entry* old = ctx.Find(key);
  if (size == 0) {
    ctx.reply().Integer(0);
    if (old == nullptr) return;
    ctx.db().Delete(old);
    ctx.Touched(key);
    ctx.Notify(ke::kGeneric, "del", key);
    ctx.Dirty();
    return;
  }
  if (old != nullptr) ctx.db().Delete(old);
  AddObject(ctx, key, std::move(result));
  ctx.Touched(key);
  ctx.reply().Integer(static_cast<int64_t>(size));
  ctx.Notify(ke::kZset, event, key);
  ctx.Dirty();
}

}  // namespace zset

namespace {

using zset::Limits;
using zset::ReplyRange;
using zset::StoreResult;

constexpr std::string_view kNanResult = "ERR resulting score is not a number (NaN)";
constexpr std::string_view kXxAndNx = "ERR XX and NX options at the same time are not compatible";
constexpr std::string_view kGtLtNx =
    "ERR GT, LT, and/or NX options at the same time are not compatible";
constexpr std::string_view kIncrPair = "ERR INCR option supports a single increment-element pair";
constexpr std::string_view kMinMaxNotFloat = "ERR min or max is not a float";
constexpr std::string_view kMinMaxNotLex = "ERR min or max not valid string range item";
constexpr std::string_view kLimitNeedsBy =
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
constexpr std::string_view kWithScoresByLex =
    "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
constexpr std::string_view kMustBePositive = "ERR value is out of range, must be positive";
constexpr std::string_view kNumkeysPositive = "ERR numkeys should be greater than 0";
constexpr std::string_view kCountPositive = "ERR count should be greater than 0";

ZSetObject* LookupZSet(Context& ctx, std::string_view key) { return zset::Lookup(ctx, key); }

ZSetObject* FindZSetForUpdate(Context& ctx, std::string_view key) {
  return FindObjectForUpdate<ZSetObject>(ctx, key, store::ValueType::kZSet);
}

// Deletes `key` when its set became empty (with the "del" notification).
void DeleteIfEmpty(Context& ctx, std::string_view key, const ZSetObject* zset) {
  if (zset->empty()) DeleteEmptyKey(ctx, key);
}

// --- argument parsing
// -----------------------------------------------------------------------------

// A long as Redis's getLongFromObject reads it.
std::optional<int64_t> ParseLong(std::string_view text) { return base::ParseInt64(text); }

// One end of a score range as zslParseRange reads it: "(" for exclusive, then whatever strtod
// consumes up to the end of the text ("" is 0, "inf" and "-inf" work); NaN is refused.
bool ParseScoreBound(std::string_view text, double* value, bool* exclusive) {
  *exclusive = !text.empty() && text.front() == '(';
  if (*exclusive) text.remove_prefix(1);
  std::string copy(text);
  char* end = nullptr;
  *value = std::strtod(copy.c_str(), &end);
  return *end == '\0' && !std::isnan(*value);
}

bool ParseScoreRange(std::string_view min, std::string_view max, ScoreRange* range) {
  return ParseScoreBound(min, &range->min, &range->min_exclusive) &&
         ParseScoreBound(max, &range->max, &range->max_exclusive);
}

// One end of a lex range: "-", "+", or "[" / "(" followed by the member bytes.
bool ParseLexBound(std::string_view text, LexBound* bound) {
  if (text == "-") {
    bound->kind = LexBound::Kind::kMinusInfinity;
  } else if (text == "+") {
    bound->kind = LexBound::Kind::kPlusInfinity;
  } else if (!text.empty() && (text.front() == '[' || text.front() == '(')) {
    bound->kind = text.front() == '[' ? LexBound::Kind::kInclusive : LexBound::Kind::kExclusive;
    bound->value = text.substr(1);
  } else {
    return false;
  }
  return true;
}

bool ParseLexRange(std::string_view min, std::string_view max, LexRange* range) {
  return ParseLexBound(min, &range->min) && ParseLexBound(max, &range->max);
}

// Redis's start/end index rules (negative from the end, clamped) as ascending ranks; empty when
// the range is.
RankRange RanksOfIndexes(int64_t start, int64_t end, size_t size) {
  int64_t n = static_cast<int64_t>(size);
  if (start < 0) start += n;
  if (end < 0) end += n;
  if (start < 0) start = 0;
  if (start > end || start >= n) return {};
  if (end >= n) end = n - 1;
  return {static_cast<size_t>(start), static_cast<size_t>(end) + 1};
}

// The ascending ranks of descending indexes [begin, end) of a set of `size` members.
RankRange FromTop(RankRange indexes, size_t size) {
  return {size - indexes.end, size - indexes.begin};
}

// --- ZADD / ZINCRBY / ZREM and point reads -------------------------------------------------------

// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]; ZINCRBY is ZADD INCR.
void AddGeneric(Context& ctx, uint8_t flags) {
  bool ch = false;
  size_t i = 2;
  for (; i < ctx.argv.size(); ++i) {
    std::string_view opt = ctx.argv[i];
    if (base::EqualsIgnoreCase(opt, "nx")) {
      flags |= ZSetObject::kNx;
    } else if (base::EqualsIgnoreCase(opt, "xx")) {
      flags |= ZSetObject::kXx;
    } else if (base::EqualsIgnoreCase(opt, "ch")) {
      ch = true;
    } else if (base::EqualsIgnoreCase(opt, "incr")) {
      flags |= ZSetObject::kIncr;
    } else if (base::EqualsIgnoreCase(opt, "gt")) {
      flags |= ZSetObject::kGt;
    } else if (base::EqualsIgnoreCase(opt, "lt")) {
      flags |= ZSetObject::kLt;
    } else {
      break;
    }
  }
  size_t elements = ctx.argv.size() - i;
  if (elements == 0 || elements % 2 != 0) return ctx.Error(errors::kSyntax);
  elements /= 2;
  bool nx = flags & ZSetObject::kNx, xx = flags & ZSetObject::kXx;
  bool gt = flags & ZSetObject::kGt, lt = flags & ZSetObject::kLt;
  bool incr = flags & ZSetObject::kIncr;
  if (nx && xx) return ctx.Error(kXxAndNx);
  if ((gt && nx) || (lt && nx) || (gt && lt)) return ctx.Error(kGtLtNx);
  if (incr && elements > 1) return ctx.Error(kIncrPair);

  std::vector<double> scores(elements);
  for (size_t j = 0; j < elements; ++j) {
    auto score = base::ParseDouble(ctx.argv[i + 2 * j]);
    if (!score) return ctx.Error(errors::kNotFloat);
    scores[j] = *score;
  }

  std::string_view key = ctx.argv[1];
  ZSetObject* zset = FindZSetForUpdate(ctx, key);
  if (ctx.failed) return;
  int64_t added = 0, updated = 0, processed = 0;
  double last_score = 0;
  if (zset != nullptr || !xx) {
    store::ZSetLimits limits = Limits(ctx);
    if (zset == nullptr) zset = AddObject(ctx, key, std::make_unique<ZSetObject>(limits));
    for (size_t j = 0; j < elements; ++j) {
      auto result = zset->Add(ctx.argv[i + 2 * j + 1], scores[j], flags, limits);
      if (result.outcome == ZSetObject::AddOutcome::kNan) {
        ctx.Error(kNanResult);
        break;
      }
      added += result.outcome == ZSetObject::AddOutcome::kAdded;
      updated += result.outcome == ZSetObject::AddOutcome::kUpdated;
      processed += result.outcome != ZSetObject::AddOutcome::kSkipped;
      last_score = result.score;
    }
    ctx.Dirty(added + updated);
  }
  if (!ctx.failed) {
    if (!incr) {
      ctx.reply().Integer(ch ? added + updated : added);
    } else if (processed > 0) {
      ctx.reply().Double(last_score);
    } else {
      ctx.reply().Null();
    }
  }
  if (added + updated > 0) {
    ctx.Touched(key);
    ctx.Notify(ke::kZset, incr ? "zincr" : "zadd", key);
  }
}

void ZAdd(Context& ctx) { AddGeneric(ctx, ZSetObject::kNone); }

// ZINCRBY key increment member: ZADD with INCR set (argv[2] goes through the option parsing, as
// in Redis).
void ZIncrBy(Context& ctx) { AddGeneric(ctx, ZSetObject::kIncr); }

void ZRem(Context& ctx) {
  std::string_view key = ctx.argv[1];
  ZSetObject* zset = FindZSetForUpdate(ctx, key);
  if (zset == nullptr) {
    if (!ctx.failed) ctx.reply().Integer(0);
    return;
  }
  int64_t deleted = 0;
  for (size_t i = 2; i < ctx.argv.size() && !zset->empty(); ++i)
    deleted += zset->Remove(ctx.argv[i]);
  if (deleted > 0) {
    ctx.Notify(ke::kZset, "zrem", key);
    DeleteIfEmpty(ctx, key, zset);
    ctx.Touched(key);
    ctx.Dirty(deleted);
  }
  ctx.reply().Integer(deleted);
}

void ZCard(Context& ctx) {
  ZSetObject* zset = LookupZSet(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  ctx.reply().Integer(zset == nullptr ? 0 : static_cast<int64_t>(zset->size()));
}

void ZCount(Context& ctx) {
  ScoreRange range;
  if (!ParseScoreRange(ctx.argv[2], ctx.argv[3], &range)) return ctx.Error(kMinMaxNotFloat);
  ZSetObject* zset = LookupZSet(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  ctx.reply().Integer(zset == nullptr ? 0 : zset->RanksInScoreRange(range).size());
}

void ZLexCount(Context& ctx) {
  LexRange range;
  if (!ParseLexRange(ctx.argv[2], ctx.argv[3], &range)) return ctx.Error(kMinMaxNotLex);
  ZSetObject* zset = LookupZSet(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  ctx.reply().Integer(zset == nullptr ? 0 : zset->RanksInLexRange(range).size());
}

void ZScore(Context& ctx) {
  ZSetObject* zset = LookupZSet(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  std::optional<double> score;
  if (zset != nullptr) score = zset->Score(ctx.argv[2]);
  if (!score) return ctx.reply().Null();
  ctx.reply().Double(*score);
}

void ZMScore(Context& ctx) {
  ZSetObject* zset = LookupZSet(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  ctx.reply().ArrayHeader(ctx.argv.size() - 2);
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    std::optional<double> score;
    if (zset != nullptr) score = zset->Score(ctx.argv[i]);
    if (score) {
      ctx.reply().Double(*score);
    } else {
      ctx.reply().Null();
    }
  }
}

void RankGeneric(Context& ctx, bool reverse) {
  ZSetObject* zset = LookupZSet(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  std::optional<size_t> rank;
  if (zset != nullptr) rank = zset->Rank(ctx.argv[2], reverse);
  if (!rank) return ctx.reply().Null();
  ctx.reply().Integer(static_cast<int64_t>(*rank));
}

void ZRank(Context& ctx) { RankGeneric(ctx, false); }
void ZRevRank(Context& ctx) { RankGeneric(ctx, true); }

// --- the ZRANGE family
// ----------------------------------------------------------------------------

enum class RangeType { kAuto, kRank, kScore, kLex };
enum class Direction { kAuto, kForward, kReverse };

// ZRANGE and its variants, as Redis's zrangeGenericCommand: argv[src] is the source key, min and
// max follow, then the options. `dst` is the destination of ZRANGESTORE (empty otherwise). The
// command's own type and direction (ZRANGEBYSCORE, ZREVRANGE...) are fixed; ZRANGE takes them
// from BYSCORE / BYLEX / REV.
void RangeGeneric(Context& ctx, size_t src, std::string_view dst, RangeType type,
                  Direction direction) {
  bool store = !dst.empty();
  bool withscores = false;
  int64_t offset = 0, limit = -1;
  for (size_t j = src + 3; j < ctx.argv.size(); ++j) {
    std::string_view opt = ctx.argv[j];
    size_t left = ctx.argv.size() - j - 1;
    if (!store && base::EqualsIgnoreCase(opt, "withscores")) {
      withscores = true;
    } else if (base::EqualsIgnoreCase(opt, "limit") && left >= 2) {
      auto o = ParseLong(ctx.argv[j + 1]);
      auto l = o ? ParseLong(ctx.argv[j + 2]) : std::nullopt;
      if (!l) return ctx.Error(errors::kNotInteger);
      offset = *o;
      limit = *l;
      j += 2;
    } else if (direction == Direction::kAuto && base::EqualsIgnoreCase(opt, "rev")) {
      direction = Direction::kReverse;
    } else if (type == RangeType::kAuto && base::EqualsIgnoreCase(opt, "bylex")) {
      type = RangeType::kLex;
    } else if (type == RangeType::kAuto && base::EqualsIgnoreCase(opt, "byscore")) {
      type = RangeType::kScore;
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }
  if (direction == Direction::kAuto) direction = Direction::kForward;
  if (type == RangeType::kAuto) type = RangeType::kRank;
  // As in Redis, only LIMIT's count tells whether LIMIT was given.
  if (limit != -1 && type == RangeType::kRank) return ctx.Error(kLimitNeedsBy);
  if (withscores && type == RangeType::kLex) return ctx.Error(kWithScoresByLex);

  bool reverse = direction == Direction::kReverse;
  std::string_view min = ctx.argv[src + 1], max = ctx.argv[src + 2];
  if (reverse && type != RangeType::kRank) std::swap(min, max);  // given as max, min
  int64_t start = 0, end = 0;
  ScoreRange score_range;
  LexRange lex_range;
  if (type == RangeType::kRank) {
    auto s = ParseLong(min);
    auto e = s ? ParseLong(max) : std::nullopt;
    if (!e) return ctx.Error(errors::kNotInteger);
    start = *s;
    end = *e;
  } else if (type == RangeType::kScore) {
    if (!ParseScoreRange(min, max, &score_range)) return ctx.Error(kMinMaxNotFloat);
  } else if (!ParseLexRange(min, max, &lex_range)) {
    return ctx.Error(kMinMaxNotLex);
  }

  ZSetObject* zset = LookupZSet(ctx, ctx.argv[src]);
  if (ctx.failed) return;
  RankRange ranks;
  if (zset != nullptr) {
    size_t size = zset->size();
    if (type == RangeType::kRank) {
      ranks = RanksOfIndexes(start, end, size);
      if (reverse) ranks = FromTop(ranks, size);
    } else {
      ranks = type == RangeType::kScore ? zset->RanksInScoreRange(score_range)
                                        : zset->RanksInLexRange(lex_range);
      // LIMIT counts from the first member visited: the top when reversed. A negative offset
      // gives nothing and a negative count means all, as in Redis.
      if (offset < 0 || static_cast<uint64_t>(offset) >= ranks.size()) {
        ranks = {};
      } else if (reverse) {
        ranks.end -= offset;
        if (limit >= 0 && static_cast<uint64_t>(limit) < ranks.size()) {
          ranks.begin = ranks.end - limit;
        }
      } else {
        ranks.begin += offset;
        if (limit >= 0 && static_cast<uint64_t>(limit) < ranks.size()) {
          ranks.end = ranks.begin + limit;
        }
      }
    }
  }

  if (!store) {
    if (zset == nullptr) return ctx.reply().ArrayHeader(0);
    return ReplyRange(ctx, *zset, ranks, reverse, withscores);
  }
  store::ZSetLimits limits = Limits(ctx);
  auto result = std::make_unique<ZSetObject>(limits);
  if (zset != nullptr) {
    zset->Visit(ranks, reverse, [&](std::string_view member, double score) {
      result->Add(member, score, ZSetObject::kNone, limits);
      return true;
    });
  }
  StoreResult(ctx, dst, std::move(result), "zrangestore");
}

void ZRange(Context& ctx) { RangeGeneric(ctx, 1, {}, RangeType::kAuto, Direction::kAuto); }
void ZRangeStore(Context& ctx) {
  RangeGeneric(ctx, 2, ctx.argv[1], RangeType::kAuto, Direction::kAuto);
}
void ZRevRange(Context& ctx) { RangeGeneric(ctx, 1, {}, RangeType::kRank, Direction::kReverse); }
void ZRangeByScore(Context& ctx) {
  RangeGeneric(ctx, 1, {}, RangeType::kScore, Direction::kForward);
}
void ZRevRangeByScore(Context& ctx) {
  RangeGeneric(ctx, 1, {}, RangeType::kScore, Direction::kReverse);
}
void ZRangeByLex(Context& ctx) { RangeGeneric(ctx, 1, {}, RangeType::kLex, Direction::kForward); }
void ZRevRangeByLex(Context& ctx) {
  RangeGeneric(ctx, 1, {}, RangeType::kLex, Direction::kReverse);
}

// --- ZREMRANGEBY*
// ---------------------------------------------------------------------------------

void RemoveRangeGeneric(Context& ctx, RangeType type) {
  int64_t start = 0, end = 0;
  ScoreRange score_range;
  LexRange lex_range;
  std::string_view event;
  if (type == RangeType::kRank) {
    auto s = ParseLong(ctx.argv[2]);
    auto e = s ? ParseLong(ctx.argv[3]) : std::nullopt;
    if (!e) return ctx.Error(errors::kNotInteger);
    start = *s;
    end = *e;
    event = "zremrangebyrank";
  } else if (type == RangeType::kScore) {
    if (!ParseScoreRange(ctx.argv[2], ctx.argv[3], &score_range)) {
      return ctx.Error(kMinMaxNotFloat);
    }
    event = "zremrangebyscore";
  } else {
    if (!ParseLexRange(ctx.argv[2], ctx.argv[3], &lex_range)) return ctx.Error(kMinMaxNotLex);
    event = "zremrangebylex";
  }
  std::string_view key = ctx.argv[1];
  ZSetObject* zset = FindZSetForUpdate(ctx, key);
  if (zset == nullptr) {
    if (!ctx.failed) ctx.reply().Integer(0);
    return;
  }
  RankRange ranks = type == RangeType::kRank    ? RanksOfIndexes(start, end, zset->size())
                    : type == RangeType::kScore ? zset->RanksInScoreRange(score_range)
                                                : zset->RanksInLexRange(lex_range);
  size_t deleted = zset->RemoveRanks(ranks);
  if (deleted > 0) {
    ctx.Touched(key);
    ctx.Notify(ke::kZset, event, key);
    DeleteIfEmpty(ctx, key, zset);
    ctx.Dirty(deleted);
  }
  ctx.reply().Integer(static_cast<int64_t>(deleted));
}

void ZRemRangeByRank(Context& ctx) { RemoveRangeGeneric(ctx, RangeType::kRank); }
void ZRemRangeByScore(Context& ctx) { RemoveRangeGeneric(ctx, RangeType::kScore); }
void ZRemRangeByLex(Context& ctx) { RemoveRangeGeneric(ctx, RangeType::kLex); }

// --- ZPOPMIN / ZPOPMAX / ZMPOP
// --------------------------------------------------------------------

// How a pop replies (Redis's genericZpopCommand variants).
enum class PopReply {
  kFlat,         // ZPOPMIN key: [member, score, ...]
  kPairs,        // ZPOPMIN key count: RESP2 flat, RESP3 [[member, score], ...]
  kKeyFlat,      // BZPOPMIN: [key, member, score]
  kKeyAndPairs,  // ZMPOP, BZMPOP: [key, [[member, score], ...]]
};

// Pops up to `count` members (the highest when `max`) from the first non-empty sorted set among
// `keys` and replies in `shape`, with the zpopmin/zpopmax event (and "del" when the set empties).
// Returns false, without a reply, when every key is missing, and also after a WRONGTYPE reply
// for the first existing key of another type (ctx.failed tells the two apart). The blocking
// forms call this and block on false.
bool PopFirstNonEmpty(Context& ctx, std::span<const std::string_view> keys, bool max, size_t count,
                      PopReply shape) {
  std::string_view key;
  ZSetObject* zset = nullptr;
  for (std::string_view k : keys) {
    zset = FindZSetForUpdate(ctx, k);
    if (ctx.failed) return false;
    if (zset != nullptr) {
      key = k;
      break;
    }
  }
  if (zset == nullptr) return false;

  size_t n = std::min(count, zset->size());
  resp::ReplyBuilder& r = ctx.reply();
  bool pairs = shape == PopReply::kKeyAndPairs || (shape == PopReply::kPairs && r.protocol() >= 3);
  if (shape == PopReply::kKeyAndPairs) {
    r.ArrayHeader(2);
    r.Bulk(key);
    r.ArrayHeader(n);
  } else if (shape == PopReply::kKeyFlat) {
    r.ArrayHeader(1 + 2 * n);
    r.Bulk(key);
  } else {
    r.ArrayHeader(pairs ? n : 2 * n);
  }
  zset->Pop(n, max, [&](std::string_view member, double score) {
    if (pairs) r.ArrayHeader(2);
    r.Bulk(member);
    r.Double(score);
    return true;
  });
  ctx.Notify(ke::kZset, max ? "zpopmax" : "zpopmin", key);
  DeleteIfEmpty(ctx, key, zset);
  ctx.Touched(key);
  ctx.Dirty(n);
  return true;
}

// ZPOPMIN key [count] / ZPOPMAX key [count]
void PopMinMax(Context& ctx, bool max) {
  if (ctx.argv.size() > 3) return ctx.Error(errors::kSyntax);
  int64_t count = 1;
  if (ctx.argv.size() == 3) {
    auto c = ParseLong(ctx.argv[2]);
    if (!c || *c < 0) return ctx.Error(kMustBePositive);
    count = *c;
  }
  PopReply shape = ctx.argv.size() == 3 ? PopReply::kPairs : PopReply::kFlat;
  std::string_view key = ctx.argv[1];
  if (count == 0) {
    // Redis still checks the type first.
    LookupZSet(ctx, key);
    if (!ctx.failed) ctx.reply().ArrayHeader(0);
    return;
  }
  if (!PopFirstNonEmpty(ctx, {&key, 1}, max, static_cast<size_t>(count), shape) && !ctx.failed) {
    ctx.reply().ArrayHeader(0);
  }
}

void ZPopMin(Context& ctx) { PopMinMax(ctx, false); }
void ZPopMax(Context& ctx) { PopMinMax(ctx, true); }

// Parses "numkeys key... MIN|MAX [COUNT count]" from argv[first]; replies with the error and
// returns false when invalid.
bool ParseMPop(Context& ctx, size_t first, std::span<const std::string_view>* keys, bool* max,
               size_t* count) {
  auto numkeys = ParseLong(ctx.argv[first]);
  if (!numkeys || *numkeys < 1) {
    ctx.Error(kNumkeysPositive);
    return false;
  }
  size_t where = first + 1;
  if (static_cast<uint64_t>(*numkeys) >= ctx.argv.size() - where) {
    ctx.Error(errors::kSyntax);
    return false;
  }
  where += static_cast<size_t>(*numkeys);
  *keys = ctx.argv.subspan(first + 1, static_cast<size_t>(*numkeys));
  if (base::EqualsIgnoreCase(ctx.argv[where], "min")) {
    *max = false;
  } else if (base::EqualsIgnoreCase(ctx.argv[where], "max")) {
    *max = true;
  } else {
    ctx.Error(errors::kSyntax);
    return false;
  }
  *count = 1;
  bool have_count = false;
  for (size_t j = where + 1; j < ctx.argv.size(); ++j) {
    if (!have_count && base::EqualsIgnoreCase(ctx.argv[j], "count") && j + 1 < ctx.argv.size()) {
      auto c = ParseLong(ctx.argv[++j]);
      if (!c || *c < 1) {
        ctx.Error(kCountPositive);
        return false;
      }
      *count = static_cast<size_t>(*c);
      have_count = true;
    } else {
      ctx.Error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

// BZPOPMIN / BZPOPMAX key [key ...] timeout
void BlockingPopMinMax(Context& ctx, bool max) {
  int64_t deadline;
  if (!ParseBlockTimeout(ctx, ctx.argv.back(), &deadline)) return;
  ServeOrBlock(ctx, ctx.argv.subspan(1, ctx.argv.size() - 2), deadline, store::ValueType::kZSet,
               [&](std::span<const std::string_view> keys) {
                 return PopFirstNonEmpty(ctx, keys, max, 1, PopReply::kKeyFlat) || ctx.failed;
               });
}
void BZPopMin(Context& ctx) { BlockingPopMinMax(ctx, false); }
void BZPopMax(Context& ctx) { BlockingPopMinMax(ctx, true); }

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
void BZMPop(Context& ctx) {
  int64_t deadline;
  if (!ParseBlockTimeout(ctx, ctx.argv[1], &deadline)) return;
  std::span<const std::string_view> keys;
  bool max = false;
  size_t count = 1;
  if (!ParseMPop(ctx, 2, &keys, &max, &count)) return;
  ServeOrBlock(
      ctx, keys, deadline, store::ValueType::kZSet, [&](std::span<const std::string_view> ready) {
        return PopFirstNonEmpty(ctx, ready, max, count, PopReply::kKeyAndPairs) || ctx.failed;
      });
}

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
void ZMPop(Context& ctx) {
  std::span<const std::string_view> keys;
  bool max = false;
  size_t count = 1;
  if (!ParseMPop(ctx, 1, &keys, &max, &count)) return;
  if (!PopFirstNonEmpty(ctx, keys, max, count, PopReply::kKeyAndPairs) && !ctx.failed) {
    ctx.reply().NullArray();
  }
}

}  // namespace

void RegisterSortedSetCommands(CommandTable& table) {
  constexpr std::string_view kGroup = "sorted-set";
  constexpr uint64_t kAcl = kAclSortedSet;
  const uint32_t kRead = kReadonly;
  const uint32_t kReadFast = kReadonly | kFast;
  table.Register({
      {"zadd", -4, kWrite | kDenyOom | kFast, 1, 1, 1, kAcl, ZAdd, kGroup,
       "Add one or more members to a sorted set, or update its score if it already exists", "1.2.0",
       "RW UPDATE"},
      {"zincrby", 4, kWrite | kDenyOom | kFast, 1, 1, 1, kAcl, ZIncrBy, kGroup,
       "Increment the score of a member in a sorted set", "1.2.0", "RW ACCESS UPDATE"},
      {"zrem", -3, kWrite | kFast, 1, 1, 1, kAcl, ZRem, kGroup,
       "Remove one or more members from a sorted set", "1.2.0", "RW DELETE"},
      {"zcard", 2, kReadFast, 1, 1, 1, kAcl, ZCard, kGroup,
       "Get the number of members in a sorted set", "1.2.0", "RO"},
      {"zcount", 4, kReadFast, 1, 1, 1, kAcl, ZCount, kGroup,
       "Count the members in a sorted set with scores within the given values", "2.0.0",
       "RO ACCESS"},
      {"zlexcount", 4, kReadFast, 1, 1, 1, kAcl, ZLexCount, kGroup,
       "Count the number of members in a sorted set between a given lexicographical range", "2.8.9",
       "RO ACCESS"},
      {"zscore", 3, kReadFast, 1, 1, 1, kAcl, ZScore, kGroup,
       "Get the score associated with the given member in a sorted set", "1.2.0", "RO ACCESS"},
      {"zmscore", -3, kReadFast, 1, 1, 1, kAcl, ZMScore, kGroup,
       "Get the score associated with the given members in a sorted set", "6.2.0", "RO ACCESS"},
      {"zrank", 3, kReadFast, 1, 1, 1, kAcl, ZRank, kGroup,
       "Determine the index of a member in a sorted set", "2.0.0", "RO ACCESS"},
      {"zrevrank", 3, kReadFast, 1, 1, 1, kAcl, ZRevRank, kGroup,
       "Determine the index of a member in a sorted set, with scores ordered from high to low",
       "2.0.0", "RO ACCESS"},
      {"zrange", -4, kRead, 1, 1, 1, kAcl, ZRange, kGroup,
       "Return a range of members in a sorted set", "1.2.0", "RO ACCESS"},
      // Two keys with different key specs; key_flags holds the first (destination) key's.
      {"zrangestore", -5, kWrite | kDenyOom, 1, 2, 1, kAcl, ZRangeStore, kGroup,
       "Store a range of members from sorted set into another key", "6.2.0", "OW UPDATE"},
      {"zrangebyscore", -4, kRead, 1, 1, 1, kAcl, ZRangeByScore, kGroup,
       "Return a range of members in a sorted set, by score", "1.0.5", "RO ACCESS"},
      {"zrevrangebyscore", -4, kRead, 1, 1, 1, kAcl, ZRevRangeByScore, kGroup,
       "Return a range of members in a sorted set, by score, with scores ordered from high to "
       "low",
       "2.2.0", "RO ACCESS"},
      {"zrangebylex", -4, kRead, 1, 1, 1, kAcl, ZRangeByLex, kGroup,
       "Return a range of members in a sorted set, by lexicographical range", "2.8.9", "RO ACCESS"},
      {"zrevrangebylex", -4, kRead, 1, 1, 1, kAcl, ZRevRangeByLex, kGroup,
       "Return a range of members in a sorted set, by lexicographical range, ordered from higher "
       "to lower strings.",
       "2.8.9", "RO ACCESS"},
      {"zrevrange", -4, kRead, 1, 1, 1, kAcl, ZRevRange, kGroup,
       "Return a range of members in a sorted set, by index, with scores ordered from high to "
       "low",
       "1.2.0", "RO ACCESS"},
      {"zremrangebyrank", 4, kWrite, 1, 1, 1, kAcl, ZRemRangeByRank, kGroup,
       "Remove all members in a sorted set within the given indexes", "2.0.0", "RW DELETE"},
      {"zremrangebyscore", 4, kWrite, 1, 1, 1, kAcl, ZRemRangeByScore, kGroup,
       "Remove all members in a sorted set within the given scores", "1.2.0", "RW DELETE"},
      {"zremrangebylex", 4, kWrite, 1, 1, 1, kAcl, ZRemRangeByLex, kGroup,
       "Remove all members in a sorted set between the given lexicographical range", "2.8.9",
       "RW DELETE"},
      {"zpopmin", -2, kWrite | kFast, 1, 1, 1, kAcl, ZPopMin, kGroup,
       "Remove and return members with the lowest scores in a sorted set", "5.0.0",
       "RW ACCESS DELETE"},
      {"zpopmax", -2, kWrite | kFast, 1, 1, 1, kAcl, ZPopMax, kGroup,
       "Remove and return members with the highest scores in a sorted set", "5.0.0",
       "RW ACCESS DELETE"},
      {"bzpopmin", -3, kWrite | kNoScript | kBlocking | kFast, 1, -2, 1, kAcl, BZPopMin, kGroup,
       "Remove and return the member with the lowest score from one or more sorted sets, or block "
       "until one is available",
       "5.0.0", "RW ACCESS DELETE"},
      {"bzpopmax", -3, kWrite | kNoScript | kBlocking | kFast, 1, -2, 1, kAcl, BZPopMax, kGroup,
       "Remove and return the member with the highest score from one or more sorted sets, or "
       "block until one is available",
       "5.0.0", "RW ACCESS DELETE"},
      {.name = "bzmpop",
       .arity = -5,
       .flags = kWrite | kBlocking,
       .first_key = 0,
       .last_key = 0,
       .step = 0,
       .acl = kAcl,
       .handler = BZMPop,
       .group = kGroup,
       .summary = "Remove and return members with scores in a sorted set or block until one is "
                  "available",
       .since = "7.0.0",
       .key_flags = "RW ACCESS DELETE",
       .key_finder = KeysAfterNumkeysAt<2>},
      {.name = "zmpop",
       .arity = -4,
       .flags = kWrite,
       .first_key = 0,
       .last_key = 0,
       .step = 0,
       .acl = kAcl,
       .handler = ZMPop,
       .group = kGroup,
       .summary = "Remove and return members with scores in a sorted set",
       .since = "7.0.0",
       .key_flags = "RW ACCESS DELETE",
       .key_finder = KeysAfterNumkeysAt<1>},
      {"zrandmember", -2, kRead, 1, 1, 1, kAcl, zset::ZRandMember, kGroup,
       "Get one or multiple random elements from a sorted set", "6.2.0", "RO ACCESS"},
      {.name = "zunion",
       .arity = -3,
       .flags = kRead,
       .first_key = 0,
       .last_key = 0,
       .step = 0,
       .acl = kAcl,
       .handler = zset::ZUnion,
       .group = kGroup,
       .summary = "Add multiple sorted sets",
       .since = "6.2.0",
       .key_flags = "RO ACCESS",
       .key_finder = KeysAfterNumkeysAt<1>},
      {.name = "zinter",
       .arity = -3,
       .flags = kRead,
       .first_key = 0,
       .last_key = 0,
       .step = 0,
       .acl = kAcl,
       .handler = zset::ZInter,
       .group = kGroup,
       .summary = "Intersect multiple sorted sets",
       .since = "6.2.0",
       .key_flags = "RO ACCESS",
       .key_finder = KeysAfterNumkeysAt<1>},
      {.name = "zdiff",
       .arity = -3,
       .flags = kRead,
       .first_key = 0,
       .last_key = 0,
       .step = 0,
       .acl = kAcl,
       .handler = zset::ZDiff,
       .group = kGroup,
       .summary = "Subtract multiple sorted sets",
       .since = "6.2.0",
       .key_flags = "RO ACCESS",
       .key_finder = KeysAfterNumkeysAt<1>},
      {.name = "zunionstore",
       .arity = -4,
       .flags = kWrite | kDenyOom,
       .first_key = 1,
       .last_key = 1,
       .step = 1,
       .acl = kAcl,
       .handler = zset::ZUnionStore,
       .group = kGroup,
       .summary = "Add multiple sorted sets and store the resulting sorted set in a new key",
       .since = "2.0.0",
       .key_flags = "OW UPDATE",
       .key_finder = zset::DestinationAndKeys},
      {.name = "zinterstore",
       .arity = -4,
       .flags = kWrite | kDenyOom,
       .first_key = 1,
       .last_key = 1,
       .step = 1,
       .acl = kAcl,
       .handler = zset::ZInterStore,
       .group = kGroup,
       .summary = "Intersect multiple sorted sets and store the resulting sorted set in a new key",
       .since = "2.0.0",
       .key_flags = "OW UPDATE",
       .key_finder = zset::DestinationAndKeys},
      {.name = "zdiffstore",
       .arity = -4,
       .flags = kWrite | kDenyOom,
       .first_key = 1,
       .last_key = 1,
       .step = 1,
       .acl = kAcl,
       .handler = zset::ZDiffStore,
       .group = kGroup,
       .summary = "Subtract multiple sorted sets and store the resulting sorted set in a new key",
       .since = "6.2.0",
       .key_flags = "OW UPDATE",
       .key_finder = zset::DestinationAndKeys},
      {.name = "zintercard",
       .arity = -3,
       .flags = kRead,
       .first_key = 0,
       .last_key = 0,
       .step = 0,
       .acl = kAcl,
       .handler = zset::ZInterCard,
       .group = kGroup,
       .summary = "Intersect multiple sorted sets and return the cardinality of the result",
       .since = "7.0.0",
       .key_flags = "RO ACCESS",
       .key_finder = KeysAfterNumkeysAt<1>},
      {"zscan", -3, kRead, 1, 1, 1, kAcl, zset::ZScan, kGroup,
       "Incrementally iterate sorted sets elements and associated scores", "2.8.0", "RO ACCESS"},
  });
}

}  // namespace tandem::commands
