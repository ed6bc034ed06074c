#include <string>
#include <vector>

#include "server/commands/errors.h"
#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands {
namespace {

using resp::Reply;
using testing::IsError;
using Strs = std::vector<std::string>;

constexpr std::string_view kNotDouble = "ERR One or more scores can't be converted into double";

class SortFamilyTest : public testing::CommandTest {
 protected:
  // The bulk strings of an array reply; a null element reads as "(nil)".
  Strs Sort(std::vector<std::string> argv) {
    Reply r = Run(std::move(argv));
    EXPECT_EQ(r.type, Reply::Type::kArray) << r.str;
    Strs out;
    for (const Reply& e : r.elements) out.push_back(e.type == Reply::Type::kNil ? "(nil)" : e.str);
    return out;
  }
  Strs Range(const std::string& key) { return Sort({"LRANGE", key, "0", "-1"}); }
};

TEST_F(SortFamilyTest, NumericAlphaAndDirection) {
  Run({"RPUSH", "l", "10", "2", "-1.5", "3e1", "7"});
  EXPECT_EQ(Sort({"SORT", "l"}), (Strs{"-1.5", "2", "7", "10", "3e1"}));
  EXPECT_EQ(Sort({"SORT", "l", "DESC"}), (Strs{"3e1", "10", "7", "2", "-1.5"}));
  EXPECT_EQ(Sort({"SORT", "l", "alpha"}), (Strs{"-1.5", "10", "2", "3e1", "7"}));
  EXPECT_EQ(Sort({"SORT", "l", "ALPHA", "DESC", "ASC"}), (Strs{"-1.5", "10", "2", "3e1", "7"}));
}

TEST_F(SortFamilyTest, NumericReadsLikeStrtodAndBreaksTiesByBytes) {
  Run({"RPUSH", "l", "0x10", " 5", "", "1e1", "10", "010"});
  EXPECT_EQ(Sort({"SORT", "l"}), (Strs{"", " 5", "010", "10", "1e1", "0x10"}));
  for (const char* bad : {"abc", "nan", "1e400", "5 "}) {
    Run({"DEL", "b"});
    Run({"RPUSH", "b", "1", bad});
    EXPECT_TRUE(IsError(Run({"SORT", "b"}), kNotDouble)) << bad;
  }
}

TEST_F(SortFamilyTest, AlphaWithoutStoreComparesCStringsWithStoreBytes) {
  // Without STORE Redis compares with strcoll, which stops at a NUL byte; STORE uses memcmp.
  Run({"RPUSH", "l", std::string("a\0b", 3), std::string("a\0a", 3)});
  EXPECT_EQ(Sort({"SORT", "l", "ALPHA"}), (Strs{std::string("a\0b", 3), std::string("a\0a", 3)}));
  EXPECT_EQ(Run({"SORT", "l", "ALPHA", "STORE", "d"}).integer, 2);
  EXPECT_EQ(Range("d"), (Strs{std::string("a\0a", 3), std::string("a\0b", 3)}));
}

TEST_F(SortFamilyTest, Limit) {
  Run({"RPUSH", "l", "5", "4", "3", "2", "1"});
  EXPECT_EQ(Sort({"SORT", "l", "LIMIT", "1", "2"}), (Strs{"2", "3"}));
  EXPECT_EQ(Sort({"SORT", "l", "LIMIT", "-5", "2"}), (Strs{"1", "2"}));
  EXPECT_EQ(Sort({"SORT", "l", "LIMIT", "3", "-1"}), (Strs{"4", "5"}));
  EXPECT_EQ(Sort({"SORT", "l", "LIMIT", "5", "1"}), Strs{});
  EXPECT_EQ(Sort({"SORT", "l", "LIMIT", "0", "0"}), Strs{});
  EXPECT_EQ(Sort({"SORT", "l", "LIMIT", "4", "9223372036854775807"}), (Strs{"5"}));
  EXPECT_TRUE(IsError(Run({"SORT", "l", "LIMIT", "x", "1"}), errors::kNotInteger));
  EXPECT_TRUE(IsError(Run({"SORT", "l", "LIMIT", "1"}), errors::kSyntax));
}

TEST_F(SortFamilyTest, ByStringKeysAndHashFields) {
  Run({"RPUSH", "l", "3", "1", "2"});
  Run({"MSET", "w_1", "30", "w_2", "10", "w_3", "20", "n_1", "one", "n_2", "two", "n_3", "three"});
  Run({"HSET", "h_1", "w", "5"});
  Run({"HSET", "h_2", "w", "15"});
  Run({"HSET", "h_3", "w", "10"});
  EXPECT_EQ(Sort({"SORT", "l", "BY", "w_*"}), (Strs{"2", "3", "1"}));
  EXPECT_EQ(Sort({"SORT", "l", "BY", "n_*", "ALPHA"}), (Strs{"1", "3", "2"}));
  EXPECT_EQ(Sort({"SORT", "l", "BY", "h_*->w", "DESC"}), (Strs{"2", "3", "1"}));
  // Missing weights (and hashes read as strings) count as 0; ties go by the elements.
  EXPECT_EQ(Sort({"SORT", "l", "BY", "h_*", "DESC"}), (Strs{"3", "2", "1"}));
  EXPECT_EQ(Sort({"SORT", "l", "BY", "w_*->w"}), (Strs{"1", "2", "3"}));
  Run({"SET", "w_2", "heavy"});
  EXPECT_TRUE(IsError(Run({"SORT", "l", "BY", "w_*"}), kNotDouble));
}

TEST_F(SortFamilyTest, AlphaByMissingWeightsSortFirstInInputOrder) {
  Run({"RPUSH", "l", "c", "a", "b"});
  Run({"SET", "k_b", "x"});
  EXPECT_EQ(Sort({"SORT", "l", "BY", "k_*", "ALPHA"}), (Strs{"c", "a", "b"}));
  EXPECT_EQ(Sort({"SORT", "l", "BY", "k_*", "ALPHA", "DESC"}), (Strs{"b", "c", "a"}));
}

TEST_F(SortFamilyTest, GetPatterns) {
  Run({"RPUSH", "l", "x", "y"});
  Run({"SET", "v_x", "vx"});
  Run({"HSET", "h_y", "f", "hy", "f->g", "deep"});
  Run({"SET", "a-x-*b", "first-star"});
  EXPECT_EQ(Sort({"SORT", "l", "ALPHA", "GET", "#", "GET", "v_*", "GET", "h_*->f"}),
            (Strs{"x", "vx", "(nil)", "y", "(nil)", "hy"}));
  EXPECT_EQ(Sort({"SORT", "l", "ALPHA", "GET", "a-*-*b", "GET", "v_x"}),
            (Strs{"first-star", "(nil)", "(nil)", "(nil)"}));
  EXPECT_EQ(Sort({"SORT", "l", "ALPHA", "DESC", "LIMIT", "0", "1", "GET", "h_*->f->g"}),
            (Strs{"deep"}));
  Run({"SET", "h_y->", "arrow"});
  EXPECT_EQ(Sort({"SORT", "l", "ALPHA", "DESC", "LIMIT", "0", "1", "GET", "h_*->"}),
            (Strs{"arrow"}));
  EXPECT_EQ(Wire({"SORT", "l", "ALPHA", "LIMIT", "0", "1", "GET", "none_*"}), "*1\r\n$-1\r\n");
  Run({"HELLO", "3"});
  EXPECT_EQ(Wire({"SORT", "l", "ALPHA", "LIMIT", "0", "1", "GET", "none_*"}), "*1\r\n_\r\n");
}

TEST_F(SortFamilyTest, NosortOnListAndZSetKeepsTheirOrder) {
  Run({"RPUSH", "l", "3", "b", "1", "a", "2"});
  EXPECT_EQ(Sort({"SORT", "l", "BY", "nosort"}), (Strs{"3", "b", "1", "a", "2"}));
  EXPECT_EQ(Sort({"SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2"}), (Strs{"a", "1"}));
  EXPECT_EQ(Sort({"SORT", "l", "BY", "nosort", "LIMIT", "9", "2"}), Strs{});
  EXPECT_EQ(Sort({"SORT", "l", "BY", "nosort", "BY", "w_*"}), (Strs{"3", "b", "1", "a", "2"}));
  Run({"ZADD", "z", "1", "c", "3", "a", "2", "b", "4", "d"});
  EXPECT_EQ(Sort({"SORT", "z", "BY", "nosort"}), (Strs{"c", "b", "a", "d"}));
  EXPECT_EQ(Sort({"SORT", "z", "BY", "nosort", "LIMIT", "1", "2"}), (Strs{"b", "a"}));
  EXPECT_EQ(Sort({"SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2"}), (Strs{"a", "b"}));
  EXPECT_EQ(Sort({"SORT", "z", "ALPHA", "DESC"}), (Strs{"d", "c", "b", "a"}));
}

TEST_F(SortFamilyTest, SortConvertsAListpackZSet) {
  Run({"ZADD", "z", "1", "a"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "z"}).str, "listpack");
  Sort({"SORT_RO", "z", "ALPHA"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "z"}).str, "skiplist");
}

