#include "server/store/stream.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "server/base/memory.h"

namespace tandem::store {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;
using Model = std::map<StreamId, Fields>;

Fields Read(const StreamEntry& e) {
  Fields out;
  e.ForEachField([&](std::string_view f, std::string_view v) { out.emplace_back(f, v); });
  return out;
}

void Append(Stream& s, StreamId id, const Fields& fields, const StreamLimits& limits = {}) {
  std::vector<std::string_view> argv;
  for (const auto& [f, v] : fields) {
    argv.push_back(f);
    argv.push_back(v);
  }
  s.Append(id, argv, limits);
}

std::vector<std::pair<StreamId, Fields>> RangeOf(const Stream& s, StreamId a, StreamId b,
                                                 size_t count, bool reverse) {
  std::vector<std::pair<StreamId, Fields>> out;
  s.Range(a, b, count, reverse, [&](const StreamEntry& e) { out.emplace_back(e.id(), Read(e)); });
  return out;
}

std::vector<std::pair<StreamId, Fields>> ModelRange(const Model& m, StreamId a, StreamId b,
                                                    size_t count, bool reverse) {
  std::vector<std::pair<StreamId, Fields>> out;
  if (a > b) return out;
  auto lo = m.lower_bound(a);
  auto hi = m.upper_bound(b);
  if (!reverse) {
    for (auto it = lo; it != hi && (count == 0 || out.size() < count); ++it) out.push_back(*it);
  } else {
    for (auto it = hi; it != lo && (count == 0 || out.size() < count);) {
      --it;
      out.push_back(*it);
    }
  }
  return out;
}

TEST(StreamTest, TypeEncodingAndEmpty) {
  Stream s;
  EXPECT_EQ(s.type(), ValueType::kStream);
  EXPECT_EQ(s.encoding(), "stream");
  EXPECT_TRUE(s.empty());
  EXPECT_FALSE(s.FirstEntry().has_value());
  EXPECT_TRUE(RangeOf(s, StreamId::Min(), StreamId::Max(), 0, true).empty());
}

TEST(StreamTest, AddAndReadBack) {
  Stream s;
  Fields a = {{"name", "ann"}, {"age", "42"}};
  Fields b = {{"name", "bob"}, {"age", "-7"}};  // same fields: stored against the master
  Fields c = {{"x", ""}, {"9223372036854775807", "0012"}, {"-4611686018427387904", "1.5"}};
  Append(s, {1, 0}, a);
  Append(s, {1, 1}, b);
  Append(s, {5, 0}, c);
  EXPECT_EQ(s.length(), 3u);
  EXPECT_EQ(s.last_id(), (StreamId{5, 0}));
  EXPECT_EQ(s.first_id(), (StreamId{1, 0}));
  EXPECT_EQ(s.entries_added(), 3u);
  std::optional<StreamEntry> e = s.Find({1, 1});
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->field_count(), 2u);
  EXPECT_EQ(Read(*e), b);
  EXPECT_EQ(Read(*s.Find({5, 0})), c);
  EXPECT_FALSE(s.Find({1, 2}).has_value());
  EXPECT_EQ(s.LastEntry()->id(), (StreamId{5, 0}));
  auto all = RangeOf(s, StreamId::Min(), StreamId::Max(), 0, false);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].second, a);
  auto rev = RangeOf(s, StreamId::Min(), StreamId::Max(), 2, true);
  ASSERT_EQ(rev.size(), 2u);
  EXPECT_EQ(rev[0].first, (StreamId{5, 0}));
  EXPECT_EQ(rev[1].first, (StreamId{1, 1}));
}

TEST(StreamTest, RangeVisitorCanStop) {
  Stream s;
  for (uint64_t i = 1; i <= 10; ++i) Append(s, {i, 0}, {{"f", "v"}});
  size_t seen = s.Range(StreamId::Min(), StreamId::Max(), 0, false,
                        [&](const StreamEntry& e) { return e.id().ms < 4; });
  EXPECT_EQ(seen, 4u);
}

