#pragma once
// StreamId: the ID of a stream entry, "ms-seq" (two unsigned 64-bit numbers), ordered by ms then
// seq. Also the pure parsers for the ID forms Redis 7.0 accepts in each command position, and the
// "ms-seq" formatter. No allocation except ToString(). Thread-safe (pure functions).

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tandem::store {

struct StreamId {
  uint64_t ms = 0;
  uint64_t seq = 0;

  static constexpr StreamId Min() { return {0, 0}; }
  static constexpr StreamId Max() { return {UINT64_MAX, UINT64_MAX}; }

  friend constexpr auto operator<=>(const StreamId&, const StreamId&) = default;
  friend constexpr bool operator==(const StreamId&, const StreamId&) = default;

  constexpr bool IsZero() const { return ms == 0 && seq == 0; }
  // The smallest ID greater than this one (seq + 1, or ms + 1 with seq 0 when seq is at its
  // maximum); nullopt for Max().
  std::optional<StreamId> Next() const;
  // The greatest ID smaller than this one; nullopt for Min() (0-0).
  std::optional<StreamId> Prev() const;

  // Room for "18446744073709551615-18446744073709551615".
  static constexpr size_t kMaxText = 41;
  // Writes "ms-seq" into `buf` and returns a view of it.
  std::string_view Format(char (&buf)[kMaxText]) const;
  std::string ToString() const;
};

// Why an ID argument was rejected. The commands layer maps each to Redis's error text.
enum class StreamIdError : uint8_t {
  kInvalid,       // not an ID of an accepted form ("ERR Invalid stream ID specified as ...")
  kNoStartAfter,  // "(" start bound that is already the maximum ID: no ID can follow it
  kNoEndBefore,   // "(" end bound that is 0-0: no ID can precede it
};

// A parse result: the ID, or why there is none.
struct ParsedStreamId {
  StreamId id;
  std::optional<StreamIdError> error;
  bool ok() const { return !error.has_value(); }
};

// Which seq a bare "ms" gets: 0 where the ID starts a range, UINT64_MAX where it ends one.
enum class MissingSeq : uint8_t { kZero, kMax };

// The general form (XRANGE bounds, XPENDING bounds, XAUTOCLAIM start, XGROUP SETID...): "ms-seq",
// "ms" (seq from `missing`), "-" (0-0) and "+" (the maximum ID). Each number is an unsigned 64-bit
// decimal as Redis's string2ull reads it. Texts longer than 127 bytes are invalid.
std::optional<StreamId> ParseStreamId(std::string_view text, MissingSeq missing);
// The strict form (XREAD, XDEL, XACK, XCLAIM, XSETID, XGROUP CREATE ids...): as above but "-" and
// "+" are rejected.
std::optional<StreamId> ParseStrictStreamId(std::string_view text, MissingSeq missing);

// A range bound of XRANGE / XREVRANGE / XPENDING: the general form, or "(" followed by a strict ID,
// which excludes that ID (the bound moves to Next() for a start, Prev() for an end; failing that,
// kNoStartAfter / kNoEndBefore). A bare "ms" gets seq 0 as a start and UINT64_MAX as an end.
enum class RangeBound : uint8_t { kStart, kEnd };
ParsedStreamId ParseRangeBound(std::string_view text, RangeBound bound);

// XADD's ID argument: "*" (all automatic), "ms-*" (automatic seq), or a strict explicit ID ("ms"
// alone means "ms-0"). Interpreted against a stream by Stream::NextAddId.
struct XAddId {
  StreamId id;            // the explicit part (ms; and seq when seq_given)
  bool auto_ms = false;   // "*"
  bool seq_given = true;  // false for "*" and "ms-*"
};
std::optional<XAddId> ParseXAddId(std::string_view text);

}  // namespace tandem::store
