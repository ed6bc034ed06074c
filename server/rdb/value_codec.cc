#include "server/rdb/value_codec.h"

#include <cmath>
#include <cstdio>
#include <string_view>
#include <vector>

#include "server/base/number_parse.h"
#include "server/rdb/intset_blob.h"
#include "server/rdb/rdb_format.h"
#include "server/rdb/redis_listpack.h"
#include "server/rdb/stream_codec.h"
#include "server/rdb/ziplist.h"
#include "server/rdb/zipmap.h"
#include "server/store/list_object.h"
#include "server/store/set_object.h"
#include "server/store/stream.h"

namespace tandem::rdb {
namespace {

// Quicklist node containers (RDB_TYPE_LIST_QUICKLIST_2).
constexpr uint64_t kContainerPlain = 1;   // one element, stored as a plain string
constexpr uint64_t kContainerPacked = 2;  // a listpack

base::Status Corrupt(std::string what) {
  return base::Status::Error(base::Status::Code::kCorruption, std::move(what));
}

// A sorted-set score as Redis 7.0 puts it into a listpack (zzlInsertAt through d2string): an
// integer when the double is integral and within +-2^62 (so -0 is 0), "inf"/"-inf", else the
// %.17g text.
// What comes before a value's payload: its type byte and, in an RDB file, the key.
struct ValueStart {
  const std::string_view* key;  // null in a DUMP payload
  bool compress;
  void Write(RdbType type, std::string* out) const {
    out->push_back(static_cast<char>(type));
    if (key != nullptr) AppendEncodedString(*key, compress, out);
  }
};

void AppendListpackScore(double score, RedisListpackWriter* writer) {
  constexpr double kIntegerLimit = 4611686018427387904.0;  // 2^62
  if (std::isinf(score)) {
    writer->Append(score > 0 ? "inf" : "-inf");
  } else if (score >= -kIntegerLimit && score <= kIntegerLimit && score == std::trunc(score)) {
    writer->AppendInteger(static_cast<int64_t>(score));
  } else {
    char buf[32];
    int len = std::snprintf(buf, sizeof(buf), "%.17g", score);
    writer->Append(std::string_view(buf, len));
  }
}

void AppendList(const store::ListObject& list, const ValueStart& start, bool compress,
                std::string* out) {
  start.Write(kTypeListQuicklist2, out);
  AppendLength(list.node_count(), out);
  list.ForEachNode([&](const store::Listpack& node) {
    RedisListpackWriter writer;
    node.ForEach([&](size_t, std::string_view element) {
      writer.Append(element);
      return true;
    });
    AppendLength(kContainerPacked, out);
    AppendEncodedString(writer.Finish(), compress, out);
  });
}

void AppendSet(const store::SetObject& set, const ValueStart& start, bool compress,
               std::string* out) {
  if (set.is_intset()) {
    start.Write(kTypeSetIntset, out);
    AppendEncodedString(set.intset().blob(), compress, out);
    return;
  }
  start.Write(kTypeSet, out);
  AppendLength(set.size(), out);
  set.ForEach([&](std::string_view member) { AppendEncodedString(member, compress, out); });
}

void AppendZSet(const store::ZSetObject& zset, const ValueStart& start, bool compress,
                std::string* out) {
  if (zset.is_listpack()) {
    start.Write(kTypeZSetListpack, out);
    RedisListpackWriter writer;
    zset.ForEach([&](std::string_view member, double score) {
      writer.Append(member);
      AppendListpackScore(score, &writer);
      return true;
    });
    AppendEncodedString(writer.Finish(), compress, out);
    return;
  }
  // Redis writes skiplists from the tail so that loading inserts each member at the head.
  start.Write(kTypeZSet2, out);
  AppendLength(zset.size(), out);
  zset.Visit({0, zset.size()}, /*reverse=*/true, [&](std::string_view member, double score) {
    AppendEncodedString(member, compress, out);
    AppendBinaryDouble(score, out);
    return true;
  });
}

void AppendHash(const store::HashObject& hash, const ValueStart& start, bool compress,
                std::string* out) {
  if (hash.is_listpack()) {
    start.Write(kTypeHashListpack, out);
    RedisListpackWriter writer;
    hash.ForEach([&](std::string_view field, std::string_view value) {
      writer.Append(field);
      writer.Append(value);
    });
    AppendEncodedString(writer.Finish(), compress, out);
    return;
  }
  start.Write(kTypeHash, out);
  AppendLength(hash.size(), out);
  hash.ForEach([&](std::string_view field, std::string_view value) {
    AppendEncodedString(field, compress, out);
    AppendEncodedString(value, compress, out);
  });
}

// Builders that apply the configured limits as normal writes do and refuse what Redis refuses.
class SetBuilder {
 public:
  explicit SetBuilder(const ObjectLimits& limits) : limits_(limits) {}
  base::Status Add(std::string_view member) {
    if (!set_->Add(member, limits_.set_max_intset_entries)) return Corrupt("duplicate set member");
    return base::Status::Ok();
  }
  base::StatusOr<Value> Finish() {
    if (set_->size() == 0) return Corrupt("empty set");
    return Value{{}, std::move(set_)};
  }

