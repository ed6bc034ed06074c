#include "server/store/zset_object.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace tandem::store {
namespace {

// A score as listpack text: the shortest text that reads back as the same double ("1.5", "inf"),
// so that no precision is lost. -0.0 is stored as "0": Redis's listpack keeps it as the integer 0.
std::string_view ScoreText(double score, char (&buf)[32]) {
  if (score == 0) score = 0;
  auto result = std::to_chars(buf, buf + sizeof(buf), score);
  return {buf, static_cast<size_t>(result.ptr - buf)};
}

double ParseScoreText(std::string_view text) {
  double score = 0;
  std::from_chars(text.data(), text.data() + text.size(), score);
  return score;
}

}  // namespace

bool LexRange::AboveMin(std::string_view member) const {
  switch (min.kind) {
    case LexBound::Kind::kMinusInfinity:
      return true;
    case LexBound::Kind::kPlusInfinity:
      return false;
    case LexBound::Kind::kInclusive:
      return member >= min.value;
    case LexBound::Kind::kExclusive:
      return member > min.value;
  }
  return false;
}

bool LexRange::BelowMax(std::string_view member) const {
  switch (max.kind) {
    case LexBound::Kind::kMinusInfinity:
      return false;
    case LexBound::Kind::kPlusInfinity:
      return true;
    case LexBound::Kind::kInclusive:
      return member <= max.value;
    case LexBound::Kind::kExclusive:
      return member < max.value;
  }
  return false;
}

ZSetObject::ZSetObject(const ZSetLimits& limits) {
  if (limits.max_listpack_entries == 0) skiplist_ = std::make_unique<ZSkipList>();
}

ZSetObject::ZSetObject(const ZSetObject& other) : listpack_(other.listpack_) {
  if (other.skiplist_ != nullptr) skiplist_ = std::make_unique<ZSkipList>(*other.skiplist_);
}

std::unique_ptr<Object> ZSetObject::Clone() const { return std::make_unique<ZSetObject>(*this); }

size_t ZSetObject::size() const { return is_listpack() ? listpack_.size() / 2 : skiplist_->size(); }

// --- listpack helpers
// -----------------------------------------------------------------------------

size_t ZSetObject::ListpackFind(std::string_view member) const {
  for (size_t p = listpack_.begin(); p != listpack_.end(); p = listpack_.Next(listpack_.Next(p))) {
    if (listpack_.Get(p) == member) return p;
  }
  return listpack_.end();
}

double ZSetObject::ListpackScore(size_t member_pos) const {
  return ParseScoreText(listpack_.Get(listpack_.Next(member_pos)));
}

void ZSetObject::ListpackInsert(std::string_view member, double score) {
  size_t p = listpack_.begin();
  for (; p != listpack_.end(); p = listpack_.Next(listpack_.Next(p))) {
    double s = ListpackScore(p);
    if (s > score || (s == score && listpack_.Get(p) > member)) break;
  }
  char buf[32];
  p = listpack_.Insert(p, member);
  listpack_.Insert(listpack_.Next(p), ScoreText(score, buf));
}

void ZSetObject::ConvertToSkiplist() {
  auto skiplist = std::make_unique<ZSkipList>();
  for (size_t p = listpack_.begin(); p != listpack_.end(); p = listpack_.Next(listpack_.Next(p))) {
    skiplist->Insert(ListpackScore(p), listpack_.Get(p));
  }
  listpack_ = Listpack();
  skiplist_ = std::move(skiplist);
}

// --- point operations
// -----------------------------------------------------------------------------

ZSetObject::AddResult ZSetObject::Add(std::string_view member, double score, uint8_t flags,
                                      const ZSetLimits& limits) {
  const ZSkipList::Node* node = nullptr;
  size_t pos = listpack_.end();
  bool exists;
  if (is_listpack()) {
    pos = ListpackFind(member);
    exists = pos != listpack_.end();
  } else {
    node = skiplist_->Find(member);
    exists = node != nullptr;
  }

  if (exists) {
    if (flags & kNx) return {AddOutcome::kSkipped, 0};
    double current = is_listpack() ? ListpackScore(pos) : ZSkipList::score(node);
    double updated = (flags & kIncr) ? current + score : score;
    if (std::isnan(updated)) return {AddOutcome::kNan, 0};
    if (((flags & kGt) && updated <= current) || ((flags & kLt) && updated >= current)) {
      return {AddOutcome::kSkipped, current};
    }
    if (updated == current) return {AddOutcome::kUnchanged, updated};
    if (is_listpack()) {
      listpack_.Erase(pos, 2);
      ListpackInsert(member, updated);
    } else {
      skiplist_->UpdateScore(node, updated);
    }
    return {AddOutcome::kUpdated, updated};
  }

  if (flags & kXx) return {AddOutcome::kSkipped, 0};
  if (is_listpack()) {
    if (size() + 1 > limits.max_listpack_entries || member.size() > limits.max_listpack_value) {
      ConvertToSkiplist();
    } else {
      ListpackInsert(member, score);
      return {AddOutcome::kAdded, score};
    }
  }
  skiplist_->Insert(score, member);
  return {AddOutcome::kAdded, score};
}

bool ZSetObject::Remove(std::string_view member) {
  if (is_listpack()) {
    size_t pos = ListpackFind(member);
    if (pos == listpack_.end()) return false;
    listpack_.Erase(pos, 2);
    return true;
  }
  const ZSkipList::Node* node = skiplist_->Find(member);
  if (node == nullptr) return false;
  skiplist_->Erase(node);
  return true;
}

