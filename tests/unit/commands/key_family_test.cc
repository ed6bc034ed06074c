#include <climits>
#include <set>

#include "server/store/entry.h"
#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands::testing {
namespace {

using Type = resp::Reply::Type;

// A stand-in value type (no real hash family is needed here) that counts deep copies.
class FakeHash final : public store::Object {
 public:
  explicit FakeHash(int* clones) : clones_(clones) {}
  store::ValueType type() const override { return store::ValueType::kHash; }
  std::string_view encoding() const override { return "listpack"; }
  std::unique_ptr<store::Object> Clone() const override {
    ++*clones_;
    return std::make_unique<FakeHash>(clones_);
  }

 private:
  int* clones_;
};

class KeyFamilyTest : public CommandTest {
 protected:
  void AddHash(std::string_view key, int db = 0) {
    state_.keyspace.db(db).Add(
        store::Entry::NewObject(key, std::make_unique<FakeHash>(&clones_), false));
  }
  std::set<std::string> Strings(const resp::Reply& array) {
    std::set<std::string> out;
    for (const resp::Reply& e : array.elements) out.insert(e.str);
    return out;
  }
  int64_t Int(std::vector<std::string> argv) {
    resp::Reply r = Run(std::move(argv));
    EXPECT_EQ(r.type, Type::kInteger) << r.str;
    return r.integer;
  }

  int clones_ = 0;
};

TEST_F(KeyFamilyTest, DelAndUnlinkCountRemovedKeys) {
  for (const char* cmd : {"DEL", "UNLINK"}) {
    Run({"SET", "a", "1"});
    Run({"SET", "b", "2"});
    uint64_t dirty = state_.stats.dirty;
    EXPECT_EQ(Int({cmd, "a", "b", "missing", "a"}), 2);
    EXPECT_EQ(state_.stats.dirty, dirty + 2);
    EXPECT_EQ(Int({cmd, "a"}), 0);
    EXPECT_EQ(state_.keyspace.db(0).size(), 0u);
  }
}

TEST_F(KeyFamilyTest, DelOfAnExpiredKeyCountsAsExpiryNotDeletion) {
  Run({"SET", "k", "v", "PX", "100"});
  clock_.AdvanceMs(100);
  EXPECT_EQ(Int({"DEL", "k"}), 0);
  EXPECT_EQ(state_.keyspace.stats().expired_keys, 1u);
}

TEST_F(KeyFamilyTest, ExistsCountsDuplicatesAndDoesNotTouch) {
  Run({"SET", "a", "v"});
  EXPECT_EQ(Int({"EXISTS", "a", "a", "missing"}), 2);
  EXPECT_EQ(state_.keyspace.stats().keyspace_hits, 2u);
  EXPECT_EQ(state_.keyspace.stats().keyspace_misses, 1u);
  clock_.AdvanceMs(5000);
  EXPECT_EQ(Int({"EXISTS", "a"}), 1);
  EXPECT_EQ(Int({"OBJECT", "IDLETIME", "a"}), 5);
}

TEST_F(KeyFamilyTest, TypeNamesTheValueType) {
  Run({"SET", "s", "42"});
  AddHash("h");
  EXPECT_EQ(Run({"TYPE", "s"}).str, "string");
  EXPECT_EQ(Run({"TYPE", "h"}).str, "hash");
  resp::Reply none = Run({"TYPE", "missing"});
  EXPECT_EQ(none.type, Type::kString);
  EXPECT_EQ(none.str, "none");
}

TEST_F(KeyFamilyTest, TouchRefreshesAccessTime) {
  Run({"SET", "a", "v"});
  clock_.AdvanceMs(3000);
  EXPECT_EQ(Int({"OBJECT", "IDLETIME", "a"}), 3);
  EXPECT_EQ(Int({"TOUCH", "a", "missing", "a"}), 2);
  EXPECT_EQ(Int({"OBJECT", "IDLETIME", "a"}), 0);
}

TEST_F(KeyFamilyTest, KeysMatchesGlobAndSkipsExpiredWithoutDeleting) {
  for (const char* k : {"hello", "hallo", "hxllo", "foo"}) Run({"SET", k, "1"});
  Run({"SET", "hzllo", "1", "PX", "10"});
  clock_.AdvanceMs(10);
  EXPECT_EQ(Strings(Run({"KEYS", "h?llo"})), (std::set<std::string>{"hello", "hallo", "hxllo"}));
  EXPECT_EQ(Strings(Run({"KEYS", "h[ae]llo"})), (std::set<std::string>{"hello", "hallo"}));
  EXPECT_EQ(Run({"KEYS", "*"}).elements.size(), 4u);
  EXPECT_EQ(Run({"KEYS", "nomatch*"}).elements.size(), 0u);
  EXPECT_EQ(state_.keyspace.db(0).size(), 5u);  // the expired key is still stored
}

TEST_F(KeyFamilyTest, ScanReturnsEveryKeyOnceAcrossCalls) {
  std::set<std::string> expected;
  for (int i = 0; i < 300; ++i) {
    std::string key = "key:" + std::to_string(i);
    Run({"SET", key, "v"});
    expected.insert(key);
  }
  std::multiset<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    resp::Reply r = Run({"SCAN", cursor, "COUNT", "20"});
    ASSERT_EQ(r.type, Type::kArray);
    ASSERT_EQ(r.elements.size(), 2u);
    ASSERT_EQ(r.elements[0].type, Type::kBulk);
    cursor = r.elements[0].str;
    for (const resp::Reply& k : r.elements[1].elements) seen.insert(k.str);
    ASSERT_LT(++calls, 1000);
  } while (cursor != "0");
  EXPECT_EQ(seen.size(), expected.size());
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);
  EXPECT_GT(calls, 1);
}

