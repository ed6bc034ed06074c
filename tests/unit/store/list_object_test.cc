#include "server/store/list_object.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <string>
#include <vector>

#include "server/base/memory.h"

namespace tandem::store {
namespace {

std::vector<std::string> Forward(const ListObject& list) {
  std::vector<std::string> out;
  for (ListObject::Position p = list.Front(); !p.done(); list.Next(&p))
    out.emplace_back(list.Get(p));
  return out;
}

std::vector<std::string> Backward(const ListObject& list) {
  std::vector<std::string> out;
  for (ListObject::Position p = list.Back(); !p.done(); list.Prev(&p))
    out.emplace_back(list.Get(p));
  return out;
}

// The list holds exactly `model`, read both ways and by index, in nodes that are never empty.
void ExpectSame(const ListObject& list, const std::deque<std::string>& model) {
  ASSERT_EQ(list.size(), model.size());
  std::vector<std::string> expected(model.begin(), model.end());
  ASSERT_EQ(Forward(list), expected);
  std::vector<std::string> reversed(model.rbegin(), model.rend());
  ASSERT_EQ(Backward(list), reversed);
  EXPECT_LE(list.node_count(), list.size());
  EXPECT_EQ(list.empty(), list.node_count() == 0);
}

TEST(ListObjectTest, EncodingAndType) {
  ListObject list(-2);
  EXPECT_EQ(list.type(), ValueType::kList);
  EXPECT_EQ(list.encoding(), "quicklist");
  EXPECT_TRUE(list.empty());
  EXPECT_TRUE(list.Front().done());
}

TEST(ListObjectTest, PushPopBothEnds) {
  ListObject list(-2);
  list.Push(ListEnd::kTail, "b");
  list.Push(ListEnd::kHead, "a");
  list.Push(ListEnd::kTail, "c");
  EXPECT_EQ(Forward(list), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(list.Pop(ListEnd::kTail), "c");
  EXPECT_EQ(list.Pop(ListEnd::kHead), "a");
  EXPECT_EQ(list.Pop(ListEnd::kHead), "b");
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.node_count(), 0u);
}

TEST(ListObjectTest, EntryLimitFillsNodesExactly) {
  ListObject list(4);
  for (int i = 0; i < 10; ++i) list.Push(ListEnd::kTail, std::to_string(i));
  EXPECT_EQ(list.node_count(), 3u);  // 4 + 4 + 2
  for (int i = 0; i < 3; ++i) list.Push(ListEnd::kHead, "h");
  EXPECT_EQ(list.node_count(), 4u);  // a new head node with 3
  EXPECT_EQ(list.Get(list.Seek(3)), "0");
  EXPECT_EQ(list.Get(list.Seek(-1)), "9");
  EXPECT_TRUE(list.Seek(13).done());
  EXPECT_TRUE(list.Seek(-14).done());
}

TEST(ListObjectTest, ZeroFillIsOneEntryPerNode) {
  ListObject list(0);
  for (int i = 0; i < 5; ++i) list.Push(ListEnd::kTail, "x");
  EXPECT_EQ(list.node_count(), 5u);
}

TEST(ListObjectTest, ByteLimitAndLargeElementsGetTheirOwnNode) {
  ListObject list(-1);  // 4 KB nodes
  for (int i = 0; i < 100; ++i) list.Push(ListEnd::kTail, std::string(100, 'a'));
  // 100 entries of 102 bytes: 10,200 bytes need three 4 KB nodes.
  EXPECT_EQ(list.node_count(), 3u);
  list.Push(ListEnd::kTail, std::string(5000, 'b'));
  EXPECT_EQ(list.node_count(), 4u);
  list.Push(ListEnd::kTail, "small");
  EXPECT_EQ(list.node_count(), 5u);
  EXPECT_EQ(list.Get(list.Seek(-2)).size(), 5000u);
}

TEST(ListObjectTest, OutOfRangeFillIsClamped) {
  EXPECT_EQ(ListObject(-100).fill(), -5);
  EXPECT_EQ(ListObject(1 << 20).fill(), (1 << 15) - 1);
  EXPECT_EQ(ListObject(-2).fill(), -2);
}

TEST(ListObjectTest, InsertSplitsAFullNode) {
  ListObject list(4);
  for (int i = 0; i < 4; ++i) list.Push(ListEnd::kTail, std::to_string(i));
  ASSERT_EQ(list.node_count(), 1u);
  list.Insert(list.Seek(1), "x", /*after=*/true);
  EXPECT_EQ(list.node_count(), 2u);
  EXPECT_EQ(Forward(list), (std::vector<std::string>{"0", "1", "x", "2", "3"}));
  list.Insert(list.Seek(0), "y", /*after=*/false);
  EXPECT_EQ(Forward(list), (std::vector<std::string>{"y", "0", "1", "x", "2", "3"}));
}

TEST(ListObjectTest, ReplaceWithALargeValueSplits) {
  ListObject list(-1);
  for (int i = 0; i < 30; ++i) list.Push(ListEnd::kTail, std::string(100, 'a' + i % 26));
  ASSERT_EQ(list.node_count(), 1u);
  list.Replace(list.Seek(15), std::string(6000, 'z'));
  EXPECT_GE(list.node_count(), 3u);  // the big entry ends up alone
  EXPECT_EQ(list.Get(list.Seek(15)), std::string(6000, 'z'));
  EXPECT_EQ(list.Get(list.Seek(16)), std::string(100, 'a' + 16));
}

TEST(ListObjectTest, EraseReturnsTheNeighbourInEitherDirection) {
  ListObject list(2);
  for (std::string v : {"a", "b", "c", "d", "e"}) list.Push(ListEnd::kTail, v);
  // Nodes: [a b] [c d] [e]
  ListObject::Position p = list.Erase(list.Seek(1), true);  // b
  EXPECT_EQ(list.Get(p), "c");
  p = list.Erase(list.Seek(1), false);  // c; nodes [a] [d] [e] after
  EXPECT_EQ(list.Get(p), "a");
  p = list.Erase(list.Seek(-1), true);  // e, the tail
  EXPECT_TRUE(p.done());
  p = list.Erase(list.Seek(0), false);  // a, the head
  EXPECT_TRUE(p.done());
  EXPECT_EQ(Forward(list), (std::vector<std::string>{"d"}));
  EXPECT_EQ(list.node_count(), 1u);
}

TEST(ListObjectTest, EraseRangeAcrossNodes) {
  ListObject list(3);
  std::deque<std::string> model;
  for (int i = 0; i < 20; ++i) {
    list.Push(ListEnd::kTail, std::to_string(i));
    model.push_back(std::to_string(i));
  }
  list.EraseRange(2, 11);
  model.erase(model.begin() + 2, model.begin() + 13);
  ExpectSame(list, model);
  list.EraseRange(0, list.size());
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.node_count(), 0u);
}

TEST(ListObjectTest, CloneIsDeep) {
  ListObject list(2);
  for (std::string v : {"a", "b", "c"}) list.Push(ListEnd::kTail, v);
  auto copy = list.Clone();
  list.Pop(ListEnd::kHead);
  auto* clone = static_cast<ListObject*>(copy.get());
  EXPECT_EQ(Forward(*clone), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(clone->node_count(), 2u);
  EXPECT_EQ(clone->fill(), 2);
}

// Random operations against std::deque with small nodes, so that nodes fill, split, drain and go.
void RandomizedAgainstDeque(int fill, size_t max_value, uint32_t seed) {
  std::mt19937 rng(seed);
  ListObject list(fill);
  std::deque<std::string> model;
  auto value = [&] {
    // A third are integers, which the nodes store as integer entries.
    if (rng() % 3 == 0) return std::to_string(static_cast<int64_t>(rng()) - (int64_t{1} << 31));
    size_t len = std::uniform_int_distribution<size_t>(0, max_value)(rng);
    return std::string(len, static_cast<char>('a' + rng() % 4));
  };
  auto index = [&] { return std::uniform_int_distribution<size_t>(0, model.size() - 1)(rng); };
  for (int step = 0; step < 4000; ++step) {
    int op = static_cast<int>(rng() % 10);
    if (model.empty() && op >= 2) op = static_cast<int>(rng() % 2);
    switch (op) {
      case 0: {
        std::string v = value();
        list.Push(ListEnd::kHead, v);
        model.push_front(v);
        break;
      }
      case 1: {
        std::string v = value();
        list.Push(ListEnd::kTail, v);
        model.push_back(v);
        break;
      }
      case 2:
        ASSERT_EQ(list.Pop(ListEnd::kHead), model.front());
        model.pop_front();
        break;
      case 3:
        ASSERT_EQ(list.Pop(ListEnd::kTail), model.back());
        model.pop_back();
        break;
      case 4: {
        size_t i = index();
        bool negative = rng() % 2;
        int64_t at = negative ? static_cast<int64_t>(i) - static_cast<int64_t>(model.size())
                              : static_cast<int64_t>(i);
        ASSERT_EQ(list.Get(list.Seek(at)), model[i]);
        break;
      }
      case 5: {
        size_t i = index();
        std::string v = value();
        list.Replace(list.Seek(static_cast<int64_t>(i)), v);
        model[i] = v;
        break;
      }
      case 6: {
        size_t i = index();
        bool after = rng() % 2;
        std::string v = value();
        list.Insert(list.Seek(static_cast<int64_t>(i)), v, after);
        model.insert(model.begin() + static_cast<std::ptrdiff_t>(i + (after ? 1 : 0)), v);
        break;
      }
      case 7: {
        size_t i = index();
        bool towards_tail = rng() % 2;
        ListObject::Position p = list.Erase(list.Seek(static_cast<int64_t>(i)), towards_tail);
        model.erase(model.begin() + static_cast<std::ptrdiff_t>(i));
        if (towards_tail) {
          if (i < model.size()) {
            ASSERT_EQ(list.Get(p), model[i]);
          } else {
            ASSERT_TRUE(p.done());
          }
        } else if (i > 0) {
          ASSERT_EQ(list.Get(p), model[i - 1]);
        } else {
          ASSERT_TRUE(p.done());
        }
        break;
      }
      case 8: {
        size_t start = index();
        size_t n = std::uniform_int_distribution<size_t>(
            0, std::min<size_t>(8, model.size() - start))(rng);
        list.EraseRange(start, n);
        model.erase(model.begin() + static_cast<std::ptrdiff_t>(start),
                    model.begin() + static_cast<std::ptrdiff_t>(start + n));
        break;
      }
      default: {
        // Walk a window from a random index in both directions.
        size_t i = index();
        ListObject::Position p = list.Seek(static_cast<int64_t>(i));
        for (size_t j = i; j < std::min(model.size(), i + 20); ++j, list.Next(&p)) {
          ASSERT_EQ(list.Get(p), model[j]);
        }
        p = list.Seek(static_cast<int64_t>(i));
        for (size_t j = i + 1; j-- > (i >= 20 ? i - 20 : 0);) {
          ASSERT_EQ(list.Get(p), model[j]);
          list.Prev(&p);
        }
        break;
      }
    }
    if (step % 200 == 0) ExpectSame(list, model);
  }
  ExpectSame(list, model);
  auto copy = list.Clone();
  ExpectSame(*static_cast<ListObject*>(copy.get()), model);
}

TEST(ListObjectTest, RandomizedWithEntryLimit) { RandomizedAgainstDeque(3, 12, 1); }
TEST(ListObjectTest, RandomizedWithOneEntryPerNode) { RandomizedAgainstDeque(1, 12, 2); }
TEST(ListObjectTest, RandomizedWithByteLimit) { RandomizedAgainstDeque(-1, 1500, 3); }
TEST(ListObjectTest, RandomizedWithOversizedValues) { RandomizedAgainstDeque(-1, 9000, 4); }

TEST(ListObjectTest, ByteLimitedNodesStayWithinTheLimit) {
  // Inserts in the middle split nodes; with 8 KB nodes 2000 entries of ~100 bytes need at least 25.
  ListObject list(-2);
  std::mt19937 rng(5);
  for (int i = 0; i < 2000; ++i) {
    if (list.empty()) {
      list.Push(ListEnd::kTail, std::string(100, 'v'));
    } else {
      auto at = static_cast<int64_t>(rng() % list.size());
      list.Insert(list.Seek(at), std::string(100, 'v'), true);
    }
  }
  EXPECT_EQ(list.size(), 2000u);
  EXPECT_GE(list.node_count(), 25u);
  EXPECT_LE(list.node_count(), 100u);
}

TEST(ListObjectTest, IntegerElementsAreCompactAndReadBackAsText) {
  ListObject list(-2);
  for (int i = 0; i < 1000; ++i) list.Push(ListEnd::kTail, std::to_string(i * 1000 - 7));
  list.Push(ListEnd::kHead, "007");  // not canonical: stays text
  EXPECT_EQ(list.Get(list.Seek(0)), "007");
  EXPECT_EQ(list.Get(list.Seek(1)), "-7");
  EXPECT_EQ(list.Get(list.Seek(-1)), "998993");
  // Two positions decode independently.
  ListObject::Position a = list.Seek(2);
  ListObject::Position b = list.Seek(3);
  std::string_view va = list.Get(a);
  std::string_view vb = list.Get(b);
  EXPECT_EQ(va, "993");
  EXPECT_EQ(vb, "1993");
  EXPECT_EQ(list.Pop(ListEnd::kTail), "998993");
  list.Replace(list.Seek(1), "-9223372036854775808");
  EXPECT_EQ(list.Get(list.Seek(1)), "-9223372036854775808");
  // 3-byte integers: 5 bytes an element (plus node overhead), where their text would take 8.
  size_t before = base::UsedMemory();
  ListObject big(-2);
  for (int i = 0; i < 10000; ++i) big.Push(ListEnd::kTail, std::to_string(100000 + i));
  EXPECT_LT(base::UsedMemory() - before, 10000u * 55 / 10);
  std::unique_ptr<Object> copy = big.Clone();
  EXPECT_EQ(static_cast<ListObject&>(*copy).Get(static_cast<ListObject&>(*copy).Seek(-1)),
            "109999");
}

}  // namespace
}  // namespace tandem::store

namespace tandem::store {
namespace {

TEST(ListObjectTest, ForEachNodeVisitsNodesInOrder) {
  ListObject list(2);  // at most two entries a node
  for (const char* v : {"a", "b", "c", "d", "e"}) list.Push(ListEnd::kTail, v);
  std::vector<std::vector<std::string>> nodes;
  list.ForEachNode([&](const Listpack& node) {
    nodes.emplace_back();
    node.ForEach([&](size_t, std::string_view v) {
      nodes.back().emplace_back(v);
      return true;
    });
  });
  EXPECT_EQ(nodes, (std::vector<std::vector<std::string>>{{"a", "b"}, {"c", "d"}, {"e"}}));
  EXPECT_EQ(nodes.size(), list.node_count());
}

}  // namespace
}  // namespace tandem::store