std::optional<double> ZSetObject::Score(std::string_view member) const {
  if (is_listpack()) {
    size_t pos = ListpackFind(member);
    if (pos == listpack_.end()) return std::nullopt;
    return ListpackScore(pos);
  }
  const ZSkipList::Node* node = skiplist_->Find(member);
  if (node == nullptr) return std::nullopt;
  return ZSkipList::score(node);
}

std::optional<size_t> ZSetObject::Rank(std::string_view member, bool reverse) const {
  size_t rank = 0;
  if (is_listpack()) {
    size_t p = listpack_.begin();
    for (; p != listpack_.end() && listpack_.Get(p) != member;
         p = listpack_.Next(listpack_.Next(p)))
      ++rank;
    if (p == listpack_.end()) return std::nullopt;
  } else {
    const ZSkipList::Node* node = skiplist_->Find(member);
    if (node == nullptr) return std::nullopt;
    rank = skiplist_->RankOf(node);
  }
  return reverse ? size() - 1 - rank : rank;
}

// --- ranges
// ---------------------------------------------------------------------------------------

namespace {

// The length of the prefix of `zset` (ascending) for which before(member, score) holds.
template <typename Before>
size_t ListpackCountBefore(const Listpack& lp, Before&& before) {
  size_t count = 0;
  for (size_t p = lp.begin(); p != lp.end(); p = lp.Next(lp.Next(p))) {
    if (!before(ParseScoreText(lp.Get(lp.Next(p))), lp.Get(p))) break;
    ++count;
  }
  return count;
}

}  // namespace

RankRange ZSetObject::RanksInScoreRange(const ScoreRange& range) const {
  auto below_min = [&](double score, std::string_view) { return !range.AboveMin(score); };
  auto not_above_max = [&](double score, std::string_view) { return range.BelowMax(score); };
  RankRange ranks;
  if (is_listpack()) {
    ranks = {ListpackCountBefore(listpack_, below_min),
             ListpackCountBefore(listpack_, not_above_max)};
  } else {
    ranks = {skiplist_->CountBefore(below_min), skiplist_->CountBefore(not_above_max)};
  }
  ranks.end = std::max(ranks.begin, ranks.end);
  return ranks;
}

RankRange ZSetObject::RanksInLexRange(const LexRange& range) const {
  auto below_min = [&](double, std::string_view member) { return !range.AboveMin(member); };
  auto not_above_max = [&](double, std::string_view member) { return range.BelowMax(member); };
  RankRange ranks;
  if (is_listpack()) {
    ranks = {ListpackCountBefore(listpack_, below_min),
             ListpackCountBefore(listpack_, not_above_max)};
  } else {
    ranks = {skiplist_->CountBefore(below_min), skiplist_->CountBefore(not_above_max)};
  }
  ranks.end = std::max(ranks.begin, ranks.end);
  return ranks;
}

void ZSetObject::Visit(RankRange ranks, bool reverse, ZSetVisitor visit) const {
  ranks.end = std::min(ranks.end, size());
  if (ranks.begin >= ranks.end) return;
  size_t n = ranks.size();
  if (is_listpack()) {
    const Listpack& lp = listpack_;
    size_t p = lp.Seek(2 * static_cast<int64_t>(reverse ? ranks.end - 1 : ranks.begin));
    for (; n > 0; --n) {
      if (!visit(lp.Get(p), ParseScoreText(lp.Get(lp.Next(p))))) return;
      if (n > 1) p = reverse ? lp.Prev(lp.Prev(p)) : lp.Next(lp.Next(p));
    }
    return;
  }
  const ZSkipList::Node* node = skiplist_->AtRank(reverse ? ranks.end - 1 : ranks.begin);
  for (; n > 0; --n) {
    if (!visit(ZSkipList::member(node), ZSkipList::score(node))) return;
    node = reverse ? ZSkipList::Prev(node) : ZSkipList::Next(node);
  }
}

std::pair<std::string_view, double> ZSetObject::At(size_t rank) const {
  if (is_listpack()) {
    size_t p = listpack_.Seek(2 * static_cast<int64_t>(rank));
    return {listpack_.Get(p), ListpackScore(p)};
  }
  const ZSkipList::Node* node = skiplist_->AtRank(rank);
  return {ZSkipList::member(node), ZSkipList::score(node)};
}

size_t ZSetObject::RemoveRanks(RankRange ranks) {
  ranks.end = std::min(ranks.end, size());
  if (ranks.begin >= ranks.end) return 0;
  if (is_listpack()) {
    listpack_.Erase(listpack_.Seek(2 * static_cast<int64_t>(ranks.begin)), 2 * ranks.size());
  } else {
    skiplist_->EraseRanks(ranks.begin, ranks.end);
  }
  return ranks.size();
}

size_t ZSetObject::Pop(size_t count, bool max, ZSetVisitor visit) {
  size_t n = size();
  count = std::min(count, n);
  RankRange ranks = max ? RankRange{n - count, n} : RankRange{0, count};
  Visit(ranks, max, visit);
  return RemoveRanks(ranks);
}

uint64_t ZSetObject::Scan(uint64_t cursor, ZSetVisitor visit) const {
  if (is_listpack()) {
    ForEach(visit);
    return 0;
  }
  return skiplist_->Scan(cursor, [&](const ZSkipList::Node* node) {
    visit(ZSkipList::member(node), ZSkipList::score(node));
  });
}

}  // namespace tandem::store
