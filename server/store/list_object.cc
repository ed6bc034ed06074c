#include "server/store/list_object.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace tandem::store {
namespace {

// Redis's bounds for list-max-listpack-size (quicklist fill): at most 2^15-1 entries, at least
// the 64 KB size class.
constexpr int kMaxFill = (1 << 15) - 1;
constexpr int kMinFill = -5;
// Whatever the entry limit, a node does not grow past this many bytes (Redis's safety limit).
constexpr size_t kSafetyLimit = 8192;

size_t MaxEntries(int fill) {
  if (fill > 0) return static_cast<size_t>(fill);
  return fill == 0 ? 1 : std::numeric_limits<size_t>::max();
}

size_t MaxBytes(int fill) { return fill >= 0 ? kSafetyLimit : size_t{4096} << (-fill - 1); }

}  // namespace

ListObject::ListObject(int fill) : fill_(std::clamp(fill, kMinFill, kMaxFill)) {}

ListObject::~ListObject() {
  while (head_ != nullptr) {
    Node* next = head_->next;
    delete head_;
    head_ = next;
  }
}

std::unique_ptr<Object> ListObject::Clone() const {
  auto copy = std::make_unique<ListObject>(fill_);
  for (const Node* n = head_; n != nullptr; n = n->next) {
    Node* fresh = copy->NewNodeAfter(copy->tail_);
    fresh->entries = n->entries;  // copies exactly the used bytes
  }
  copy->count_ = count_;
  return copy;
}

bool ListObject::CanTake(const Node& node, size_t len) const {
  return node.entries.size() < MaxEntries(fill_) &&
         node.entries.bytes() + Listpack::EntrySize(len) <= MaxBytes(fill_);
}

bool ListObject::Oversized(const Node& node) const {
  return node.entries.size() > MaxEntries(fill_) || node.entries.bytes() > MaxBytes(fill_);
}

ListObject::Node* ListObject::NewNodeAfter(Node* prev) {
  Node* node = new Node;
  node->prev = prev;
  node->next = prev != nullptr ? prev->next : head_;
  (node->next != nullptr ? node->next->prev : tail_) = node;
  (prev != nullptr ? prev->next : head_) = node;
  ++nodes_;
  return node;
}

void ListObject::Unlink(Node* node) {
  (node->prev != nullptr ? node->prev->next : head_) = node->next;
  (node->next != nullptr ? node->next->prev : tail_) = node->prev;
  --nodes_;
  delete node;
}

void ListObject::TrimCapacity(Node* node) {
  Listpack& lp = node->entries;
  if (lp.allocated() > 2 * lp.bytes() + 64) lp.ShrinkToFit();
}

void ListObject::Push(ListEnd end, std::string_view value) {
  Node* node = end == ListEnd::kHead ? head_ : tail_;
  if (node == nullptr || !CanTake(*node, value.size())) {
    // The full node will not grow again from this end: give back its growth slack.
    if (node != nullptr) node->entries.ShrinkToFit();
    node = NewNodeAfter(end == ListEnd::kHead ? nullptr : tail_);
  }
  if (end == ListEnd::kHead) {
    node->entries.PushFront(value);
  } else {
    node->entries.PushBack(value);
  }
  ++count_;
}

std::string ListObject::Pop(ListEnd end) {
  Position pos = end == ListEnd::kHead ? Front() : Back();
  std::string value(Get(pos));
  Erase(pos, end == ListEnd::kHead);
  return value;
}

ListObject::Position ListObject::Seek(int64_t index) const {
  int64_t count = static_cast<int64_t>(count_);
  if (index < 0) index += count;
  if (index < 0 || index >= count) return {};
  if (index <= count / 2) {
    Node* n = head_;
    while (index >= static_cast<int64_t>(n->entries.size())) {
      index -= static_cast<int64_t>(n->entries.size());
      n = n->next;
    }
    return {n, n->entries.Seek(index)};
  }
  int64_t from_tail = count - 1 - index;  // 0 for the last element
  Node* n = tail_;
  while (from_tail >= static_cast<int64_t>(n->entries.size())) {
    from_tail -= static_cast<int64_t>(n->entries.size());
    n = n->prev;
  }
  return {n, n->entries.Seek(-1 - from_tail)};
}

