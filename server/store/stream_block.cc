#include "server/store/stream_block.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <utility>

#include "server/base/memory.h"
#include "server/base/number_parse.h"

namespace tandem::store {
namespace stream_codec {
namespace {

// Integers outside (-2^62, 2^62) are kept as strings so that (zigzag << 1) | 1 fits 64 bits.
constexpr int64_t kIntLimit = int64_t{1} << 62;

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

char* WriteVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

// The header of `text`: (zigzag << 1) | 1 for a small canonical integer, length << 1 otherwise.
uint64_t TextHeader(std::string_view text) {
  if (!text.empty() && text.size() <= 20) {
    if (std::optional<int64_t> v = base::ParseInt64(text); v && *v > -kIntLimit && *v < kIntLimit) {
      uint64_t zigzag = (static_cast<uint64_t>(*v) << 1) ^ static_cast<uint64_t>(*v >> 63);
      return (zigzag << 1) | 1;
    }
  }
  return static_cast<uint64_t>(text.size()) << 1;
}

size_t TextSize(std::string_view text) {
  uint64_t h = TextHeader(text);
  return VarintSize(h) + ((h & 1) ? 0 : text.size());
}

char* WriteText(char* p, std::string_view text) {
  uint64_t h = TextHeader(text);
  p = WriteVarint(p, h);
  if ((h & 1) == 0) {
    std::memcpy(p, text.data(), text.size());
    p += text.size();
  }
  return p;
}

}  // namespace

uint64_t ReadVarint(const char*& p) {
  uint64_t v = 0;
  for (int shift = 0;; shift += 7) {
    uint8_t b = static_cast<uint8_t>(*p++);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
}

std::string_view ReadText(const char*& p, TextBuffer& buf) {
  uint64_t h = ReadVarint(p);
  if ((h & 1) == 0) {
    std::string_view text(p, h >> 1);
    p += h >> 1;
    return text;
  }
  uint64_t zigzag = h >> 1;
  int64_t v = static_cast<int64_t>(zigzag >> 1) ^ -static_cast<int64_t>(zigzag & 1);
  // Digits backwards from the end of the buffer (|v| < 2^62: at most 19 digits and a sign).
  char* end = buf + sizeof(TextBuffer);
  char* q = end;
  uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  do {
    *--q = static_cast<char>('0' + mag % 10);
    mag /= 10;
  } while (mag != 0);
  if (v < 0) *--q = '-';
  return {q, static_cast<size_t>(end - q)};
}

void SkipText(const char*& p) {
  uint64_t h = ReadVarint(p);
  if ((h & 1) == 0) p += h >> 1;
}

}  // namespace stream_codec

namespace {
// Redis's STREAM_LISTPACK_MAX_SIZE: the node size cap whatever stream-node-max-bytes says.
constexpr size_t kMaxNodeBytes = size_t{1} << 30;
}  // namespace

StreamBlock::StreamBlock(const StreamBlock& other)
    : used_(other.used_),
      live_(other.live_),
      deleted_(other.deleted_),
      first_(other.first_),
      last_(other.last_),
      master_fields_(other.master_fields_),
      master_count_(other.master_count_) {
  if (other.used_ > 0) {
    data_ = static_cast<char*>(base::Allocate(other.used_));
    capacity_ = static_cast<uint32_t>(base::UsableSize(data_));
    std::memcpy(data_, other.data_, other.used_);
  }
}

StreamBlock::StreamBlock(StreamBlock&& other) noexcept { *this = std::move(other); }

StreamBlock& StreamBlock::operator=(StreamBlock&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) base::Free(data_);
    data_ = std::exchange(other.data_, nullptr);
    used_ = std::exchange(other.used_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    live_ = std::exchange(other.live_, 0);
    deleted_ = std::exchange(other.deleted_, 0);
    first_ = std::exchange(other.first_, 0);
    last_ = std::exchange(other.last_, 0);
    master_fields_ = std::exchange(other.master_fields_, 0);
    master_count_ = std::exchange(other.master_count_, 0);
  }
  return *this;
}

StreamBlock::~StreamBlock() {
  if (data_ != nullptr) base::Free(data_);
}

bool StreamBlock::HasRoom(size_t payload_bytes, size_t max_bytes, size_t max_entries) const {
  if (max_bytes == 0 || max_bytes > kMaxNodeBytes) max_bytes = kMaxNodeBytes;
  if (used_ + payload_bytes >= max_bytes) return false;
  return max_entries == 0 || live_ + deleted_ < max_entries;
}

void StreamBlock::Reserve(size_t bytes) {
  if (bytes <= capacity_) return;
  // Grow geometrically so that appending one small entry at a time stays cheap.
  size_t want = std::max(bytes, size_t{capacity_} + capacity_ / 2);
  data_ = static_cast<char*>(base::Reallocate(data_, want));
  capacity_ = static_cast<uint32_t>(base::UsableSize(data_));
}

void StreamBlock::ShrinkToFit() {
  if (data_ == nullptr || capacity_ == used_) return;
  data_ = static_cast<char*>(base::Reallocate(data_, used_));
  capacity_ = static_cast<uint32_t>(base::UsableSize(data_));
}

void StreamBlock::Append(StreamId master, StreamId id,
                         std::span<const std::string_view> fields_and_values) {
  using namespace stream_codec;
  assert(fields_and_values.size() % 2 == 0 && !fields_and_values.empty());
  assert(id >= master);
  const size_t nfields = fields_and_values.size() / 2;
  if (used_ == 0) {
    // The master section: the first entry's field names.
    size_t size = VarintSize(nfields);
    for (size_t i = 0; i < nfields; ++i) size += TextSize(fields_and_values[2 * i]);
    Reserve(size);
    char* p = WriteVarint(data_, nfields);
    master_fields_ = static_cast<uint32_t>(p - data_);
    for (size_t i = 0; i < nfields; ++i) p = WriteText(p, fields_and_values[2 * i]);
    master_count_ = static_cast<uint32_t>(nfields);
    used_ = static_cast<uint32_t>(p - data_);
    first_ = used_;
  }

  bool same = nfields == master_count_;
  if (same) {
    const char* m = master_fields();
    TextBuffer buf;
    for (size_t i = 0; i < nfields && same; ++i) {
      same = ReadText(m, buf) == fields_and_values[2 * i];
    }
  }
  const uint64_t ms_delta = id.ms - master.ms;
  const uint64_t seq = ms_delta == 0 ? id.seq - master.seq : id.seq;
  size_t size = 1 + VarintSize(ms_delta) + VarintSize(seq);
  if (!same) size += VarintSize(nfields);
  for (size_t i = 0; i < nfields; ++i) {
    if (!same) size += TextSize(fields_and_values[2 * i]);
    size += TextSize(fields_and_values[2 * i + 1]);
  }
  Reserve(size_t{used_} + size);
  char* p = data_ + used_;
  *p++ = static_cast<char>(same ? kSameFields : 0);
  p = WriteVarint(p, ms_delta);
  p = WriteVarint(p, seq);
  if (!same) p = WriteVarint(p, nfields);
  for (size_t i = 0; i < nfields; ++i) {
    if (!same) p = WriteText(p, fields_and_values[2 * i]);
    p = WriteText(p, fields_and_values[2 * i + 1]);
  }
  last_ = used_;
  used_ = static_cast<uint32_t>(p - data_);
  ++live_;
}

bool StreamBlock::MarkDeleted(size_t offset) {
  if (data_[offset] & stream_codec::kDeleted) return false;
  data_[offset] = static_cast<char>(data_[offset] | stream_codec::kDeleted);
  --live_;
  ++deleted_;
  return true;
}

StreamBlock::EntryHeader StreamBlock::Header(StreamId master, size_t offset) const {
  using namespace stream_codec;
  EntryHeader h;
  const char* p = data_ + offset;
  h.flags = static_cast<uint8_t>(*p++);
  uint64_t ms_delta = ReadVarint(p);
  uint64_t seq = ReadVarint(p);
  h.id.ms = master.ms + ms_delta;
  h.id.seq = ms_delta == 0 ? master.seq + seq : seq;
  h.field_count = (h.flags & kSameFields) ? master_count_ : ReadVarint(p);
  h.body = p;
  return h;
}

size_t StreamBlock::EndOf(const EntryHeader& header) const {
  const char* p = header.body;
  size_t texts =
      (header.flags & stream_codec::kSameFields) ? header.field_count : 2 * header.field_count;
  for (size_t i = 0; i < texts; ++i) stream_codec::SkipText(p);
  return static_cast<size_t>(p - data_);
}

}  // namespace tandem::store
