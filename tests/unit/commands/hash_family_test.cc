#include <map>
#include <set>
#include <string>

#include "server/store/entry.h"
#include "server/store/hash_object.h"
#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands::testing {
namespace {

using Type = resp::Reply::Type;

constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
constexpr std::string_view kNotFloat = "ERR value is not a valid float";
constexpr std::string_view kSyntax = "ERR syntax error";

class HashFamilyTest : public CommandTest {
 protected:
  int64_t Int(std::vector<std::string> argv) {
    resp::Reply r = Run(std::move(argv));
    EXPECT_EQ(r.type, Type::kInteger) << r.str;
    return r.integer;
  }
  std::string Bulk(std::vector<std::string> argv) {
    resp::Reply r = Run(std::move(argv));
    EXPECT_EQ(r.type, Type::kBulk) << r.str;
    return r.str;
  }
  std::string Encoding(std::string_view key) {
    return std::string(Run({"OBJECT", "ENCODING", std::string(key)}).str);
  }
  // A flat field, value, field, value... reply as a map.
  static std::map<std::string, std::string> Pairs(const resp::Reply& r) {
    std::map<std::string, std::string> out;
    for (size_t i = 0; i + 1 < r.elements.size(); i += 2)
      out[r.elements[i].str] = r.elements[i + 1].str;
    return out;
  }
};

TEST_F(HashFamilyTest, SetGetAndCounts) {
  EXPECT_EQ(Int({"HSET", "h", "a", "1", "b", "2"}), 2);
  EXPECT_EQ(Int({"HSET", "h", "a", "3", "c", "4"}), 1);
  EXPECT_EQ(Bulk({"HGET", "h", "a"}), "3");
  EXPECT_EQ(Run({"HGET", "h", "zz"}).type, Type::kNil);
  EXPECT_EQ(Run({"HGET", "nokey", "a"}).type, Type::kNil);
  EXPECT_EQ(Int({"HLEN", "h"}), 3);
  EXPECT_EQ(Int({"HLEN", "nokey"}), 0);
  EXPECT_EQ(state_.stats.dirty, 4u);  // one per pair written
  EXPECT_EQ(Run({"HMSET", "h", "d", "5"}).str, "OK");
  resp::Reply r = Run({"HMGET", "h", "a", "zz", "d"});
  ASSERT_EQ(r.elements.size(), 3u);
  EXPECT_EQ(r.elements[0].str, "3");
  EXPECT_EQ(r.elements[1].type, Type::kNil);
  EXPECT_EQ(r.elements[2].str, "5");
  EXPECT_EQ(Run({"HMGET", "nokey", "a"}).elements.size(), 1u);
}

TEST_F(HashFamilyTest, OddPairsAreAnArityError) {
  EXPECT_TRUE(IsError(Run({"HSET", "h", "a", "1", "b"}),
                      "ERR wrong number of arguments for 'hset' command"));
  EXPECT_TRUE(IsError(Run({"HMSET", "h", "a", "1", "b"}),
                      "ERR wrong number of arguments for 'hmset' command"));
  EXPECT_EQ(state_.keyspace.db(0).size(), 0u);
}

TEST_F(HashFamilyTest, SetNx) {
  EXPECT_EQ(Int({"HSETNX", "h", "f", "1"}), 1);
  EXPECT_EQ(Int({"HSETNX", "h", "f", "2"}), 0);
  EXPECT_EQ(Bulk({"HGET", "h", "f"}), "1");
  EXPECT_EQ(state_.stats.dirty, 1u);
}

TEST_F(HashFamilyTest, DelRemovesTheEmptiedKey) {
  Run({"HSET", "h", "a", "1", "b", "2"});
  uint64_t dirty = state_.stats.dirty;
  EXPECT_EQ(Int({"HDEL", "h", "a", "a", "zz"}), 1);
  EXPECT_EQ(state_.stats.dirty, dirty + 1);
  EXPECT_EQ(Int({"HDEL", "h", "zz"}), 0);
  EXPECT_EQ(state_.stats.dirty, dirty + 1);
  EXPECT_EQ(Int({"HDEL", "h", "b", "c"}), 1);
  EXPECT_EQ(state_.keyspace.db(0).Find("h"), nullptr);
  EXPECT_EQ(Int({"HDEL", "h", "b"}), 0);
}

TEST_F(HashFamilyTest, WritesTouchTheKeyForWatch) {
  Run({"HSET", "h", "a", "1"});
  EXPECT_TRUE(WatchBrokenBy({"HSET", "h", "a", "2"}, "h"));
  EXPECT_TRUE(WatchBrokenBy({"HINCRBY", "h", "n", "1"}, "h"));
  EXPECT_TRUE(WatchBrokenBy({"HINCRBYFLOAT", "h", "n", "1"}, "h"));
  EXPECT_FALSE(WatchBrokenBy({"HSETNX", "h", "a", "3"}, "h"));
  EXPECT_FALSE(WatchBrokenBy({"HDEL", "h", "zz"}, "h"));
  EXPECT_FALSE(WatchBrokenBy({"HGET", "h", "a"}, "h"));
  EXPECT_TRUE(WatchBrokenBy({"HDEL", "h", "a", "n"}, "h"));
}

TEST_F(HashFamilyTest, ReadsOfSmallFields) {
  Run({"HSET", "h", "a", "hello", "", ""});
  EXPECT_EQ(Int({"HEXISTS", "h", "a"}), 1);
  EXPECT_EQ(Int({"HEXISTS", "h", ""}), 1);
  EXPECT_EQ(Int({"HEXISTS", "h", "b"}), 0);
  EXPECT_EQ(Int({"HEXISTS", "nokey", "b"}), 0);
  EXPECT_EQ(Int({"HSTRLEN", "h", "a"}), 5);
  EXPECT_EQ(Int({"HSTRLEN", "h", ""}), 0);
  EXPECT_EQ(Int({"HSTRLEN", "nokey", "a"}), 0);
}

TEST_F(HashFamilyTest, GetAllKeysValsInListpackOrder) {
  Run({"HSET", "h", "c", "3", "a", "1", "b", "2"});
  resp::Reply all = Run({"HGETALL", "h"});
  ASSERT_EQ(all.type, Type::kArray);  // RESP2: a flat array
  ASSERT_EQ(all.elements.size(), 6u);
  EXPECT_EQ(all.elements[0].str, "c");
  EXPECT_EQ(all.elements[1].str, "3");
  resp::Reply keys = Run({"HKEYS", "h"});
  ASSERT_EQ(keys.elements.size(), 3u);
  EXPECT_EQ(keys.elements[2].str, "b");
  resp::Reply vals = Run({"HVALS", "h"});
  ASSERT_EQ(vals.elements.size(), 3u);
  EXPECT_EQ(vals.elements[1].str, "1");
  EXPECT_EQ(Run({"HGETALL", "nokey"}).elements.size(), 0u);
  EXPECT_EQ(Run({"HKEYS", "nokey"}).type, Type::kArray);
}

TEST_F(HashFamilyTest, Resp3GetAllIsAMap) {
  client_->set_resp_version(3);
  Run({"HSET", "h", "f", "v"});
  resp::Reply r = Run({"HGETALL", "h"});
  EXPECT_EQ(r.type, Type::kMap);
  EXPECT_EQ(Pairs(r), (std::map<std::string, std::string>{{"f", "v"}}));
  EXPECT_EQ(Run({"HGETALL", "nokey"}).type, Type::kMap);
}

TEST_F(HashFamilyTest, WrongType) {
  Run({"SET", "s", "x"});
  for (std::vector<std::string> argv :
       std::vector<std::vector<std::string>>{{"HSET", "s", "a", "1"},
                                             {"HSETNX", "s", "a", "1"},
                                             {"HGET", "s", "a"},
                                             {"HMGET", "s", "a"},
                                             {"HGETALL", "s"},
                                             {"HDEL", "s", "a"},
                                             {"HLEN", "s"},
                                             {"HEXISTS", "s", "a"},
                                             {"HKEYS", "s"},
                                             {"HVALS", "s"},
                                             {"HINCRBY", "s", "a", "1"},
                                             {"HINCRBYFLOAT", "s", "a", "1"},
                                             {"HSTRLEN", "s", "a"},
                                             {"HRANDFIELD", "s"},
                                             {"HRANDFIELD", "s", "1"},
                                             {"HSCAN", "s", "0"}}) {
    EXPECT_TRUE(IsError(Run(argv), kWrongType)) << argv[0];
  }
  EXPECT_EQ(Bulk({"GET", "s"}), "x");
}

TEST_F(HashFamilyTest, IncrBy) {
  EXPECT_EQ(Int({"HINCRBY", "h", "n", "5"}), 5);
  EXPECT_EQ(Int({"HINCRBY", "h", "n", "-8"}), -3);
  EXPECT_EQ(Bulk({"HGET", "h", "n"}), "-3");
  Run({"HSET", "h", "max", "9223372036854775807", "s", "x1"});
  EXPECT_TRUE(
      IsError(Run({"HINCRBY", "h", "max", "1"}), "ERR increment or decrement would overflow"));
  EXPECT_EQ(Int({"HINCRBY", "h", "max", "-1"}), 9223372036854775806);
  EXPECT_TRUE(IsError(Run({"HINCRBY", "h", "s", "1"}), "ERR hash value is not an integer"));
  EXPECT_TRUE(IsError(Run({"HINCRBY", "h", "n", "1.0"}), kNotInteger));
  EXPECT_TRUE(IsError(Run({"HINCRBY", "nokey", "n", "x"}), kNotInteger));
  EXPECT_EQ(state_.keyspace.db(0).Find("nokey"), nullptr);
}

TEST_F(HashFamilyTest, IncrByFloat) {
  EXPECT_EQ(Bulk({"HINCRBYFLOAT", "h", "f", "10.5"}), "10.5");
  EXPECT_EQ(Bulk({"HINCRBYFLOAT", "h", "f", "0.1"}), "10.6");
  EXPECT_EQ(Bulk({"HINCRBYFLOAT", "h", "f", "-10.6"}), "0");
  EXPECT_EQ(Bulk({"HINCRBYFLOAT", "h", "e", "3e3"}), "3000");
  Run({"HSET", "h", "s", "abc", "big", "1e4932"});
  EXPECT_TRUE(IsError(Run({"HINCRBYFLOAT", "h", "s", "1"}), "ERR hash value is not a float"));
  EXPECT_TRUE(IsError(Run({"HINCRBYFLOAT", "h", "f", "inf"}), "ERR value is NaN or Infinity"));
  EXPECT_TRUE(IsError(Run({"HINCRBYFLOAT", "h", "f", "nan"}), kNotFloat));
  EXPECT_TRUE(IsError(Run({"HINCRBYFLOAT", "h", "f", "x"}), kNotFloat));
  EXPECT_TRUE(IsError(Run({"HINCRBYFLOAT", "h", "big", "1e4932"}),
                      "ERR increment would produce NaN or Infinity"));
  EXPECT_EQ(Bulk({"HGET", "h", "big"}), "1e4932");
}

TEST_F(HashFamilyTest, EncodingFollowsTheConfig) {
  ASSERT_EQ(Run({"CONFIG", "SET", "hash-max-listpack-entries", "3"}).str, "OK");
  ASSERT_EQ(Run({"CONFIG", "SET", "hash-max-listpack-value", "5"}).str, "OK");
  Run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  EXPECT_EQ(Encoding("h"), "listpack");
  Run({"HSET", "h", "d", "4"});
  EXPECT_EQ(Encoding("h"), "hashtable");
  Run({"HSET", "v", "a", "12345"});
  EXPECT_EQ(Encoding("v"), "listpack");
  Run({"HINCRBYFLOAT", "v", "a", "0.5"});  // "12345.5" is longer than 5 bytes
  EXPECT_EQ(Encoding("v"), "hashtable");
  EXPECT_EQ(Bulk({"HGET", "v", "a"}), "12345.5");
}

TEST_F(HashFamilyTest, CopyIsIndependent) {
  Run({"HSET", "h", "a", "1"});
  EXPECT_EQ(Int({"COPY", "h", "h2"}), 1);
  Run({"HSET", "h2", "a", "2"});
  EXPECT_EQ(Bulk({"HGET", "h", "a"}), "1");
  EXPECT_EQ(Bulk({"HGET", "h2", "a"}), "2");
}

// ---- HRANDFIELD ---------------------------------------------------------------------------------

TEST_F(HashFamilyTest, RandFieldShapes) {
  Run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  std::set<std::string> fields{"a", "b", "c"};
  EXPECT_EQ(fields.count(Bulk({"HRANDFIELD", "h"})), 1u);
  EXPECT_EQ(Run({"HRANDFIELD", "nokey"}).type, Type::kNil);
  resp::Reply two = Run({"HRANDFIELD", "h", "2"});
  ASSERT_EQ(two.elements.size(), 2u);
  EXPECT_NE(two.elements[0].str, two.elements[1].str);
  EXPECT_EQ(Run({"HRANDFIELD", "h", "10"}).elements.size(), 3u);
  EXPECT_EQ(Run({"HRANDFIELD", "h", "-10"}).elements.size(), 10u);
  EXPECT_EQ(Run({"HRANDFIELD", "h", "0"}).elements.size(), 0u);
  resp::Reply flat = Run({"HRANDFIELD", "h", "-4", "WITHVALUES"});
  ASSERT_EQ(flat.elements.size(), 8u);
  for (size_t i = 0; i < 8; i += 2) {
    EXPECT_EQ(flat.elements[i + 1].str, std::string(1, '1' + (flat.elements[i].str[0] - 'a')));
  }
  client_->set_resp_version(3);
  resp::Reply nested = Run({"HRANDFIELD", "h", "2", "WITHVALUES"});
  ASSERT_EQ(nested.elements.size(), 2u);
  for (const resp::Reply& pair : nested.elements) {
    ASSERT_EQ(pair.type, Type::kArray);
    ASSERT_EQ(pair.elements.size(), 2u);
    EXPECT_EQ(fields.count(pair.elements[0].str), 1u);
  }
  EXPECT_EQ(Run({"HRANDFIELD", "nokey", "3", "WITHVALUES"}).elements.size(), 0u);
}

TEST_F(HashFamilyTest, RandFieldArgumentErrors) {
  EXPECT_TRUE(IsError(Run({"HRANDFIELD", "h", "x"}), kNotInteger));
  EXPECT_TRUE(IsError(Run({"HRANDFIELD", "h", "1", "withvalue"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"HRANDFIELD", "h", "1", "withvalues", "x"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"HRANDFIELD", "h", "-9223372036854775808"}),
                      "ERR value is out of range, value must between -9223372036854775807 and "
                      "9223372036854775807"));
  EXPECT_TRUE(IsError(Run({"HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"}),
                      "ERR value is out of range"));
  EXPECT_TRUE(IsError(Run({"HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"}),
                      "ERR value is out of range"));
  EXPECT_EQ(Run({"HRANDFIELD", "h", "4611686018427387903", "WITHVALUES"}).type, Type::kArray);
}

// ---- HSCAN --------------------------------------------------------------------------------------

TEST_F(HashFamilyTest, ScanOfAListpackIsOneCall) {
  Run({"HSET", "h", "a", "1", "b", "2"});
  resp::Reply r = Run({"HSCAN", "h", "7", "COUNT", "1"});
  ASSERT_EQ(r.elements.size(), 2u);
  EXPECT_EQ(r.elements[0].str, "0");
  EXPECT_EQ(Pairs(r.elements[1]), (std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}}));
  r = Run({"HSCAN", "h", "0", "MATCH", "b"});
  EXPECT_EQ(Pairs(r.elements[1]), (std::map<std::string, std::string>{{"b", "2"}}));
  r = Run({"HSCAN", "nokey", "0", "COUNT", "0"});  // options unchecked for a missing key
  EXPECT_EQ(r.elements[0].str, "0");
  EXPECT_EQ(r.elements[1].elements.size(), 0u);
}

