#pragma once
// Stream: the value of a Redis stream (OBJECT ENCODING "stream"): entries (an ID and field/value
// pairs) in ascending ID order, packed in StreamBlocks (see stream_block.h) indexed by their master
// ID, plus Redis 7.0's metadata (length, last generated ID, recorded first ID, maximal deleted
// ID, entries added) and the consumer groups (stream_group.h), ordered by name.
//
// Node sizes come from stream-node-max-bytes / stream-node-max-entries, passed in StreamLimits by
// the commands layer on each append (the store reads no config). Times are passed in as well.
//
// Views (StreamEntry, StreamIterator) stay valid until the stream changes.
// Owner: the keyspace Entry holding it; server thread only.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "server/store/object.h"
#include "server/store/stream_block.h"
#include "server/store/stream_group.h"
#include "server/store/stream_id.h"

namespace tandem::store {

// stream-node-max-bytes and stream-node-max-entries (0: no limit, as in Redis).
struct StreamLimits {
  size_t node_max_bytes = 4096;
  size_t node_max_entries = 100;
};

// A read-only view of one entry.
class StreamEntry {
 public:
  StreamId id() const { return id_; }
  size_t field_count() const { return field_count_; }
  // Calls fn(field, value) for each pair in order; the views live only during the call.
  template <typename Fn>
  void ForEachField(Fn&& fn) const {
    stream_codec::TextBuffer field_buf;
    stream_codec::TextBuffer value_buf;
    const char* f = master_fields_;
    const char* p = body_;
    for (size_t i = 0; i < field_count_; ++i) {
      std::string_view field = same_fields_ ? stream_codec::ReadText(f, field_buf)
                                            : stream_codec::ReadText(p, field_buf);
      std::string_view value = stream_codec::ReadText(p, value_buf);
      fn(field, value);
    }
  }

 private:
  friend class StreamIterator;
  friend class Stream;
  StreamEntry() = default;

  StreamId id_;
  size_t field_count_ = 0;
  const char* master_fields_ = nullptr;  // the block's master field names
  const char* body_ = nullptr;
  bool same_fields_ = false;
};

class Stream;

// Walks the live entries with start <= id <= end, ascending or (reverse) descending:
//   for (StreamIterator it(s, a, b, false); it.Next();) use(it.entry());
class StreamIterator {
 public:
  StreamIterator(const Stream& stream, StreamId start, StreamId end, bool reverse);
  // Moves to the next live entry in range; false when there is none.
  bool Next();
  // The current entry (after Next() returned true).
  const StreamEntry& entry() const { return entry_; }

 private:
  // Points block_/offset_ at the current block's first (or, reverse, last) candidate entry.
  void EnterBlock();

  using Blocks = std::map<StreamId, StreamBlock>;
  const Blocks* blocks_;
  StreamId start_;
  StreamId end_;
  bool reverse_;
  bool started_ = false;
  bool done_ = false;
  Blocks::const_iterator block_;
  size_t offset_ = 0;              // forward: the next entry's offset in the block
  std::vector<uint32_t> offsets_;  // reverse: the current block's entry offsets; pop from back
  StreamEntry entry_;
};

// Why XADD cannot add with the requested ID (the commands layer owns the error texts).
enum class XAddError : uint8_t {
  kZeroId,      // explicit 0-0 ("must be greater than 0-0")
  kExhausted,   // the last ID is already the maximum ("exhausted the last possible ID")
  kNotGreater,  // not greater than the last ID ("equal or smaller than the target stream top")
  kTooLarge,    // fields and values above 1 GB in total ("Elements are too large to be stored")
};
struct XAddResult {
  StreamId id;
  std::optional<XAddError> error;
  bool ok() const { return !error.has_value(); }
};

// XTRIM / XADD trimming.
enum class TrimStrategy : uint8_t { kMaxLen, kMinId };
struct TrimSpec {
  TrimStrategy strategy = TrimStrategy::kMaxLen;
  uint64_t max_len = 0;  // kMaxLen: keep at most this many entries
  StreamId min_id;       // kMinId: remove entries with smaller IDs
  bool approx = false;   // "~": remove whole blocks only
  // Stop before a block whose live entries would take the removed count past this (0: no limit;
  // Redis passes 100 * stream-node-max-entries for "~" without LIMIT, and 0 for "=").
  uint64_t limit = 0;
};

// Why XSETID refuses.
enum class SetIdError : uint8_t {
  kBelowMaxDeleted,   // id < the given max_deleted_entry_id
  kBelowTop,          // id < the last live entry's ID
  kAddedBelowLength,  // entries_added < length
};

class Stream final : public Object {
 public:
  using Groups = std::map<std::string, ConsumerGroup, std::less<>>;

  Stream() = default;
  Stream(const Stream& other);
  Stream& operator=(const Stream&) = delete;

  ValueType type() const override { return ValueType::kStream; }
  std::string_view encoding() const override { return "stream"; }
  std::unique_ptr<Object> Clone() const override;

  // --- metadata (XINFO STREAM) ---
  uint64_t length() const { return length_; }
  bool empty() const { return length_ == 0; }
  StreamId last_id() const { return last_id_; }             // last-generated-id
  StreamId first_id() const { return first_id_; }           // recorded-first-entry-id (0-0: empty)
  StreamId max_deleted_id() const { return max_deleted_; }  // max-deleted-entry-id
  uint64_t entries_added() const { return entries_added_; }
  size_t block_count() const { return blocks_.size(); }  // radix-tree-keys

