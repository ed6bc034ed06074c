#include <string>
#include <utility>
#include <vector>

#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands::testing {
namespace {

using Type = resp::Reply::Type;

constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
constexpr std::string_view kSyntax = "ERR syntax error";

class ListFamilyTest : public CommandTest {
 protected:
  // The elements of an array reply of bulks.
  static std::vector<std::string> Strings(const resp::Reply& r) {
    std::vector<std::string> out;
    for (const resp::Reply& e : r.elements) out.push_back(e.str);
    return out;
  }
  std::vector<std::string> Range(const std::string& key) {
    return Strings(Run({"LRANGE", key, "0", "-1"}));
  }

  // Whether a write since Watch(key) broke a watcher's transaction (Touched was called).
  void Watch(std::string_view key) {
    watcher_ = AddClient(&watch_conn_, &watch_out_);
    state_.watches.Watch(*watcher_, 0, key, true);
  }
  bool WatchBroken() {
    return state_.watches.Broken(*watcher_, [](int, std::string_view) { return false; });
  }

  RecordingConnection watch_conn_;
  std::string watch_out_;
  Client* watcher_ = nullptr;
};

TEST_F(ListFamilyTest, PushesReturnTheLengthAndKeepOrder) {
  EXPECT_EQ(Run({"RPUSH", "l", "a", "b"}).integer, 2);
  EXPECT_EQ(Run({"LPUSH", "l", "x", "y"}).integer, 4);
  EXPECT_EQ(Range("l"), (std::vector<std::string>{"y", "x", "a", "b"}));
  EXPECT_EQ(Run({"LPUSHX", "nokey", "a"}).integer, 0);
  EXPECT_EQ(Run({"RPUSHX", "l", "z"}).integer, 5);
  EXPECT_EQ(Run({"EXISTS", "nokey"}).integer, 0);
  EXPECT_EQ(Run({"TYPE", "l"}).str, "list");
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "l"}).str, "quicklist");
  EXPECT_EQ(state_.stats.dirty, 5u);
}

TEST_F(ListFamilyTest, WrongTypeEverywhere) {
  Run({"SET", "s", "v"});
  for (std::vector<std::string> cmd :
       std::vector<std::vector<std::string>>{{"LPUSH", "s", "a"},
                                             {"RPUSHX", "s", "a"},
                                             {"LPOP", "s"},
                                             {"RPOP", "s", "2"},
                                             {"LLEN", "s"},
                                             {"LRANGE", "s", "0", "1"},
                                             {"LINDEX", "s", "0"},
                                             {"LSET", "s", "0", "a"},
                                             {"LINSERT", "s", "BEFORE", "a", "b"},
                                             {"LREM", "s", "0", "a"},
                                             {"LTRIM", "s", "0", "1"},
                                             {"LPOS", "s", "a"},
                                             {"LMOVE", "s", "d", "LEFT", "LEFT"},
                                             {"RPOPLPUSH", "s", "d"},
                                             {"LMPOP", "1", "s", "LEFT"}}) {
    EXPECT_TRUE(IsError(Run(cmd), kWrongType)) << cmd[0];
  }
  Run({"RPUSH", "l", "a"});
  EXPECT_TRUE(IsError(Run({"LMOVE", "l", "s", "LEFT", "LEFT"}), kWrongType));
  EXPECT_EQ(Run({"LLEN", "l"}).integer, 1);  // nothing moved
}

TEST_F(ListFamilyTest, PopWithAndWithoutCount) {
  EXPECT_EQ(Run({"LPOP", "nokey"}).type, Type::kNil);
  EXPECT_EQ(Wire({"LPOP", "nokey", "0"}), "*-1\r\n");
  EXPECT_EQ(Wire({"LPOP", "nokey"}), "$-1\r\n");
  Run({"RPUSH", "l", "a", "b", "c", "d"});
  EXPECT_EQ(Run({"LPOP", "l"}).str, "a");
  EXPECT_EQ(Run({"RPOP", "l"}).str, "d");
  resp::Reply zero = Run({"LPOP", "l", "0"});
  EXPECT_EQ(zero.type, Type::kArray);
  EXPECT_TRUE(zero.elements.empty());
  EXPECT_TRUE(IsError(Run({"LPOP", "l", "-1"}), "ERR value is out of range, must be positive"));
  EXPECT_TRUE(IsError(Run({"LPOP", "l", "x"}), "ERR value is out of range, must be positive"));
  EXPECT_TRUE(
      IsError(Run({"LPOP", "l", "1", "2"}), "ERR wrong number of arguments for 'lpop' command"));
  EXPECT_EQ(Strings(Run({"RPOP", "l", "10"})), (std::vector<std::string>{"c", "b"}));
  EXPECT_EQ(Run({"EXISTS", "l"}).integer, 0);
}

