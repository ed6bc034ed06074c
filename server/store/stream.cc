#include "server/store/stream.h"

#include <cassert>

namespace tandem::store {
namespace {

// Redis's STREAM_LISTPACK_MAX_SIZE: XADD refuses fields and values larger than this in total.
constexpr size_t kMaxPayload = size_t{1} << 30;

}  // namespace

// --- StreamIterator ---

StreamIterator::StreamIterator(const Stream& stream, StreamId start, StreamId end, bool reverse)
    : blocks_(&stream.blocks_), start_(start), end_(end), reverse_(reverse) {
  done_ = start > end || blocks_->empty();
}

void StreamIterator::EnterBlock() {
  const StreamBlock& block = block_->second;
  if (!reverse_) {
    offset_ = block.first_offset();
    return;
  }
  offsets_.clear();
  for (size_t off = block.first_offset(); off < block.end_offset();) {
    offsets_.push_back(static_cast<uint32_t>(off));
    off = block.EndOf(block.Header(block_->first, off));
  }
}

bool StreamIterator::Next() {
  if (done_) return false;
  if (!started_) {
    started_ = true;
    // The block that may hold the first ID in range: the last one whose master ID is <= it.
    auto it = blocks_->upper_bound(reverse_ ? end_ : start_);
    if (it == blocks_->begin()) {
      if (reverse_) return done_ = true, false;
    } else {
      --it;
    }
    block_ = it;
    EnterBlock();
  }
  for (;;) {
    const StreamBlock& block = block_->second;
    if (!reverse_) {
      while (offset_ < block.end_offset()) {
        StreamBlock::EntryHeader h = block.Header(block_->first, offset_);
        offset_ = block.EndOf(h);
        if (h.id > end_) return done_ = true, false;
        if (h.id < start_ || (h.flags & stream_codec::kDeleted)) continue;
        entry_.id_ = h.id;
        entry_.field_count_ = h.field_count;
        entry_.master_fields_ = block.master_fields();
        entry_.body_ = h.body;
        entry_.same_fields_ = (h.flags & stream_codec::kSameFields) != 0;
        return true;
      }
      if (++block_ == blocks_->end() || block_->first > end_) return done_ = true, false;
    } else {
      while (!offsets_.empty()) {
        StreamBlock::EntryHeader h = block.Header(block_->first, offsets_.back());
        offsets_.pop_back();
        if (h.id < start_) return done_ = true, false;
        if (h.id > end_ || (h.flags & stream_codec::kDeleted)) continue;
        entry_.id_ = h.id;
        entry_.field_count_ = h.field_count;
        entry_.master_fields_ = block.master_fields();
        entry_.body_ = h.body;
        entry_.same_fields_ = (h.flags & stream_codec::kSameFields) != 0;
        return true;
      }
      if (block_ == blocks_->begin()) return done_ = true, false;
      --block_;
    }
    EnterBlock();
  }
}

// --- Stream ---

Stream::Stream(const Stream& other)
    : Object(),
      blocks_(other.blocks_),
      length_(other.length_),
      last_id_(other.last_id_),
      first_id_(other.first_id_),
      max_deleted_(other.max_deleted_),
      entries_added_(other.entries_added_),
      groups_(other.groups_) {}

std::unique_ptr<Object> Stream::Clone() const { return std::make_unique<Stream>(*this); }

XAddResult Stream::NextAddId(const XAddId& spec, uint64_t now_ms) const {
  XAddResult result;
  if (!spec.auto_ms && spec.seq_given && spec.id.IsZero()) {
    result.error = XAddError::kZeroId;
    return result;
  }
  if (last_id_ == StreamId::Max()) {
    result.error = XAddError::kExhausted;
    return result;
  }
  if (spec.auto_ms) {
    result.id = now_ms > last_id_.ms ? StreamId{now_ms, 0} : *last_id_.Next();
    return result;
  }
  result.id = spec.id;
  if (!spec.seq_given && spec.id.ms == last_id_.ms) {
    if (last_id_.seq == UINT64_MAX) {
      result.error = XAddError::kNotGreater;
      return result;
    }
    result.id.seq = last_id_.seq + 1;
  }
  if (result.id <= last_id_) result.error = XAddError::kNotGreater;
  return result;
}

void Stream::Append(StreamId id, std::span<const std::string_view> fields_and_values,
                    const StreamLimits& limits) {
  assert(id > last_id_);
  size_t payload = 0;
  for (std::string_view s : fields_and_values) payload += s.size();
  StreamBlock* tail = blocks_.empty() ? nullptr : &blocks_.rbegin()->second;
  if (tail != nullptr && !tail->HasRoom(payload, limits.node_max_bytes, limits.node_max_entries)) {
    tail->ShrinkToFit();
    tail = nullptr;
  }
  StreamId master = id;
  if (tail == nullptr) {
    tail = &blocks_.emplace_hint(blocks_.end(), id, StreamBlock())->second;
  } else {
    master = blocks_.rbegin()->first;
  }
  tail->Append(master, id, fields_and_values);
  ++length_;
  ++entries_added_;
  last_id_ = id;
  if (length_ == 1) first_id_ = id;
}

XAddResult Stream::Add(const XAddId& spec, uint64_t now_ms,
                       std::span<const std::string_view> fields_and_values,
                       const StreamLimits& limits) {
  XAddResult result = NextAddId(spec, now_ms);
  if (!result.ok()) return result;
  size_t payload = 0;
  for (std::string_view s : fields_and_values) payload += s.size();
  if (payload > kMaxPayload) {
    result.error = XAddError::kTooLarge;
    return result;
  }
  Append(result.id, fields_and_values, limits);
  return result;
}

std::optional<StreamEntry> Stream::Find(StreamId id) const {
  StreamIterator it(*this, id, id, false);
  if (!it.Next()) return std::nullopt;
  return it.entry();
}

std::optional<StreamEntry> Stream::FirstEntry() const {
  StreamIterator it(*this, StreamId::Min(), StreamId::Max(), false);
  if (!it.Next()) return std::nullopt;
  return it.entry();
}

std::optional<StreamEntry> Stream::LastEntry() const {
  StreamIterator it(*this, StreamId::Min(), StreamId::Max(), true);
  if (!it.Next()) return std::nullopt;
  return it.entry();
}

StreamId Stream::FirstLiveId() const { return FirstEntry()->id(); }
StreamId Stream::LastLiveId() const { return LastEntry()->id(); }

bool Stream::Delete(StreamId id) {
  auto it = blocks_.upper_bound(id);
  if (it == blocks_.begin()) return false;
  --it;
  StreamBlock& block = it->second;
  for (size_t off = block.first_offset(); off < block.end_offset();) {
    StreamBlock::EntryHeader h = block.Header(it->first, off);
    if (h.id > id) return false;
    if (h.id == id) {
      if (h.flags & stream_codec::kDeleted) return false;
      // As in Redis, a block whose last live entry goes is freed at once.
      if (block.live() == 1) {
        blocks_.erase(it);
      } else {
        block.MarkDeleted(off);
      }
      --length_;
      if (id > max_deleted_) max_deleted_ = id;
      if (length_ == 0) {
        first_id_ = StreamId::Min();
      } else if (id == first_id_) {
        first_id_ = FirstLiveId();
      }
      return true;
    }
    off = block.EndOf(h);
  }
  return false;
}

uint64_t Stream::Trim(const TrimSpec& spec) {
  const bool by_len = spec.strategy == TrimStrategy::kMaxLen;
  uint64_t removed = 0;
  for (auto it = blocks_.begin(); it != blocks_.end();) {
    if (by_len && length_ <= spec.max_len) break;
    StreamBlock& block = it->second;
    const uint64_t live = block.live();
    if (spec.limit != 0 && removed + live > spec.limit) break;
    bool whole;
    if (by_len) {
      whole = length_ - live >= spec.max_len;
    } else {
      // The last entry of the block, deleted or not, as Redis reads it.
      whole = block.Header(it->first, block.last_offset()).id < spec.min_id;
    }
    if (whole) {
      length_ -= live;
      removed += live;
      it = blocks_.erase(it);
      continue;
    }
    if (spec.approx) break;
    // Tombstone the leading entries of this block; the rest of the stream stays.
    for (size_t off = block.first_offset(); off < block.end_offset();) {
      StreamBlock::EntryHeader h = block.Header(it->first, off);
      if (by_len ? length_ <= spec.max_len : h.id >= spec.min_id) break;
      if (block.MarkDeleted(off)) {
        --length_;
        ++removed;
      }
      off = block.EndOf(h);
    }
    break;
  }
  if (removed > 0) first_id_ = length_ == 0 ? StreamId::Min() : FirstLiveId();
  return removed;
}

std::optional<SetIdError> Stream::SetId(StreamId id, std::optional<uint64_t> entries_added,
                                        std::optional<StreamId> max_deleted) {
  if (max_deleted && id < *max_deleted) return SetIdError::kBelowMaxDeleted;
  if (length_ > 0) {
    if (id < LastLiveId()) return SetIdError::kBelowTop;
    if (entries_added && *entries_added < length_) return SetIdError::kAddedBelowLength;
  }
  last_id_ = id;
  if (entries_added) entries_added_ = *entries_added;
  if (max_deleted && !max_deleted->IsZero()) max_deleted_ = *max_deleted;
  return std::nullopt;
}

void Stream::RestoreMetadata(StreamId last_id, StreamId first_id, StreamId max_deleted,
                             uint64_t entries_added) {
  last_id_ = last_id;
  first_id_ = first_id;
  max_deleted_ = max_deleted;
  entries_added_ = entries_added;
}

ConsumerGroup* Stream::FindGroup(std::string_view name) {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : &it->second;
}

const ConsumerGroup* Stream::FindGroup(std::string_view name) const {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : &it->second;
}

ConsumerGroup* Stream::CreateGroup(std::string_view name, StreamId last_id, int64_t entries_read) {
  auto it = groups_.find(name);
  if (it != groups_.end()) return nullptr;
  it = groups_.emplace_hint(it, std::piecewise_construct, std::forward_as_tuple(name),
                            std::forward_as_tuple(last_id, entries_read));
  return &it->second;
}

bool Stream::DestroyGroup(std::string_view name) {
  auto it = groups_.find(name);
  if (it == groups_.end()) return false;
  groups_.erase(it);
  return true;
}

bool Stream::RangeHasTombstones(std::optional<StreamId> start, std::optional<StreamId> end) const {
  if (length_ == 0 || max_deleted_.IsZero()) return false;  // empty, or never a tombstone
  if (first_id_ > max_deleted_) return false;  // the latest tombstone precedes the first entry
  StreamId from = start.value_or(StreamId::Min());
  StreamId to = end.value_or(StreamId::Max());
  return from <= max_deleted_ && max_deleted_ <= to;
}

int64_t Stream::EstimateDistanceFromFirstEverEntry(StreamId id) const {
  if (entries_added_ == 0) return 0;  // nothing was ever added
  const int64_t added = static_cast<int64_t>(entries_added_);
  if (length_ == 0 && id <= last_id_) return added;
  if (id == last_id_) return added;
  if (id > last_id_) return ConsumerGroup::kInvalidEntriesRead;  // the future is unknown
  if (max_deleted_.IsZero() || max_deleted_ < first_id_) {
    // No tombstone from the first entry on: the counter follows from the length.
    if (id < first_id_) return added - static_cast<int64_t>(length_);
    if (id == first_id_) return added - static_cast<int64_t>(length_) + 1;
  }
  return ConsumerGroup::kInvalidEntriesRead;
}

std::optional<int64_t> Stream::GroupLag(const ConsumerGroup& group) const {
  if (entries_added_ == 0) return 0;
  if (group.entries_read != ConsumerGroup::kInvalidEntriesRead &&
      !RangeHasTombstones(group.last_id, std::nullopt)) {
    return static_cast<int64_t>(entries_added_) - group.entries_read;
  }
  int64_t read = EstimateDistanceFromFirstEverEntry(group.last_id);
  if (read == ConsumerGroup::kInvalidEntriesRead) return std::nullopt;
  return static_cast<int64_t>(entries_added_) - read;
}

void Stream::AdvanceGroup(ConsumerGroup& group, StreamId id) const {
  if (id <= group.last_id) return;
  if (group.entries_read != ConsumerGroup::kInvalidEntriesRead &&
      !RangeHasTombstones(id, std::nullopt)) {
    ++group.entries_read;
  } else if (entries_added_ != 0) {
    group.entries_read = EstimateDistanceFromFirstEverEntry(id);
  }
  group.last_id = id;
}

size_t Stream::block_bytes() const {
  size_t bytes = 0;
  for (const auto& [id, block] : blocks_) bytes += block.bytes();
  return bytes;
}

}  // namespace tandem::store
