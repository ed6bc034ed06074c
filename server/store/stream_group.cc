#include "server/store/stream_group.h"

#include <cassert>
#include <limits>

namespace tandem::store {

ConsumerGroup::ConsumerGroup(const ConsumerGroup& other)
    : last_id(other.last_id), entries_read(other.entries_read), pel_(other.pel_) {
  for (const auto& [name, consumer] : other.consumers_) {
    consumers_.emplace(name, consumer);
  }
  // The copied PEL entries still point at the other group's consumers.
  for (auto& [id, entry] : pel_) entry.consumer = &consumers_.find(entry.consumer->name)->second;
}

StreamConsumer* ConsumerGroup::FindConsumer(std::string_view name) {
  auto it = consumers_.find(name);
  return it == consumers_.end() ? nullptr : &it->second;
}

const StreamConsumer* ConsumerGroup::FindConsumer(std::string_view name) const {
  auto it = consumers_.find(name);
  return it == consumers_.end() ? nullptr : &it->second;
}

std::pair<StreamConsumer*, bool> ConsumerGroup::CreateConsumer(std::string_view name,
                                                               uint64_t now_ms) {
  auto it = consumers_.find(name);
  if (it != consumers_.end()) return {&it->second, false};
  it =
      consumers_.emplace_hint(it, std::string(name), StreamConsumer{std::string(name), now_ms, {}});
  return {&it->second, true};
}

std::optional<size_t> ConsumerGroup::DeleteConsumer(std::string_view name) {
  auto it = consumers_.find(name);
  if (it == consumers_.end()) return std::nullopt;
  size_t pending = it->second.pending.size();
  for (StreamId id : it->second.pending) pel_.erase(id);
  consumers_.erase(it);
  return pending;
}

PendingEntry* ConsumerGroup::FindPending(StreamId id) {
  auto it = pel_.find(id);
  return it == pel_.end() ? nullptr : &it->second;
}

const PendingEntry* ConsumerGroup::FindPending(StreamId id) const {
  auto it = pel_.find(id);
  return it == pel_.end() ? nullptr : &it->second;
}

void ConsumerGroup::Deliver(StreamId id, StreamConsumer* consumer, uint64_t now_ms) {
  auto [it, inserted] = pel_.try_emplace(id, PendingEntry{now_ms, 1, consumer});
  if (!inserted) {
    PendingEntry& entry = it->second;
    entry.consumer->pending.erase(id);
    entry = PendingEntry{now_ms, 1, consumer};
  }
  consumer->pending.insert(id);
}

void ConsumerGroup::Redeliver(PendingEntry& entry, uint64_t now_ms) {
  entry.delivery_time_ms = now_ms;
  ++entry.delivery_count;
}

PendingEntry* ConsumerGroup::Transfer(StreamId id, StreamConsumer* consumer) {
  PendingEntry* entry = FindPending(id);
  if (entry == nullptr || entry->consumer == consumer) return entry;
  entry->consumer->pending.erase(id);
  entry->consumer = consumer;
  consumer->pending.insert(id);
  return entry;
}

PendingEntry* ConsumerGroup::AddPending(StreamId id, StreamConsumer* consumer,
                                        uint64_t delivery_time_ms, uint64_t delivery_count) {
  auto [it, inserted] =
      pel_.try_emplace(id, PendingEntry{delivery_time_ms, delivery_count, consumer});
  if (inserted) consumer->pending.insert(id);
  return &it->second;
}

bool ConsumerGroup::Ack(StreamId id) {
  auto it = pel_.find(id);
  if (it == pel_.end()) return false;
  it->second.consumer->pending.erase(id);
  pel_.erase(it);
  return true;
}

PendingSummary ConsumerGroup::Summary() const {
  PendingSummary summary;
  summary.count = pel_.size();
  if (pel_.empty()) return summary;
  summary.min = pel_.begin()->first;
  summary.max = pel_.rbegin()->first;
  for (const auto& [name, consumer] : consumers_) {
    if (!consumer.pending.empty()) summary.consumers.emplace_back(name, consumer.pending.size());
  }
  return summary;
}

AutoClaimResult ConsumerGroup::AutoClaim(StreamId start, size_t count, uint64_t min_idle_ms,
                                         uint64_t now_ms, StreamConsumer* consumer, bool just_id,
                                         const std::function<bool(StreamId)>& exists) {
  return AutoClaim(start, count, min_idle_ms, now_ms, consumer->name, just_id, exists);
}

AutoClaimResult ConsumerGroup::AutoClaim(StreamId start, size_t count, uint64_t min_idle_ms,
                                         uint64_t now_ms, std::string_view consumer_name,
                                         bool just_id,
                                         const std::function<bool(StreamId)>& exists) {
  AutoClaimResult result;
  StreamConsumer* consumer = nullptr;  // looked up or created at the first claim
  size_t attempts = count > std::numeric_limits<size_t>::max() / 10
                        ? std::numeric_limits<size_t>::max()
                        : count * 10;
  auto it = pel_.lower_bound(start);
  for (; attempts > 0 && count > 0 && it != pel_.end(); --attempts) {
    const StreamId id = it->first;
    PendingEntry& entry = it->second;
    if (!exists(id)) {
      // The entry is gone from the stream: drop it from the PEL and report it.
      entry.consumer->pending.erase(id);
      result.deleted.emplace_back(
          id, PendingEntry{entry.delivery_time_ms, entry.delivery_count, nullptr});
      it = pel_.erase(it);
      --count;
      continue;
    }
    if (min_idle_ms > 0 &&
        (now_ms <= entry.delivery_time_ms || now_ms - entry.delivery_time_ms < min_idle_ms)) {
      ++it;
      continue;
    }
    if (consumer == nullptr) consumer = CreateConsumer(consumer_name, now_ms).first;
    if (entry.consumer != consumer) {
      entry.consumer->pending.erase(id);
      entry.consumer = consumer;
      consumer->pending.insert(id);
    }
    entry.delivery_time_ms = now_ms;
    if (!just_id) ++entry.delivery_count;
    result.claimed.push_back(id);
    --count;
    ++it;
  }
  result.next_cursor = it == pel_.end() ? StreamId::Min() : it->first;
  return result;
}

}  // namespace tandem::store