TEST_F(KeyFamilyTest, ScanFiltersByPatternAndType) {
  for (int i = 0; i < 50; ++i) Run({"SET", "user:" + std::to_string(i), "v"});
  AddHash("user:h");
  resp::Reply r = Run({"SCAN", "0", "MATCH", "user:1?", "COUNT", "1000"});
  EXPECT_EQ(r.elements[0].str, "0");
  EXPECT_EQ(r.elements[1].elements.size(), 10u);
  r = Run({"SCAN", "0", "MATCH", "", "COUNT", "1000"});
  EXPECT_EQ(r.elements[1].elements.size(), 0u);  // an empty pattern matches only ""
  r = Run({"SCAN", "0", "TYPE", "HASH", "COUNT", "1000"});
  EXPECT_EQ(Strings(r.elements[1]), (std::set<std::string>{"user:h"}));
  r = Run({"SCAN", "0", "TYPE", "nosuchtype", "COUNT", "1000"});
  EXPECT_EQ(r.elements[1].elements.size(), 0u);
}

TEST_F(KeyFamilyTest, ScanDeletesExpiredKeysItMeets) {
  Run({"SET", "live", "v"});
  Run({"SET", "dying", "v", "PX", "5"});
  clock_.AdvanceMs(5);
  resp::Reply r = Run({"SCAN", "0", "COUNT", "100"});
  EXPECT_EQ(Strings(r.elements[1]), (std::set<std::string>{"live"}));
  EXPECT_EQ(state_.keyspace.db(0).size(), 1u);
  EXPECT_EQ(state_.keyspace.stats().expired_keys, 1u);
}

TEST_F(KeyFamilyTest, ScanReplyShapeAndEmptyDatabase) {
  Run({"SET", "only", "1"});
  Run({"SCAN", "0"});
  EXPECT_EQ(out_, "*2\r\n$1\r\n0\r\n*1\r\n$4\r\nonly\r\n");
  Run({"DEL", "only"});
  Run({"SCAN", "0"});
  EXPECT_EQ(out_, "*2\r\n$1\r\n0\r\n*0\r\n");
}

TEST_F(KeyFamilyTest, ScanCursorParsingFollowsStrtoul) {
  for (const char* ok : {"", "+5", "-1", "18446744073709551615"})
    EXPECT_EQ(Run({"SCAN", ok}).type, Type::kArray) << ok;
  for (const char* bad : {"abc", " 5", "1.5", "18446744073709551616", "-", "5 "})
    EXPECT_TRUE(IsError(Run({"SCAN", bad}), "ERR invalid cursor")) << bad;
}

TEST_F(KeyFamilyTest, ScanOptionErrors) {
  EXPECT_TRUE(IsError(Run({"SCAN", "0", "COUNT", "0"}), "ERR syntax error"));
  EXPECT_TRUE(IsError(Run({"SCAN", "0", "COUNT", "-1"}), "ERR syntax error"));
  EXPECT_TRUE(
      IsError(Run({"SCAN", "0", "COUNT", "abc"}), "ERR value is not an integer or out of range"));
  EXPECT_TRUE(IsError(Run({"SCAN", "0", "FOO", "bar"}), "ERR syntax error"));
  EXPECT_TRUE(IsError(Run({"SCAN", "0", "MATCH"}), "ERR syntax error"));
  EXPECT_TRUE(IsError(Run({"SCAN", "0", "TYPE"}), "ERR syntax error"));
}

