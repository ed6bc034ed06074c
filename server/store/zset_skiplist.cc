#include "server/store/zset_skiplist.h"

#include <bit>
#include <cstring>
#include <functional>
#include <new>
#include <random>

#include "server/base/memory.h"

namespace tandem::store {

// Block layout: [Node][Node* forward[level]][uint32_t span[level]][member bytes]. span[i] is the
// number of level-0 steps to forward[i] (to the end of the list when forward[i] is null).
struct ZSkipList::Node {
  double score;
  Node* backward;
  uint32_t length;
  uint8_t level;
};

namespace {

constexpr size_t kMinIndexCapacity = 8;

size_t NodeSize(int level, size_t member_length) {
  return sizeof(ZSkipList::Node) + level * (sizeof(void*) + sizeof(uint32_t)) + member_length;
}

int CompareMembers(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

}  // namespace

// --- node access
// ----------------------------------------------------------------------------------

ZSkipList::Node** ZSkipList::Forward(const Node* node) {
  return reinterpret_cast<Node**>(const_cast<Node*>(node) + 1);
}

uint32_t* ZSkipList::Span(const Node* node) {
  return reinterpret_cast<uint32_t*>(Forward(node) + node->level);
}

double ZSkipList::score(const Node* node) { return node->score; }

std::string_view ZSkipList::member(const Node* node) {
  return {reinterpret_cast<const char*>(Span(node) + node->level), node->length};
}

const ZSkipList::Node* ZSkipList::Next(const Node* node) { return Forward(node)[0]; }
const ZSkipList::Node* ZSkipList::Prev(const Node* node) { return node->backward; }

ZSkipList::Node* ZSkipList::NewNode(int level, double score, std::string_view member) {
  void* block = base::Allocate(NodeSize(level, member.size()));
  Node* node = new (block)
      Node{score, nullptr, static_cast<uint32_t>(member.size()), static_cast<uint8_t>(level)};
  std::memset(Forward(node), 0, level * (sizeof(Node*) + sizeof(uint32_t)));
  if (!member.empty()) std::memcpy(Span(node) + level, member.data(), member.size());
  return node;
}

void ZSkipList::FreeNode(Node* node) { base::Free(node); }

// Level k with probability 4^-(k-1), as Redis (p = 1/4).
int ZSkipList::RandomLevel() {
  static std::mt19937_64 rng(0x5eed5eed);
  uint64_t bits = rng();
  int level = 1;
  while (level < kMaxLevel && (bits & 3) == 0) {
    ++level;
    bits >>= 2;
  }
  return level;
}

bool ZSkipList::Less(const Node* a, double score, std::string_view member) {
  if (a->score != score) return a->score < score;
  return CompareMembers(ZSkipList::member(a), member) < 0;
}

// --- lifetime
// -------------------------------------------------------------------------------------

ZSkipList::ZSkipList() : header_(NewNode(kMaxLevel, 0, {})) {}

ZSkipList::ZSkipList(const ZSkipList& other) : ZSkipList() {
  for (const Node* x = Forward(other.header_)[0]; x != nullptr; x = Next(x)) {
    Insert(x->score, member(x));
  }
}

ZSkipList::~ZSkipList() {
  Node* x = header_;
  while (x != nullptr) {
    Node* next = Forward(x)[0];
    FreeNode(x);
    x = next;
  }
  if (slots_ != nullptr) base::Free(slots_);
}

// --- list operations
// ------------------------------------------------------------------------------

const ZSkipList::Node* ZSkipList::Find(std::string_view member) const {
  if (length_ == 0) return nullptr;
  return slots_[Slot(member)];
}

void ZSkipList::Insert(double score, std::string_view member) {
  Node* node = NewNode(RandomLevel(), score, member);
  Link(node);
  IndexInsert(node);
}

void ZSkipList::Link(Node* node) {
  Node* update[kMaxLevel];
  size_t rank[kMaxLevel];
  std::string_view m = member(node);
  Node* x = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    rank[i] = i == level_ - 1 ? 0 : rank[i + 1];
    while (Forward(x)[i] != nullptr && Less(Forward(x)[i], node->score, m)) {
      rank[i] += Span(x)[i];
      x = Forward(x)[i];
    }
    update[i] = x;
  }
  int level = node->level;
  if (level > level_) {
    for (int i = level_; i < level; ++i) {
      rank[i] = 0;
      update[i] = header_;
      Span(header_)[i] = static_cast<uint32_t>(length_);
    }
    level_ = level;
  }
  for (int i = 0; i < level; ++i) {
    Forward(node)[i] = Forward(update[i])[i];
    Forward(update[i])[i] = node;
    Span(node)[i] = static_cast<uint32_t>(Span(update[i])[i] - (rank[0] - rank[i]));
    Span(update[i])[i] = static_cast<uint32_t>(rank[0] - rank[i] + 1);
  }
  for (int i = level; i < level_; ++i) ++Span(update[i])[i];
  node->backward = update[0] == header_ ? nullptr : update[0];
  if (Forward(node)[0] != nullptr) {
    Forward(node)[0]->backward = node;
  } else {
    tail_ = node;
  }
  ++length_;
}

void ZSkipList::FindPredecessors(const Node* node, Node** update) const {
  std::string_view m = member(node);
  Node* x = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (Forward(x)[i] != nullptr && Forward(x)[i] != node && Less(Forward(x)[i], node->score, m))
      x = Forward(x)[i];
    update[i] = x;
  }
}

