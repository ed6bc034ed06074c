#include "server/rdb/stream_codec.h"

#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "server/base/number_parse.h"
#include "server/rdb/byte_order.h"
#include "server/rdb/rdb_format.h"
#include "server/rdb/redis_listpack.h"

namespace tandem::rdb {
namespace {

using store::ConsumerGroup;
using store::StreamId;

// Redis's defaults for stream-node-max-entries / stream-node-max-bytes: the node size we write.
constexpr size_t kNodeMaxEntries = 100;
constexpr size_t kNodeMaxBytes = 4096;
// Listpack bytes per element besides its text (encoding byte and back-length), roughly.
constexpr size_t kElementOverhead = 2;

// Entry flags inside a node listpack (Redis's STREAM_ITEM_FLAG_*).
constexpr int64_t kFlagDeleted = 1;
constexpr int64_t kFlagSameFields = 2;

base::Status Corrupt(std::string what) {
  return base::Status::Error(base::Status::Code::kCorruption, "stream: " + std::move(what));
}

// A stream ID as Redis's rax keys and raw PEL IDs hold it: ms then seq, 8 bytes big endian each.
std::string RawId(StreamId id) {
  std::string out;
  AppendBigEndian(id.ms, 8, &out);
  AppendBigEndian(id.seq, 8, &out);
  return out;
}

struct OwnedEntry {
  StreamId id;
  std::vector<std::string> fields_and_values;  // f1, v1, f2, v2...
};

// Writes one node: its master ID as a 16-byte key, then the listpack. The master entry is the
// first entry's ID and field names; every entry with exactly those fields is SAMEFIELDS.
void AppendNode(const std::vector<OwnedEntry>& entries, bool compress, std::string* out) {
  const OwnedEntry& master = entries.front();
  const size_t master_count = master.fields_and_values.size() / 2;
  RedisListpackWriter lp;
  lp.AppendInteger(static_cast<int64_t>(entries.size()));  // live entries
  lp.AppendInteger(0);                                     // deleted entries
  lp.AppendInteger(static_cast<int64_t>(master_count));
  for (size_t i = 0; i < master_count; ++i) lp.Append(master.fields_and_values[2 * i]);
  lp.AppendInteger(0);  // the master entry's terminator
  for (const OwnedEntry& e : entries) {
    const size_t count = e.fields_and_values.size() / 2;
    bool same = count == master_count;
    for (size_t i = 0; same && i < count; ++i) {
      same = e.fields_and_values[2 * i] == master.fields_and_values[2 * i];
    }
    lp.AppendInteger(same ? kFlagSameFields : 0);
    // Deltas from the master ID, in wrapping unsigned arithmetic as Redis computes them.
    lp.AppendInteger(static_cast<int64_t>(e.id.ms - master.id.ms));
    lp.AppendInteger(static_cast<int64_t>(e.id.seq - master.id.seq));
    if (!same) lp.AppendInteger(static_cast<int64_t>(count));
    for (size_t i = 0; i < count; ++i) {
      if (!same) lp.Append(e.fields_and_values[2 * i]);
      lp.Append(e.fields_and_values[2 * i + 1]);
    }
    // lp-count: the entry's elements after the flags (Redis walks entries backwards with it).
    lp.AppendInteger(static_cast<int64_t>(same ? count + 3 : 2 * count + 4));
  }
  AppendEncodedString(RawId(master.id), compress, out);
  AppendEncodedString(lp.Finish(), compress, out);
}

// Groups the live entries into nodes of Redis's default size.
std::vector<std::vector<OwnedEntry>> ChunkEntries(const store::Stream& stream) {
  std::vector<std::vector<OwnedEntry>> nodes;
  size_t node_bytes = 0;
  stream.Range(StreamId::Min(), StreamId::Max(), 0, false, [&](const store::StreamEntry& e) {
    OwnedEntry owned{e.id(), {}};
    size_t bytes = 4 * kElementOverhead;  // flags, deltas, lp-count
    e.ForEachField([&](std::string_view f, std::string_view v) {
      owned.fields_and_values.emplace_back(f);
      owned.fields_and_values.emplace_back(v);
      bytes += f.size() + v.size() + 2 * kElementOverhead;
    });
    if (nodes.empty() || nodes.back().size() >= kNodeMaxEntries ||
        node_bytes + bytes >= kNodeMaxBytes) {
      nodes.emplace_back();
      node_bytes = 0;
    }
    node_bytes += bytes;
    nodes.back().push_back(std::move(owned));
  });
  return nodes;
}

base::StatusOr<StreamId> ReadRawId(BufferReader& in) {
  auto raw = in.ReadRaw(16);
  if (!raw.ok()) return raw.status();
  return StreamId{ReadBigEndian(raw->substr(0, 8)), ReadBigEndian(raw->substr(8, 8))};
}

// An ID written as two lengths (ms, seq).
base::StatusOr<StreamId> ReadLengthId(BufferReader& in) {
  auto ms = in.ReadLength();
  if (!ms.ok()) return ms.status();
  auto seq = in.ReadLength();
  if (!seq.ok()) return seq.status();
  return StreamId{*ms, *seq};
}

// Reads a node listpack's elements in order.
class NodeCursor {
 public:
  explicit NodeCursor(const std::vector<std::string>& elements) : elements_(elements) {}
  size_t remaining() const { return elements_.size() - pos_; }
  base::StatusOr<int64_t> Integer() {
    if (remaining() == 0) return Corrupt("node listpack ends inside an entry");
    auto v = base::ParseInt64(elements_[pos_++]);
    if (!v) return Corrupt("node listpack has text where an integer belongs");
    return *v;
  }
  // A count that must not exceed the elements left.
  base::StatusOr<size_t> Count() {
    auto v = Integer();
    if (!v.ok()) return v.status();
    if (*v < 0 || static_cast<uint64_t>(*v) > remaining()) return Corrupt("bad count in node");
    return static_cast<size_t>(*v);
  }
  std::string_view Text() { return elements_[pos_++]; }  // the caller checked remaining()