TEST(StreamTest, NextAddIdRules) {
  Stream s;
  XAddId star{{}, true, false};
  EXPECT_EQ(s.NextAddId(star, 1000).id, (StreamId{1000, 0}));
  EXPECT_EQ(s.NextAddId(XAddId{{0, 0}, false, true}, 1000).error, XAddError::kZeroId);
  EXPECT_EQ(s.NextAddId(XAddId{{0, 0}, false, false}, 1000).id, (StreamId{0, 1}));  // "0-*"
  std::vector<std::string_view> fv = {"f", "v"};
  ASSERT_TRUE(s.Add(XAddId{{5, 3}, false, true}, 0, fv, {}).ok());
  // The clock behind the last ID: the last ID + 1.
  EXPECT_EQ(s.NextAddId(star, 4).id, (StreamId{5, 4}));
  EXPECT_EQ(s.NextAddId(XAddId{{5, 0}, false, false}, 0).id, (StreamId{5, 4}));
  EXPECT_EQ(s.NextAddId(XAddId{{6, 0}, false, false}, 0).id, (StreamId{6, 0}));
  EXPECT_EQ(s.NextAddId(XAddId{{4, 0}, false, false}, 0).error, XAddError::kNotGreater);
  EXPECT_EQ(s.NextAddId(XAddId{{5, 3}, false, true}, 0).error, XAddError::kNotGreater);
  ASSERT_TRUE(s.Add(XAddId{{7, UINT64_MAX}, false, true}, 0, fv, {}).ok());
  EXPECT_EQ(s.NextAddId(XAddId{{7, 0}, false, false}, 0).error, XAddError::kNotGreater);
  EXPECT_EQ(s.NextAddId(star, 0).id, (StreamId{8, 0}));
  ASSERT_TRUE(s.Add(XAddId{StreamId::Max(), false, true}, 0, fv, {}).ok());
  EXPECT_EQ(s.NextAddId(star, 0).error, XAddError::kExhausted);
  EXPECT_EQ(s.length(), 3u);
}

TEST(StreamTest, BlockBoundariesByEntriesAndBytes) {
  Stream by_entries;
  for (uint64_t i = 1; i <= 1000; ++i) Append(by_entries, {i, 0}, {{"f", "v"}}, {4096, 100});
  EXPECT_EQ(by_entries.block_count(), 10u);

  Stream by_bytes;  // each entry carries 20 payload bytes; a block stops before 100 bytes
  for (uint64_t i = 1; i <= 100; ++i) {
    Append(by_bytes, {i, 0}, {{"field", std::string(15, 'x')}}, {100, 0});
  }
  EXPECT_GT(by_bytes.block_count(), 10u);
  EXPECT_LT(by_bytes.block_count(), 100u);
  EXPECT_EQ(RangeOf(by_bytes, StreamId::Min(), StreamId::Max(), 0, true).size(), 100u);

  Stream unlimited;
  for (uint64_t i = 1; i <= 500; ++i) Append(unlimited, {i, 0}, {{"f", "v"}}, {0, 0});
  EXPECT_EQ(unlimited.block_count(), 1u);

  Stream one_per_block;
  for (uint64_t i = 1; i <= 5; ++i) Append(one_per_block, {i, 0}, {{"f", "v"}}, {4096, 1});
  EXPECT_EQ(one_per_block.block_count(), 5u);
}

TEST(StreamTest, DeleteTombstonesAndFreesBlocks) {
  Stream s;
  for (uint64_t i = 1; i <= 6; ++i) Append(s, {i, 0}, {{"f", "v"}}, {4096, 3});
  ASSERT_EQ(s.block_count(), 2u);
  EXPECT_TRUE(s.Delete({2, 0}));
  EXPECT_FALSE(s.Delete({2, 0}));
  EXPECT_FALSE(s.Delete({9, 0}));
  EXPECT_EQ(s.max_deleted_id(), (StreamId{2, 0}));
  EXPECT_EQ(s.first_id(), (StreamId{1, 0}));
  EXPECT_TRUE(s.Delete({1, 0}));
  EXPECT_EQ(s.first_id(), (StreamId{3, 0}));
  EXPECT_EQ(s.max_deleted_id(), (StreamId{2, 0}));
  EXPECT_TRUE(s.Delete({3, 0}));  // the first block's last live entry: the block goes
  EXPECT_EQ(s.block_count(), 1u);
  EXPECT_EQ(s.first_id(), (StreamId{4, 0}));
  EXPECT_EQ(s.max_deleted_id(), (StreamId{3, 0}));
  EXPECT_EQ(s.length(), 3u);
  EXPECT_TRUE(s.Delete({6, 0}));
  EXPECT_TRUE(s.Delete({5, 0}));
  EXPECT_TRUE(s.Delete({4, 0}));
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.block_count(), 0u);
  EXPECT_EQ(s.first_id(), StreamId::Min());
  EXPECT_EQ(s.last_id(), (StreamId{6, 0}));
  EXPECT_EQ(s.entries_added(), 6u);
}

