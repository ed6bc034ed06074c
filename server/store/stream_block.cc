#include "server/store/stream_block.h"

namespace tandem::store {

namespace stream_codec {
uint64_t ReadVarint(const char*&) { return 0; }
std::string_view ReadText(const char*&, TextBuffer&) { return {}; }
void SkipText(const char*&) {}
}  // namespace stream_codec

StreamBlock::StreamBlock(const StreamBlock&) {}
StreamBlock::StreamBlock(StreamBlock&&) noexcept {}
StreamBlock& StreamBlock::operator=(StreamBlock&&) noexcept { return *this; }
StreamBlock::~StreamBlock() = default;
bool StreamBlock::HasRoom(size_t, size_t, size_t) const { return false; }
void StreamBlock::Append(StreamId, StreamId, std::span<const std::string_view>) {}
bool StreamBlock::MarkDeleted(size_t) { return false; }
void StreamBlock::ShrinkToFit() {}
size_t StreamBlock::NextOffset(size_t) const { return 0; }
StreamBlock::EntryHeader StreamBlock::Header(StreamId, size_t) const { return {}; }

}  // namespace tandem::store
