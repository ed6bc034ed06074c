#include <map>
#include <set>
#include <string>
#include <vector>

#include "server/store/entry.h"
#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands::testing {
namespace {

using Type = resp::Reply::Type;

constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
constexpr std::string_view kSyntax = "ERR syntax error";
constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
constexpr std::string_view kMustBePositive = "ERR value is out of range, must be positive";

class SetFamilyTest : public CommandTest {
 protected:
  int64_t Int(std::vector<std::string> argv) {
    resp::Reply r = Run(std::move(argv));
    EXPECT_EQ(r.type, Type::kInteger) << r.str;
    return r.integer;
  }
  // The elements of an array or set reply, as a set of strings.
  std::set<std::string> Members(std::vector<std::string> argv) {
    resp::Reply r = Run(std::move(argv));
    EXPECT_TRUE(r.type == Type::kArray || r.type == Type::kSet) << r.str;
    std::set<std::string> out;
    for (const auto& e : r.elements) out.insert(e.str);
    return out;
  }
  std::string Encoding(const std::string& key) { return Run({"OBJECT", "ENCODING", key}).str; }
  bool Exists(std::string_view key) { return state_.keyspace.db(0).Find(key) != nullptr; }
  // Watches `key` for the default client; WatchBroken tells whether a write touched it since.
  void Watch(std::string_view key) { state_.watches.Watch(*client_, 0, key, Exists(key)); }
  bool WatchBroken() {
    return state_.watches.Broken(*client_, [](int, std::string_view) { return false; });
  }
  uint64_t Dirty() const { return state_.stats.dirty; }
};

using S = std::set<std::string>;

// ---- SADD / SREM / SCARD / SISMEMBER / SMISMEMBER / SMEMBERS ------------------------------------

TEST_F(SetFamilyTest, SaddCountsNewMembersOnly) {
  EXPECT_EQ(Int({"SADD", "s", "a", "b", "a"}), 2);
  EXPECT_EQ(Int({"SADD", "s", "b", "c"}), 1);
  EXPECT_EQ(Int({"SCARD", "s"}), 3);
  EXPECT_EQ(Members({"SMEMBERS", "s"}), (S{"a", "b", "c"}));
  EXPECT_EQ(Int({"SISMEMBER", "s", "a"}), 1);
  EXPECT_EQ(Int({"SISMEMBER", "s", "z"}), 0);
  EXPECT_EQ(Int({"SISMEMBER", "nokey", "a"}), 0);
  EXPECT_EQ(Int({"SCARD", "nokey"}), 0);
  EXPECT_TRUE(Members({"SMEMBERS", "nokey"}).empty());
}

TEST_F(SetFamilyTest, SaddCountsDirtyAndTouchesOnlyWhenSomethingWasAdded) {
  Run({"SADD", "s", "a"});
  Watch("s");
  uint64_t before = Dirty();
  EXPECT_EQ(Int({"SADD", "s", "a"}), 0);
  EXPECT_EQ(Dirty(), before);
  EXPECT_FALSE(WatchBroken());
  EXPECT_EQ(Int({"SADD", "s", "b", "c"}), 2);
  EXPECT_EQ(Dirty(), before + 2);
  EXPECT_TRUE(WatchBroken());
}

TEST_F(SetFamilyTest, SmismemberAnswersPerMemberAndZerosForAMissingKey) {
  Run({"SADD", "s", "a", "1"});
  resp::Reply r = Run({"SMISMEMBER", "s", "a", "x", "1"});
  ASSERT_EQ(r.type, Type::kArray);
  ASSERT_EQ(r.elements.size(), 3u);
  EXPECT_EQ(r.elements[0].integer, 1);
  EXPECT_EQ(r.elements[1].integer, 0);
  EXPECT_EQ(r.elements[2].integer, 1);
  r = Run({"SMISMEMBER", "nokey", "a", "b"});
  ASSERT_EQ(r.elements.size(), 2u);
  EXPECT_EQ(r.elements[0].integer, 0);
}

TEST_F(SetFamilyTest, SremDeletesTheEmptiedKey) {
  Run({"SADD", "s", "a", "b"});
  Watch("s");
  EXPECT_EQ(Int({"SREM", "s", "x"}), 0);
  EXPECT_FALSE(WatchBroken());
  uint64_t before = Dirty();
  EXPECT_EQ(Int({"SREM", "s", "a", "b", "c"}), 2);
  EXPECT_EQ(Dirty(), before + 2);
  EXPECT_TRUE(WatchBroken());
  EXPECT_FALSE(Exists("s"));
  EXPECT_EQ(Int({"SREM", "s", "a"}), 0);
}

TEST_F(SetFamilyTest, EveryCommandRefusesOtherTypes) {
  Run({"SET", "str", "x"});
  Run({"SADD", "s", "a"});
  for (const std::vector<std::string>& argv : std::vector<std::vector<std::string>>{
           {"SADD", "str", "a"},
           {"SREM", "str", "a"},
           {"SMEMBERS", "str"},
           {"SISMEMBER", "str", "a"},
           {"SMISMEMBER", "str", "a"},
           {"SCARD", "str"},
           {"SPOP", "str"},
           {"SPOP", "str", "0"},
           {"SRANDMEMBER", "str"},
           {"SRANDMEMBER", "str", "0"},
           {"SMOVE", "str", "s", "a"},
           {"SMOVE", "s", "str", "a"},
           {"SINTER", "nokey", "str"},
           {"SINTERCARD", "2", "nokey", "str"},
           {"SINTERSTORE", "d", "nokey", "str"},
           {"SUNION", "s", "str"},
           {"SUNIONSTORE", "d", "str"},
           {"SDIFF", "nokey", "str"},
           {"SDIFFSTORE", "d", "s", "str"},
           {"SSCAN", "str", "0"},
       }) {
    EXPECT_TRUE(IsError(Run(argv), kWrongType)) << argv[0] << " " << argv[1];
  }
  EXPECT_EQ(Run({"GET", "str"}).str, "x");
  EXPECT_FALSE(Exists("d"));
}

// ---- Encodings ----------------------------------------------------------------------------------

TEST_F(SetFamilyTest, IntsetUntilTheLimitThenHashtable) {
  for (int i = 0; i < 512; ++i) Run({"SADD", "s", std::to_string(i)});
  EXPECT_EQ(Encoding("s"), "intset");
  Run({"SADD", "s", "512"});
  EXPECT_EQ(Encoding("s"), "hashtable");
  Run({"SADD", "t", "1", "x"});
  EXPECT_EQ(Encoding("t"), "hashtable");
  Run({"SADD", "u", "01"});
  EXPECT_EQ(Encoding("u"), "hashtable");
}

TEST_F(SetFamilyTest, ConfigSetChangesTheLimitForLaterAdds) {
  Run({"SADD", "s", "1", "2", "3", "4"});
  EXPECT_EQ(Run({"CONFIG", "SET", "set-max-intset-entries", "4"}).str, "OK");
  EXPECT_EQ(Encoding("s"), "intset");  // existing values are not converted by CONFIG SET
  Run({"SADD", "s", "5"});
  EXPECT_EQ(Encoding("s"), "hashtable");
}

// ---- SMOVE --------------------------------------------------------------------------------------

TEST_F(SetFamilyTest, SmoveMovesAndDeletesAnEmptiedSource) {
  Run({"SADD", "src", "a"});
  Run({"SADD", "dst", "b"});
  uint64_t before = Dirty();
  EXPECT_EQ(Int({"SMOVE", "src", "dst", "a"}), 1);
  EXPECT_EQ(Dirty(), before + 2);
  EXPECT_FALSE(Exists("src"));
  EXPECT_EQ(Members({"SMEMBERS", "dst"}), (S{"a", "b"}));
  EXPECT_EQ(Int({"SMOVE", "src", "dst", "a"}), 0);  // missing source
  EXPECT_EQ(Int({"SMOVE", "dst", "dst", "a"}), 1);  // same key: membership only
  EXPECT_EQ(Int({"SMOVE", "dst", "dst", "z"}), 0);
  EXPECT_EQ(Int({"SMOVE", "dst", "dst2", "z"}), 0);
  EXPECT_FALSE(Exists("dst2"));
}

TEST_F(SetFamilyTest, SmoveCreatesTheDestinationWithAFittingEncoding) {
  Run({"SADD", "src", "a", "5"});
  EXPECT_EQ(Int({"SMOVE", "src", "n", "5"}), 1);
  EXPECT_EQ(Encoding("n"), "intset");
  EXPECT_EQ(Int({"SMOVE", "src", "m", "a"}), 1);
  EXPECT_EQ(Encoding("m"), "hashtable");
}

TEST_F(SetFamilyTest, SmoveOfAMemberAlreadyInTheDestinationStillRemovesIt) {
  Run({"SADD", "src", "a", "b"});
  Run({"SADD", "dst", "a"});
  uint64_t before = Dirty();
  EXPECT_EQ(Int({"SMOVE", "src", "dst", "a"}), 1);
  EXPECT_EQ(Dirty(), before + 1);
  EXPECT_EQ(Members({"SMEMBERS", "src"}), (S{"b"}));
}

TEST_F(SetFamilyTest, SmoveWithAMissingSourceIgnoresTheDestinationType) {
  Run({"SET", "str", "x"});
  EXPECT_EQ(Int({"SMOVE", "nokey", "str", "a"}), 0);
}

// ---- SPOP / SRANDMEMBER -------------------------------------------------------------------------

TEST_F(SetFamilyTest, SpopWithoutCount) {
  EXPECT_EQ(Run({"SPOP", "nokey"}).type, Type::kNil);
  Run({"SADD", "s", "a", "b"});
  std::string first = Run({"SPOP", "s"}).str;
  std::string second = Run({"SPOP", "s"}).str;
  EXPECT_EQ((S{first, second}), (S{"a", "b"}));
  EXPECT_FALSE(Exists("s"));
  EXPECT_TRUE(IsError(Run({"SPOP", "s", "1", "2"}), kSyntax));
}

TEST_F(SetFamilyTest, SpopWithCount) {
  EXPECT_TRUE(IsError(Run({"SPOP", "s", "-1"}), kMustBePositive));
  EXPECT_TRUE(IsError(Run({"SPOP", "s", "x"}), kMustBePositive));
  EXPECT_EQ(Run({"SPOP", "nokey", "3"}).elements.size(), 0u);
  for (int i = 0; i < 100; ++i) Run({"SADD", "s", "m" + std::to_string(i)});
  resp::Reply zero = Run({"SPOP", "s", "0"});
  EXPECT_EQ(zero.type, Type::kArray);
  EXPECT_TRUE(zero.elements.empty());

  std::set<std::string> popped;
  for (int count : {10, 70, 15}) {  // the second call takes the "build the survivors" path
    auto got = Members({"SPOP", "s", std::to_string(count)});
    EXPECT_EQ(got.size(), static_cast<size_t>(count));
    for (const auto& m : got) EXPECT_TRUE(popped.insert(m).second) << m;
  }
  EXPECT_EQ(Int({"SCARD", "s"}), 5);
  auto rest = Members({"SPOP", "s", "100"});
  EXPECT_EQ(rest.size(), 5u);
  for (const auto& m : rest) EXPECT_TRUE(popped.insert(m).second);
  EXPECT_EQ(popped.size(), 100u);
  EXPECT_FALSE(Exists("s"));
}

TEST_F(SetFamilyTest, SpopCountsDirtyAsRedis) {
  for (int i = 0; i < 10; ++i) Run({"SADD", "s", std::to_string(i)});
  uint64_t before = Dirty();
  Run({"SPOP", "s", "3"});
  EXPECT_EQ(Dirty(), before + 3);
  Run({"SPOP", "s", "100"});  // only the 7 left count
  EXPECT_EQ(Dirty(), before + 10);
}

// Like Redis, popping most of a set rebuilds the survivors with a fresh encoding.
TEST_F(SetFamilyTest, SpopOfMostMembersRebuildsTheSurvivors) {
  Run({"SADD", "s", "x"});
  for (int i = 0; i < 20; ++i) Run({"SADD", "s", std::to_string(i)});
  ASSERT_EQ(Encoding("s"), "hashtable");
  // Rebuilt only when count >= 5 * remaining; with 1 survivor out of 21 it is an intset unless
  // the survivor is "x".
  Run({"SPOP", "s", "20"});
  std::string survivor = *Members({"SMEMBERS", "s"}).begin();
  EXPECT_EQ(Encoding("s"), survivor == "x" ? "hashtable" : "intset");
}

TEST_F(SetFamilyTest, SpopRepliesASetInResp3) {
  Run({"SADD", "s", "a", "b", "c"});
  Run({"HELLO", "3"});
  EXPECT_EQ(Run({"SPOP", "s", "1"}).type, Type::kSet);
  EXPECT_EQ(Run({"SPOP", "s", "0"}).type, Type::kSet);
  EXPECT_EQ(Run({"SPOP", "nokey", "1"}).type, Type::kSet);
  EXPECT_EQ(Run({"SPOP", "s", "5"}).type, Type::kSet);
  EXPECT_EQ(Run({"SPOP", "nokey"}).type, Type::kNil);
}

TEST_F(SetFamilyTest, SrandmemberWithoutCount) {
  EXPECT_EQ(Run({"SRANDMEMBER", "nokey"}).type, Type::kNil);
  Run({"SADD", "s", "a", "b"});
  std::string m = Run({"SRANDMEMBER", "s"}).str;
  EXPECT_TRUE(m == "a" || m == "b") << m;
  EXPECT_EQ(Int({"SCARD", "s"}), 2);
}

TEST_F(SetFamilyTest, SrandmemberWithCount) {
  EXPECT_TRUE(IsError(Run({"SRANDMEMBER", "s", "x"}), kNotInteger));
  EXPECT_TRUE(IsError(Run({"SRANDMEMBER", "s", "-9223372036854775808"}),
                      "ERR value is out of range, value must between -9223372036854775807 and "
                      "9223372036854775807"));
  EXPECT_EQ(Run({"SRANDMEMBER", "nokey", "5"}).elements.size(), 0u);
  for (int i = 0; i < 50; ++i) Run({"SADD", "s", std::to_string(i)});
  EXPECT_EQ(Run({"SRANDMEMBER", "s", "0"}).elements.size(), 0u);
  // Distinct members: the whole set, most of it (shuffle path), a few (sampling path).
  for (int count : {50, 60, 40, 5, 1}) {
    resp::Reply r = Run({"SRANDMEMBER", "s", std::to_string(count)});
    ASSERT_EQ(r.type, Type::kArray);
    size_t want = std::min(count, 50);
    EXPECT_EQ(r.elements.size(), want);
    EXPECT_EQ(Members({"SRANDMEMBER", "s", std::to_string(count)}).size(), want) << count;
  }
  // A negative count may repeat members and returns exactly |count| of them.
  resp::Reply r = Run({"SRANDMEMBER", "s", "-200"});
  EXPECT_EQ(r.elements.size(), 200u);
  std::set<std::string> distinct;
  for (const auto& e : r.elements) distinct.insert(e.str);
  EXPECT_LT(distinct.size(), 200u);
  EXPECT_EQ(Int({"SCARD", "s"}), 50);
}

TEST_F(SetFamilyTest, SrandmemberRepliesAnArrayEvenInResp3) {
  Run({"SADD", "s", "a", "b", "c"});
  Run({"HELLO", "3"});
  EXPECT_EQ(Run({"SRANDMEMBER", "s", "2"}).type, Type::kArray);
  EXPECT_EQ(Run({"SRANDMEMBER", "s", "5"}).type, Type::kArray);
  EXPECT_EQ(Run({"SRANDMEMBER", "nokey", "5"}).type, Type::kArray);
}

TEST_F(SetFamilyTest, SrandmemberIsRoughlyUniform) {
  for (int i = 0; i < 10; ++i) Run({"SADD", "s", "m" + std::to_string(i)});
  std::map<std::string, int> hits;
  resp::Reply r = Run({"SRANDMEMBER", "s", "-10000"});
  for (const auto& e : r.elements) ++hits[e.str];
  ASSERT_EQ(hits.size(), 10u);
  for (const auto& [m, n] : hits) {
    EXPECT_GT(n, 800) << m;
    EXPECT_LT(n, 1200) << m;
  }
}

// ---- SINTER / SINTERCARD / SUNION / SDIFF and STORE ---------------------------------------------

TEST_F(SetFamilyTest, Algebra) {
  Run({"SADD", "a", "1", "2", "3", "x"});
  Run({"SADD", "b", "2", "3", "4", "x"});
  Run({"SADD", "c", "3", "x", "y"});
  EXPECT_EQ(Members({"SINTER", "a", "b", "c"}), (S{"3", "x"}));
  EXPECT_EQ(Members({"SINTER", "a"}), (S{"1", "2", "3", "x"}));
  EXPECT_TRUE(Members({"SINTER", "a", "nokey"}).empty());
  EXPECT_EQ(Members({"SUNION", "a", "nokey", "c"}), (S{"1", "2", "3", "x", "y"}));
  EXPECT_EQ(Members({"SDIFF", "a", "b"}), (S{"1"}));
  EXPECT_EQ(Members({"SDIFF", "a", "nokey"}), (S{"1", "2", "3", "x"}));
  EXPECT_TRUE(Members({"SDIFF", "nokey", "a"}).empty());
  EXPECT_TRUE(Members({"SDIFF", "a", "c", "a"}).empty());  // the first set named again
  EXPECT_EQ(Int({"SINTERCARD", "3", "a", "b", "c"}), 2);
  EXPECT_EQ(Int({"SINTERCARD", "2", "a", "b", "LIMIT", "2"}), 2);
  EXPECT_EQ(Int({"SINTERCARD", "2", "a", "b", "LIMIT", "1"}), 1);
  EXPECT_EQ(Int({"SINTERCARD", "2", "a", "b", "LIMIT", "0"}), 3);
  EXPECT_EQ(Int({"SINTERCARD", "2", "a", "b", "limit", "1", "LIMIT", "5"}), 3);
  EXPECT_EQ(Int({"SINTERCARD", "2", "a", "nokey"}), 0);
}

TEST_F(SetFamilyTest, SintercardArgumentErrors) {
  EXPECT_TRUE(IsError(Run({"SINTERCARD", "0", "a"}), "ERR numkeys should be greater than 0"));
  EXPECT_TRUE(IsError(Run({"SINTERCARD", "x", "a"}), "ERR numkeys should be greater than 0"));
  EXPECT_TRUE(IsError(Run({"SINTERCARD", "3", "a", "b"}),
                      "ERR Number of keys can't be greater than number of args"));
  EXPECT_TRUE(IsError(Run({"SINTERCARD", "1", "a", "LIMIT", "-1"}), "ERR LIMIT can't be negative"));
  EXPECT_TRUE(IsError(Run({"SINTERCARD", "1", "a", "LIMIT", "x"}), "ERR LIMIT can't be negative"));
  EXPECT_TRUE(IsError(Run({"SINTERCARD", "1", "a", "LIMIT"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"SINTERCARD", "1", "a", "b"}), kSyntax));
}

TEST_F(SetFamilyTest, SintercardKeysAreFoundFromNumkeys) {
  resp::Reply r = Run({"COMMAND", "GETKEYS", "SINTERCARD", "2", "a", "b", "LIMIT", "1"});
  ASSERT_EQ(r.type, Type::kArray) << r.str;
  ASSERT_EQ(r.elements.size(), 2u);
  EXPECT_EQ(r.elements[0].str, "a");
  EXPECT_EQ(r.elements[1].str, "b");
}

TEST_F(SetFamilyTest, StoreOverwritesAnyTypeAndItsTtl) {
  Run({"SADD", "a", "1", "2"});
  Run({"SADD", "b", "2", "3"});
  Run({"SET", "d", "string"});
  Run({"EXPIRE", "d", "100"});
  Watch("d");
  uint64_t before = Dirty();
  EXPECT_EQ(Int({"SINTERSTORE", "d", "a", "b"}), 1);
  EXPECT_EQ(Dirty(), before + 1);
  EXPECT_TRUE(WatchBroken());
  EXPECT_EQ(Members({"SMEMBERS", "d"}), (S{"2"}));
  EXPECT_EQ(Int({"TTL", "d"}), -1);
  EXPECT_EQ(Encoding("d"), "intset");
  EXPECT_EQ(Int({"SUNIONSTORE", "d", "a", "b"}), 3);
  EXPECT_EQ(Members({"SMEMBERS", "d"}), (S{"1", "2", "3"}));
  EXPECT_EQ(Int({"SDIFFSTORE", "d", "a", "b"}), 1);
  EXPECT_EQ(Members({"SMEMBERS", "d"}), (S{"1"}));
  // A destination that is also a source.
  EXPECT_EQ(Int({"SUNIONSTORE", "a", "a", "b"}), 3);
  EXPECT_EQ(Members({"SMEMBERS", "a"}), (S{"1", "2", "3"}));
}

TEST_F(SetFamilyTest, StoreOfAnEmptyResultDeletesTheDestination) {
  Run({"SADD", "a", "1"});
  Run({"SADD", "b", "2"});
  for (const std::vector<std::string>& argv : std::vector<std::vector<std::string>>{
           {"SINTERSTORE", "d", "a", "b"},
           {"SINTERSTORE", "d", "a", "nokey"},
           {"SDIFFSTORE", "d", "a", "a"},
           {"SUNIONSTORE", "d", "nokey"},
       }) {
    Run({"SET", "d", "x"});
    uint64_t before = Dirty();
    EXPECT_EQ(Int(argv), 0) << argv[0];
    EXPECT_FALSE(Exists("d")) << argv[0];
    EXPECT_EQ(Dirty(), before + 1) << argv[0];
  }
  uint64_t before = Dirty();
  EXPECT_EQ(Int({"SINTERSTORE", "d", "a", "b"}), 0);
  EXPECT_EQ(Dirty(), before);  // nothing to delete: no write
}

TEST_F(SetFamilyTest, StoreResultsTakeTheEncodingTheirMembersAllow) {
  Run({"SADD", "ints", "1", "2"});
  Run({"SADD", "mixed", "1", "a"});
  Run({"SUNIONSTORE", "d", "ints"});
  EXPECT_EQ(Encoding("d"), "intset");
  Run({"SUNIONSTORE", "d", "ints", "mixed"});
  EXPECT_EQ(Encoding("d"), "hashtable");
  Run({"SDIFFSTORE", "d", "mixed", "ints"});  // {"a"}
  EXPECT_EQ(Encoding("d"), "hashtable");
  Run({"SINTERSTORE", "d", "mixed", "ints"});  // {"1"} from a hashtable: back to an intset
  EXPECT_EQ(Encoding("d"), "intset");
}

TEST_F(SetFamilyTest, SetRepliesAreResp3Sets) {
  Run({"SADD", "a", "1", "2"});
  Run({"HELLO", "3"});
  for (const std::vector<std::string>& argv : std::vector<std::vector<std::string>>{
           {"SMEMBERS", "a"},
           {"SMEMBERS", "nokey"},
           {"SINTER", "a"},
           {"SINTER", "a", "nokey"},
           {"SUNION", "a"},
           {"SDIFF", "a"},
       }) {
    resp::Reply r = Run(argv);
    EXPECT_EQ(r.type, Type::kSet) << argv[0] << " " << argv[1];
  }
  EXPECT_EQ(Run({"SMISMEMBER", "a", "1"}).type, Type::kArray);
  EXPECT_EQ(Run({"SSCAN", "a", "0"}).type, Type::kArray);
}

// ---- SSCAN --------------------------------------------------------------------------------------

TEST_F(SetFamilyTest, SscanOfAnIntsetReturnsEverythingAtOnce) {
  Run({"SADD", "s", "1", "2", "3"});
  resp::Reply r = Run({"SSCAN", "s", "7"});
  ASSERT_EQ(r.elements.size(), 2u);
  EXPECT_EQ(r.elements[0].str, "0");
  EXPECT_EQ(r.elements[1].elements.size(), 3u);
}

TEST_F(SetFamilyTest, SscanVisitsEveryMemberOfAHashtable) {
  std::set<std::string> all;
  for (int i = 0; i < 1000; ++i) all.insert("m" + std::to_string(i));
  for (const auto& m : all) Run({"SADD", "s", m});
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    resp::Reply r = Run({"SSCAN", "s", cursor, "COUNT", "20"});
    ASSERT_EQ(r.elements.size(), 2u) << r.str;
    cursor = r.elements[0].str;
    for (const auto& e : r.elements[1].elements) seen.insert(e.str);
  } while (cursor != "0" && ++calls < 10000);
  EXPECT_GT(calls, 10);
  EXPECT_EQ(seen, all);
}