 private:
  const std::vector<std::string>& elements_;
  size_t pos_ = 0;
};

// Appends the live entries of one node (master ID `master`, listpack `blob`) to `stream`; their
// IDs must follow every ID already in it.
base::Status LoadNode(StreamId master, std::string_view blob, store::Stream& stream) {
  auto elements = DecodeRedisListpack(blob);
  if (!elements.ok()) return elements.status();
  if (elements->empty()) return Corrupt("empty listpack inside stream");
  NodeCursor node(*elements);
  auto live = node.Integer();
  if (!live.ok()) return live.status();
  auto deleted = node.Integer();
  if (!deleted.ok()) return deleted.status();
  auto master_count = node.Count();
  if (!master_count.ok()) return master_count.status();
  std::vector<std::string_view> master_fields;
  for (size_t i = 0; i < *master_count; ++i) master_fields.push_back(node.Text());
  auto terminator = node.Integer();
  if (!terminator.ok()) return terminator.status();
  if (*terminator != 0) return Corrupt("bad master entry terminator");

  int64_t live_seen = 0;
  int64_t deleted_seen = 0;
  std::vector<std::string_view> argv;
  const store::StreamLimits limits;
  while (node.remaining() > 0) {
    auto flags = node.Integer();
    if (!flags.ok()) return flags.status();
    if ((*flags & ~(kFlagDeleted | kFlagSameFields)) != 0) return Corrupt("bad entry flags");
    auto ms_delta = node.Integer();
    if (!ms_delta.ok()) return ms_delta.status();
    auto seq_delta = node.Integer();
    if (!seq_delta.ok()) return seq_delta.status();
    StreamId id{master.ms + static_cast<uint64_t>(*ms_delta),
                master.seq + static_cast<uint64_t>(*seq_delta)};
    const bool same = (*flags & kFlagSameFields) != 0;
    size_t count = *master_count;
    if (!same) {
      auto c = node.Count();
      if (!c.ok()) return c.status();
      count = *c;
    }
    if (count == 0) return Corrupt("entry without fields");
    if (node.remaining() < (same ? count : 2 * count)) return Corrupt("truncated entry");
    argv.clear();
    for (size_t i = 0; i < count; ++i) {
      argv.push_back(same ? master_fields[i] : node.Text());
      argv.push_back(node.Text());
    }
    auto lp_count = node.Integer();
    if (!lp_count.ok()) return lp_count.status();
    if (static_cast<uint64_t>(*lp_count) != (same ? count + 3 : 2 * count + 4)) {
      return Corrupt("bad lp-count");
    }
    if (*flags & kFlagDeleted) {
      ++deleted_seen;
      continue;
    }
    ++live_seen;
    if (id <= stream.last_id()) return Corrupt("entry IDs out of order");
    stream.Append(id, argv, limits);
  }
  if (live_seen != *live || deleted_seen != *deleted) return Corrupt("node counts mismatch");
  return base::Status::Ok();
}

// One consumer group: name, last ID, entries_read (type 19 only), the group PEL with delivery
// times and counts, then the consumers with their seen times and the IDs they own.
base::Status LoadGroup(bool v2, BufferReader& in, store::Stream& stream) {
  auto name = in.ReadString();
  if (!name.ok()) return name.status();
  auto last_id = ReadLengthId(in);
  if (!last_id.ok()) return last_id.status();
  int64_t entries_read;
  if (v2) {
    auto read = in.ReadLength();  // Redis writes -1 (unknown) as a 64-bit length
    if (!read.ok()) return read.status();
    entries_read = static_cast<int64_t>(*read);
    // Redis only ever holds a count or -1 (unknown); anything else would break the lag arithmetic.
    if (entries_read < ConsumerGroup::kInvalidEntriesRead) return Corrupt("bad entries_read");
  } else {
    entries_read = stream.EstimateDistanceFromFirstEverEntry(*last_id);
  }
  ConsumerGroup* group = stream.CreateGroup(*name, *last_id, entries_read);
  if (group == nullptr) return Corrupt("duplicated consumer group name");

  struct Nack {
    uint64_t delivery_time_ms;
    uint64_t delivery_count;
  };
  std::map<StreamId, Nack> pel;
  auto pel_size = in.ReadLength();
  if (!pel_size.ok()) return pel_size.status();
  for (uint64_t i = 0; i < *pel_size; ++i) {
    auto id = ReadRawId(in);
    if (!id.ok()) return id.status();
    auto time = in.ReadMillisecondTime();
    if (!time.ok()) return time.status();
    auto count = in.ReadLength();
    if (!count.ok()) return count.status();
    if (!pel.emplace(*id, Nack{static_cast<uint64_t>(*time), *count}).second)
      return Corrupt("duplicated PEL entry");
  }

  auto consumers = in.ReadLength();
  if (!consumers.ok()) return consumers.status();
  for (uint64_t c = 0; c < *consumers; ++c) {
    auto consumer_name = in.ReadString();
    if (!consumer_name.ok()) return consumer_name.status();
    auto seen = in.ReadMillisecondTime();
    if (!seen.ok()) return seen.status();
    auto [consumer, created] = group->CreateConsumer(*consumer_name, static_cast<uint64_t>(*seen));
    if (!created) return Corrupt("duplicate consumer");
    auto owned = in.ReadLength();
    if (!owned.ok()) return owned.status();
    for (uint64_t i = 0; i < *owned; ++i) {
      auto id = ReadRawId(in);
      if (!id.ok()) return id.status();
      auto nack = pel.find(*id);
      if (nack == pel.end()) return Corrupt("consumer entry not found in group PEL");
      if (group->FindPending(*id) != nullptr) return Corrupt("PEL entry owned twice");
      group->AddPending(*id, consumer, nack->second.delivery_time_ms, nack->second.delivery_count);
    }
  }
  if (group->pel().size() != pel.size()) return Corrupt("PEL entry without consumer");
  return base::Status::Ok();
}

}  // namespace

void AppendStream(const store::Stream& stream, bool compress, std::string* out) {
  std::vector<std::vector<OwnedEntry>> nodes = ChunkEntries(stream);
  AppendLength(nodes.size(), out);
  for (const auto& node : nodes) AppendNode(node, compress, out);
  AppendLength(stream.length(), out);
  AppendLength(stream.last_id().ms, out);
  AppendLength(stream.last_id().seq, out);
  AppendLength(stream.first_id().ms, out);
  AppendLength(stream.first_id().seq, out);
  AppendLength(stream.max_deleted_id().ms, out);
  AppendLength(stream.max_deleted_id().seq, out);
  AppendLength(stream.entries_added(), out);

  AppendLength(stream.groups().size(), out);
  for (const auto& [name, group] : stream.groups()) {
    AppendEncodedString(name, compress, out);
    AppendLength(group.last_id.ms, out);
    AppendLength(group.last_id.seq, out);
    AppendLength(static_cast<uint64_t>(group.entries_read), out);
    AppendLength(group.pel().size(), out);
    for (const auto& [id, nack] : group.pel()) {
      out->append(RawId(id));
      AppendMillisecondTime(static_cast<int64_t>(nack.delivery_time_ms), out);
      AppendLength(nack.delivery_count, out);
    }
    AppendLength(group.consumers().size(), out);
    for (const auto& [consumer_name, consumer] : group.consumers()) {
      AppendEncodedString(consumer_name, compress, out);
      AppendMillisecondTime(static_cast<int64_t>(consumer.seen_time_ms), out);
      AppendLength(consumer.pending.size(), out);
      for (StreamId id : consumer.pending) out->append(RawId(id));
    }
  }
}

base::StatusOr<std::unique_ptr<store::Stream>> ReadStream(uint8_t rdb_type, BufferReader& in) {
  if (rdb_type != kTypeStreamListpacks && rdb_type != kTypeStreamListpacks2) {
    return Corrupt("not a stream type");
  }
  const bool v2 = rdb_type == kTypeStreamListpacks2;

  // Nodes are keyed by master ID; load them in key order, as Redis's rax holds them.
  std::map<StreamId, std::string> nodes;
  auto node_count = in.ReadLength();
  if (!node_count.ok()) return node_count.status();
  for (uint64_t i = 0; i < *node_count; ++i) {
    auto key = in.ReadString();
    if (!key.ok()) return key.status();
    if (key->size() != 16) return Corrupt("node key is not the size of a stream ID");
    BufferReader key_reader(*key);
    StreamId master = *ReadRawId(key_reader);  // 16 bytes: cannot fail
    auto blob = in.ReadString();
    if (!blob.ok()) return blob.status();
    if (!nodes.emplace(master, std::move(*blob)).second) return Corrupt("node key repeated");
  }
  auto stream = std::make_unique<store::Stream>();
  for (const auto& [master, blob] : nodes) {
    base::Status s = LoadNode(master, blob, *stream);
    if (!s.ok()) return s;
  }
  nodes.clear();

  auto length = in.ReadLength();
  if (!length.ok()) return length.status();
  auto last_id = ReadLengthId(in);
  if (!last_id.ok()) return last_id.status();
  if (*length != stream->length()) return Corrupt("length does not match the entries");
  if (!stream->empty() && *last_id < stream->LastEntry()->id()) {
    return Corrupt("last ID below the last entry");
  }
  if (v2) {
    auto first_id = ReadLengthId(in);
    if (!first_id.ok()) return first_id.status();
    auto max_deleted = ReadLengthId(in);
    if (!max_deleted.ok()) return max_deleted.status();
    auto entries_added = in.ReadLength();
    if (!entries_added.ok()) return entries_added.status();
    // Counts Redis could have produced: at least the live entries, and within int64 (the lag
    // arithmetic is signed).
    if (*entries_added < stream->length() || *entries_added > INT64_MAX) {
      return Corrupt("entries_added out of range");
    }
    stream->RestoreMetadata(*last_id, *first_id, *max_deleted, *entries_added);
  } else {
    // 6.x kept none of these: Redis 7.0 counts every live entry as added, assumes no tombstone,
    // and takes the first live entry (the maximal ID when there is none).
    StreamId first = stream->empty() ? StreamId::Max() : stream->FirstEntry()->id();
    stream->RestoreMetadata(*last_id, first, StreamId::Min(), stream->length());
  }

  auto groups = in.ReadLength();
  if (!groups.ok()) return groups.status();
  for (uint64_t g = 0; g < *groups; ++g) {
    base::Status s = LoadGroup(v2, in, *stream);
    if (!s.ok()) return s;
  }
  return stream;
}

}  // namespace tandem::rdb