TEST_F(KeyFamilyTest, RandomKey) {
  EXPECT_EQ(Run({"RANDOMKEY"}).type, Type::kNil);
  Run({"SET", "only", "1"});
  EXPECT_EQ(Run({"RANDOMKEY"}).str, "only");
}

TEST_F(KeyFamilyTest, RenameMovesValueAndTtlAndReplacesDestination) {
  Run({"SET", "src", "v", "EX", "100"});
  Run({"SET", "dst", "old"});
  EXPECT_EQ(Run({"RENAME", "src", "dst"}).str, "OK");
  EXPECT_EQ(Run({"GET", "dst"}).str, "v");
  EXPECT_EQ(Int({"EXISTS", "src"}), 0);
  EXPECT_EQ(Int({"TTL", "dst"}), 100);
  EXPECT_EQ(state_.keyspace.db(0).expires(), 1u);

  Run({"SET", "a", "1"});
  Run({"SET", "b", "2", "EX", "100"});
  Run({"RENAME", "a", "b"});
  EXPECT_EQ(Int({"TTL", "b"}), -1);
  EXPECT_EQ(state_.keyspace.db(0).expires(), 1u);
}

TEST_F(KeyFamilyTest, RenameMovesObjectsWithoutCopying) {
  AddHash("h");
  EXPECT_EQ(Run({"RENAME", "h", "h2"}).str, "OK");
  EXPECT_EQ(Run({"TYPE", "h2"}).str, "hash");
  EXPECT_EQ(clones_, 0);
}

TEST_F(KeyFamilyTest, RenameSameKeyAndMissingKey) {
  Run({"SET", "k", "v", "EX", "100"});
  uint64_t dirty = state_.stats.dirty;
  EXPECT_EQ(Run({"RENAME", "k", "k"}).str, "OK");
  EXPECT_EQ(Int({"RENAMENX", "k", "k"}), 0);
  EXPECT_EQ(state_.stats.dirty, dirty);
  EXPECT_EQ(Int({"TTL", "k"}), 100);
  for (const char* cmd : {"RENAME", "RENAMENX"}) {
    EXPECT_TRUE(IsError(Run({cmd, "missing", "x"}), "ERR no such key"));
    EXPECT_TRUE(IsError(Run({cmd, "missing", "missing"}), "ERR no such key"));
  }
}

TEST_F(KeyFamilyTest, RenameNx) {
  Run({"SET", "a", "1"});
  Run({"SET", "b", "2"});
  EXPECT_EQ(Int({"RENAMENX", "a", "b"}), 0);
  EXPECT_EQ(Run({"GET", "b"}).str, "2");
  EXPECT_EQ(Int({"RENAMENX", "a", "c"}), 1);
  EXPECT_EQ(Run({"GET", "c"}).str, "1");
  EXPECT_EQ(Run({"GET", "a"}).type, Type::kNil);
}

TEST_F(KeyFamilyTest, CopyWithinAndAcrossDatabases) {
  Run({"SET", "src", "v", "EX", "100"});
  EXPECT_EQ(Int({"COPY", "src", "dst"}), 1);
  EXPECT_EQ(Run({"GET", "dst"}).str, "v");
  EXPECT_EQ(Int({"TTL", "dst"}), 100);
  Run({"SET", "src", "changed"});
  EXPECT_EQ(Run({"GET", "dst"}).str, "v");
  EXPECT_EQ(Int({"COPY", "src", "dst"}), 0);
  EXPECT_EQ(Int({"COPY", "src", "dst", "REPLACE"}), 1);
  EXPECT_EQ(Run({"GET", "dst"}).str, "changed");
  EXPECT_EQ(Int({"COPY", "missing", "other"}), 0);

  EXPECT_EQ(Int({"COPY", "src", "src", "DB", "1"}), 1);
  EXPECT_EQ(state_.keyspace.db(1).Find("src")->string_value(), "changed");
  EXPECT_EQ(Int({"COPY", "src", "src", "db", "1"}), 0);
  EXPECT_EQ(Int({"COPY", "src", "src", "replace", "db", "1"}), 1);
}

