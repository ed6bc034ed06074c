#include "server/store/stream_group.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace tandem::store {
namespace {

// Every group PEL entry is in exactly its owner's PEL, and nothing else is.
void ExpectConsistent(const ConsumerGroup& g) {
  size_t owned = 0;
  for (const auto& [name, c] : g.consumers()) {
    EXPECT_EQ(name, c.name);
    for (StreamId id : c.pending) {
      const PendingEntry* e = g.FindPending(id);
      ASSERT_NE(e, nullptr);
      EXPECT_EQ(e->consumer, &c);
    }
    owned += c.pending.size();
  }
  EXPECT_EQ(owned, g.pel().size());
}

std::vector<StreamId> Ids(std::initializer_list<uint64_t> ms) {
  std::vector<StreamId> out;
  for (uint64_t m : ms) out.push_back({m, 0});
  return out;
}

TEST(ConsumerGroupTest, ConsumersCreateFindDelete) {
  ConsumerGroup g({0, 0}, 0);
  auto [alice, created] = g.CreateConsumer("alice", 100);
  EXPECT_TRUE(created);
  EXPECT_EQ(alice->seen_time_ms, 100u);
  auto [again, created_again] = g.CreateConsumer("alice", 200);
  EXPECT_FALSE(created_again);
  EXPECT_EQ(again, alice);
  EXPECT_EQ(alice->seen_time_ms, 100u);
  EXPECT_EQ(g.FindConsumer("bob"), nullptr);
  StreamConsumer* bob = g.CreateConsumer("bob", 1).first;
  g.Deliver({1, 0}, alice, 10);
  g.Deliver({2, 0}, bob, 10);
  g.Deliver({3, 0}, alice, 10);
  EXPECT_EQ(g.DeleteConsumer("alice"), 2u);
  EXPECT_EQ(g.DeleteConsumer("alice"), std::nullopt);
  EXPECT_EQ(g.pel().size(), 1u);
  EXPECT_EQ(g.FindPending({2, 0})->consumer, bob);
  ExpectConsistent(g);
}

TEST(ConsumerGroupTest, DeliverRedeliverAck) {
  ConsumerGroup g({0, 0}, 0);
  StreamConsumer* a = g.CreateConsumer("a", 0).first;
  StreamConsumer* b = g.CreateConsumer("b", 0).first;
  g.Deliver({1, 0}, a, 50);
  PendingEntry* e = g.FindPending({1, 0});
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->delivery_count, 1u);
  EXPECT_EQ(e->delivery_time_ms, 50u);
  ConsumerGroup::Redeliver(*e, 70);
  EXPECT_EQ(e->delivery_count, 2u);
  EXPECT_EQ(e->delivery_time_ms, 70u);
  // Delivered again with ">" (after XGROUP SETID): taken over, count back to 1.
  g.Deliver({1, 0}, b, 90);
  EXPECT_EQ(e->consumer, b);
  EXPECT_EQ(e->delivery_count, 1u);
  EXPECT_TRUE(a->pending.empty());
  ExpectConsistent(g);
  EXPECT_TRUE(g.Ack({1, 0}));
  EXPECT_FALSE(g.Ack({1, 0}));
  EXPECT_TRUE(g.pel().empty());
  EXPECT_TRUE(b->pending.empty());
}

TEST(ConsumerGroupTest, TransferAndForce) {
  ConsumerGroup g({0, 0}, 0);
  StreamConsumer* a = g.CreateConsumer("a", 0).first;
  StreamConsumer* b = g.CreateConsumer("b", 0).first;
  g.Deliver({1, 0}, a, 5);
  EXPECT_EQ(g.Transfer({2, 0}, b), nullptr);
  PendingEntry* e = g.Transfer({1, 0}, b);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->consumer, b);
  EXPECT_EQ(e->delivery_count, 1u);  // the caller sets time and count
  EXPECT_EQ(g.Transfer({1, 0}, b), e);
  PendingEntry* forced = g.AddPending({7, 0}, a, 33, 4);
  EXPECT_EQ(forced->consumer, a);
  EXPECT_EQ(forced->delivery_count, 4u);
  EXPECT_EQ(g.AddPending({7, 0}, b, 0, 0), forced);  // already pending: unchanged
  EXPECT_EQ(forced->consumer, a);
  ExpectConsistent(g);
}

TEST(ConsumerGroupTest, PendingSummaryAndExtended) {
  ConsumerGroup g({0, 0}, 0);
  StreamConsumer* a = g.CreateConsumer("a", 0).first;
  StreamConsumer* b = g.CreateConsumer("b", 0).first;
  g.CreateConsumer("idle", 0);
  PendingSummary empty = g.Summary();
  EXPECT_EQ(empty.count, 0u);
  EXPECT_TRUE(empty.consumers.empty());
  for (uint64_t i = 1; i <= 6; ++i) g.Deliver({i, 0}, i % 2 ? a : b, 100 * i);
  PendingSummary s = g.Summary();
  EXPECT_EQ(s.count, 6u);
  EXPECT_EQ(s.min, (StreamId{1, 0}));
  EXPECT_EQ(s.max, (StreamId{6, 0}));
  ASSERT_EQ(s.consumers.size(), 2u);  // "idle" owns nothing and is left out
  EXPECT_EQ(s.consumers[0].first, "a");
  EXPECT_EQ(s.consumers[0].second, 3u);

  std::vector<StreamId> seen;
  auto collect = [&](StreamId id, const PendingEntry&) { seen.push_back(id); };
  g.ForEachPending(StreamId::Min(), StreamId::Max(), 10, nullptr, 0, 1000, collect);
  EXPECT_EQ(seen, Ids({1, 2, 3, 4, 5, 6}));
  seen.clear();
  g.ForEachPending({2, 0}, {5, 0}, 2, nullptr, 0, 1000, collect);
  EXPECT_EQ(seen, Ids({2, 3}));
  seen.clear();
  g.ForEachPending(StreamId::Min(), StreamId::Max(), 10, b, 0, 1000, collect);
  EXPECT_EQ(seen, Ids({2, 4, 6}));
  seen.clear();
  // Idle >= 550 at time 1000: delivered at or before 450.
  g.ForEachPending(StreamId::Min(), StreamId::Max(), 10, nullptr, 550, 1000, collect);
  EXPECT_EQ(seen, Ids({1, 2, 3, 4}));
  seen.clear();
  g.ForEachPending(StreamId::Min(), StreamId::Max(), 10, a, 550, 1000, collect);
  EXPECT_EQ(seen, Ids({1, 3}));
  seen.clear();
  g.ForEachPending(StreamId::Min(), StreamId::Max(), 0, nullptr, 0, 1000, collect);
  EXPECT_TRUE(seen.empty());
}