void ZSkipList::Unlink(Node* node, Node** update) {
  for (int i = 0; i < level_; ++i) {
    if (Forward(update[i])[i] == node) {
      Span(update[i])[i] += Span(node)[i] - 1;
      Forward(update[i])[i] = Forward(node)[i];
    } else {
      --Span(update[i])[i];
    }
  }
  if (Forward(node)[0] != nullptr) {
    Forward(node)[0]->backward = node->backward;
  } else {
    tail_ = node->backward;
  }
  while (level_ > 1 && Forward(header_)[level_ - 1] == nullptr) --level_;
  --length_;
}

void ZSkipList::UpdateScore(const Node* target, double score) {
  Node* node = const_cast<Node*>(target);
  std::string_view m = member(node);
  const Node* prev = node->backward;
  const Node* next = Forward(node)[0];
  // Still between its neighbours: only the score changes.
  if ((prev == nullptr || Less(prev, score, m)) && (next == nullptr || !Less(next, score, m))) {
    node->score = score;
    return;
  }
  Node* update[kMaxLevel];
  FindPredecessors(node, update);
  Unlink(node, update);
  node->score = score;
  node->backward = nullptr;
  Link(node);
}

void ZSkipList::Erase(const Node* target) {
  Node* node = const_cast<Node*>(target);
  Node* update[kMaxLevel];
  FindPredecessors(node, update);
  Unlink(node, update);
  IndexErase(node);
  FreeNode(node);
}

size_t ZSkipList::RankOf(const Node* node) const {
  std::string_view m = member(node);
  const Node* x = header_;
  size_t rank = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (Forward(x)[i] != nullptr &&
           (Forward(x)[i] == node || Less(Forward(x)[i], node->score, m))) {
      rank += Span(x)[i];
      x = Forward(x)[i];
    }
    if (x == node) return rank - 1;
  }
  return rank - 1;  // not reached for a member of the list
}

const ZSkipList::Node* ZSkipList::AtRank(size_t rank) const {
  size_t target = rank + 1;  // spans count 1-based positions
  const Node* x = header_;
  size_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (Forward(x)[i] != nullptr && traversed + Span(x)[i] <= target) {
      traversed += Span(x)[i];
      x = Forward(x)[i];
    }
    if (traversed == target) return x;
  }
  return nullptr;
}

void ZSkipList::EraseRanks(size_t begin, size_t end) {
  if (begin >= end) return;
  Node* update[kMaxLevel];
  Node* x = header_;
  size_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (Forward(x)[i] != nullptr && traversed + Span(x)[i] <= begin) {
      traversed += Span(x)[i];
      x = Forward(x)[i];
    }
    update[i] = x;
  }
  // update[] stays the predecessor set of each next victim: all of them follow update[0].
  x = Forward(x)[0];
  for (size_t n = end - begin; n > 0 && x != nullptr; --n) {
    Node* next = Forward(x)[0];
    Unlink(x, update);
    IndexErase(x);
    FreeNode(x);
    x = next;
  }
}

// --- member index
// ---------------------------------------------------------------------------------

uint64_t ZSkipList::Hash(std::string_view member) {
  return std::_Hash_bytes(member.data(), member.size(), 0xc70f6907UL);
}

size_t ZSkipList::Slot(std::string_view member) const {
  const size_t mask = capacity_ - 1;
  size_t i = Hash(member) & mask;
  while (slots_[i] != nullptr && ZSkipList::member(slots_[i]) != member) i = (i + 1) & mask;
  return i;
}

void ZSkipList::IndexInsert(Node* node) {
  // Grow at 3/4 load. length_ already counts the node.
  if (length_ * 4 > capacity_ * 3) IndexResize(std::max(kMinIndexCapacity, capacity_ * 2));
  slots_[Slot(member(node))] = node;
}

void ZSkipList::IndexErase(const Node* node) {
  const size_t mask = capacity_ - 1;
  size_t hole = Slot(member(node));
  slots_[hole] = nullptr;
  // Backward-shift: pull later members of the run into the hole when the hole lies on their probe
  // path, so that no probe path crosses an empty slot.
  for (size_t i = (hole + 1) & mask; slots_[i] != nullptr; i = (i + 1) & mask) {
    size_t home = Hash(member(slots_[i])) & mask;
    bool movable = hole <= i ? (home <= hole || home > i) : (home <= hole && home > i);
    if (movable) {
      slots_[hole] = slots_[i];
      slots_[i] = nullptr;
      hole = i;
    }
  }
  // Shrink below 1/8 load, as Redis shrinks its dicts.
  if (capacity_ > kMinIndexCapacity && length_ * 8 < capacity_) {
    IndexResize(std::max(kMinIndexCapacity, std::bit_ceil(length_ * 2 + 1)));
  }
}

void ZSkipList::IndexResize(size_t capacity) {
  Node** old = slots_;
  size_t old_capacity = capacity_;
  slots_ = static_cast<Node**>(base::AllocateZeroed(capacity, sizeof(Node*)));
  capacity_ = capacity;
  for (size_t i = 0; i < old_capacity; ++i) {
    if (old[i] != nullptr) slots_[Slot(member(old[i]))] = old[i];
  }
  if (old != nullptr) base::Free(old);
}

}  // namespace tandem::store