TEST(StreamTest, TrimExactAndApprox) {
  auto make = [] {
    Stream s;
    for (uint64_t i = 1; i <= 250; ++i) Append(s, {i, 0}, {{"f", "v"}}, {4096, 100});
    return s;
  };
  Stream s = make();
  EXPECT_EQ(s.Trim({TrimStrategy::kMaxLen, 180, {}, true, 0}), 0u);  // a whole block is too much
  EXPECT_EQ(s.Trim({TrimStrategy::kMaxLen, 150, {}, true, 0}), 100u);
  EXPECT_EQ(s.length(), 150u);
  EXPECT_EQ(s.first_id(), (StreamId{101, 0}));
  EXPECT_EQ(s.Trim({TrimStrategy::kMaxLen, 120, {}, false, 0}), 30u);
  EXPECT_EQ(s.first_id(), (StreamId{131, 0}));
  EXPECT_EQ(s.FirstEntry()->id(), (StreamId{131, 0}));

  Stream t = make();
  // LIMIT below a block's size stops approximate trimming at once.
  EXPECT_EQ(t.Trim({TrimStrategy::kMaxLen, 0, {}, true, 99}), 0u);
  EXPECT_EQ(t.Trim({TrimStrategy::kMaxLen, 0, {}, true, 150}), 100u);
  EXPECT_EQ(t.Trim({TrimStrategy::kMaxLen, 0, {}, true, 0}), 150u);
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.first_id(), StreamId::Min());
  EXPECT_EQ(t.block_count(), 0u);

  Stream u = make();
  EXPECT_EQ(u.Trim({TrimStrategy::kMinId, 0, {150, 0}, true, 0}), 100u);
  EXPECT_EQ(u.Trim({TrimStrategy::kMinId, 0, {150, 0}, false, 0}), 49u);
  EXPECT_EQ(u.first_id(), (StreamId{150, 0}));
  EXPECT_EQ(u.Trim({TrimStrategy::kMinId, 0, {1, 0}, false, 0}), 0u);
  EXPECT_EQ(u.max_deleted_id(), StreamId::Min());  // trimming is not deleting
}

TEST(StreamTest, RandomOperationsMatchModel) {
  std::mt19937_64 rng(12345);
  for (StreamLimits limits : {StreamLimits{4096, 100}, StreamLimits{64, 0}, StreamLimits{0, 3}}) {
    Stream s;
    Model model;
    uint64_t ms = 1;
    auto random_id = [&] { return StreamId{1 + rng() % (ms + 2), rng() % 4}; };
    for (int step = 0; step < 4000; ++step) {
      int op = static_cast<int>(rng() % 20);
      if (op < 11) {
        ms += rng() % 3;
        StreamId id = s.NextAddId(XAddId{{}, true, false}, ms).id;
        Fields fields;
        size_t n = 1 + rng() % 3;
        bool same = rng() % 2 == 0;
        for (size_t i = 0; i < n; ++i) {
          std::string f = same ? "f" + std::to_string(i) : std::to_string(rng() % 50 - 25);
          std::string v = rng() % 3 == 0 ? std::to_string(static_cast<int64_t>(rng()))
                                         : std::string(rng() % 12, 'a' + static_cast<char>(i));
          fields.emplace_back(f, v);
        }
        Append(s, id, fields, limits);
        model[id] = fields;
      } else if (op < 15) {
        StreamId id = (op < 14 && !model.empty())
                          ? std::next(model.begin(), static_cast<long>(rng() % model.size()))->first
                          : random_id();
        EXPECT_EQ(s.Delete(id), model.erase(id) == 1);
      } else if (op < 17) {
        TrimSpec spec;
        spec.approx = rng() % 2 == 0;
        if (rng() % 2 == 0) {
          spec.strategy = TrimStrategy::kMaxLen;
          spec.max_len = model.size() > 20 ? model.size() - rng() % 20 : model.size();
        } else {
          spec.strategy = TrimStrategy::kMinId;
          spec.min_id =
              model.empty()
                  ? random_id()
                  : std::next(model.begin(), static_cast<long>(rng() % model.size()))->first;
        }
        if (spec.approx && rng() % 2 == 0) spec.limit = rng() % 300;
        uint64_t removed = s.Trim(spec);
        // Whatever went is a prefix of the model; exact trimming meets the target.
        for (uint64_t i = 0; i < removed; ++i) model.erase(model.begin());
        if (!spec.approx) {
          if (spec.strategy == TrimStrategy::kMaxLen) {
            EXPECT_LE(model.size(), spec.max_len);
          } else {
            EXPECT_TRUE(model.empty() || model.begin()->first >= spec.min_id);
          }
        }
      } else {
        StreamId a = random_id();
        StreamId b = rng() % 4 == 0 ? StreamId::Max() : random_id();
        size_t count = rng() % 3 == 0 ? 0 : rng() % 10;
        bool reverse = rng() % 2 == 0;
        ASSERT_EQ(RangeOf(s, a, b, count, reverse), ModelRange(model, a, b, count, reverse));
      }
      ASSERT_EQ(s.length(), model.size());
      ASSERT_EQ(s.first_id(), model.empty() ? StreamId::Min() : model.begin()->first);
    }
    EXPECT_EQ(RangeOf(s, StreamId::Min(), StreamId::Max(), 0, false),
              ModelRange(model, StreamId::Min(), StreamId::Max(), 0, false));
    std::unique_ptr<Object> copy = s.Clone();
    const auto& c = static_cast<const Stream&>(*copy);
    EXPECT_EQ(RangeOf(c, StreamId::Min(), StreamId::Max(), 0, true),
              ModelRange(model, StreamId::Min(), StreamId::Max(), 0, true));
    EXPECT_EQ(c.last_id(), s.last_id());
    EXPECT_EQ(c.max_deleted_id(), s.max_deleted_id());
  }
}

