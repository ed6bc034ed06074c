#include "server/store/set_object.h"

#include <charconv>

#include "server/base/number_parse.h"

namespace tandem::store {

std::string_view SetObject::Format(int64_t value, char* buf) {
  char* end = std::to_chars(buf, buf + kMaxIntChars, value).ptr;
  return {buf, static_cast<size_t>(end - buf)};
}

SetObject::SetObject(const SetObject& other)
    : ints_(other.ints_),
      strings_(other.strings_ ? std::make_unique<StringSet>(*other.strings_) : nullptr) {}

std::unique_ptr<Object> SetObject::Clone() const { return std::make_unique<SetObject>(*this); }

bool SetObject::Contains(std::string_view member) const {
  if (!is_intset()) return strings_->Contains(member);
  auto value = base::ParseInt64(member);
  return value && ints_.Contains(*value);
}

bool SetObject::Add(std::string_view member, size_t max_intset_entries) {
  if (is_intset()) {
    auto value = base::ParseInt64(member);
    if (value) {
      if (ints_.Contains(*value)) return false;
      if (ints_.size() < max_intset_entries) return ints_.Insert(*value);
    }
    ConvertToHashtable();
  }
  return strings_->Insert(member);
}

bool SetObject::Remove(std::string_view member) {
  if (!is_intset()) return strings_->Erase(member);
  auto value = base::ParseInt64(member);
  return value && ints_.Erase(*value);
}

std::string SetObject::RandomMember(std::mt19937_64& rng) const {
  if (!is_intset()) return std::string(strings_->Random(rng));
  char buf[kMaxIntChars];
  return std::string(Format(ints_.At(rng() % ints_.size()), buf));
}

std::string SetObject::PopRandom(std::mt19937_64& rng) {
  if (!is_intset()) return strings_->PopRandom(rng);
  size_t index = rng() % ints_.size();
  char buf[kMaxIntChars];
  std::string member(Format(ints_.At(index), buf));
  ints_.EraseAt(index);
  return member;
}

uint64_t SetObject::Scan(uint64_t cursor, const std::function<void(std::string_view)>& fn) const {
  if (!is_intset()) return strings_->Scan(cursor, fn);
  ForEach(fn);
  return 0;
}

void SetObject::ConvertToHashtable() {
  auto strings = std::make_unique<StringSet>();
  strings->Reserve(ints_.size() + 1);
  ForEach([&strings](std::string_view member) { strings->Insert(member); });
  ints_ = IntSet();
  strings_ = std::move(strings);
}

}  // namespace tandem::store
