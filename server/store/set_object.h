#pragma once
// SetObject: the value of a Redis set (TYPE "set"), in Redis 7.0's two encodings:
//   "intset"    while every member is an integer in canonical form (base::ParseInt64 accepts it:
//               no '+', no leading zero, no "-0", fits int64) and there are at most
//               set-max-intset-entries members: an IntSet, sorted, 2/4/8 bytes a member;
//   "hashtable" otherwise: a StringSet.
// A new set starts as an empty intset; the first member that breaks either rule converts it, and
// it never converts back (as in Redis, removing members keeps the hashtable).
//
// Members are handed out as string views; an intset member is formatted in a scratch buffer, so a
// view is only valid during the callback that receives it.
//
// Owner: the Entry holding it; single-threaded.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <string_view>

#include "server/store/intset.h"
#include "server/store/object.h"
#include "server/store/string_set.h"

namespace tandem::store {

class SetObject final : public Object {
 public:
  SetObject() = default;
  SetObject(const SetObject& other);
  SetObject& operator=(const SetObject&) = delete;
  SetObject(SetObject&&) noexcept = default;
  SetObject& operator=(SetObject&&) noexcept = default;

  ValueType type() const override { return ValueType::kSet; }
  std::string_view encoding() const override { return is_intset() ? "intset" : "hashtable"; }
  // Same members, same encoding.
  std::unique_ptr<Object> Clone() const override;

  bool is_intset() const { return strings_ == nullptr; }
  // The encodings' storage, for serialisation (RDB): intset() while is_intset(), else strings().
  const IntSet& intset() const { return ints_; }
  const StringSet& strings() const { return *strings_; }

  size_t size() const { return is_intset() ? ints_.size() : strings_->size(); }
  bool Contains(std::string_view member) const;
  // Adds `member`; false when it was already present. Converts an intset to a hashtable first
  // when `member` is not a canonical integer or the intset would exceed `max_intset_entries`.
  bool Add(std::string_view member, size_t max_intset_entries);
  // Removes `member`; false when it was absent.
  bool Remove(std::string_view member);

  // A uniformly chosen member; requires size() > 0.
  std::string RandomMember(std::mt19937_64& rng) const;
  // Removes a uniformly chosen member and returns it; requires size() > 0.
  std::string PopRandom(std::mt19937_64& rng);

  // Calls fn(std::string_view) for every member: ascending numeric order for an intset, table
  // order for a hashtable. fn must not change the set.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (!is_intset()) return strings_->ForEach(fn);
    char buf[kMaxIntChars];
    for (size_t i = 0; i < ints_.size(); ++i) fn(Format(ints_.At(i), buf));
  }

  // One step of SSCAN from `cursor` (0 starts): calls fn for some members and returns the next
  // cursor, 0 when done. Every member present for the whole iteration is reported at least once.
  // An intset reports everything in one step and returns 0, whatever the cursor (as Redis does
  // for its compact encodings).
  uint64_t Scan(uint64_t cursor, const std::function<void(std::string_view)>& fn) const;

 private:
  static constexpr size_t kMaxIntChars = 20;  // "-9223372036854775808"
  static std::string_view Format(int64_t value, char* buf);
  void ConvertToHashtable();

  IntSet ints_;  // the members while an intset (empty afterwards)
  // The members once a hashtable; null while an intset. Behind a pointer so that the many small
  // sets that stay intsets carry one word for it, not the table's three.
  std::unique_ptr<StringSet> strings_;
};

}  // namespace tandem::store
