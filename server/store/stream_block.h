#pragma once
// StreamBlock: one node of a Stream, a run of consecutive entries packed in one heap buffer (the
// role of a listpack in Redis's stream rax), and the byte codec of its entries. Stream owns its
// blocks in a map keyed by the block's master ID (the ID of the first entry ever put in it).
//
// Buffer layout (all integers are LEB128 varints, 7 bits per byte, low group first):
//   master:  [field count][field]...        the first entry's field names, shared by later
//                                            entries that have exactly the same fields
//   entry:   [flags byte][ms delta][seq][values...]                  when flags & kSameFields
//            [flags byte][ms delta][seq][field count][field][value]...  otherwise
// ms delta = id.ms - master.ms; seq = id.seq - master.seq when the delta is 0, else id.seq (so
// both stay small). A field or value is a "text": header h, then for even h a string of h / 2
// bytes; an odd h is an integer in the header itself (zigzag(v) = h >> 1), used for the canonical
// text of an int64 in (-2^62, 2^62) ("23" costs 1 byte, as in a Redis listpack it costs 2).
// A deleted entry keeps its bytes with kDeleted set in its flags (Redis's tombstone) until the
// whole block goes. `XADD s * f v` costs 5 bytes per entry (in a Redis listpack: 11).
//
// Owner: the Stream holding it; server thread only.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "server/store/stream_id.h"

namespace tandem::store {

namespace stream_codec {

// Room for the text of an integer text (at most 19 digits and a sign).
using TextBuffer = char[20];

inline constexpr uint8_t kDeleted = 1;
inline constexpr uint8_t kSameFields = 2;

// Reads a varint at `p` and moves `p` past it.
uint64_t ReadVarint(const char*& p);
// Reads a text at `p` (decoding an integer into `buf`) and moves `p` past it.
std::string_view ReadText(const char*& p, TextBuffer& buf);
// Moves `p` past a text without decoding it.
void SkipText(const char*& p);

}  // namespace stream_codec

class StreamBlock {
 public:
  StreamBlock() = default;
  StreamBlock(const StreamBlock& other);
  StreamBlock& operator=(const StreamBlock&) = delete;
  StreamBlock(StreamBlock&& other) noexcept;
  StreamBlock& operator=(StreamBlock&& other) noexcept;
  ~StreamBlock();

  size_t live() const { return live_; }        // entries not deleted
  size_t deleted() const { return deleted_; }  // tombstones
  size_t bytes() const { return used_; }
  const char* data() const { return data_; }
  // Offset of the first entry (just past the master fields) and of the last one.
  size_t first_offset() const { return first_; }
  size_t last_offset() const { return last_; }
  size_t end_offset() const { return used_; }

  // Whether an entry of `payload_bytes` (sum of field and value lengths) still fits: the block
  // holds fewer than max_entries entries (live + deleted; 0: no limit) and bytes + payload stays
  // below max_bytes (0 or above 1 GB: 1 GB), as Redis decides when to open a new node.
  bool HasRoom(size_t payload_bytes, size_t max_bytes, size_t max_entries) const;
  // Appends an entry; the first one appended also sets the master fields. `id` must be greater
  // than every ID in the block and >= `master`.
  void Append(StreamId master, StreamId id, std::span<const std::string_view> fields_and_values);
  // Marks the entry at `offset` deleted; returns false if it already was.
  bool MarkDeleted(size_t offset);
  // Frees unused capacity (when the block is full, as Redis shrinks a finished listpack).
  void ShrinkToFit();

  // Decodes the entry at `offset`: its flags, ID, field count and where its fields/values start.
  struct EntryHeader {
    uint8_t flags;
    StreamId id;
    size_t field_count;
    const char* body;  // values only (kSameFields) or [field][value]... pairs
  };
  EntryHeader Header(StreamId master, size_t offset) const;
  // The offset just past the entry `header` describes (end_offset() after the last).
  size_t EndOf(const EntryHeader& header) const;
  // Where the master field names start, and how many there are.
  const char* master_fields() const { return data_ + master_fields_; }
  size_t master_field_count() const { return master_count_; }

 private:
  void Reserve(size_t bytes);

  char* data_ = nullptr;  // base::Allocate'd; null while empty
  uint32_t used_ = 0;
  uint32_t capacity_ = 0;
  uint32_t live_ = 0;
  uint32_t deleted_ = 0;
  uint32_t first_ = 0;
  uint32_t last_ = 0;
  uint32_t master_fields_ = 0;  // offset of the first master field name
  uint32_t master_count_ = 0;
};

}  // namespace tandem::store
