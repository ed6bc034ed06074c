#include <algorithm>
#include <string>
#include <vector>

#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands {
namespace {

using resp::Reply;
using testing::IsError;

class ZSetFamilyTest : public testing::CommandTest {
 protected:
  // The bulk strings of an array reply (nested arrays flattened).
  static std::vector<std::string> Strings(const Reply& r) {
    std::vector<std::string> out;
    for (const Reply& e : r.elements) {
      if (e.type == Reply::Type::kArray) {
        auto inner = Strings(e);
        out.insert(out.end(), inner.begin(), inner.end());
      } else {
        out.push_back(e.str);
      }
    }
    return out;
  }
  std::vector<std::string> Range(std::vector<std::string> argv) { return Strings(Run(argv)); }

  using Strs = std::vector<std::string>;
};

TEST_F(ZSetFamilyTest, AddCountsAddedOrChanged) {
  EXPECT_EQ(Run({"ZADD", "z", "1", "a", "2", "b"}).integer, 2);
  EXPECT_EQ(Run({"ZADD", "z", "5", "a", "2", "b", "3", "c"}).integer, 1);
  EXPECT_EQ(Run({"ZADD", "z", "CH", "6", "a", "2", "b", "4", "d"}).integer, 2);
  EXPECT_EQ(Range({"ZRANGE", "z", "0", "-1", "WITHSCORES"}),
            (Strs{"b", "2", "c", "3", "d", "4", "a", "6"}));
  EXPECT_EQ(Run({"ZCARD", "z"}).integer, 4);
}

TEST_F(ZSetFamilyTest, AddConditionsAndIncr) {
  Run({"ZADD", "z", "10", "a"});
  EXPECT_EQ(Run({"ZADD", "z", "XX", "1", "new"}).integer, 0);
  EXPECT_EQ(Run({"ZADD", "z", "NX", "1", "a"}).integer, 0);
  EXPECT_EQ(Run({"ZADD", "z", "GT", "CH", "5", "a"}).integer, 0);
  EXPECT_EQ(Run({"ZADD", "z", "LT", "CH", "5", "a"}).integer, 1);
  EXPECT_EQ(Run({"ZADD", "z", "INCR", "2.5", "a"}).str, "7.5");
  EXPECT_EQ(Run({"ZADD", "z", "NX", "INCR", "1", "a"}).type, Reply::Type::kNil);
  EXPECT_EQ(Run({"ZINCRBY", "z", "-0.5", "a"}).str, "7");
  EXPECT_EQ(Run({"ZADD", "missing", "XX", "1", "a"}).integer, 0);
  EXPECT_EQ(Run({"EXISTS", "missing"}).integer, 0);
}

TEST_F(ZSetFamilyTest, AddErrors) {
  EXPECT_TRUE(IsError(Run({"ZADD", "z", "NX", "XX", "1", "a"}),
                      "ERR XX and NX options at the same time are not compatible"));
  EXPECT_TRUE(IsError(Run({"ZADD", "z", "GT", "LT", "1", "a"}),
                      "ERR GT, LT, and/or NX options at the same time are not compatible"));
  EXPECT_TRUE(IsError(Run({"ZADD", "z", "INCR", "1", "a", "1", "b"}),
                      "ERR INCR option supports a single increment-element pair"));
  EXPECT_TRUE(IsError(Run({"ZADD", "z", "1", "a", "2"}), "ERR syntax error"));
  EXPECT_TRUE(IsError(Run({"ZADD", "z", "1", "a", "x", "b"}), "ERR value is not a valid float"));
  EXPECT_EQ(Run({"EXISTS", "z"}).integer, 0);
  Run({"ZADD", "z", "inf", "a"});
  EXPECT_TRUE(
      IsError(Run({"ZINCRBY", "z", "-inf", "a"}), "ERR resulting score is not a number (NaN)"));
  Run({"SET", "s", "v"});
  EXPECT_TRUE(IsError(Run({"ZADD", "s", "1", "a"}),
                      "WRONGTYPE Operation against a key holding the wrong kind of value"));
}

TEST_F(ZSetFamilyTest, RemovingTheLastMemberDeletesTheKey) {
  Run({"ZADD", "z", "1", "a", "2", "b"});
  EXPECT_EQ(Run({"ZREM", "z", "a", "nope"}).integer, 1);
  EXPECT_EQ(Run({"ZREM", "z", "b"}).integer, 1);
  EXPECT_EQ(Run({"EXISTS", "z"}).integer, 0);
  Run({"ZADD", "z", "1", "a"});
  EXPECT_EQ(Run({"ZPOPMAX", "z"}).elements.size(), 2u);
  EXPECT_EQ(Run({"EXISTS", "z"}).integer, 0);
  Run({"ZADD", "z", "1", "a"});
  EXPECT_EQ(Run({"ZREMRANGEBYSCORE", "z", "-inf", "+inf"}).integer, 1);
  EXPECT_EQ(Run({"EXISTS", "z"}).integer, 0);
}

TEST_F(ZSetFamilyTest, RangesByRankScoreAndLex) {
  Run({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"});
  EXPECT_EQ(Range({"ZRANGE", "z", "-2", "-1"}), (Strs{"c", "d"}));
  EXPECT_EQ(Range({"ZREVRANGE", "z", "0", "0", "WITHSCORES"}), (Strs{"d", "4"}));
  EXPECT_EQ(Range({"ZRANGEBYSCORE", "z", "(1", "3"}), (Strs{"b", "c"}));
  EXPECT_EQ(Range({"ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", "1", "2"}), (Strs{"c", "b"}));
  EXPECT_EQ(Range({"ZRANGE", "z", "(4", "2", "BYSCORE", "REV"}), (Strs{"c", "b"}));
  EXPECT_EQ(Range({"ZRANGEBYLEX", "z", "[b", "(d"}), (Strs{"b", "c"}));
  EXPECT_EQ(Range({"ZREVRANGEBYLEX", "z", "+", "(b", "LIMIT", "0", "1"}), (Strs{"d"}));
  EXPECT_EQ(Run({"ZCOUNT", "z", "2", "(4"}).integer, 2);
  EXPECT_EQ(Run({"ZLEXCOUNT", "z", "-", "[b"}).integer, 2);
  EXPECT_EQ(Run({"ZRANK", "z", "c"}).integer, 2);
  EXPECT_EQ(Run({"ZREVRANK", "z", "c"}).integer, 1);
  EXPECT_TRUE(IsError(Run({"ZRANGE", "z", "0", "1", "LIMIT", "0", "1"}),
                      "ERR syntax error, LIMIT is only supported in combination with either "
                      "BYSCORE or BYLEX"));
  EXPECT_TRUE(IsError(Run({"ZRANGEBYSCORE", "z", "a", "1"}), "ERR min or max is not a float"));
  EXPECT_TRUE(
      IsError(Run({"ZRANGEBYLEX", "z", "a", "+"}), "ERR min or max not valid string range item"));
}

TEST_F(ZSetFamilyTest, Resp3RepliesDoublesAndPairs) {
  Run({"HELLO", "3"});
  Run({"ZADD", "z", "1.5", "a", "2", "b"});
  Reply score = Run({"ZSCORE", "z", "a"});
  EXPECT_EQ(score.type, Reply::Type::kDouble);
  Reply range = Run({"ZRANGE", "z", "0", "-1", "WITHSCORES"});
  ASSERT_EQ(range.elements.size(), 2u);
  EXPECT_EQ(range.elements[0].type, Reply::Type::kArray);
  Reply popped = Run({"ZPOPMIN", "z"});
  ASSERT_EQ(popped.elements.size(), 2u);
  EXPECT_EQ(popped.elements[1].type, Reply::Type::kDouble);
}

TEST_F(ZSetFamilyTest, StoreCommandsReplaceAndDeleteDestination) {
  Run({"ZADD", "a", "1", "x", "2", "y"});
  Run({"ZADD", "b", "3", "y", "4", "z"});
  Run({"SET", "dst", "string"});
  EXPECT_EQ(Run({"ZUNIONSTORE", "dst", "2", "a", "b", "WEIGHTS", "1", "2"}).integer, 3);
  EXPECT_EQ(Range({"ZRANGE", "dst", "0", "-1", "WITHSCORES"}),
            (Strs{"x", "1", "y", "8", "z", "8"}));
  EXPECT_EQ(Run({"ZINTERSTORE", "dst", "2", "a", "b", "AGGREGATE", "MAX"}).integer, 1);
  EXPECT_EQ(Range({"ZRANGE", "dst", "0", "-1", "WITHSCORES"}), (Strs{"y", "3"}));
  EXPECT_EQ(Run({"ZDIFFSTORE", "dst", "2", "a", "b"}).integer, 1);
  EXPECT_EQ(Run({"ZINTERSTORE", "dst", "2", "a", "missing"}).integer, 0);
  EXPECT_EQ(Run({"EXISTS", "dst"}).integer, 0);
  EXPECT_EQ(Run({"ZRANGESTORE", "dst", "b", "0", "0"}).integer, 1);
  EXPECT_EQ(Range({"ZRANGE", "dst", "0", "-1"}), (Strs{"y"}));
  EXPECT_EQ(Run({"ZINTERCARD", "2", "a", "b"}).integer, 1);
}

TEST_F(ZSetFamilyTest, PopsAndMPop) {
  Run({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(Range({"ZPOPMIN", "z", "2"}), (Strs{"a", "1", "b", "2"}));
  EXPECT_EQ(Range({"ZMPOP", "2", "none", "z", "MAX", "COUNT", "9"}), (Strs{"z", "c", "3"}));
  EXPECT_EQ(Run({"ZMPOP", "1", "z", "MIN"}).type, Reply::Type::kNil);
  EXPECT_TRUE(IsError(Run({"ZPOPMIN", "z", "-2"}), "ERR value is out of range, must be positive"));
  EXPECT_TRUE(IsError(Run({"ZMPOP", "0", "z", "MIN"}), "ERR numkeys should be greater than 0"));
}

TEST_F(ZSetFamilyTest, WritesTouchKeysAndCountDirty) {
  EXPECT_TRUE(WatchBrokenBy({"ZADD", "z", "1", "a", "2", "b"}, "z"));
  EXPECT_FALSE(WatchBrokenBy({"ZADD", "z", "1", "a"}, "z"));  // nothing changed
  EXPECT_FALSE(WatchBrokenBy({"ZREM", "z", "nope"}, "z"));
  EXPECT_TRUE(WatchBrokenBy({"ZINCRBY", "z", "1", "a"}, "z"));
  EXPECT_TRUE(WatchBrokenBy({"ZPOPMIN", "z"}, "z"));
  EXPECT_TRUE(WatchBrokenBy({"ZUNIONSTORE", "u", "1", "z"}, "u"));
  EXPECT_TRUE(WatchBrokenBy({"ZREMRANGEBYRANK", "z", "0", "-1"}, "z"));
  uint64_t before = state_.stats.dirty;
  Run({"ZADD", "y", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(state_.stats.dirty - before, 3u);
  Run({"ZREM", "y", "a", "b"});
  EXPECT_EQ(state_.stats.dirty - before, 5u);
}

TEST_F(ZSetFamilyTest, EncodingFollowsConfig) {
  Run({"CONFIG", "SET", "zset-max-listpack-entries", "2"});
  Run({"ZADD", "z", "1", "a", "2", "b"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "z"}).str, "listpack");
  Run({"ZADD", "z", "3", "c"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "z"}).str, "skiplist");
  Run({"CONFIG", "SET", "zset-max-listpack-value", "3"});
  Run({"ZADD", "y", "1", "abcd"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "y"}).str, "skiplist");
}

TEST_F(ZSetFamilyTest, ScanAndRandMember) {
  for (int i = 0; i < 300; ++i) Run({"ZADD", "z", std::to_string(i), "m" + std::to_string(i)});
  std::vector<std::string> seen;
  std::string cursor = "0";
  for (int step = 0; step < 1000; ++step) {
    Reply r = Run({"ZSCAN", "z", cursor, "COUNT", "20"});
    cursor = r.elements[0].str;
    for (size_t i = 0; i < r.elements[1].elements.size(); i += 2)
      seen.push_back(r.elements[1].elements[i].str);
    if (cursor == "0") break;
  }
  std::sort(seen.begin(), seen.end());
  seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
  EXPECT_EQ(seen.size(), 300u);
  Reply distinct = Run({"ZRANDMEMBER", "z", "50"});
  std::vector<std::string> picked = Strings(distinct);
  std::sort(picked.begin(), picked.end());
  EXPECT_EQ(std::unique(picked.begin(), picked.end()), picked.end());
  EXPECT_EQ(picked.size(), 50u);
  EXPECT_EQ(Run({"ZRANDMEMBER", "z", "-1000"}).elements.size(), 1000u);
}

TEST_F(ZSetFamilyTest, KeyPositionsOfNumkeysCommands) {
  Reply keys =
      Run({"COMMAND", "GETKEYS", "ZUNIONSTORE", "dst", "2", "a", "b", "WEIGHTS", "1", "2"});
  EXPECT_EQ(Strings(keys), (Strs{"dst", "a", "b"}));
  keys = Run({"COMMAND", "GETKEYS", "ZMPOP", "2", "a", "b", "MIN"});
  EXPECT_EQ(Strings(keys), (Strs{"a", "b"}));
}

}  // namespace
}  // namespace tandem::commands