// The scenario checked against redis-server 7.0: entries 1-3 pending for c1, 2-0 deleted from the
// stream, XAUTOCLAIM s g c2 <huge idle> 0 COUNT 1 drops 2-0 and returns cursor 3-0, claiming
// nothing and creating no consumer.
TEST(ConsumerGroupTest, AutoClaimDeletedFirstAndLazyConsumer) {
  ConsumerGroup g({0, 0}, 0);
  StreamConsumer* c1 = g.CreateConsumer("c1", 0).first;
  for (uint64_t i = 1; i <= 3; ++i) g.Deliver({i, 0}, c1, 1000);
  auto exists = [](StreamId id) { return id != StreamId{2, 0}; };
  AutoClaimResult r = g.AutoClaim(StreamId::Min(), 1, 100000000, 1001, "c2", false, exists);
  EXPECT_TRUE(r.claimed.empty());
  ASSERT_EQ(r.deleted.size(), 1u);
  EXPECT_EQ(r.deleted[0].first, (StreamId{2, 0}));
  EXPECT_EQ(r.deleted[0].second.delivery_time_ms, 1000u);
  EXPECT_EQ(r.next_cursor, (StreamId{3, 0}));
  EXPECT_EQ(g.FindConsumer("c2"), nullptr);
  EXPECT_EQ(g.pel().size(), 2u);
  ExpectConsistent(g);

  r = g.AutoClaim(StreamId::Min(), 10, 500, 2000, "c2", false, exists);
  EXPECT_EQ(r.claimed, Ids({1, 3}));
  EXPECT_EQ(r.next_cursor, StreamId::Min());
  StreamConsumer* c2 = g.FindConsumer("c2");
  ASSERT_NE(c2, nullptr);
  EXPECT_EQ(c2->seen_time_ms, 2000u);
  EXPECT_EQ(g.FindPending({1, 0})->delivery_count, 2u);
  EXPECT_EQ(g.FindPending({1, 0})->delivery_time_ms, 2000u);
  ExpectConsistent(g);

  // JUSTID keeps the count; the idle filter skips what was just claimed.
  r = g.AutoClaim(StreamId::Min(), 10, 0, 2100, c1, true, exists);
  EXPECT_EQ(r.claimed, Ids({1, 3}));
  EXPECT_EQ(g.FindPending({3, 0})->delivery_count, 2u);
  EXPECT_EQ(g.FindPending({3, 0})->consumer, c1);
  r = g.AutoClaim(StreamId::Min(), 10, 50, 2120, c2, false, exists);
  EXPECT_TRUE(r.claimed.empty());
  ExpectConsistent(g);
}

TEST(ConsumerGroupTest, AutoClaimAttemptsAndCursor) {
  ConsumerGroup g({0, 0}, 0);
  StreamConsumer* c = g.CreateConsumer("c", 0).first;
  for (uint64_t i = 1; i <= 30; ++i) g.Deliver({i, 0}, c, i <= 25 ? 1000 : 0);
  auto all = [](StreamId) { return true; };
  // COUNT 1 examines at most 10 entries: 1..10 are too fresh, so the cursor is 11-0.
  AutoClaimResult r = g.AutoClaim(StreamId::Min(), 1, 500, 1100, "d", false, all);
  EXPECT_TRUE(r.claimed.empty());
  EXPECT_EQ(r.next_cursor, (StreamId{11, 0}));
  r = g.AutoClaim({20, 0}, 2, 500, 1100, "d", false, all);
  EXPECT_EQ(r.claimed, Ids({26, 27}));
  EXPECT_EQ(r.next_cursor, (StreamId{28, 0}));
}

TEST(ConsumerGroupTest, CopyIsDeep) {
  ConsumerGroup g({5, 0}, 3);
  StreamConsumer* a = g.CreateConsumer("a", 0).first;
  g.Deliver({1, 0}, a, 1);
  g.Deliver({2, 0}, g.CreateConsumer("b", 0).first, 1);
  ConsumerGroup copy(g);
  EXPECT_EQ(copy.last_id, (StreamId{5, 0}));
  EXPECT_EQ(copy.entries_read, 3);
  ExpectConsistent(copy);
  EXPECT_NE(copy.FindPending({1, 0})->consumer, a);
  EXPECT_TRUE(g.Ack({1, 0}));
  EXPECT_NE(copy.FindPending({1, 0}), nullptr);
  EXPECT_EQ(copy.FindConsumer("a")->pending.size(), 1u);
}

}  // namespace
}  // namespace tandem::store
