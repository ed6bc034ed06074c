#pragma once
// ZSkipList: the large encoding of a sorted set ("skiplist" in OBJECT ENCODING). A skiplist with
// spans (Pugh's structure, with per-level distances so that ranks are O(log n)) ordered by
// (score, member), plus an open-addressing hash index from member to node.
//
// Each element is one heap block holding its score, links and member bytes: the member is stored
// once, and the index holds only node pointers (8 bytes a slot). Insert, erase, find by member,
// rank, and seeking a position by rank, score or member are O(log n) expected.
//
// Ordering: by score, ties by member bytes (memcmp, a prefix first). Scores are never NaN; -0.0
// and 0.0 compare equal. At most 2^32 - 1 elements (spans are 32-bit).
//
// Not thread-safe; owned by one ZSetObject.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/store/scan_cursor.h"

namespace tandem::store {

class ZSkipList {
 public:
  struct Node;  // opaque: read through score(), member(), Next(), Prev()

  ZSkipList();
  ~ZSkipList();
  ZSkipList(const ZSkipList& other);
  ZSkipList& operator=(const ZSkipList&) = delete;

  size_t size() const { return length_; }

  static double score(const Node* node);
  static std::string_view member(const Node* node);
  // The following / preceding element; null past either end.
  static const Node* Next(const Node* node);
  static const Node* Prev(const Node* node);

  // The element holding `member`, or null.
  const Node* Find(std::string_view member) const;
  // Inserts an element; `member` must be absent.
  void Insert(double score, std::string_view member);
  // Moves `node` (from Find) to `score`, relinking only when its position changes.
  void UpdateScore(const Node* node, double score);
  // Removes and frees `node` (from Find or a positional lookup).
  void Erase(const Node* node);

  // The 0-based rank of `node` in ascending order.
  size_t RankOf(const Node* node) const;
  // The element at 0-based `rank` (< size()).
  const Node* AtRank(size_t rank) const;
  // The number of leading elements (in ascending order) for which before(score, member) is true;
  // `before` must be true for a prefix of the order and false after it.
  template <typename Before>
  size_t CountBefore(Before&& before) const;

  // Removes the elements of ranks [begin, end) in O(log n + (end - begin)).
  void EraseRanks(size_t begin, size_t end);

  // One step of a SCAN over the hash index with Redis's reverse-binary cursor: visits fn(node)
  // for the elements of one home slot and returns the next cursor (0 when done). Elements present
  // for a whole scan are visited at least once, across index resizes.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) const;

 private:
  static constexpr int kMaxLevel = 32;

  // Links of a node: forward pointers and spans, per level.
  static Node** Forward(const Node* node);
  static uint32_t* Span(const Node* node);
  static Node* NewNode(int level, double score, std::string_view member);
  static void FreeNode(Node* node);
  static int RandomLevel();
  static bool Less(const Node* a, double score, std::string_view member);

  // Links `node` (already allocated) at its place; does not touch the index.
  void Link(Node* node);
  // Unlinks `node`, given the rightmost node before it on each level; does not free it.
  void Unlink(Node* node, Node** update);
  // Fills update[] with the rightmost node before `node` on every level.
  void FindPredecessors(const Node* node, Node** update) const;

  // Member index (open addressing, linear probing, backward-shift deletion).
  static uint64_t Hash(std::string_view member);
  size_t Slot(std::string_view member) const;  // the slot holding member, or of the empty slot
  void IndexInsert(Node* node);
  void IndexErase(const Node* node);
  void IndexResize(size_t capacity);

  Node* header_;
  Node* tail_ = nullptr;
  size_t length_ = 0;
  int level_ = 1;
  Node** slots_ = nullptr;
  size_t capacity_ = 0;  // 0 or a power of two
};

// --- template bodies ----------------------------------------------------------------------------

template <typename Before>
size_t ZSkipList::CountBefore(Before&& before) const {
  const Node* x = header_;
  size_t rank = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    for (const Node* next = Forward(x)[i]; next != nullptr && before(score(next), member(next));
         next = Forward(x)[i]) {
      rank += Span(x)[i];
      x = next;
    }
  }
  return rank;
}

template <typename Fn>
uint64_t ZSkipList::Scan(uint64_t cursor, Fn&& fn) const {
  if (length_ == 0) return 0;
  const uint64_t mask = capacity_ - 1;
  const uint64_t home = cursor & mask;
  for (uint64_t i = home; slots_[i] != nullptr; i = (i + 1) & mask) {
    if ((Hash(member(slots_[i])) & mask) == home) fn(slots_[i]);
  }
  return NextScanCursor(cursor, mask);
}

}  // namespace tandem::store
