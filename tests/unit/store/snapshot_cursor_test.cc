#include "server/store/snapshot_cursor.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace tandem::store {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;
constexpr int kDbs = 3;

// (db, key) -> (value, expire_ms or -1)
using Image = std::map<std::pair<int, std::string>, std::pair<std::string, int64_t>>;

Image ImageOf(const Keyspace& ks) {
  Image image;
  for (int i = 0; i < ks.database_count(); ++i) {
    ks.db(i).ForEach([&](const Entry* e) {
      image[{i, std::string(e->key())}] = {std::string(e->string_value()),
                                           e->has_expire() ? e->expire_ms() : -1};
    });
  }
  return image;
}

// Drives random writes through the keyspace the way the server does while a snapshot runs: every
// key a "command" touches is preserved first (the dispatcher's hook); expiry goes through the
// keyspace, which preserves by itself.
class SnapshotModel {
 public:
  explicit SnapshotModel(uint64_t seed) : rng_(seed) {}

  Keyspace& ks() { return ks_; }
  std::string RandomKey() { return "k" + std::to_string(rng_() % 400); }
  int RandomDb() { return static_cast<int>(rng_() % kDbs); }

  void Fill(int n) {
    for (int i = 0; i < n; ++i) Set(RandomDb(), RandomKey(), /*hooked=*/false);
  }

  // One random command.
  void Mutate(SnapshotCursor* cursor) {
    int db = RandomDb();
    std::string key = RandomKey();
    Database& d = ks_.db(db);
    auto preserve = [&](int pdb, const std::string& pkey) {
      if (cursor != nullptr) cursor->Preserve(pdb, pkey);
    };
    switch (rng_() % 10) {
      case 0:
      case 1:
        preserve(db, key);
        Set(db, key, true);
        break;
      case 2:
        preserve(db, key);
        d.Delete(key);
        break;
      case 3: {  // EXPIRE / PERSIST
        preserve(db, key);
        Entry* e = d.Find(key);
        if (e == nullptr) break;
        if (rng_() % 3 == 0) {
          d.Persist(e);
        } else {
          d.SetExpire(e, now_ + static_cast<int64_t>(rng_() % 5000));
        }
        break;
      }
      case 4: {  // APPEND
        preserve(db, key);
        Entry* e = d.Find(key);
        if (e == nullptr) break;
        size_t old = e->string_value().size();
        e = d.ResizeString(e, old + 40);
        std::memset(e->mutable_string_data() + old, 'a', 40);
        break;
      }
      case 5: {  // RENAME
        std::string to = RandomKey();
        preserve(db, key);
        preserve(db, to);
        if (d.Find(key) == nullptr || key == to) break;
        d.Delete(to);
        d.Add(Entry::Rekey(d.Detach(key), to));
        break;
      }
      case 6: {  // MOVE: the key in every db
        int target = RandomDb();
        for (int i = 0; i < kDbs; ++i) preserve(i, key);
        if (target == db || d.Find(key) == nullptr || ks_.db(target).Find(key) != nullptr) break;
        ks_.db(target).Add(d.Detach(key));
        break;
      }
      case 7: {  // COPY to another db
        int target = RandomDb();
        preserve(db, key);
        preserve(target, key);
        Entry* e = d.Find(key);
        if (target == db || e == nullptr || ks_.db(target).Find(key) != nullptr) break;
        ks_.db(target).Add(Entry::CloneAs(e, key));
        break;
      }
      case 8:  // time passes: lazy and active expiry (the keyspace preserves by itself)
        now_ += 700;
        (void)ks_.Find(db, key, now_);
        ks_.ActiveExpireCycle(now_, 1000, [] { return 0; });
        break;
      case 9:  // a burst of new keys, then deletes: the tables grow and shrink mid-walk
        for (int i = 0; i < 50; ++i) {
          std::string k = "burst" + std::to_string(rng_() % 2000);
          preserve(db, k);
          Set(db, k, true);
        }
        for (int i = 0; i < 200; ++i) {
          std::string k = "burst" + std::to_string(rng_() % 2000);
          preserve(db, k);
          d.Delete(k);
        }
        break;
    }
  }

  size_t RandomBudget() { return 1 + rng_() % 6; }

 private:
  void Set(int db, const std::string& key, bool keep_ttl_maybe) {
    std::string value = "v" + std::to_string(rng_());
    Entry* e = ks_.db(db).SetString(key, value, keep_ttl_maybe && rng_() % 2 == 0);
    if (rng_() % 4 == 0) ks_.db(db).SetExpire(e, now_ + static_cast<int64_t>(rng_() % 3000));
  }

