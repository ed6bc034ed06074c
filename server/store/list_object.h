#pragma once
// ListObject: the value of a Redis list, shaped like Redis's quicklist: a doubly linked chain of
// nodes, each a Listpack holding a run of consecutive elements. Pushes and pops at either end touch
// one end node (O(1) amortized plus the node's own memmove); index access walks the chain from the
// nearer end using the node entry counts, then seeks inside one node.
//
// Node size: `fill` is list-max-listpack-size as Redis reads it. Positive: at most that many
// entries per node (and never more than 8 KB of encoded entries, Redis's safety limit); 0: one
// entry per node; -1..-5: at most 4/8/16/32/64 KB of encoded entries per node. Values out of range
// are clamped as Redis does. An element larger than the limit lives alone in its own node. Nodes
// are never empty; adjacent small nodes are not merged after deletions.
//
// OBJECT ENCODING reports "quicklist" for every list (Redis 7.0; "listpack" lists came in 7.2).
//
// Owner: the keyspace Entry holding it; server thread only.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "server/store/listpack.h"
#include "server/store/object.h"

namespace tandem::store {

// The two ends of a list: LPUSH/LPOP work at the head, RPUSH/RPOP at the tail.
enum class ListEnd : uint8_t { kHead, kTail };

class ListObject final : public Object {
  struct Node;

 public:
  // `fill` is list-max-listpack-size (see above), fixed for the life of the list as in Redis.
  explicit ListObject(int fill);
  ~ListObject() override;
  ListObject(const ListObject&) = delete;
  ListObject& operator=(const ListObject&) = delete;

  ValueType type() const override { return ValueType::kList; }
  std::string_view encoding() const override { return "quicklist"; }
  std::unique_ptr<Object> Clone() const override;

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  size_t node_count() const { return nodes_; }
  int fill() const { return fill_; }

  void Push(ListEnd end, std::string_view value);
  // Removes the element at `end` and returns it. The list must not be empty.
  std::string Pop(ListEnd end);

  // A position in the list: one element, or the end (done() is true). A position stays valid
  // until the list changes, except through the call that returns a new one (Erase).
  class Position {
   public:
    Position() = default;
    bool done() const { return node_ == nullptr; }

   private:
    friend class ListObject;
    Position(Node* node, size_t offset) : node_(node), offset_(offset) {}
    Node* node_ = nullptr;
    size_t offset_ = 0;
    mutable Listpack::TextBuffer text_;  // Get's text of an integer entry
  };

  // The element at `index` (negative: from the tail, -1 the last); the end when out of range.
  Position Seek(int64_t index) const;
  Position Front() const { return Seek(0); }
  Position Back() const { return Seek(-1); }
  // Moves `pos` one element towards the tail / head; it becomes the end past the last / first.
  void Next(Position* pos) const;
  void Prev(Position* pos) const;
  // The element at `pos` (not the end). The view lives until the list changes, `pos` is moved or
  // destroyed, or Get is called again with `pos` (integer elements are decoded into `pos`).
  std::string_view Get(const Position& pos) const;

  // Replaces the element at `pos`. Invalidates every position.
  void Replace(Position pos, std::string_view value);
  // Inserts `value` before or after the element at `pos`. Invalidates every position.
  void Insert(Position pos, std::string_view value, bool after);
  // Removes the element at `pos` and returns the position of its neighbour towards the tail
  // (`towards_tail`) or the head; other positions are invalidated.
  Position Erase(Position pos, bool towards_tail);
  // Removes `n` elements from index `start` (0 <= start, start + n <= size()).
  void EraseRange(size_t start, size_t n);

  // Calls fn(const Listpack&) for every node, head to tail (RDB writes a list node by node).
  template <typename Fn>
  void ForEachNode(Fn&& fn) const {
    for (const Node* node = head_; node != nullptr; node = node->next) fn(node->entries);
  }

 private:
  struct Node {
    // Elements that are integers (LPUSH 42) take 2-9 bytes, as in Redis's listpack.
    Listpack entries{IntegerEntries::kYes};
    Node* prev = nullptr;
    Node* next = nullptr;
  };

  // Whether `node` can take one more entry of `len` bytes without passing the fill limit.
  bool CanTake(const Node& node, size_t len) const;
  bool Oversized(const Node& node) const;
  // Splits `node` (and its parts, recursively) until every part is within the limit or holds a
  // single entry.
  void SplitOversized(Node* node);
  // Links a fresh node after `prev` (nullptr: as the new head) and returns it.
  Node* NewNodeAfter(Node* prev);
  void Unlink(Node* node);
  // Frees slack after removals, so that a drained node does not keep its peak capacity.
  static void TrimCapacity(Node* node);

  Node* head_ = nullptr;
  Node* tail_ = nullptr;
  size_t count_ = 0;  // elements
  uint32_t nodes_ = 0;
  int32_t fill_;
};

}  // namespace tandem::store