TEST_F(SortFamilyTest, Sets) {
  Run({"SADD", "s", "5", "3", "10", "1"});
  EXPECT_EQ(Sort({"SORT", "s"}), (Strs{"1", "3", "5", "10"}));
  EXPECT_EQ(Sort({"SORT", "s", "BY", "nosort", "LIMIT", "1", "2"}), (Strs{"3", "5"}));
  // With STORE a set is sorted (ALPHA) even under BY nosort.
  EXPECT_EQ(Run({"SORT", "s", "BY", "nosort", "STORE", "d"}).integer, 4);
  EXPECT_EQ(Range("d"), (Strs{"1", "10", "3", "5"}));
  Run({"SADD", "hs", "b", "c", "a"});
  EXPECT_EQ(Run({"SORT", "hs", "BY", "nosort", "DESC", "STORE", "d"}).integer, 3);
  EXPECT_EQ(Range("d"), (Strs{"c", "b", "a"}));
}

TEST_F(SortFamilyTest, StoreReplacesDeletesAndCounts) {
  Run({"RPUSH", "l", "2", "1"});
  Run({"SET", "d", "old"});
  Run({"EXPIRE", "d", "100"});
  uint64_t dirty = state_.stats.dirty;
  EXPECT_EQ(Run({"SORT", "l", "GET", "#", "GET", "none_*", "STORE", "d"}).integer, 4);
  EXPECT_EQ(state_.stats.dirty, dirty + 4);
  EXPECT_EQ(Range("d"), (Strs{"1", "", "2", ""}));
  EXPECT_EQ(Run({"TTL", "d"}).integer, -1);
  EXPECT_EQ(Run({"SORT", "l", "STORE", "l"}).integer, 2);
  EXPECT_EQ(Range("l"), (Strs{"1", "2"}));
  EXPECT_EQ(Run({"SORT", "nokey", "STORE", "d"}).integer, 0);
  EXPECT_EQ(Run({"EXISTS", "d"}).integer, 0);
  EXPECT_EQ(Run({"SORT", "nokey", "STORE", "d"}).integer, 0);
}