TEST_F(ListFamilyTest, IndexAndSet) {
  Run({"RPUSH", "l", "a", "b", "c"});
  EXPECT_EQ(Run({"LINDEX", "l", "-1"}).str, "c");
  EXPECT_EQ(Run({"LINDEX", "l", "3"}).type, Type::kNil);
  EXPECT_EQ(Run({"LINDEX", "nokey", "x"}).type, Type::kNil);  // the key is looked up first
  EXPECT_TRUE(IsError(Run({"LINDEX", "l", "x"}), kNotInteger));
  EXPECT_EQ(Run({"LSET", "l", "-3", "A"}).str, "OK");
  EXPECT_TRUE(IsError(Run({"LSET", "l", "3", "x"}), "ERR index out of range"));
  EXPECT_TRUE(IsError(Run({"LSET", "nokey", "0", "x"}), "ERR no such key"));
  EXPECT_EQ(Range("l"), (std::vector<std::string>{"A", "b", "c"}));
}

TEST_F(ListFamilyTest, RangeClampsLikeRedis) {
  Run({"RPUSH", "l", "a", "b", "c", "d", "e"});
  EXPECT_EQ(Strings(Run({"LRANGE", "l", "-100", "1"})), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Strings(Run({"LRANGE", "l", "-2", "100"})), (std::vector<std::string>{"d", "e"}));
  EXPECT_TRUE(Run({"LRANGE", "l", "3", "1"}).elements.empty());
  EXPECT_TRUE(Run({"LRANGE", "l", "5", "10"}).elements.empty());
  EXPECT_EQ(Run({"LRANGE", "nokey", "0", "-1"}).type, Type::kArray);
  EXPECT_TRUE(IsError(Run({"LRANGE", "l", "a", "1"}), kNotInteger));
}

TEST_F(ListFamilyTest, InsertRemoveTrim) {
  EXPECT_EQ(Run({"LINSERT", "nokey", "BEFORE", "a", "x"}).integer, 0);
  Run({"RPUSH", "l", "a", "b", "a", "c", "a"});
  EXPECT_EQ(Run({"LINSERT", "l", "AFTER", "zz", "x"}).integer, -1);
  EXPECT_TRUE(IsError(Run({"LINSERT", "l", "MIDDLE", "a", "x"}), kSyntax));
  EXPECT_EQ(Run({"LINSERT", "l", "after", "b", "x"}).integer, 6);
  EXPECT_EQ(Run({"LINSERT", "l", "before", "a", "y"}).integer, 7);
  EXPECT_EQ(Range("l"), (std::vector<std::string>{"y", "a", "b", "x", "a", "c", "a"}));
  EXPECT_EQ(Run({"LREM", "l", "-1", "a"}).integer, 1);  // the last one
  EXPECT_EQ(Range("l"), (std::vector<std::string>{"y", "a", "b", "x", "a", "c"}));
  EXPECT_EQ(Run({"LREM", "l", "1", "a"}).integer, 1);  // the first one
  EXPECT_EQ(Range("l"), (std::vector<std::string>{"y", "b", "x", "a", "c"}));
  EXPECT_EQ(Run({"LREM", "l", "0", "zz"}).integer, 0);
  EXPECT_EQ(Run({"LTRIM", "l", "1", "-2"}).str, "OK");
  EXPECT_EQ(Range("l"), (std::vector<std::string>{"b", "x", "a"}));
  EXPECT_EQ(Run({"LTRIM", "nokey", "0", "1"}).str, "OK");
  EXPECT_EQ(Run({"LTRIM", "l", "5", "1"}).str, "OK");
  EXPECT_EQ(Run({"EXISTS", "l"}).integer, 0);
  Run({"RPUSH", "m", "a", "a", "a"});
  EXPECT_EQ(Run({"LREM", "m", "0", "a"}).integer, 3);
  EXPECT_EQ(Run({"EXISTS", "m"}).integer, 0);
}

