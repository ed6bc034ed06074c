#include "server/store/hash_object.h"

#include <unordered_set>

namespace tandem::store {
namespace {

// Redis converts a listpack before it would pass 1 GiB (LISTPACK_MAX_SAFETY_SIZE); our Listpack
// counts bytes in 32 bits, so the same margin keeps it far from overflow too.
constexpr size_t kMaxListpackBytes = size_t{1} << 30;
// Upper bound of an entry's framing (length varint and back-length) around its bytes.
constexpr size_t kEntryOverhead = 20;

// Every hash pays for one HashObject block: 40 bytes is glibc's 48-byte chunk, and only a 24-byte
// object (impossible around a 24-byte Listpack and a vtable) would fit a smaller one.
static_assert(sizeof(HashObject) <= 40, "HashObject is part of the per-hash memory budget");

}  // namespace

HashObject::HashObject(const HashObject& other) : listpack_(other.listpack_) {
  if (other.map_ != nullptr) map_ = std::make_unique<StringMap>(*other.map_);
}

std::unique_ptr<Object> HashObject::Clone() const { return std::make_unique<HashObject>(*this); }

size_t HashObject::FindInListpack(std::string_view field) const {
  TextBuffer buf;
  for (size_t p = listpack_.begin(); p != listpack_.end();) {
    if (listpack_.Get(p, buf) == field) return p;
    p = listpack_.Next(listpack_.Next(p));  // skip the value
  }
  return listpack_.end();
}

std::optional<std::string_view> HashObject::Get(std::string_view field, TextBuffer& buf) const {
  if (!is_listpack()) {
    bool found;
    std::string_view value = map_->Find(field, &found);
    if (!found) return std::nullopt;
    return value;
  }
  size_t p = FindInListpack(field);
  if (p == listpack_.end()) return std::nullopt;
  return listpack_.Get(listpack_.Next(p), buf);
}

bool HashObject::Contains(std::string_view field) const {
  TextBuffer buf;
  return Get(field, buf).has_value();
}

bool HashObject::Set(std::string_view field, std::string_view value, const HashLimits& limits) {
  if (is_listpack() &&
      (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value ||
       listpack_.bytes() + field.size() + value.size() + 2 * kEntryOverhead > kMaxListpackBytes)) {
    ConvertToHashtable();
  }
  if (!is_listpack()) return map_->Set(field, value);
  size_t p = FindInListpack(field);
  bool added = p == listpack_.end();
  if (added) {
    listpack_.PushBack(field);
    listpack_.PushBack(value);
  } else {
    listpack_.Replace(listpack_.Next(p), value);
  }
  if (size() > limits.max_listpack_entries) ConvertToHashtable();
  return added;
}

bool HashObject::Delete(std::string_view field) {
  if (!is_listpack()) return map_->Erase(field);
  size_t p = FindInListpack(field);
  if (p == listpack_.end()) return false;
  listpack_.Erase(p, 2);
  return true;
}

void HashObject::ConvertToHashtable() {
  if (!is_listpack()) return;
  auto map = std::make_unique<StringMap>();
  ForEach([&map](std::string_view f, std::string_view v) { map->Set(f, v); });
  map_ = std::move(map);
  listpack_.Clear();
}

std::vector<size_t> HashObject::FieldPositions() const {
  std::vector<size_t> positions;
  positions.reserve(size());
  for (size_t p = listpack_.begin(); p != listpack_.end(); p = listpack_.Next(listpack_.Next(p))) {
    positions.push_back(p);
  }
  return positions;
}

HashObject::Pair HashObject::PairAt(size_t pos, PairBuffer& buf) const {
  return {listpack_.Get(pos, buf.field), listpack_.Get(listpack_.Next(pos), buf.value)};
}

HashObject::Pair HashObject::Random(std::mt19937_64& rng, PairBuffer& buf) const {
  if (!is_listpack()) return map_->Random(rng);
  return PairAt(listpack_.Seek(static_cast<int64_t>(2 * (rng() % size()))), buf);
}

void HashObject::RandomDistinctMapPairs(size_t n, std::mt19937_64& rng,
                                        std::vector<Pair>* out) const {
  size_t total = size();
  if (n >= total) {
    map_->ForEach([out](std::string_view f, std::string_view v) { out->emplace_back(f, v); });
    return;
  }
  if (n * 3 > total) {
    // A large share: a partial Fisher-Yates shuffle of all the pairs.
    std::vector<Pair> all;
    all.reserve(total);
    map_->ForEach([&all](std::string_view f, std::string_view v) { all.emplace_back(f, v); });
    for (size_t i = 0; i < n; ++i) {
      std::swap(all[i], all[i + rng() % (total - i)]);
      out->push_back(all[i]);
    }
    return;
  }
  // A small share: draw until n distinct fields came up.
  std::unordered_set<std::string_view> seen;
  while (seen.size() < n) {
    Pair pair = map_->Random(rng);
    if (seen.insert(pair.first).second) out->push_back(pair);
  }
}

}  // namespace tandem::store
