#pragma once
// Consumer groups of a stream (Redis 7.0 semantics): a group's last delivered ID and logical read
// counter, its pending entries list (PEL: delivered but not acknowledged IDs, each owned by one
// consumer), and its consumers, each with its own PEL (the IDs it owns). Every PendingEntry is in
// the group PEL and in exactly its owner's PEL; the methods below keep the two in step.
//
// Times are milliseconds passed in by the caller (the command's time snapshot): the store has no
// clock. The group does not see the stream's entries: operations that depend on them (lag,
// XAUTOCLAIM's existence check) take the stream or a predicate (see stream.h).
//
// Owner: the Stream holding the group; server thread only. Consumer pointers stay valid until that
// consumer is deleted (std::map nodes are stable).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/store/stream_id.h"

namespace tandem::store {

struct StreamConsumer;

// One delivered, unacknowledged entry (Redis's streamNACK).
struct PendingEntry {
  uint64_t delivery_time_ms = 0;  // last delivery; idle = now - this
  uint64_t delivery_count = 0;
  StreamConsumer* consumer = nullptr;  // owner; never null inside a group
};

struct StreamConsumer {
  std::string name;
  uint64_t seen_time_ms = 0;   // last time the consumer was named by a command (7.0 "seen-time")
  std::set<StreamId> pending;  // the IDs this consumer owns in the group PEL
};

// XPENDING's summary form.
struct PendingSummary {
  size_t count = 0;
  StreamId min;  // valid when count > 0
  StreamId max;
  // Consumers owning at least one entry, in name order, with their entry counts.
  std::vector<std::pair<std::string_view, size_t>> consumers;
};

// XAUTOCLAIM's scan result (see ConsumerGroup::AutoClaim).
struct AutoClaimResult {
  std::vector<StreamId> claimed;  // now owned by the claiming consumer, in ID order
  // Entries dropped from the PEL because the stream no longer holds them, with their state just
  // before removal (consumer set to null), for propagation.
  std::vector<std::pair<StreamId, PendingEntry>> deleted;
  StreamId next_cursor;  // 0-0 when the scan reached the end of the PEL
};

class ConsumerGroup {
 public:
  // The entries_read value meaning "unknown" (Redis's SCG_INVALID_ENTRIES_READ).
  static constexpr int64_t kInvalidEntriesRead = -1;

  using Pel = std::map<StreamId, PendingEntry>;
  using Consumers = std::map<std::string, StreamConsumer, std::less<>>;

  ConsumerGroup(StreamId last_id, int64_t entries_read)
      : last_id(last_id), entries_read(entries_read) {}
  // Deep copy: consumers and PEL are rebuilt with pointers into the copy.
  ConsumerGroup(const ConsumerGroup& other);
  ConsumerGroup& operator=(const ConsumerGroup&) = delete;

  StreamId last_id;      // last ID delivered with ">" (or set by XGROUP SETID)
  int64_t entries_read;  // logical read counter, or kInvalidEntriesRead

  const Pel& pel() const { return pel_; }
  const Consumers& consumers() const { return consumers_; }

  // --- consumers ---
  StreamConsumer* FindConsumer(std::string_view name);
  const StreamConsumer* FindConsumer(std::string_view name) const;
  // The consumer called `name`, created with seen_time_ms = now_ms when absent; .second is true
  // when it was created. An existing consumer's seen time is left to the caller.
  std::pair<StreamConsumer*, bool> CreateConsumer(std::string_view name, uint64_t now_ms);
  // Removes the consumer and its entries from the group PEL; returns how many it had pending, or
  // nullopt when there is no such consumer.
  std::optional<size_t> DeleteConsumer(std::string_view name);

  // --- PEL ---
  PendingEntry* FindPending(StreamId id);
  const PendingEntry* FindPending(StreamId id) const;
  // XREADGROUP delivering a new entry (not NOACK): the PEL entry for `id` becomes {now_ms, 1,
  // consumer}, created or taken over from its previous owner (possible after XGROUP SETID).
  void Deliver(StreamId id, StreamConsumer* consumer, uint64_t now_ms);
  // XREADGROUP re-reading the consumer's own history: delivery time = now_ms, count + 1. The
  // entry must be pending.
  static void Redeliver(PendingEntry& entry, uint64_t now_ms);
  // Makes `consumer` the owner of the pending entry `id` (no-op if it already is). Time and count
  // are the caller's (XCLAIM's options). Returns the entry, or null when `id` is not pending.
  PendingEntry* Transfer(StreamId id, StreamConsumer* consumer);
  // XCLAIM FORCE: adds `id` to the PEL owned by `consumer` with the given time and count when it
  // is absent; returns the (new or existing, unchanged) entry.
  PendingEntry* AddPending(StreamId id, StreamConsumer* consumer, uint64_t delivery_time_ms,
                           uint64_t delivery_count);
  // XACK: removes `id` from the group PEL and its owner's PEL. Returns false if it was not pending.
  bool Ack(StreamId id);

  // XPENDING key group (summary).
  PendingSummary Summary() const;
  // XPENDING's extended form: calls fn(id, entry) for pending entries with start <= id <= end in
  // ID order, at most `count` of them, only those owned by `consumer` when it is not null, and
  // only those idle for at least min_idle_ms (idle = now_ms - delivery time) when min_idle_ms > 0.
  template <typename Fn>
  void ForEachPending(StreamId start, StreamId end, size_t count, const StreamConsumer* consumer,
                      uint64_t min_idle_ms, uint64_t now_ms, Fn&& fn) const;

  // XAUTOCLAIM's scan from `start`: examines at most `count` * 10 PEL entries, stopping once
  // `count` entries are claimed or deleted. An entry for which exists(id) is false is removed from
  // the PEL (result.deleted); one idle for less than min_idle_ms is skipped; any other becomes
  // `consumer`'s with delivery time now_ms and, unless just_id, delivery count + 1.
  // next_cursor is the first PEL ID after the last one examined.
  AutoClaimResult AutoClaim(StreamId start, size_t count, uint64_t min_idle_ms, uint64_t now_ms,
                            StreamConsumer* consumer, bool just_id,
                            const std::function<bool(StreamId)>& exists);
  // The same for the consumer called `consumer_name`, created (seen time now_ms) only when an
  // entry is claimed, as Redis 7.0 does.
  AutoClaimResult AutoClaim(StreamId start, size_t count, uint64_t min_idle_ms, uint64_t now_ms,
                            std::string_view consumer_name, bool just_id,
                            const std::function<bool(StreamId)>& exists);

 private:
  Pel pel_;
  Consumers consumers_;
};

template <typename Fn>
void ConsumerGroup::ForEachPending(StreamId start, StreamId end, size_t count,
                                   const StreamConsumer* consumer, uint64_t min_idle_ms,
                                   uint64_t now_ms, Fn&& fn) const {
  if (count == 0 || start > end) return;
  auto wanted = [&](const PendingEntry& e) {
    return min_idle_ms == 0 ||
           (now_ms > e.delivery_time_ms && now_ms - e.delivery_time_ms >= min_idle_ms);
  };
  if (consumer == nullptr) {
    for (auto it = pel_.lower_bound(start); it != pel_.end() && it->first <= end && count > 0;
         ++it) {
      if (!wanted(it->second)) continue;
      fn(it->first, it->second);
      --count;
    }
    return;
  }
  for (auto it = consumer->pending.lower_bound(start);
       it != consumer->pending.end() && *it <= end && count > 0; ++it) {
    const PendingEntry& e = pel_.at(*it);
    if (!wanted(e)) continue;
    fn(*it, e);
    --count;
  }
}

}  // namespace tandem::store
