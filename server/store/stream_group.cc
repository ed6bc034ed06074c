#include "server/store/stream_group.h"

namespace tandem::store {

ConsumerGroup::ConsumerGroup(const ConsumerGroup& other)
    : last_id(other.last_id), entries_read(other.entries_read) {}
StreamConsumer* ConsumerGroup::FindConsumer(std::string_view) { return nullptr; }
const StreamConsumer* ConsumerGroup::FindConsumer(std::string_view) const { return nullptr; }
std::pair<StreamConsumer*, bool> ConsumerGroup::CreateConsumer(std::string_view, uint64_t) {
  return {nullptr, false};
}
std::optional<size_t> ConsumerGroup::DeleteConsumer(std::string_view) { return std::nullopt; }
PendingEntry* ConsumerGroup::FindPending(StreamId) { return nullptr; }
const PendingEntry* ConsumerGroup::FindPending(StreamId) const { return nullptr; }
void ConsumerGroup::Deliver(StreamId, StreamConsumer*, uint64_t) {}
void ConsumerGroup::Redeliver(PendingEntry&, uint64_t) {}
PendingEntry* ConsumerGroup::Transfer(StreamId, StreamConsumer*) { return nullptr; }
PendingEntry* ConsumerGroup::AddPending(StreamId, StreamConsumer*, uint64_t, uint64_t) {
  return nullptr;
}
bool ConsumerGroup::Ack(StreamId) { return false; }
PendingSummary ConsumerGroup::Summary() const { return {}; }
AutoClaimResult ConsumerGroup::AutoClaim(StreamId, size_t, uint64_t, uint64_t, StreamConsumer*,
                                         bool, const std::function<bool(StreamId)>&) {
  return {};
}

}  // namespace tandem::store
