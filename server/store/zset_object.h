#pragma once
// ZSetObject: the value of a sorted set key (TYPE "zset"): unique members (byte strings), each with
// a double score, ordered by score and then by member bytes (memcmp, a prefix first). Scores are
// never NaN; -0.0 and 0.0 compare equal (the sign of a stored zero is kept for replies).
//
// Encodings, as Redis 7.0 reports them in OBJECT ENCODING:
//   "listpack": member, score, member, score... in one Listpack, in order; scores stored as their
//               shortest round-trip text. Operations are O(n); used while the set has at most
//               max_listpack_entries members of at most max_listpack_value bytes each.
//   "skiplist": a ZSkipList (spans + member index, zset_skiplist.h); O(log n) operations.
// A set converts to "skiplist" when an Add would break a limit (checked before adding, as Redis
// does) and never converts back.
//
// Positions are 0-based ranks in ascending order. Range queries work in two steps: turn a score
// or lex interval into a rank interval [begin, end) (O(log n)), then visit or remove ranks (O(log n
// + k)). Reverse ranges visit the same rank intervals from the top.
//
// Member views handed to visitors point into the set and stay valid only until it changes.
// Not thread-safe.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "server/store/listpack.h"
#include "server/store/object.h"
#include "server/store/zset_skiplist.h"

namespace tandem::store {

// The encoding limits (zset-max-listpack-entries / zset-max-listpack-value), read by the caller
// from the configuration at the time of each write.
struct ZSetLimits {
  size_t max_listpack_entries = 128;
  size_t max_listpack_value = 64;
};

// A score interval, each end inclusive or exclusive (ZRANGEBYSCORE's "(" prefix).
struct ScoreRange {
  double min = 0, max = 0;
  bool min_exclusive = false, max_exclusive = false;

  bool AboveMin(double score) const { return min_exclusive ? score > min : score >= min; }
  bool BelowMax(double score) const { return max_exclusive ? score < max : score <= max; }
};

// A member interval for the lex commands: each end is "-" (below everything), "+" (above
// everything), or a member value, inclusive ("[") or exclusive ("(").
struct LexBound {
  enum class Kind : uint8_t { kInclusive, kExclusive, kMinusInfinity, kPlusInfinity };
  Kind kind = Kind::kMinusInfinity;
  std::string_view value;  // for kInclusive / kExclusive
};
struct LexRange {
  LexBound min, max;

  bool AboveMin(std::string_view member) const;
  bool BelowMax(std::string_view member) const;
};

// A half-open interval of ranks.
struct RankRange {
  size_t begin = 0, end = 0;
  size_t size() const { return end - begin; }
};

// A non-owning callable reference: bool(std::string_view member, double score), returning false
// to stop a visit.
class ZSetVisitor {
 public:
  template <typename Fn,
            typename = std::enable_if_t<!std::is_same_v<std::decay_t<Fn>, ZSetVisitor>>>
  ZSetVisitor(Fn&& fn)  // NOLINT(google-explicit-constructor): pass lambdas directly
      : object_(const_cast<void*>(static_cast<const void*>(&fn))),
        call_([](void* object, std::string_view member, double score) {
          return (*static_cast<std::remove_reference_t<Fn>*>(object))(member, score);
        }) {}
  bool operator()(std::string_view member, double score) const {
    return call_(object_, member, score);
  }

 private:
  void* object_;
  bool (*call_)(void*, std::string_view, double);
};

class ZSetObject final : public Object {
 public:
  // ZADD's conditions (combinable as ZADD allows; the caller rejects NX with XX/GT/LT).
  enum AddFlags : uint8_t {
    kNone = 0,
    kNx = 1 << 0,    // only add new members
    kXx = 1 << 1,    // only update existing members
    kGt = 1 << 2,    // update only when the new score is greater
    kLt = 1 << 3,    // update only when the new score is less
    kIncr = 1 << 4,  // `score` is an increment to the current score (0 for a new member)
  };
  enum class AddOutcome : uint8_t {
    kAdded,      // a new member
    kUpdated,    // an existing member's score changed
    kUnchanged,  // an existing member, same score (score holds it)
    kSkipped,    // a condition (NX, XX, GT, LT) stopped the write
    kNan,        // INCR produced NaN; nothing changed
  };
  struct AddResult {
    AddOutcome outcome;
    double score;  // the member's score after the call (meaningless for kSkipped and kNan)
  };

  // An empty set in the "listpack" encoding, or "skiplist" when limits allow no listpack at all.
  explicit ZSetObject(const ZSetLimits& limits);
  ZSetObject(const ZSetObject& other);
  ZSetObject& operator=(const ZSetObject&) = delete;

  ValueType type() const override { return ValueType::kZSet; }
  std::string_view encoding() const override { return is_listpack() ? "listpack" : "skiplist"; }
  std::unique_ptr<Object> Clone() const override;

  bool is_listpack() const { return skiplist_ == nullptr; }
  size_t size() const;
  bool empty() const { return size() == 0; }

  // Adds `member` or updates its score under `flags` (see AddFlags); `score` must not be NaN.
  // Converts to "skiplist" first when a new member would break `limits`.
  AddResult Add(std::string_view member, double score, uint8_t flags, const ZSetLimits& limits);
  // Removes `member`; false when absent.
  bool Remove(std::string_view member);

  std::optional<double> Score(std::string_view member) const;
  // The 0-based rank of `member` in ascending order (descending when `reverse`).
  std::optional<size_t> Rank(std::string_view member, bool reverse) const;

  // The ranks of the members whose scores / members lie in `range`. A lex range assumes equal
  // scores, as ZRANGEBYLEX does (with mixed scores the result is well defined but meaningless).
  RankRange RanksInScoreRange(const ScoreRange& range) const;
  RankRange RanksInLexRange(const LexRange& range) const;

  // Visits the members of ranks [begin, end) ascending, or descending when `reverse`, until the
  // visitor returns false. Ranks past the end are ignored.
  void Visit(RankRange ranks, bool reverse, ZSetVisitor visit) const;
  void ForEach(ZSetVisitor visit) const { Visit({0, size()}, false, visit); }
  // The member and score at `rank` (< size()).
  std::pair<std::string_view, double> At(size_t rank) const;

  // Removes ranks [begin, end); returns how many were removed.
  size_t RemoveRanks(RankRange ranks);
  // Visits, then removes, the `count` lowest members (highest when `max`, visited from the top).
  // Returns how many were popped; the visitor should return true (false only stops the visit).
  size_t Pop(size_t count, bool max, ZSetVisitor visit);

  // One ZSCAN step: visits some members and returns the next cursor (0 when done). A listpack set
  // is visited whole in the first call. Members present for the whole scan are visited at least
  // once.
  uint64_t Scan(uint64_t cursor, ZSetVisitor visit) const;

  // Converts a "listpack" set to "skiplist" (requires is_listpack()). Writes convert on their
  // own; SORT calls this because Redis 7.0 converts every sorted set it reads.
  void ConvertToSkiplist();

 private:
  // Listpack helpers: entry positions of a member (end() when absent), score parsing and the
  // insertion of a member at its ordered place.
  size_t ListpackFind(std::string_view member) const;
  double ListpackScore(size_t member_pos) const;
  void ListpackInsert(std::string_view member, double score);

  Listpack listpack_;
  std::unique_ptr<ZSkipList> skiplist_;  // set: "skiplist" encoding
};

}  // namespace tandem::store