TEST_F(ListFamilyTest, LposOptions) {
  Run({"RPUSH", "l", "a", "b", "c", "a", "b", "c", "a"});
  EXPECT_EQ(Run({"LPOS", "l", "a"}).integer, 0);
  EXPECT_EQ(Run({"LPOS", "l", "a", "RANK", "2"}).integer, 3);
  EXPECT_EQ(Run({"LPOS", "l", "a", "RANK", "-1"}).integer, 6);
  EXPECT_EQ(Run({"LPOS", "l", "zz"}).type, Type::kNil);
  std::vector<int64_t> all;
  for (const resp::Reply& e : Run({"LPOS", "l", "a", "COUNT", "0"}).elements)
    all.push_back(e.integer);
  EXPECT_EQ(all, (std::vector<int64_t>{0, 3, 6}));
  resp::Reply back = Run({"LPOS", "l", "a", "RANK", "-2", "COUNT", "5"});
  ASSERT_EQ(back.elements.size(), 2u);
  EXPECT_EQ(back.elements[0].integer, 3);
  EXPECT_EQ(back.elements[1].integer, 0);
  EXPECT_EQ(Run({"LPOS", "l", "a", "COUNT", "0", "MAXLEN", "4"}).elements.size(), 2u);
  EXPECT_EQ(Run({"LPOS", "l", "c", "MAXLEN", "2"}).type, Type::kNil);
  EXPECT_EQ(Run({"LPOS", "nokey", "a", "COUNT", "1"}).type, Type::kArray);
  EXPECT_TRUE(IsError(Run({"LPOS", "l", "a", "RANK", "0"}),
                      "ERR RANK can't be zero: use 1 to start from the first match, 2 from the "
                      "second ... or use negative to start from the end of the list"));
  EXPECT_TRUE(IsError(Run({"LPOS", "l", "a", "COUNT", "-1"}), "ERR COUNT can't be negative"));
  EXPECT_TRUE(IsError(Run({"LPOS", "l", "a", "MAXLEN", "-1"}), "ERR MAXLEN can't be negative"));
  EXPECT_TRUE(IsError(Run({"LPOS", "l", "a", "RANK"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"LPOS", "l", "a", "FOO", "1"}), kSyntax));
}

TEST_F(ListFamilyTest, MoveBetweenAndWithinLists) {
  EXPECT_EQ(Run({"LMOVE", "nokey", "d", "LEFT", "RIGHT"}).type, Type::kNil);
  EXPECT_TRUE(IsError(Run({"LMOVE", "a", "b", "LEFT", "UP"}), kSyntax));
  Run({"RPUSH", "src", "1", "2", "3"});
  EXPECT_EQ(Run({"LMOVE", "src", "dst", "LEFT", "RIGHT"}).str, "1");
  EXPECT_EQ(Run({"RPOPLPUSH", "src", "dst"}).str, "3");
  EXPECT_EQ(Range("dst"), (std::vector<std::string>{"3", "1"}));
  EXPECT_EQ(Run({"LMOVE", "dst", "dst", "LEFT", "RIGHT"}).str, "3");  // rotation
  EXPECT_EQ(Range("dst"), (std::vector<std::string>{"1", "3"}));
  EXPECT_EQ(Run({"RPOPLPUSH", "src", "src"}).str, "2");  // a single element rotates onto itself
  EXPECT_EQ(Range("src"), (std::vector<std::string>{"2"}));
  EXPECT_EQ(Run({"LMOVE", "src", "dst", "RIGHT", "LEFT"}).str, "2");
  EXPECT_EQ(Run({"EXISTS", "src"}).integer, 0);
  EXPECT_EQ(Range("dst"), (std::vector<std::string>{"2", "1", "3"}));
}

TEST_F(ListFamilyTest, LmpopPopsFromTheFirstNonEmptyKey) {
  EXPECT_EQ(Wire({"LMPOP", "2", "a", "b", "LEFT"}), "*-1\r\n");
  Run({"RPUSH", "b", "1", "2", "3"});
  resp::Reply r = Run({"LMPOP", "2", "a", "b", "RIGHT", "COUNT", "2"});
  ASSERT_EQ(r.elements.size(), 2u);
  EXPECT_EQ(r.elements[0].str, "b");
  EXPECT_EQ(Strings(r.elements[1]), (std::vector<std::string>{"3", "2"}));
  r = Run({"LMPOP", "1", "b", "left", "count", "9"});
  EXPECT_EQ(Strings(r.elements[1]), (std::vector<std::string>{"1"}));
  EXPECT_EQ(Run({"EXISTS", "b"}).integer, 0);
  constexpr std::string_view kNumkeys = "ERR numkeys should be greater than 0";
  EXPECT_TRUE(IsError(Run({"LMPOP", "0", "a", "LEFT"}), kNumkeys));
  EXPECT_TRUE(IsError(Run({"LMPOP", "x", "a", "LEFT"}), kNumkeys));
  EXPECT_TRUE(IsError(Run({"LMPOP", "2", "a", "LEFT"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"LMPOP", "1", "a", "UP"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"LMPOP", "1", "a", "LEFT", "COUNT", "0"}),
                      "ERR count should be greater than 0"));
  EXPECT_TRUE(IsError(Run({"LMPOP", "1", "a", "LEFT", "COUNT", "1", "COUNT", "1"}), kSyntax));
  std::vector<std::string_view> argv{"lmpop", "2", "a", "b", "LEFT"};
  EXPECT_EQ(KeyPositions(*state_.commands.Find("lmpop"), argv), (std::vector<int>{2, 3}));
}