  // --- adding ---
  // The ID XADD would give an entry for `spec` at time now_ms: "*" takes max(now_ms, last ms)
  // (last ID + 1 when now_ms is not past it); "ms-*" takes ms with seq 0, or last seq + 1 when ms
  // is the last ID's ms; an explicit ID must be greater than the last ID. Does not change the
  // stream.
  XAddResult NextAddId(const XAddId& spec, uint64_t now_ms) const;
  // Appends an entry with `id` (> last_id()), fields_and_values = f1, v1, f2, v2... (even, >= 2),
  // opening a new block when the tail one is full per `limits`. Updates length, last ID, entries
  // added and (for the first entry) the first ID.
  void Append(StreamId id, std::span<const std::string_view> fields_and_values,
              const StreamLimits& limits);
  // NextAddId, then Append when it succeeds (and the payload is not too large).
  XAddResult Add(const XAddId& spec, uint64_t now_ms,
                 std::span<const std::string_view> fields_and_values, const StreamLimits& limits);

  // --- reading ---
  std::optional<StreamEntry> Find(StreamId id) const;
  bool Contains(StreamId id) const { return Find(id).has_value(); }
  std::optional<StreamEntry> FirstEntry() const;
  std::optional<StreamEntry> LastEntry() const;
  // Calls fn(const StreamEntry&) for the live entries with start <= id <= end, ascending (reverse:
  // descending), at most `count` (0: no limit); fn may return bool, false to stop. Returns the
  // number of entries passed to fn.
  template <typename Fn>
  size_t Range(StreamId start, StreamId end, size_t count, bool reverse, Fn&& fn) const {
    size_t n = 0;
    for (StreamIterator it(*this, start, end, reverse); (count == 0 || n < count) && it.Next();) {
      ++n;
      if constexpr (std::is_same_v<std::invoke_result_t<Fn, const StreamEntry&>, bool>) {
        if (!fn(it.entry())) break;
      } else {
        fn(it.entry());
      }
    }
    return n;
  }

  // --- removing ---
  // XDEL of one ID: marks it deleted (freeing its block when that was the block's last live
  // entry); updates length, first ID and the maximal deleted ID. Returns false if absent.
  bool Delete(StreamId id);
  // XTRIM: removes entries from the front as `spec` says; returns how many. Updates length and
  // first ID (not the maximal deleted ID, as in Redis).
  uint64_t Trim(const TrimSpec& spec);

  // --- XSETID ---
  // Sets the last ID, and entries_added / max deleted ID when given (a zero max_deleted is
  // ignored, as in Redis). Checks in Redis's order: id >= max_deleted, then (non-empty stream)
  // id >= the last live entry's ID and entries_added >= length.
  std::optional<SetIdError> SetId(StreamId id, std::optional<uint64_t> entries_added,
                                  std::optional<StreamId> max_deleted);

  // --- loading (RDB, RESTORE) ---
  // Sets the metadata Redis stores beside the entries, as given, after the entries were appended
  // (Append sets the length). The loader checks what the store relies on (last_id >= the last
  // live entry's ID); first_id, max_deleted and entries_added only feed the lag arithmetic.
  void RestoreMetadata(StreamId last_id, StreamId first_id, StreamId max_deleted,
                       uint64_t entries_added);

  // --- consumer groups ---
  const Groups& groups() const { return groups_; }
  ConsumerGroup* FindGroup(std::string_view name);
  const ConsumerGroup* FindGroup(std::string_view name) const;
  // XGROUP CREATE: null when a group of that name exists.
  ConsumerGroup* CreateGroup(std::string_view name, StreamId last_id, int64_t entries_read);
  // XGROUP DESTROY: false when absent.
  bool DestroyGroup(std::string_view name);

  // --- Redis 7.0's lag arithmetic ---
  // Whether an entry was deleted (a tombstone) with start <= ID <= end (null: unbounded), judged
  // by the maximal deleted ID as Redis's streamRangeHasTombstones does.
  bool RangeHasTombstones(std::optional<StreamId> start, std::optional<StreamId> end) const;
  // The logical read counter of `id` (entries from the first ever added up to it), or
  // ConsumerGroup::kInvalidEntriesRead when it cannot be known (streamEstimateDistanceFrom-
  // FirstEverEntry).
  int64_t EstimateDistanceFromFirstEverEntry(StreamId id) const;
  // XINFO GROUPS "lag": entries not yet delivered to the group, or nullopt when unknown.
  std::optional<int64_t> GroupLag(const ConsumerGroup& group) const;
  // XREADGROUP delivering `id` (> group.last_id) with ">": advances entries_read as Redis does
  // (by one when valid and no tombstone follows, else re-estimated) and sets last_id.
  void AdvanceGroup(ConsumerGroup& group, StreamId id) const;

  // For memory tests and XINFO: bytes in block buffers.
  size_t block_bytes() const;

 private:
  friend class StreamIterator;
  using Blocks = std::map<StreamId, StreamBlock>;

  // The first / last live entry's ID (the stream must not be empty).
  StreamId FirstLiveId() const;
  StreamId LastLiveId() const;

  Blocks blocks_;
  uint64_t length_ = 0;
  StreamId last_id_;
  StreamId first_id_;
  StreamId max_deleted_;
  uint64_t entries_added_ = 0;
  Groups groups_;
};

}  // namespace tandem::store