TEST_F(SetFamilyTest, SscanMatchFilters) {
  Run({"SADD", "s", "apple", "avocado", "banana", "x"});  // "x": a hashtable
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    resp::Reply r = Run({"SSCAN", "s", cursor, "MATCH", "a*"});
    cursor = r.elements[0].str;
    for (const auto& e : r.elements[1].elements) seen.insert(e.str);
  } while (cursor != "0" && ++calls < 1000);
  EXPECT_EQ(seen, (S{"apple", "avocado"}));
}

TEST_F(SetFamilyTest, SscanArgumentErrors) {
  Run({"SADD", "s", "a"});
  EXPECT_TRUE(IsError(Run({"SSCAN", "s", "x"}), "ERR invalid cursor"));
  EXPECT_TRUE(IsError(Run({"SSCAN", "s", "0", "COUNT", "0"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"SSCAN", "s", "0", "COUNT", "x"}), kNotInteger));
  EXPECT_TRUE(IsError(Run({"SSCAN", "s", "0", "MATCH"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"SSCAN", "s", "0", "TYPE", "set"}), kSyntax));
  // A missing key answers an empty scan before the options are looked at.
  resp::Reply r = Run({"SSCAN", "nokey", "0", "COUNT", "x"});
  ASSERT_EQ(r.elements.size(), 2u);
  EXPECT_EQ(r.elements[0].str, "0");
  EXPECT_TRUE(r.elements[1].elements.empty());
}

TEST_F(SetFamilyTest, CopyKeepsTheEncoding) {
  Run({"SADD", "s", "1", "a"});
  EXPECT_EQ(Int({"COPY", "s", "t"}), 1);
  Run({"SREM", "s", "a"});
  EXPECT_EQ(Members({"SMEMBERS", "t"}), (S{"1", "a"}));
  EXPECT_EQ(Encoding("t"), "hashtable");
}

}  // namespace
}  // namespace tandem::commands::testing