TEST_F(ListFamilyTest, NotificationsInRedisOrder) {
  WatchEvents();
  Run({"RPUSH", "l", "a", "b", "c"});
  Run({"LSET", "l", "0", "x"});
  Run({"LINSERT", "l", "BEFORE", "x", "w"});
  Run({"LINSERT", "l", "BEFORE", "nothere", "w"});
  Run({"LREM", "l", "0", "w"});
  Run({"LREM", "l", "0", "nothere"});
  Run({"LTRIM", "l", "0", "-1"});
  EXPECT_EQ(Events(),
            (std::vector<std::string>{"rpush l", "lset l", "linsert l", "lrem l", "ltrim l"}));
  Run({"LMOVE", "l", "d", "LEFT", "RIGHT"});
  EXPECT_EQ(Events(), (std::vector<std::string>{"rpush d", "lpop l"}));
  Run({"LPOP", "l", "5"});
  EXPECT_EQ(Events(), (std::vector<std::string>{"lpop l", "del l"}));
  Run({"RPOPLPUSH", "d", "e"});
  EXPECT_EQ(Events(), (std::vector<std::string>{"lpush e", "rpop d", "del d"}));
  Run({"LPUSHX", "nokey", "a"});
  Run({"LPOP", "nokey"});
  EXPECT_TRUE(Events().empty());
}

TEST_F(ListFamilyTest, WritesTouchTheirKeys) {
  Run({"RPUSH", "src", "a", "b"});
  Watch("dst");
  Run({"LMOVE", "src", "dst", "LEFT", "LEFT"});
  EXPECT_TRUE(WatchBroken());  // the destination of a move wakes waiters too
  Watch("src");
  Run({"LRANGE", "src", "0", "-1"});
  Run({"LREM", "src", "0", "nothere"});
  EXPECT_FALSE(WatchBroken());
  Run({"LPOP", "src"});
  EXPECT_TRUE(WatchBroken());
}

TEST_F(ListFamilyTest, DirtyCountsElements) {
  Run({"RPUSH", "l", "a", "b", "c", "d", "e"});
  uint64_t dirty = state_.stats.dirty;
  Run({"LPOP", "l", "2"});
  EXPECT_EQ(state_.stats.dirty, dirty + 2);
  Run({"LTRIM", "l", "1", "1"});
  EXPECT_EQ(state_.stats.dirty, dirty + 4);
  Run({"LREM", "l", "0", "nothere"});
  Run({"LPUSHX", "nokey", "a"});
  EXPECT_EQ(state_.stats.dirty, dirty + 4);
}

TEST_F(ListFamilyTest, NodeSizeFollowsTheConfig) {
  EXPECT_EQ(Run({"CONFIG", "SET", "list-max-listpack-size", "2"}).str, "OK");
  for (int i = 0; i < 50; ++i) Run({"RPUSH", "l", std::to_string(i)});
  for (int i = 0; i < 50; ++i) Run({"LPUSH", "l", std::to_string(-i)});
  EXPECT_EQ(Run({"LLEN", "l"}).integer, 100);
  EXPECT_EQ(Run({"LINDEX", "l", "50"}).str, "0");
  EXPECT_EQ(Run({"LINDEX", "l", "-1"}).str, "49");
  EXPECT_EQ(Run({"LINSERT", "l", "AFTER", "10", "x"}).integer, 101);
  EXPECT_EQ(Run({"LINDEX", "l", "61"}).str, "x");
  EXPECT_EQ(Run({"LPOS", "l", "x"}).integer, 61);
}

}  // namespace
}  // namespace tandem::commands::testing