TEST(StreamTest, RestoreMetadataSetsWhatALoaderRead) {
  Stream s;
  for (uint64_t i = 5; i <= 7; ++i) Append(s, {i, 0}, {{"f", "v"}});
  s.RestoreMetadata({9, 3}, {2, 0}, {4, 1}, 12);
  EXPECT_EQ(s.length(), 3u);  // from the entries, not the metadata
  EXPECT_EQ(s.last_id(), (StreamId{9, 3}));
  EXPECT_EQ(s.first_id(), (StreamId{2, 0}));
  EXPECT_EQ(s.max_deleted_id(), (StreamId{4, 1}));
  EXPECT_EQ(s.entries_added(), 12u);
  // The next automatic ID follows the restored last ID.
  EXPECT_EQ(s.NextAddId(*ParseXAddId("*"), 1).id, (StreamId{9, 4}));
}

TEST(StreamTest, SetIdRules) {
  Stream s;
  for (uint64_t i = 1; i <= 3; ++i) Append(s, {i, 0}, {{"f", "v"}});
  ASSERT_TRUE(s.Delete({3, 0}));
  EXPECT_EQ(s.SetId({5, 0}, std::nullopt, StreamId{6, 0}), SetIdError::kBelowMaxDeleted);
  EXPECT_EQ(s.SetId({1, 5}, std::nullopt, std::nullopt), SetIdError::kBelowTop);
  EXPECT_EQ(s.SetId({9, 0}, 1, std::nullopt), SetIdError::kAddedBelowLength);
  // Below the last generated ID but not below the last live entry: allowed, as in Redis.
  EXPECT_EQ(s.SetId({2, 0}, std::nullopt, std::nullopt), std::nullopt);
  EXPECT_EQ(s.last_id(), (StreamId{2, 0}));
  EXPECT_EQ(s.SetId({10, 0}, 7, StreamId::Min()), std::nullopt);
  EXPECT_EQ(s.entries_added(), 7u);
  EXPECT_EQ(s.max_deleted_id(), (StreamId{3, 0}));  // 0-0 leaves it
  EXPECT_EQ(s.SetId({10, 0}, std::nullopt, StreamId{8, 0}), std::nullopt);
  EXPECT_EQ(s.max_deleted_id(), (StreamId{8, 0}));
  Stream empty;
  EXPECT_EQ(empty.SetId({3, 0}, 0, std::nullopt), std::nullopt);
  EXPECT_EQ(empty.last_id(), (StreamId{3, 0}));
}

