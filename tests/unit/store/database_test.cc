#include "server/store/database.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>

namespace tandem::store {
namespace {

// The volatile-index invariant: the index holds exactly the linked entries that have an expire
// slot (sampled through RandomVolatile, which reads the index).
void ExpectVolatileIndexValid(const Database& db) {
  std::set<const Entry*> with_ttl;
  db.ForEach([&](Entry* e) {
    if (e->has_expire()) with_ttl.insert(e);
  });
  ASSERT_EQ(db.expires(), with_ttl.size());
  std::mt19937_64 rng(5);
  if (with_ttl.empty()) {
    EXPECT_EQ(db.RandomVolatile(rng), nullptr);
    return;
  }
  std::set<const Entry*> sampled;
  for (size_t i = 0; i < with_ttl.size() * 64 + 64; ++i) {
    Entry* e = db.RandomVolatile(rng);
    ASSERT_EQ(with_ttl.count(e), 1u) << "index holds an entry that is not linked with a TTL";
    sampled.insert(e);
  }
  EXPECT_EQ(sampled, with_ttl);
}

TEST(DatabaseTest, SetStringCreatesAndReplaces) {
  Database db(1);
  Entry* e = db.SetString("k", "v1", false);
  EXPECT_EQ(db.Find("k"), e);
  EXPECT_EQ(db.size(), 1u);
  e = db.SetString("k", std::string(500, 'x'), false);  // needs a new block
  EXPECT_EQ(db.Find("k"), e);
  EXPECT_EQ(e->string_value(), std::string(500, 'x'));
  EXPECT_EQ(db.size(), 1u);
}

TEST(DatabaseTest, SetExpireAndPersistMaintainTheIndex) {
  Database db(2);
  for (int i = 0; i < 10; ++i) db.SetString("k" + std::to_string(i), "v", false);
  Entry* e = db.SetExpire(db.Find("k3"), 1000);
  EXPECT_EQ(db.Find("k3"), e);
  EXPECT_EQ(e->expire_ms(), 1000);
  EXPECT_EQ(db.expires(), 1u);
  e = db.SetExpire(e, 2000);  // already volatile: just a new time
  EXPECT_EQ(e->expire_ms(), 2000);
  EXPECT_EQ(db.expires(), 1u);
  db.SetExpire(db.Find("k5"), 3000);
  db.SetExpire(db.Find("k7"), 4000);
  ExpectVolatileIndexValid(db);

  EXPECT_TRUE(db.Persist(db.Find("k3")));
  EXPECT_FALSE(db.Persist(db.Find("k3")));
  EXPECT_FALSE(db.Find("k3")->has_expire());
  EXPECT_EQ(db.Find("k3")->string_value(), "v");
  EXPECT_EQ(db.expires(), 2u);
  ExpectVolatileIndexValid(db);
}

TEST(DatabaseTest, DeleteAndDetachUnindex) {
  Database db(3);
  for (int i = 0; i < 5; ++i) {
    std::string key = "k" + std::to_string(i);
    db.SetExpire(db.SetString(key, "v", false), 100 + i);
  }
  EXPECT_TRUE(db.Delete("k1"));
  EXPECT_FALSE(db.Delete("k1"));
  db.Delete(db.Find("k4"));
  Entry* detached = db.Detach("k0");
  ASSERT_NE(detached, nullptr);
  EXPECT_EQ(detached->key(), "k0");
  Entry::Destroy(detached);
  EXPECT_EQ(db.Detach("k0"), nullptr);
  EXPECT_EQ(db.size(), 2u);
  EXPECT_EQ(db.expires(), 2u);
  ExpectVolatileIndexValid(db);
}

TEST(DatabaseTest, SetStringDropsOrKeepsTheTtl) {
  Database db(4);
  db.SetExpire(db.SetString("a", "v", false), 500);
  db.SetExpire(db.SetString("b", "v", false), 600);
  Entry* a = db.SetString("a", std::string(300, 'x'), /*keep_ttl=*/true);
  EXPECT_TRUE(a->has_expire());
  EXPECT_EQ(a->expire_ms(), 500);
  ExpectVolatileIndexValid(db);
  Entry* b = db.SetString("b", "w", /*keep_ttl=*/false);
  EXPECT_FALSE(b->has_expire());
  EXPECT_EQ(db.expires(), 1u);
  ExpectVolatileIndexValid(db);
}

TEST(DatabaseTest, ResizeStringOfAVolatileKeyRelinksBothIndexes) {
  Database db(5);
  for (int i = 0; i < 8; ++i)
    db.SetExpire(db.SetString("k" + std::to_string(i), "v", false), 1000 + i);
  Entry* e = db.ResizeString(db.Find("k2"), 100000);
  EXPECT_EQ(db.Find("k2"), e);
  EXPECT_EQ(e->string_value().size(), 100000u);
  EXPECT_EQ(e->expire_ms(), 1002);
  ExpectVolatileIndexValid(db);
  db.Delete(e);
  ExpectVolatileIndexValid(db);
}

TEST(DatabaseTest, AddIndexesAnEntryCarryingAnExpire) {
  Database db(6);
  Entry* e = Entry::NewString("k", "v", true);
  e->set_expire_ms(99);
  db.Add(e);
  db.Add(Entry::NewString("p", "v", false));
  EXPECT_EQ(db.expires(), 1u);
  ExpectVolatileIndexValid(db);
}

TEST(DatabaseTest, RandomOperationsKeepTheInvariant) {
  Database db(7);
  std::map<std::string, std::pair<std::string, std::optional<int64_t>>> model;
  std::mt19937_64 rng(2024);
  for (int step = 0; step < 3000; ++step) {
    std::string key = "k" + std::to_string(rng() % 30);
    Entry* e = db.Find(key);
    ASSERT_EQ(e != nullptr, model.count(key) == 1) << key;
    switch (rng() % 6) {
      case 0: {
        std::string value(rng() % 200, 'a' + static_cast<char>(step % 26));
        bool keep = rng() % 2 == 0;
        db.SetString(key, value, keep);
        auto& m = model[key];
        if (!keep) m.second.reset();
        m.first = value;
        break;
      }
      case 1:
        if (e != nullptr) {
          int64_t when = static_cast<int64_t>(rng() % 100000);
          db.SetExpire(e, when);
          model[key].second = when;
        }
        break;
      case 2:
        if (e != nullptr) {
          EXPECT_EQ(db.Persist(e), model[key].second.has_value());
          model[key].second.reset();
        }
        break;
      case 3:
        EXPECT_EQ(db.Delete(key), model.erase(key) == 1);
        break;
      case 4:
        if (e != nullptr) {
          size_t length = rng() % 3000;
          std::string& value = model[key].first;
          size_t old = value.size();
          e = db.ResizeString(e, length);
          if (length > old) std::memset(e->mutable_string_data() + old, 'z', length - old);
          value.resize(length, 'z');
        }
        break;
      case 5:
        if (e != nullptr) {
          Entry::Destroy(db.Detach(key));
          model.erase(key);
        }
        break;
    }
    ASSERT_EQ(db.size(), model.size());
    if (step % 50 == 0) ExpectVolatileIndexValid(db);
  }
  ExpectVolatileIndexValid(db);
  for (const auto& [key, m] : model) {
    Entry* e = db.Find(key);
    ASSERT_NE(e, nullptr) << key;
    EXPECT_EQ(e->string_value(), m.first) << key;
    EXPECT_EQ(e->has_expire(), m.second.has_value()) << key;
    if (m.second) {
      EXPECT_EQ(e->expire_ms(), *m.second) << key;
    }
  }
}

TEST(DatabaseTest, SwapExchangesKeysAndIndexes) {
  Database a(8), b(9);
  for (int i = 0; i < 5; ++i) a.SetExpire(a.SetString("a" + std::to_string(i), "v", false), 10);
  b.SetString("b", "v", false);
  a.Swap(b);
  EXPECT_EQ(a.size(), 1u);
  EXPECT_EQ(a.expires(), 0u);
  EXPECT_NE(a.Find("b"), nullptr);
  EXPECT_EQ(b.size(), 5u);
  EXPECT_EQ(b.expires(), 5u);
  EXPECT_NE(b.Find("a3"), nullptr);
  ExpectVolatileIndexValid(a);
  ExpectVolatileIndexValid(b);
  EXPECT_TRUE(b.Delete("a0"));  // the swapped index is still usable
  ExpectVolatileIndexValid(b);
}

TEST(DatabaseTest, ClearEmptiesBoth) {
  Database db(10);
  for (int i = 0; i < 20; ++i) db.SetExpire(db.SetString("k" + std::to_string(i), "v", false), 1);
  db.Clear();
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.expires(), 0u);
  ExpectVolatileIndexValid(db);
  db.SetExpire(db.SetString("k", "v", false), 1);
  EXPECT_EQ(db.expires(), 1u);
}

TEST(DatabaseTest, ScanVisitsEveryKey) {
  Database db(11);
  for (int i = 0; i < 100; ++i) db.SetString("k" + std::to_string(i), "v", false);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = db.Scan(cursor, [&](Entry* e) { seen.insert(std::string(e->key())); });
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 100u);
}

}  // namespace
}  // namespace tandem::store