TEST_F(KeyFamilyTest, CopyClonesObjects) {
  AddHash("h");
  EXPECT_EQ(Int({"COPY", "h", "h2"}), 1);
  EXPECT_EQ(clones_, 1);
  EXPECT_EQ(Run({"TYPE", "h2"}).str, "hash");
}

TEST_F(KeyFamilyTest, CopyErrors) {
  Run({"SET", "src", "v"});
  EXPECT_TRUE(
      IsError(Run({"COPY", "src", "src"}), "ERR source and destination objects are the same"));
  EXPECT_TRUE(IsError(Run({"COPY", "src", "src", "DB", "0"}),
                      "ERR source and destination objects are the same"));
  EXPECT_TRUE(IsError(Run({"COPY", "src", "dst", "DB", "16"}), "ERR DB index is out of range"));
  EXPECT_TRUE(IsError(Run({"COPY", "src", "dst", "DB", "-1"}), "ERR DB index is out of range"));
  EXPECT_TRUE(IsError(Run({"COPY", "src", "dst", "DB", "abc"}),
                      "ERR value is not an integer or out of range"));
  EXPECT_TRUE(IsError(Run({"COPY", "src", "dst", "DB", "99999999999"}),
                      "ERR value is out of range, value must between -2147483648 and 2147483647"));
  EXPECT_TRUE(IsError(Run({"COPY", "src", "dst", "FOO"}), "ERR syntax error"));
  EXPECT_TRUE(IsError(Run({"COPY", "src", "dst", "DB"}), "ERR syntax error"));
}

TEST_F(KeyFamilyTest, MoveKeepsTtlAndRefusesExistingTarget) {
  Run({"SET", "k", "v", "EX", "100"});
  EXPECT_EQ(Int({"MOVE", "k", "1"}), 1);
  EXPECT_EQ(Int({"EXISTS", "k"}), 0);
  store::Entry* moved = state_.keyspace.db(1).Find("k");
  ASSERT_NE(moved, nullptr);
  EXPECT_EQ(moved->expire_ms(), clock_.NowMs() + 100000);
  EXPECT_EQ(state_.keyspace.db(1).expires(), 1u);
  EXPECT_EQ(state_.keyspace.db(0).expires(), 0u);
  Run({"SET", "k", "again"});
  EXPECT_EQ(Int({"MOVE", "k", "1"}), 0);
  EXPECT_EQ(Run({"GET", "k"}).str, "again");
  EXPECT_EQ(Int({"MOVE", "missing", "1"}), 0);
}

TEST_F(KeyFamilyTest, MoveErrors) {
  Run({"SET", "k", "v"});
  EXPECT_TRUE(IsError(Run({"MOVE", "k", "0"}), "ERR source and destination objects are the same"));
  EXPECT_TRUE(IsError(Run({"MOVE", "k", "16"}), "ERR DB index is out of range"));
  EXPECT_TRUE(IsError(Run({"MOVE", "k", "abc"}), "ERR value is not an integer or out of range"));
  EXPECT_TRUE(IsError(Run({"MOVE", "k", "99999999999"}),
                      "ERR value is out of range, value must between -2147483648 and 2147483647"));
}

TEST_F(KeyFamilyTest, SwapDbSwapsContentsNotClients) {
  Run({"SET", "in0", "zero"});
  state_.keyspace.db(1).SetString("in1", "one", false);
  EXPECT_EQ(Run({"SWAPDB", "0", "1"}).str, "OK");
  EXPECT_EQ(Run({"GET", "in1"}).str, "one");
  EXPECT_EQ(Run({"GET", "in0"}).type, Type::kNil);
  EXPECT_EQ(Run({"SWAPDB", "1", "1"}).str, "OK");
  EXPECT_TRUE(IsError(Run({"SWAPDB", "0", "16"}), "ERR DB index is out of range"));
  EXPECT_TRUE(IsError(Run({"SWAPDB", "-1", "0"}), "ERR DB index is out of range"));
  EXPECT_TRUE(IsError(Run({"SWAPDB", "a", "1"}), "ERR invalid first DB index"));
  EXPECT_TRUE(IsError(Run({"SWAPDB", "0", "b"}), "ERR invalid second DB index"));
  EXPECT_TRUE(IsError(Run({"SWAPDB", "99999999999", "b"}), "ERR invalid first DB index"));
}