TEST_F(SortFamilyTest, StoreEventsAndWatch) {
  Run({"RPUSH", "l", "1"});
  WatchEvents();
  Run({"SORT", "l", "STORE", "d"});
  Run({"SORT", "nokey", "STORE", "d"});
  Run({"SORT", "nokey", "STORE", "d"});
  Run({"SORT", "l"});
  EXPECT_EQ(Events(), (Strs{"sortstore d", "del d"}));
  EXPECT_TRUE(WatchBrokenBy({"SORT", "l", "STORE", "d"}, "d"));
  EXPECT_TRUE(WatchBrokenBy({"SORT", "nokey", "STORE", "d"}, "d"));
  EXPECT_FALSE(WatchBrokenBy({"SORT", "l"}, "l"));
}

TEST_F(SortFamilyTest, ErrorsAndSortRo) {
  Run({"RPUSH", "l", "1"});
  Run({"SET", "str", "x"});
  for (const Strs& args : {Strs{"foo"}, Strs{"STORE"}, Strs{"BY"}, Strs{"GET"}}) {
    Strs argv{"SORT", "l"};
    argv.insert(argv.end(), args.begin(), args.end());
    EXPECT_TRUE(IsError(Run(argv), errors::kSyntax)) << args[0];
  }
  EXPECT_TRUE(IsError(Run({"SORT", "str"}), errors::kWrongType));
  EXPECT_TRUE(IsError(Run({"SORT", "str", "foo"}), errors::kSyntax));
  EXPECT_TRUE(IsError(Run({"SORT_RO", "l", "STORE", "d"}), errors::kSyntax));
  EXPECT_EQ(Sort({"SORT_RO", "l", "GET", "#"}), (Strs{"1"}));
  EXPECT_EQ(Sort({"SORT", "nokey"}), Strs{});
}

TEST_F(SortFamilyTest, KeyPositions) {
  EXPECT_EQ(Sort({"COMMAND", "GETKEYS", "SORT", "k", "STORE", "d"}), (Strs{"k", "d"}));
  EXPECT_EQ(Sort({"COMMAND", "GETKEYS", "SORT", "k", "STORE", "d", "STORE", "e"}),
            (Strs{"k", "e"}));
  EXPECT_EQ(Sort({"COMMAND", "GETKEYS", "SORT", "k", "LIMIT", "store", "x", "BY", "store"}),
            (Strs{"k"}));
  EXPECT_EQ(Sort({"COMMAND", "GETKEYS", "SORT", "k", "STORE", "get", "d"}), (Strs{"k", "get"}));
  EXPECT_EQ(Sort({"COMMAND", "GETKEYS", "SORT_RO", "k", "STORE", "d"}), (Strs{"k"}));
}

}  // namespace
}  // namespace tandem::commands