TEST_F(HashFamilyTest, ScanOfAHashtableIsCompleteAcrossCalls) {
  std::map<std::string, std::string> expected;
  std::vector<std::string> argv{"HSET", "h"};
  for (int i = 0; i < 1000; ++i) {
    expected["f" + std::to_string(i)] = std::to_string(i);
    argv.push_back("f" + std::to_string(i));
    argv.push_back(std::to_string(i));
  }
  Run(argv);
  ASSERT_EQ(Encoding("h"), "hashtable");
  std::map<std::string, std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    resp::Reply r = Run({"HSCAN", "h", cursor, "COUNT", "20"});
    ASSERT_EQ(r.elements.size(), 2u);
    cursor = r.elements[0].str;
    EXPECT_LE(r.elements[1].elements.size(), 80u);  // roughly COUNT, fields and values alike
    for (auto& [f, v] : Pairs(r.elements[1])) seen[f] = v;
    ASSERT_LT(++calls, 10000);
  } while (cursor != "0");
  EXPECT_GT(calls, 10);
  EXPECT_EQ(seen, expected);
}

TEST_F(HashFamilyTest, ScanArgumentErrors) {
  Run({"HSET", "h", "a", "1"});
  EXPECT_TRUE(IsError(Run({"HSCAN", "h", "x"}), "ERR invalid cursor"));
  EXPECT_TRUE(IsError(Run({"HSCAN", "h", "0", "COUNT", "0"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"HSCAN", "h", "0", "COUNT", "x"}), kNotInteger));
  EXPECT_TRUE(IsError(Run({"HSCAN", "h", "0", "TYPE", "hash"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"HSCAN", "h", "0", "MATCH"}), kSyntax));
  EXPECT_EQ(Run({"HSCAN", "h", "-1"}).elements[0].str, "0");  // strtoul-style wrap-around
}

}  // namespace
}  // namespace tandem::commands::testing