  Keyspace ks_{kDbs, 7};
  std::mt19937_64 rng_;
  int64_t now_ = kNow;
};

Image Collect(SnapshotModel& model, int mutations_per_step, bool* aborted = nullptr,
              int abort_after_steps = -1) {
  Image out;
  auto cursor = std::make_unique<SnapshotCursor>(model.ks(), [&](int db, const Entry& e) {
    auto [it, inserted] = out.try_emplace({db, std::string(e.key())}, std::string(e.string_value()),
                                          e.has_expire() ? e.expire_ms() : -1);
    EXPECT_TRUE(inserted) << "handed twice: " << e.key();
  });
  int steps = 0;
  while (!cursor->done()) {
    if (steps++ == abort_after_steps) {
      cursor.reset();
      *aborted = true;
      return out;
    }
    for (int i = 0; i < mutations_per_step; ++i) model.Mutate(cursor.get());
    cursor->Step(model.RandomBudget());
  }
  EXPECT_EQ(model.ks().snapshot(), nullptr);
  return out;
}

TEST(SnapshotCursorTest, HandsExactlyTheKeyspaceAsItWasAtTheStart) {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    SnapshotModel model(seed);
    model.Fill(500);
    Image before = ImageOf(model.ks());
    ASSERT_GT(before.size(), 300u);
    Image got = Collect(model, 1 + static_cast<int>(seed % 4));
    EXPECT_EQ(got, before) << "seed " << seed;
    EXPECT_NE(ImageOf(model.ks()), before) << "the writes changed nothing: a vacuous check";
    // The bits are consistent afterwards: the next snapshot sees the keyspace as it is now.
    Image now = ImageOf(model.ks());
    EXPECT_EQ(Collect(model, 0), now) << "seed " << seed;
  }
}

TEST(SnapshotCursorTest, AnAbortedSnapshotLeavesTheNextOneConsistent) {
  SnapshotModel model(99);
  model.Fill(500);
  bool aborted = false;
  Image partial = Collect(model, 2, &aborted, 20);
  ASSERT_TRUE(aborted);
  EXPECT_FALSE(partial.empty());
  EXPECT_EQ(model.ks().snapshot(), nullptr);
  Image now = ImageOf(model.ks());
  EXPECT_EQ(Collect(model, 3), now);
}

TEST(SnapshotCursorTest, KeysCreatedDuringTheSnapshotAreNotInIt) {
  Keyspace ks(2, 3);
  ks.db(0).SetString("old", "1", false);
  Image got;
  SnapshotCursor cursor(ks, [&](int db, const Entry& e) {
    got[{db, std::string(e.key())}] = {std::string(e.string_value()), -1};
  });
  ks.db(0).SetString("new", "2", false);
  ks.db(1).Add(Entry::NewString("other", "3", false));
  cursor.Preserve(0, "new");  // not pending: nothing handed
  EXPECT_TRUE(got.empty());
  cursor.Drain();
  EXPECT_TRUE(cursor.done());
  EXPECT_EQ(got, (Image{{{0, "old"}, {"1", -1}}}));
  EXPECT_EQ(cursor.handed(), 1u);
}

TEST(SnapshotCursorTest, BudgetLimitsEntriesHandedPerStep) {
  Keyspace ks(1, 3);
  for (int i = 0; i < 100; ++i) ks.db(0).SetString("k" + std::to_string(i), "v", false);
  int handed = 0;
  SnapshotCursor cursor(ks, [&](int, const Entry&) { ++handed; });
  int steps = 0;
  while (!cursor.Step(1)) {
    ++steps;
    ASSERT_LE(handed, steps);
  }
  EXPECT_EQ(handed, 100);
}

TEST(SnapshotCursorTest, ExpiryPreservesTheKeyBeforeDeletingIt) {
  Keyspace ks(1, 3);
  Entry* e = ks.db(0).SetString("k", "v", false);
  ks.db(0).SetExpire(e, kNow + 10);
  std::vector<std::string> order;
  ks.set_on_removed([&](int, std::string_view key, Keyspace::Removal) {
    order.push_back("removed " + std::string(key));
  });
  SnapshotCursor cursor(
      ks, [&](int, const Entry& entry) { order.push_back("handed " + std::string(entry.key())); });
  EXPECT_EQ(ks.Find(0, "k", kNow + 20), nullptr);
  EXPECT_EQ(order, (std::vector<std::string>{"handed k", "removed k"}));
}

}  // namespace
}  // namespace tandem::store