 private:
  const ObjectLimits& limits_;
  std::unique_ptr<store::SetObject> set_ = std::make_unique<store::SetObject>();
};

class ZSetBuilder {
 public:
  explicit ZSetBuilder(const ObjectLimits& limits)
      : limits_(limits), zset_(std::make_unique<store::ZSetObject>(limits.zset)) {}
  base::Status Add(std::string_view member, double score) {
    if (std::isnan(score)) return Corrupt("NaN sorted set score");
    auto result = zset_->Add(member, score, store::ZSetObject::kNone, limits_.zset);
    if (result.outcome != store::ZSetObject::AddOutcome::kAdded) {
      return Corrupt("duplicate sorted set member");
    }
    return base::Status::Ok();
  }
  // Member, score, member, score... with scores as text or integer entries.
  base::Status AddPairs(const std::vector<std::string>& entries) {
    if (entries.size() % 2 != 0) return Corrupt("sorted set blob with an odd entry count");
    for (size_t i = 0; i < entries.size(); i += 2) {
      auto score = base::ParseDouble(entries[i + 1]);
      if (!score) return Corrupt("bad sorted set score");
      if (auto status = Add(entries[i], *score); !status.ok()) return status;
    }
    return base::Status::Ok();
  }
  base::StatusOr<Value> Finish() {
    if (zset_->empty()) return Corrupt("empty sorted set");
    return Value{{}, std::move(zset_)};
  }

 private:
  const ObjectLimits& limits_;
  std::unique_ptr<store::ZSetObject> zset_;
};

class HashBuilder {
 public:
  explicit HashBuilder(const ObjectLimits& limits) : limits_(limits) {}
  base::Status Add(std::string_view field, std::string_view value) {
    if (!hash_->Set(field, value, limits_.hash)) return Corrupt("duplicate hash field");
    return base::Status::Ok();
  }
  base::Status AddPairs(const std::vector<std::string>& entries) {
    if (entries.size() % 2 != 0) return Corrupt("hash blob with an odd entry count");
    for (size_t i = 0; i < entries.size(); i += 2) {
      if (auto status = Add(entries[i], entries[i + 1]); !status.ok()) return status;
    }
    return base::Status::Ok();
  }
  base::StatusOr<Value> Finish() {
    if (hash_->empty()) return Corrupt("empty hash");
    return Value{{}, std::move(hash_)};
  }