TEST_F(KeyFamilyTest, ObjectEncoding) {
  const std::pair<std::string, std::string> cases[] = {{"hello", "embstr"},
                                                       {"123", "int"},
                                                       {"-9223372036854775808", "int"},
                                                       {"9223372036854775808", "embstr"},
                                                       {"0123", "embstr"},
                                                       {std::string(44, 'x'), "embstr"},
                                                       {std::string(45, 'x'), "raw"},
                                                       {"", "embstr"}};
  for (const auto& [value, encoding] : cases) {
    Run({"SET", "k", value});
    EXPECT_EQ(Run({"OBJECT", "ENCODING", "k"}).str, encoding) << value;
  }
  AddHash("h");
  EXPECT_EQ(Run({"OBJECT", "encoding", "h"}).str, "listpack");
}

TEST_F(KeyFamilyTest, ObjectOnMissingKeyIsNil) {
  for (const char* sub : {"ENCODING", "IDLETIME", "REFCOUNT", "FREQ"}) {
    Run({"OBJECT", sub, "missing"});
    EXPECT_EQ(out_, "$-1\r\n") << sub;
  }
}

TEST_F(KeyFamilyTest, ObjectRefcountReportsSharedSmallIntegers) {
  Run({"SET", "k", "not shared"});
  EXPECT_EQ(Int({"OBJECT", "REFCOUNT", "k"}), 1);
  Run({"SET", "n", "9999"});
  EXPECT_EQ(Int({"OBJECT", "REFCOUNT", "n"}), INT_MAX);
  Run({"SET", "n", "10000"});
  EXPECT_EQ(Int({"OBJECT", "REFCOUNT", "n"}), 1);
  Run({"SET", "n", "5"});
  state_.settings.maxmemory = 100 << 20;
  EXPECT_EQ(Int({"OBJECT", "REFCOUNT", "n"}), INT_MAX);  // noeviction keeps sharing
  state_.keyspace.eviction().policy = store::EvictionPolicy::kAllKeysLru;
  EXPECT_EQ(Int({"OBJECT", "REFCOUNT", "n"}), 1);
}

TEST_F(KeyFamilyTest, ObjectIdletimeAndFreqDependOnPolicy) {
  Run({"SET", "k", "v"});
  clock_.AdvanceMs(2500);
  EXPECT_EQ(Int({"OBJECT", "IDLETIME", "k"}), 2);
  EXPECT_EQ(Int({"OBJECT", "IDLETIME", "k"}), 2);  // OBJECT is not an access
  EXPECT_TRUE(IsError(Run({"OBJECT", "FREQ", "k"}),
                      "ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
                      "Please note that when switching between policies at runtime LRU and LFU "
                      "data will take some time to adjust."));
  state_.keyspace.eviction().policy = store::EvictionPolicy::kAllKeysLfu;
  Run({"SET", "f", "v"});
  EXPECT_EQ(Int({"OBJECT", "FREQ", "f"}), 5);
  Run({"GET", "f"});
  EXPECT_EQ(Int({"OBJECT", "FREQ", "f"}), 6);
  EXPECT_TRUE(IsError(Run({"OBJECT", "IDLETIME", "f"}),
                      "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note "
                      "that when switching between policies at runtime LRU and LFU data will take "
                      "some time to adjust."));
}

TEST_F(KeyFamilyTest, ObjectHelpAndErrors) {
  resp::Reply help = Run({"OBJECT", "HELP"});
  ASSERT_EQ(help.type, Type::kArray);
  ASSERT_EQ(help.elements.size(), 15u);
  EXPECT_EQ(help.elements[0].type, Type::kString);
  EXPECT_EQ(help.elements[0].str,
            "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_TRUE(
      IsError(Run({"OBJECT", "FOO", "k"}), "ERR unknown subcommand 'FOO'. Try OBJECT HELP."));
  EXPECT_TRUE(IsError(Run({"OBJECT", "ENCODING"}),
                      "ERR wrong number of arguments for 'object|encoding' command"));
  EXPECT_TRUE(IsError(Run({"OBJECT"}), "ERR wrong number of arguments for 'object' command"));
}

TEST_F(KeyFamilyTest, ArityErrors) {
  for (const char* cmd : {"DEL", "UNLINK", "EXISTS", "TOUCH"})
    EXPECT_EQ(Run({cmd}).type, Type::kError) << cmd;
  EXPECT_TRUE(IsError(Run({"RENAME", "a"}), "ERR wrong number of arguments for 'rename' command"));
}

}  // namespace
}  // namespace tandem::commands::testing
