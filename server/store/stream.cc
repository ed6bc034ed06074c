#include "server/store/stream.h"

namespace tandem::store {

StreamIterator::StreamIterator(const Stream& stream, StreamId start, StreamId end, bool reverse)
    : blocks_(&stream.blocks_), start_(start), end_(end), reverse_(reverse) {}
bool StreamIterator::Next() { return false; }
void StreamIterator::EnterBlock() {}

Stream::Stream(const Stream& other) : Object() { (void)other; }
std::unique_ptr<Object> Stream::Clone() const { return std::make_unique<Stream>(*this); }
XAddResult Stream::NextAddId(const XAddId&, uint64_t) const { return {}; }
void Stream::Append(StreamId, std::span<const std::string_view>, const StreamLimits&) {}
XAddResult Stream::Add(const XAddId&, uint64_t, std::span<const std::string_view>,
                       const StreamLimits&) {
  return {};
}
std::optional<StreamEntry> Stream::Find(StreamId) const { return std::nullopt; }
std::optional<StreamEntry> Stream::FirstEntry() const { return std::nullopt; }
std::optional<StreamEntry> Stream::LastEntry() const { return std::nullopt; }
bool Stream::Delete(StreamId) { return false; }
uint64_t Stream::Trim(const TrimSpec&) { return 0; }
std::optional<SetIdError> Stream::SetId(StreamId, std::optional<uint64_t>,
                                        std::optional<StreamId>) {
  return std::nullopt;
}
ConsumerGroup* Stream::FindGroup(std::string_view) { return nullptr; }
const ConsumerGroup* Stream::FindGroup(std::string_view) const { return nullptr; }
ConsumerGroup* Stream::CreateGroup(std::string_view, StreamId, int64_t) { return nullptr; }
bool Stream::DestroyGroup(std::string_view) { return false; }
bool Stream::RangeHasTombstones(std::optional<StreamId>, std::optional<StreamId>) const {
  return false;
}
int64_t Stream::EstimateDistanceFromFirstEverEntry(StreamId) const { return 0; }
std::optional<int64_t> Stream::GroupLag(const ConsumerGroup&) const { return std::nullopt; }
void Stream::AdvanceGroup(ConsumerGroup&, StreamId) const {}
size_t Stream::block_bytes() const { return 0; }
StreamId Stream::FirstLiveId() const { return {}; }
StreamId Stream::LastLiveId() const { return {}; }

}  // namespace tandem::store