 private:
  const ObjectLimits& limits_;
  std::unique_ptr<store::HashObject> hash_ = std::make_unique<store::HashObject>();
};

base::StatusOr<Value> FinishList(std::unique_ptr<store::ListObject> list) {
  if (list->empty()) return Corrupt("empty list");
  return Value{{}, std::move(list)};
}

base::StatusOr<Value> ReadPlainList(BufferReader& in, const ObjectLimits& limits) {
  auto count = in.ReadLength();
  if (!count.ok()) return count.status();
  auto list = std::make_unique<store::ListObject>(limits.list_fill);
  for (uint64_t i = 0; i < *count; ++i) {
    auto element = in.ReadString();
    if (!element.ok()) return element.status();
    list->Push(store::ListEnd::kTail, *element);
  }
  return FinishList(std::move(list));
}

// kTypeListZiplist (one ziplist), kTypeListQuicklist (ziplist nodes) and kTypeListQuicklist2
// (listpack or plain nodes). Empty nodes are skipped, as Redis does.
base::StatusOr<Value> ReadCompactList(uint8_t rdb_type, BufferReader& in,
                                      const ObjectLimits& limits) {
  uint64_t nodes = 1;
  if (rdb_type != kTypeListZiplist) {
    auto count = in.ReadLength();
    if (!count.ok()) return count.status();
    nodes = *count;
  }
  auto list = std::make_unique<store::ListObject>(limits.list_fill);
  for (uint64_t n = 0; n < nodes; ++n) {
    uint64_t container = kContainerPacked;
    if (rdb_type == kTypeListQuicklist2) {
      auto c = in.ReadLength();
      if (!c.ok()) return c.status();
      container = *c;
      if (container != kContainerPlain && container != kContainerPacked) {
        return Corrupt("unknown quicklist container");
      }
    }
    auto blob = in.ReadString();
    if (!blob.ok()) return blob.status();
    if (container == kContainerPlain) {
      list->Push(store::ListEnd::kTail, *blob);
      continue;
    }
    auto elements =
        rdb_type == kTypeListQuicklist2 ? DecodeRedisListpack(*blob) : DecodeZiplist(*blob);
    if (!elements.ok()) return elements.status();
    for (const std::string& e : *elements) list->Push(store::ListEnd::kTail, e);
  }
  return FinishList(std::move(list));
}

base::StatusOr<Value> ReadPlainSet(BufferReader& in, const ObjectLimits& limits) {
  auto count = in.ReadLength();
  if (!count.ok()) return count.status();
  SetBuilder set(limits);
  for (uint64_t i = 0; i < *count; ++i) {
    auto member = in.ReadString();
    if (!member.ok()) return member.status();
    if (auto status = set.Add(*member); !status.ok()) return status;
  }
  return set.Finish();
}

base::StatusOr<Value> ReadIntset(BufferReader& in, const ObjectLimits& limits) {
  auto blob = in.ReadString();
  if (!blob.ok()) return blob.status();
  auto values = DecodeIntsetBlob(*blob);
  if (!values.ok()) return values.status();
  SetBuilder set(limits);
  for (int64_t v : *values) {
    if (auto status = set.Add(std::to_string(v)); !status.ok()) return status;
  }
  return set.Finish();
}

base::StatusOr<Value> ReadPlainZSet(uint8_t rdb_type, BufferReader& in,
                                    const ObjectLimits& limits) {
  auto count = in.ReadLength();
  if (!count.ok()) return count.status();
  ZSetBuilder zset(limits);
  for (uint64_t i = 0; i < *count; ++i) {
    auto member = in.ReadString();
    if (!member.ok()) return member.status();
    auto score = rdb_type == kTypeZSet2 ? in.ReadBinaryDouble() : in.ReadTextDouble();
    if (!score.ok()) return score.status();
    if (auto status = zset.Add(*member, *score); !status.ok()) return status;
  }
  return zset.Finish();
}

base::StatusOr<Value> ReadPlainHash(BufferReader& in, const ObjectLimits& limits) {
  auto count = in.ReadLength();
  if (!count.ok()) return count.status();
  HashBuilder hash(limits);
  for (uint64_t i = 0; i < *count; ++i) {
    auto field = in.ReadString();
    if (!field.ok()) return field.status();
    auto value = in.ReadString();
    if (!value.ok()) return value.status();
    if (auto status = hash.Add(*field, *value); !status.ok()) return status;
  }
  return hash.Finish();
}

base::StatusOr<Value> ReadZipmapHash(BufferReader& in, const ObjectLimits& limits) {
  auto blob = in.ReadString();
  if (!blob.ok()) return blob.status();
  auto pairs = DecodeZipmap(*blob);
  if (!pairs.ok()) return pairs.status();
  HashBuilder hash(limits);
  for (const auto& [field, value] : *pairs) {
    if (auto status = hash.Add(field, value); !status.ok()) return status;
  }
  return hash.Finish();
}

// Hashes and sorted sets kept as one ziplist or listpack of alternating entries.
base::StatusOr<Value> ReadPairBlob(uint8_t rdb_type, BufferReader& in, const ObjectLimits& limits) {
  auto blob = in.ReadString();
  if (!blob.ok()) return blob.status();
  bool listpack = rdb_type == kTypeHashListpack || rdb_type == kTypeZSetListpack;
  auto entries = listpack ? DecodeRedisListpack(*blob) : DecodeZiplist(*blob);
  if (!entries.ok()) return entries.status();
  if (rdb_type == kTypeHashListpack || rdb_type == kTypeHashZiplist) {
    HashBuilder hash(limits);
    if (auto status = hash.AddPairs(*entries); !status.ok()) return status;
    return hash.Finish();
  }
  ZSetBuilder zset(limits);
  if (auto status = zset.AddPairs(*entries); !status.ok()) return status;
  return zset.Finish();
}

}  // namespace

// The value of `entry`, preceded by `start`.
void AppendEntry(const store::Entry& entry, const ValueStart& start, std::string* out) {
  bool compress = start.compress;
  switch (entry.type()) {
    case store::ValueType::kString:
      start.Write(kTypeString, out);
      AppendEncodedString(entry.string_value(), compress, out);
      return;
    case store::ValueType::kList:
      return AppendList(static_cast<const store::ListObject&>(*entry.object()), start, compress,
                        out);
    case store::ValueType::kSet:
      return AppendSet(static_cast<const store::SetObject&>(*entry.object()), start, compress, out);
    case store::ValueType::kZSet:
      return AppendZSet(static_cast<const store::ZSetObject&>(*entry.object()), start, compress,
                        out);
    case store::ValueType::kHash:
      return AppendHash(static_cast<const store::HashObject&>(*entry.object()), start, compress,
                        out);
    case store::ValueType::kStream:
      start.Write(kTypeStreamListpacks2, out);
      AppendStream(static_cast<const store::Stream&>(*entry.object()), compress, out);
      return;
  }
}

void AppendValue(const store::Entry& entry, const WriteOptions& options, std::string* out) {
  AppendEntry(entry, {nullptr, options.compress}, out);
}

void AppendKeyAndValue(const store::Entry& entry, const WriteOptions& options, std::string* out) {
  std::string_view key = entry.key();
  AppendEntry(entry, {&key, options.compress}, out);
}

bool IsValueType(uint8_t rdb_type) {
  return rdb_type <= kTypeModule2 ||
         (rdb_type >= kTypeHashZipmap && rdb_type <= kTypeStreamListpacks2);
}

base::StatusOr<Value> ReadValue(uint8_t rdb_type, BufferReader& in, const ObjectLimits& limits) {
  switch (rdb_type) {
    case kTypeString: {
      auto s = in.ReadString();
      if (!s.ok()) return s.status();
      return Value{std::move(*s), nullptr};
    }
    case kTypeList:
      return ReadPlainList(in, limits);
    case kTypeListZiplist:
    case kTypeListQuicklist:
    case kTypeListQuicklist2:
      return ReadCompactList(rdb_type, in, limits);
    case kTypeSet:
      return ReadPlainSet(in, limits);
    case kTypeSetIntset:
      return ReadIntset(in, limits);
    case kTypeZSet:
    case kTypeZSet2:
      return ReadPlainZSet(rdb_type, in, limits);
    case kTypeHash:
      return ReadPlainHash(in, limits);
    case kTypeHashZipmap:
      return ReadZipmapHash(in, limits);
    case kTypeZSetZiplist:
    case kTypeZSetListpack:
    case kTypeHashZiplist:
    case kTypeHashListpack:
      return ReadPairBlob(rdb_type, in, limits);
    case kTypeStreamListpacks:
    case kTypeStreamListpacks2: {
      auto stream = ReadStream(rdb_type, in);
      if (!stream.ok()) return stream.status();
      return Value{{}, std::move(*stream)};
    }
    case kTypeModule:
    case kTypeModule2:
      return Corrupt("module values are not supported");
  }
  return Corrupt("unknown value type");
}

}  // namespace tandem::rdb