void ListObject::Next(Position* pos) const {
  const Listpack& lp = pos->node_->entries;
  size_t next = lp.Next(pos->offset_);
  if (next != lp.end()) {
    pos->offset_ = next;
  } else {
    pos->node_ = pos->node_->next;
    pos->offset_ = 0;
  }
}

void ListObject::Prev(Position* pos) const {
  if (pos->offset_ != 0) {
    pos->offset_ = pos->node_->entries.Prev(pos->offset_);
    return;
  }
  pos->node_ = pos->node_->prev;
  pos->offset_ = pos->node_ != nullptr ? pos->node_->entries.Last() : 0;
}

std::string_view ListObject::Get(const Position& pos) const {
  return pos.node_->entries.Get(pos.offset_, pos.text_);
}

void ListObject::Replace(Position pos, std::string_view value) {
  pos.node_->entries.Replace(pos.offset_, value);
  SplitOversized(pos.node_);
}

void ListObject::Insert(Position pos, std::string_view value, bool after) {
  Listpack& lp = pos.node_->entries;
  lp.Insert(after ? lp.Next(pos.offset_) : pos.offset_, value);
  ++count_;
  SplitOversized(pos.node_);
}

ListObject::Position ListObject::Erase(Position pos, bool towards_tail) {
  Node* node = pos.node_;
  --count_;
  if (node->entries.size() == 1) {
    Node* neighbour = towards_tail ? node->next : node->prev;
    Unlink(node);
    if (neighbour == nullptr) return {};
    return {neighbour, towards_tail ? 0 : neighbour->entries.Last()};
  }
  Listpack& lp = node->entries;
  bool first = pos.offset_ == 0;
  size_t following = lp.Erase(pos.offset_);
  bool was_last = following == lp.end();
  TrimCapacity(node);  // may move the buffer, not the offsets
  if (towards_tail) {
    return was_last ? Position(node->next, 0) : Position(node, following);
  }
  if (!first) return Position(node, lp.Prev(following));
  return node->prev != nullptr ? Position(node->prev, node->prev->entries.Last()) : Position();
}

void ListObject::EraseRange(size_t start, size_t n) {
  if (n == 0) return;
  Position pos = Seek(static_cast<int64_t>(start));
  Node* node = pos.node_;
  size_t offset = pos.offset_;
  count_ -= n;
  while (n > 0) {
    Listpack& lp = node->entries;
    Node* next = node->next;
    if (offset == 0 && lp.size() <= n) {
      n -= lp.size();
      Unlink(node);
    } else {
      // Entries from `offset` to the node's end, or fewer when the range stops inside it.
      size_t in_node = 0;
      for (size_t p = offset; p != lp.end() && in_node < n; p = lp.Next(p)) ++in_node;
      lp.Erase(offset, in_node);
      TrimCapacity(node);
      n -= in_node;
    }
    node = next;
    offset = 0;
  }
}

void ListObject::SplitOversized(Node* node) {
  Listpack& lp = node->entries;
  if (!Oversized(*node) || lp.size() < 2) return;
  // Split at the entry that starts the second half of the bytes, keeping one entry on each side.
  size_t split = lp.Next(lp.begin());
  while (split < lp.bytes() / 2 && lp.Next(split) != lp.end()) split = lp.Next(split);
  Node* rest = NewNodeAfter(node);
  size_t moved = 0;
  Listpack::TextBuffer buf;
  for (size_t p = split; p != lp.end(); p = lp.Next(p)) {
    rest->entries.PushBack(lp.Get(p, buf));
    ++moved;
  }
  lp.Erase(split, moved);
  lp.ShrinkToFit();
  SplitOversized(node);
  SplitOversized(rest);
}

}  // namespace tandem::store