// The scenario checked against redis-server 7.0: XADD 1..4, groups at $, 0 and 2-0, XDEL 3-0.
TEST(StreamTest, LagArithmetic) {
  Stream s;
  EXPECT_EQ(s.GroupLag(ConsumerGroup({0, 0}, ConsumerGroup::kInvalidEntriesRead)), 0);
  for (uint64_t i = 1; i <= 4; ++i) Append(s, {i, 0}, {{"a", std::to_string(i)}});
  ConsumerGroup* at_end = s.CreateGroup("g1", s.last_id(), ConsumerGroup::kInvalidEntriesRead);
  ConsumerGroup* at_zero = s.CreateGroup("g2", {0, 0}, ConsumerGroup::kInvalidEntriesRead);
  ConsumerGroup* mid = s.CreateGroup("g3", {2, 0}, ConsumerGroup::kInvalidEntriesRead);
  EXPECT_EQ(s.CreateGroup("g1", {0, 0}, 0), nullptr);
  EXPECT_EQ(s.GroupLag(*at_end), 0);
  EXPECT_EQ(s.GroupLag(*at_zero), 4);
  EXPECT_EQ(s.GroupLag(*mid), std::nullopt);  // between first and last: unknown
  EXPECT_EQ(s.EstimateDistanceFromFirstEverEntry({1, 0}), 1);
  EXPECT_EQ(s.EstimateDistanceFromFirstEverEntry({9, 0}), ConsumerGroup::kInvalidEntriesRead);

  // Reading advances a valid counter by one per entry.
  s.AdvanceGroup(*at_zero, {1, 0});
  EXPECT_EQ(at_zero->entries_read, 1);  // estimated: the first entry
  s.AdvanceGroup(*at_zero, {2, 0});
  EXPECT_EQ(at_zero->entries_read, 2);
  EXPECT_EQ(s.GroupLag(*at_zero), 2);

  ASSERT_TRUE(s.Delete({3, 0}));
  EXPECT_TRUE(s.RangeHasTombstones(StreamId{2, 0}, std::nullopt));
  EXPECT_FALSE(s.RangeHasTombstones(StreamId{4, 0}, std::nullopt));
  EXPECT_EQ(s.GroupLag(*at_end), 0);
  EXPECT_EQ(s.GroupLag(*at_zero), std::nullopt);  // a tombstone lies ahead
  ConsumerGroup fresh({0, 0}, ConsumerGroup::kInvalidEntriesRead);
  EXPECT_EQ(s.GroupLag(fresh), std::nullopt);
  // No tombstone after 4-0, so the counter just goes up by one (Redis 7.0 reports lag 1 here).
  s.AdvanceGroup(*at_zero, {4, 0});
  EXPECT_EQ(at_zero->entries_read, 3);
  EXPECT_EQ(s.GroupLag(*at_zero), 1);
  s.AdvanceGroup(*at_zero, {2, 0});  // not past last_id: no change
  EXPECT_EQ(at_zero->last_id, (StreamId{4, 0}));

  // Deleting the first entries: a tombstone before the first entry no longer counts.
  ASSERT_TRUE(s.Delete({1, 0}));
  ASSERT_TRUE(s.Delete({2, 0}));
  EXPECT_EQ(s.first_id(), (StreamId{4, 0}));
  EXPECT_FALSE(s.RangeHasTombstones(std::nullopt, std::nullopt));
  EXPECT_EQ(s.EstimateDistanceFromFirstEverEntry({1, 0}), 3);  // before the first: added - len
  EXPECT_EQ(s.GroupLag(fresh), 1);
  ASSERT_TRUE(s.Delete({4, 0}));
  EXPECT_EQ(s.EstimateDistanceFromFirstEverEntry({1, 0}), 4);  // empty stream: entries added
}

TEST(StreamTest, CloneIsDeep) {
  Stream s;
  Append(s, {1, 0}, {{"f", "v"}});
  ConsumerGroup* g = s.CreateGroup("g", {0, 0}, 0);
  g->Deliver({1, 0}, g->CreateConsumer("c", 5).first, 5);
  std::unique_ptr<Object> copy = s.Clone();
  auto& c = static_cast<Stream&>(*copy);
  ASSERT_TRUE(s.Delete({1, 0}));
  ASSERT_TRUE(s.DestroyGroup("g"));
  EXPECT_FALSE(s.DestroyGroup("g"));
  EXPECT_EQ(c.length(), 1u);
  ConsumerGroup* cg = c.FindGroup("g");
  ASSERT_NE(cg, nullptr);
  const PendingEntry* pe = cg->FindPending({1, 0});
  ASSERT_NE(pe, nullptr);
  EXPECT_EQ(pe->consumer, cg->FindConsumer("c"));
}

// `XADD s * f v` a hundred thousand times, with IDs as a busy server makes them.
TEST(StreamTest, MemoryPerSmallEntry) {
  const size_t before = base::UsedMemory();
  auto s = std::make_unique<Stream>();
  std::vector<std::string_view> fv = {"f", "v"};
  const size_t n = 100000;
  for (size_t i = 0; i < n; ++i) {
    ASSERT_TRUE(s->Add(XAddId{{}, true, false}, 1700000000000 + i / 50, fv, {}).ok());
  }
  const double per_entry = static_cast<double>(base::UsedMemory() - before) / n;
  // redis-server 7.0 takes 13.3 bytes per entry (INFO used_memory, 1,000,000 entries).
  EXPECT_LT(per_entry, 7.5);  // 5 bytes in the block, the rest index and master fields
  RecordProperty("bytes_per_entry", std::to_string(per_entry));
  s.reset();
  EXPECT_LE(base::UsedMemory(), before + 1024);
}

}  // namespace
}  // namespace tandem::store
