#include <climits>
#include <string>

#include "server/store/entry.h"
#include "server/store/eviction.h"
#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands::testing {
namespace {

using Type = resp::Reply::Type;

constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
constexpr std::string_view kNotFloat = "ERR value is not a valid float";
constexpr std::string_view kSyntax = "ERR syntax error";
constexpr std::string_view kTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

// A stand-in non-string value, for WRONGTYPE checks.
class FakeList final : public store::Object {
 public:
  store::ValueType type() const override { return store::ValueType::kList; }
  std::string_view encoding() const override { return "listpack"; }
  std::unique_ptr<store::Object> Clone() const override { return std::make_unique<FakeList>(); }
};

class StringFamilyTest : public CommandTest {
 protected:
  void AddList(std::string_view key) {
    state_.keyspace.db(0).Add(store::Entry::NewObject(key, std::make_unique<FakeList>(), false));
  }
  store::Entry* Raw(std::string_view key) { return state_.keyspace.db(0).Find(key); }
  // The absolute expire time in ms; -1 without a TTL, -2 when absent.
  int64_t ExpireAt(std::string_view key) {
    store::Entry* e = Raw(key);
    if (e == nullptr) return -2;
    return e->has_expire() ? e->expire_ms() : -1;
  }
  store::StringEncoding Encoding(std::string_view key) { return Raw(key)->string_encoding(); }
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
  int64_t Now() const { return clock_.NowMs(); }
};

// ---- GET / SET ----------------------------------------------------------------------------------

TEST_F(StringFamilyTest, SetRepeatedExpireOptionKeepsTheLastOne) {
  EXPECT_EQ(Run({"SET", "k", "v", "EX", "10", "ex", "20"}).str, "OK");
  EXPECT_EQ(ExpireAt("k"), Now() + 20000);
  EXPECT_TRUE(IsError(Run({"SET", "k", "v", "EX", "10", "PX", "20"}), kSyntax));
}

TEST_F(StringFamilyTest, SetReportsSyntaxErrorsBeforeBadExpireValues) {
  EXPECT_TRUE(IsError(Run({"SET", "k", "v", "EX", "abc", "FOO"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"SET", "k", "v", "EX", "abc"}), kNotInteger));
  EXPECT_TRUE(
      IsError(Run({"SET", "k", "v", "PX", "0"}), "ERR invalid expire time in 'set' command"));
  EXPECT_EQ(Raw("k"), nullptr);
}

TEST_F(StringFamilyTest, SetGetCountsAHitOrMiss) {
  auto& stats = state_.keyspace.stats();
  EXPECT_EQ(Run({"SET", "k", "1", "GET"}).type, Type::kNil);
  EXPECT_EQ(stats.keyspace_misses, 1u);
  EXPECT_EQ(Bulk({"SET", "k", "2", "GET"}), "1");
  EXPECT_EQ(stats.keyspace_hits, 1u);
  Run({"SET", "k", "3"});
  EXPECT_EQ(stats.keyspace_hits + stats.keyspace_misses, 2u);
}

TEST_F(StringFamilyTest, GetAndSetOnOtherTypes) {
  AddList("l");
  EXPECT_TRUE(IsError(Run({"GET", "l"}), kWrongType));
  EXPECT_TRUE(IsError(Run({"SET", "l", "v", "GET"}), kWrongType));
  EXPECT_EQ(Run({"SET", "l", "v"}).str, "OK");
  EXPECT_EQ(Bulk({"GET", "l"}), "v");
}

// ---- SETNX / SETEX / PSETEX / GETSET / GETDEL ---------------------------------------------------

TEST_F(StringFamilyTest, SetNxOnlyCreates) {
  EXPECT_EQ(Int({"SETNX", "k", "1"}), 1);
  EXPECT_EQ(Int({"SETNX", "k", "2"}), 0);
  EXPECT_EQ(Bulk({"GET", "k"}), "1");
  EXPECT_EQ(state_.stats.dirty, 1u);
}

TEST_F(StringFamilyTest, SetExAndPSetExSetRelativeTtls) {
  EXPECT_EQ(Run({"SETEX", "s", "100", "v"}).str, "OK");
  EXPECT_EQ(ExpireAt("s"), Now() + 100000);
  EXPECT_EQ(Run({"PSETEX", "p", "1500", "v"}).str, "OK");
  EXPECT_EQ(ExpireAt("p"), Now() + 1500);
  clock_.AdvanceMs(1500);
  EXPECT_EQ(Run({"GET", "p"}).type, Type::kNil);
  EXPECT_EQ(Bulk({"GET", "s"}), "v");
}

TEST_F(StringFamilyTest, SetExRejectsBadTtls) {
  EXPECT_TRUE(IsError(Run({"SETEX", "k", "0", "v"}), "ERR invalid expire time in 'setex' command"));
  EXPECT_TRUE(
      IsError(Run({"PSETEX", "k", "-5", "v"}), "ERR invalid expire time in 'psetex' command"));
  // Seconds that overflow once made absolute.
  EXPECT_TRUE(IsError(Run({"SETEX", "k", "9223372036854775", "v"}),
                      "ERR invalid expire time in 'setex' command"));
  EXPECT_TRUE(IsError(Run({"SETEX", "k", "1.5", "v"}), kNotInteger));
  EXPECT_EQ(Raw("k"), nullptr);
}

TEST_F(StringFamilyTest, GetSetReturnsOldValueAndDropsTtl) {
  EXPECT_EQ(Run({"GETSET", "k", "1"}).type, Type::kNil);
  Run({"SETEX", "k", "100", "2"});
  EXPECT_EQ(Bulk({"GETSET", "k", "3"}), "2");
  EXPECT_EQ(ExpireAt("k"), -1);
  AddList("l");
  EXPECT_TRUE(IsError(Run({"GETSET", "l", "x"}), kWrongType));
}

TEST_F(StringFamilyTest, GetDelRemovesTheKey) {
  Run({"SETEX", "k", "100", "v"});
  uint64_t dirty = state_.stats.dirty;
  EXPECT_EQ(Bulk({"GETDEL", "k"}), "v");
  EXPECT_EQ(Raw("k"), nullptr);
  EXPECT_EQ(state_.keyspace.db(0).expires(), 0u);
  EXPECT_EQ(state_.stats.dirty, dirty + 1);
  EXPECT_EQ(Run({"GETDEL", "k"}).type, Type::kNil);
  EXPECT_EQ(state_.stats.dirty, dirty + 1);
  AddList("l");
  EXPECT_TRUE(IsError(Run({"GETDEL", "l"}), kWrongType));
  EXPECT_NE(Raw("l"), nullptr);
}

// ---- GETEX --------------------------------------------------------------------------------------

TEST_F(StringFamilyTest, GetExChangesOrKeepsTheTtl) {
  Run({"SET", "k", "v"});
  uint64_t dirty = state_.stats.dirty;
  EXPECT_EQ(Bulk({"GETEX", "k"}), "v");
  EXPECT_EQ(state_.stats.dirty, dirty);
  EXPECT_EQ(Bulk({"GETEX", "k", "EX", "100"}), "v");
  EXPECT_EQ(ExpireAt("k"), Now() + 100000);
  EXPECT_EQ(Bulk({"GETEX", "k", "px", "500"}), "v");
  EXPECT_EQ(ExpireAt("k"), Now() + 500);
  int64_t at_s = Now() / 1000 + 200;
  EXPECT_EQ(Bulk({"GETEX", "k", "EXAT", std::to_string(at_s)}), "v");
  EXPECT_EQ(ExpireAt("k"), at_s * 1000);
  EXPECT_EQ(Bulk({"GETEX", "k", "PXAT", std::to_string(Now() + 7)}), "v");
  EXPECT_EQ(ExpireAt("k"), Now() + 7);
  EXPECT_EQ(Bulk({"GETEX", "k", "PERSIST"}), "v");
  EXPECT_EQ(ExpireAt("k"), -1);
  dirty = state_.stats.dirty;
  EXPECT_EQ(Bulk({"GETEX", "k", "PERSIST", "persist"}), "v");  // no TTL: nothing changed
  EXPECT_EQ(state_.stats.dirty, dirty);
}

TEST_F(StringFamilyTest, GetExWithAPastAbsoluteTimeDeletes) {
  Run({"SET", "k", "v"});
  EXPECT_EQ(Bulk({"GETEX", "k", "EXAT", "1"}), "v");
  EXPECT_EQ(Raw("k"), nullptr);
  Run({"SET", "k", "v"});
  EXPECT_EQ(Bulk({"GETEX", "k", "PXAT", std::to_string(Now())}), "v");
  EXPECT_EQ(Raw("k"), nullptr);
  EXPECT_EQ(state_.keyspace.stats().expired_keys, 0u);  // a deletion, not an expiry
}

TEST_F(StringFamilyTest, GetExErrors) {
  Run({"SET", "k", "v"});
  // Two expire forms, PERSIST with one, a missing value, and SET's own options.
  EXPECT_TRUE(IsError(Run({"GETEX", "k", "EX", "10", "PX", "10"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"GETEX", "k", "PERSIST", "EX", "10"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"GETEX", "k", "EX", "10", "PERSIST"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"GETEX", "k", "EX"}), kSyntax));
  for (const char* set_option : {"GET", "KEEPTTL", "NX", "XX"})
    EXPECT_TRUE(IsError(Run({"GETEX", "k", set_option}), kSyntax)) << set_option;
  EXPECT_TRUE(
      IsError(Run({"GETEX", "k", "EX", "0"}), "ERR invalid expire time in 'getex' command"));
  EXPECT_EQ(ExpireAt("k"), -1);
  // A missing key answers nil before the expire value is looked at.
  EXPECT_EQ(Run({"GETEX", "missing", "EX", "0"}).type, Type::kNil);
  AddList("l");
  EXPECT_TRUE(IsError(Run({"GETEX", "l", "EX", "0"}), kWrongType));
}

// ---- MGET / MSET / MSETNX -----------------------------------------------------------------------

TEST_F(StringFamilyTest, MGetAnswersNilForMissingAndOtherTypes) {
  Run({"SET", "a", "1"});
  AddList("l");
  resp::Reply r = Run({"MGET", "a", "l", "missing", "a"});
  ASSERT_EQ(r.type, Type::kArray);
  ASSERT_EQ(r.elements.size(), 4u);
  EXPECT_EQ(r.elements[0].str, "1");
  EXPECT_EQ(r.elements[1].type, Type::kNil);
  EXPECT_EQ(r.elements[2].type, Type::kNil);
  EXPECT_EQ(r.elements[3].str, "1");
}

TEST_F(StringFamilyTest, MSetSetsEveryPairAndClearsTtls) {
  Run({"SETEX", "a", "100", "old"});
  EXPECT_EQ(Run({"MSET", "a", "1", "b", "2", "a", "3"}).str, "OK");
  EXPECT_EQ(Bulk({"GET", "a"}), "3");
  EXPECT_EQ(Bulk({"GET", "b"}), "2");
  EXPECT_EQ(ExpireAt("a"), -1);
  EXPECT_TRUE(
      IsError(Run({"MSET", "a", "1", "b"}), "ERR wrong number of arguments for 'mset' command"));
  EXPECT_TRUE(IsError(Run({"MSETNX", "x", "1", "y"}),
                      "ERR wrong number of arguments for 'msetnx' command"));
  EXPECT_EQ(Raw("x"), nullptr);
}

TEST_F(StringFamilyTest, MSetNxIsAllOrNothing) {
  EXPECT_EQ(Int({"MSETNX", "a", "1", "b", "2"}), 1);
  EXPECT_EQ(Int({"MSETNX", "c", "3", "a", "4"}), 0);
  EXPECT_EQ(Raw("c"), nullptr);
  EXPECT_EQ(Bulk({"GET", "a"}), "1");
  // The same new key twice: the last value wins, as in Redis.
  EXPECT_EQ(Int({"MSETNX", "d", "1", "d", "2"}), 1);
  EXPECT_EQ(Bulk({"GET", "d"}), "2");
}

// ---- APPEND / STRLEN ----------------------------------------------------------------------------

TEST_F(StringFamilyTest, AppendGrowsInPlaceAndReportsRaw) {
  EXPECT_EQ(Int({"APPEND", "k", "123"}), 3);
  EXPECT_EQ(Encoding("k"), store::StringEncoding::kInt);  // a new key is encoded like SET's
  EXPECT_EQ(Int({"APPEND", "k", "45"}), 5);
  EXPECT_EQ(Encoding("k"), store::StringEncoding::kRaw);
  EXPECT_EQ(Int({"APPEND", "k", ""}), 5);
  std::string expected = "12345";
  for (int i = 0; i < 200; ++i) {
    std::string piece(37, static_cast<char>('a' + i % 26));
    expected += piece;
    EXPECT_EQ(Int({"APPEND", "k", piece}), static_cast<int64_t>(expected.size()));
  }
  EXPECT_EQ(Bulk({"GET", "k"}), expected);
  EXPECT_EQ(Int({"STRLEN", "k"}), static_cast<int64_t>(expected.size()));
  EXPECT_EQ(Int({"STRLEN", "missing"}), 0);
}

TEST_F(StringFamilyTest, AppendKeepsTheTtlAndTheVolatileIndex) {
  Run({"SETEX", "k", "100", "v"});
  int64_t at = ExpireAt("k");
  Run({"APPEND", "k", std::string(5000, 'x')});  // forces the block to move
  EXPECT_EQ(ExpireAt("k"), at);
  EXPECT_EQ(state_.keyspace.db(0).expires(), 1u);
  std::mt19937_64 rng(1);
  EXPECT_EQ(state_.keyspace.db(0).RandomVolatile(rng), Raw("k"));
}

TEST_F(StringFamilyTest, AppendRefreshesTheAccessTime) {
  Run({"SET", "k", "v"});
  clock_.AdvanceMs(10000);
  Run({"APPEND", "k", "w"});
  EXPECT_EQ(store::IdleTimeMs(Raw("k"), Now()), 0);
}

TEST_F(StringFamilyTest, AppendAndSetRangeObeyProtoMaxBulkLen) {
  state_.settings.proto_max_bulk_len = 10;
  Run({"SET", "k", "12345"});
  EXPECT_EQ(Int({"APPEND", "k", "67890"}), 10);
  EXPECT_TRUE(IsError(Run({"APPEND", "k", "x"}), kTooLong));
  EXPECT_EQ(Int({"SETRANGE", "k", "9", "z"}), 10);
  EXPECT_TRUE(IsError(Run({"SETRANGE", "k", "10", "z"}), kTooLong));
  EXPECT_TRUE(IsError(Run({"SETRANGE", "new", "10", "z"}), kTooLong));
  EXPECT_TRUE(IsError(Run({"SETRANGE", "k", "9223372036854775807", "z"}), kTooLong));
  EXPECT_EQ(Bulk({"GET", "k"}), "123456789z");
}

TEST_F(StringFamilyTest, AppendStrlenWrongType) {
  AddList("l");
  EXPECT_TRUE(IsError(Run({"APPEND", "l", "x"}), kWrongType));
  EXPECT_TRUE(IsError(Run({"STRLEN", "l"}), kWrongType));
}

// ---- Counters -----------------------------------------------------------------------------------

TEST_F(StringFamilyTest, IncrDecrFamily) {
  EXPECT_EQ(Int({"INCR", "n"}), 1);
  EXPECT_EQ(Int({"INCRBY", "n", "10"}), 11);
  EXPECT_EQ(Int({"DECR", "n"}), 10);
  EXPECT_EQ(Int({"DECRBY", "n", "15"}), -5);
  EXPECT_EQ(Bulk({"GET", "n"}), "-5");
  EXPECT_EQ(Encoding("n"), store::StringEncoding::kInt);
  EXPECT_EQ(state_.stats.dirty, 4u);
}

TEST_F(StringFamilyTest, IncrKeepsTtlAndIsIntEncodedEvenAfterAppend) {
  Run({"SETEX", "n", "100", "12345"});
  int64_t at = ExpireAt("n");
  Run({"APPEND", "n", "6"});
  EXPECT_EQ(Encoding("n"), store::StringEncoding::kRaw);
  EXPECT_EQ(Int({"INCR", "n"}), 123457);
  EXPECT_EQ(Encoding("n"), store::StringEncoding::kInt);
  EXPECT_EQ(ExpireAt("n"), at);
  Run({"SET", "m", "-100"});
  EXPECT_EQ(Int({"INCRBY", "m", "200"}), 100);  // the text shrinks in place
  EXPECT_EQ(Bulk({"GET", "m"}), "100");
}

TEST_F(StringFamilyTest, IncrOverflowAndLimits) {
  Run({"SET", "n", "9223372036854775806"});
  EXPECT_EQ(Int({"INCR", "n"}), INT64_MAX);
  EXPECT_TRUE(IsError(Run({"INCR", "n"}), "ERR increment or decrement would overflow"));
  Run({"SET", "m", "-9223372036854775807"});
  EXPECT_EQ(Int({"DECR", "m"}), INT64_MIN);
  EXPECT_EQ(Bulk({"GET", "m"}), "-9223372036854775808");
  EXPECT_TRUE(IsError(Run({"DECRBY", "m", "1"}), "ERR increment or decrement would overflow"));
  EXPECT_TRUE(
      IsError(Run({"DECRBY", "m", "-9223372036854775808"}), "ERR decrement would overflow"));
  EXPECT_TRUE(IsError(Run({"INCRBY", "m", "9223372036854775808"}), kNotInteger));
}

TEST_F(StringFamilyTest, IncrRejectsNonIntegers) {
  for (const char* value :
       {"abc", " 1", "1 ", "01", "+1", "-0", "1.5", "", "99999999999999999999"}) {
    Run({"SET", "n", value});
    EXPECT_TRUE(IsError(Run({"INCR", "n"}), kNotInteger)) << value;
    EXPECT_EQ(Bulk({"GET", "n"}), value);
  }
  AddList("l");
  EXPECT_TRUE(IsError(Run({"INCRBY", "l", "abc"}), kNotInteger));  // the increment comes first
  EXPECT_TRUE(IsError(Run({"INCRBY", "l", "1"}), kWrongType));
}

TEST_F(StringFamilyTest, IncrByFloat) {
  EXPECT_EQ(Bulk({"INCRBYFLOAT", "f", "3.0"}), "3");
  EXPECT_EQ(Encoding("f"), store::StringEncoding::kEmbstr);  // never "int", as in Redis
  Run({"SET", "f", "10.50"});
  EXPECT_EQ(Bulk({"INCRBYFLOAT", "f", "0.1"}), "10.6");
  EXPECT_EQ(Bulk({"GET", "f"}), "10.6");
  EXPECT_EQ(Encoding("f"), store::StringEncoding::kEmbstr);
  Run({"SETEX", "g", "100", "1.5e2"});
  int64_t at = ExpireAt("g");
  EXPECT_EQ(Bulk({"INCRBYFLOAT", "g", "0"}), "150");
  EXPECT_EQ(ExpireAt("g"), at);
  EXPECT_EQ(Int({"INCR", "g"}), 151);
  EXPECT_EQ(Bulk({"INCRBYFLOAT", "g", "1e50"}).size(), 51u);
  EXPECT_EQ(Encoding("g"), store::StringEncoding::kRaw);
}

TEST_F(StringFamilyTest, IncrByFloatErrors) {
  for (const char* value : {"abc", "1.5 ", " 1", "nan"}) {
    Run({"SET", "f", value});
    EXPECT_TRUE(IsError(Run({"INCRBYFLOAT", "f", "1"}), kNotFloat)) << value;
  }
  Run({"SET", "f", "1"});
  for (const char* incr : {"abc", "nan", ""})
    EXPECT_TRUE(IsError(Run({"INCRBYFLOAT", "f", incr}), kNotFloat)) << incr;
  EXPECT_TRUE(
      IsError(Run({"INCRBYFLOAT", "f", "inf"}), "ERR increment would produce NaN or Infinity"));
  EXPECT_EQ(Bulk({"GET", "f"}), "1");
  AddList("l");
  EXPECT_TRUE(IsError(Run({"INCRBYFLOAT", "l", "abc"}), kWrongType));  // the type comes first
}

// ---- GETRANGE / SETRANGE / SUBSTR ---------------------------------------------------------------

TEST_F(StringFamilyTest, GetRangeClipsAndCountsFromTheEnd) {
  Run({"SET", "k", "Hello World"});
  struct Case {
    const char* start;
    const char* end;
    const char* expected;
  };
  for (Case c : {Case{"0", "4", "Hello"}, Case{"-5", "-1", "World"}, Case{"5", "2", ""},
                 Case{"-100", "100", "Hello World"}, Case{"100", "200", ""}, Case{"-1", "-5", ""},
                 Case{"0", "-100", "H"}, Case{"6", "-1", "World"},
                 Case{"-9223372036854775808", "9223372036854775807", "Hello World"},
                 Case{"9223372036854775807", "-1", ""}}) {
    EXPECT_EQ(Bulk({"GETRANGE", "k", c.start, c.end}), c.expected) << c.start << " " << c.end;
    EXPECT_EQ(Bulk({"SUBSTR", "k", c.start, c.end}), c.expected) << c.start << " " << c.end;
  }
  EXPECT_EQ(Bulk({"GETRANGE", "missing", "0", "-1"}), "");
  Run({"SET", "e", ""});
  EXPECT_EQ(Bulk({"GETRANGE", "e", "0", "0"}), "");
  EXPECT_TRUE(IsError(Run({"GETRANGE", "k", "x", "1"}), kNotInteger));
  AddList("l");
  EXPECT_TRUE(IsError(Run({"GETRANGE", "l", "0", "1"}), kWrongType));
}

TEST_F(StringFamilyTest, SetRangeOverwritesAndPads) {
  Run({"SET", "k", "Hello World"});
  EXPECT_EQ(Int({"SETRANGE", "k", "6", "Redis"}), 11);
  EXPECT_EQ(Bulk({"GET", "k"}), "Hello Redis");
  EXPECT_EQ(Encoding("k"), store::StringEncoding::kRaw);
  EXPECT_EQ(Int({"SETRANGE", "k", "13", "!"}), 14);
  EXPECT_EQ(Bulk({"GET", "k"}), std::string("Hello Redis\0\0!", 14));
  EXPECT_EQ(Int({"SETRANGE", "new", "3", "x"}), 4);
  EXPECT_EQ(Bulk({"GET", "new"}), std::string("\0\0\0x", 4));
  EXPECT_EQ(Encoding("new"), store::StringEncoding::kRaw);
}

TEST_F(StringFamilyTest, SetRangeWithNothingToWriteChangesNothing) {
  EXPECT_EQ(Int({"SETRANGE", "k", "10", ""}), 0);
  EXPECT_EQ(Raw("k"), nullptr);
  Run({"SET", "k", "abc"});
  uint64_t dirty = state_.stats.dirty;
  EXPECT_EQ(Int({"SETRANGE", "k", "100", ""}), 3);
  EXPECT_EQ(Encoding("k"), store::StringEncoding::kEmbstr);
  EXPECT_EQ(state_.stats.dirty, dirty);
}

TEST_F(StringFamilyTest, SetRangeErrors) {
  Run({"SET", "k", "v"});
  EXPECT_TRUE(IsError(Run({"SETRANGE", "k", "-1", "x"}), "ERR offset is out of range"));
  EXPECT_TRUE(IsError(Run({"SETRANGE", "k", "x", "x"}), kNotInteger));
  AddList("l");
  EXPECT_TRUE(IsError(Run({"SETRANGE", "l", "0", ""}), kWrongType));
  EXPECT_TRUE(IsError(Run({"SETRANGE", "l", "-1", "x"}), "ERR offset is out of range"));
}

// ---- LCS ----------------------------------------------------------------------------------------

class LcsTest : public StringFamilyTest {
 protected:
  LcsTest() { Run({"MSET", "a", "ohmytext", "b", "mynewtext"}); }
  // [[a_start, a_end], [b_start, b_end](, len)] as a flat vector.
  static std::vector<int64_t> Flat(const resp::Reply& match) {
    std::vector<int64_t> out;
    for (const resp::Reply& part : match.elements) {
      if (part.type == Type::kInteger) {
        out.push_back(part.integer);
      } else {
        for (const resp::Reply& n : part.elements) out.push_back(n.integer);
      }
    }
    return out;
  }
};

TEST_F(LcsTest, PlainAndLen) {
  EXPECT_EQ(Bulk({"LCS", "a", "b"}), "mytext");
  EXPECT_EQ(Int({"LCS", "a", "b", "LEN"}), 6);
  EXPECT_EQ(Bulk({"LCS", "a", "missing"}), "");
  EXPECT_EQ(Int({"LCS", "missing", "other", "len"}), 0);
  EXPECT_EQ(Bulk({"LCS", "a", "a"}), "ohmytext");
}

TEST_F(LcsTest, IdxListsMatchesFromTheEnd) {
  resp::Reply r = Run({"LCS", "a", "b", "IDX", "WITHMATCHLEN"});
  ASSERT_EQ(r.type, Type::kArray);  // RESP2: the map is flattened
  ASSERT_EQ(r.elements.size(), 4u);
  EXPECT_EQ(r.elements[0].str, "matches");
  ASSERT_EQ(r.elements[1].elements.size(), 2u);
  EXPECT_EQ(Flat(r.elements[1].elements[0]), (std::vector<int64_t>{4, 7, 5, 8, 4}));
  EXPECT_EQ(Flat(r.elements[1].elements[1]), (std::vector<int64_t>{2, 3, 0, 1, 2}));
  EXPECT_EQ(r.elements[2].str, "len");
  EXPECT_EQ(r.elements[3].integer, 6);

  r = Run({"LCS", "a", "b", "IDX", "MINMATCHLEN", "4"});
  ASSERT_EQ(r.elements[1].elements.size(), 1u);
  EXPECT_EQ(Flat(r.elements[1].elements[0]), (std::vector<int64_t>{4, 7, 5, 8}));
  // A negative minimum is no minimum.
  EXPECT_EQ(Run({"LCS", "a", "b", "IDX", "MINMATCHLEN", "-3"}).elements[1].elements.size(), 2u);
  EXPECT_EQ(Run({"LCS", "a", "missing", "IDX"}).elements[1].elements.size(), 0u);
}

TEST_F(LcsTest, IdxIsAMapInResp3) {
  Run({"HELLO", "3"});
  resp::Reply r = Run({"LCS", "a", "b", "IDX"});
  ASSERT_EQ(r.type, Type::kMap);
  EXPECT_EQ(r.elements[0].str, "matches");
  EXPECT_EQ(r.elements[3].integer, 6);
}

TEST_F(LcsTest, Errors) {
  EXPECT_TRUE(IsError(Run({"LCS", "a", "b", "LEN", "IDX"}),
                      "ERR If you want both the length and indexes, please just use IDX."));
  EXPECT_TRUE(IsError(Run({"LCS", "a", "b", "FOO"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"LCS", "a", "b", "MINMATCHLEN"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"LCS", "a", "b", "MINMATCHLEN", "x"}), kNotInteger));
  AddList("l");
  EXPECT_TRUE(IsError(Run({"LCS", "a", "l"}), "ERR The specified keys must contain string values"));
  state_.settings.proto_max_bulk_len = 16;  // the 9x10 table of 4-byte cells is larger
  EXPECT_TRUE(IsError(Run({"LCS", "a", "b"}),
                      "ERR Insufficient memory, transient memory for LCS exceeds "
                      "proto-max-bulk-len"));
}

TEST_F(LcsTest, LongerStrings) {
  std::string x, y;
  for (int i = 0; i < 300; ++i) {
    x += static_cast<char>('a' + (i * 7) % 26);
    y += static_cast<char>('a' + (i * 11) % 26);
  }
  Run({"MSET", "x", x, "y", y});
  std::string common = Bulk({"LCS", "x", "y"});
  EXPECT_EQ(Int({"LCS", "x", "y", "LEN"}), static_cast<int64_t>(common.size()));
  // The answer is a subsequence of both strings.
  for (const std::string& s : {x, y}) {
    size_t pos = 0;
    for (char c : common) {
      pos = s.find(c, pos);
      ASSERT_NE(pos, std::string::npos);
      ++pos;
    }
  }
  // The IDX ranges cover exactly the common length.
  resp::Reply r = Run({"LCS", "x", "y", "IDX", "WITHMATCHLEN"});
  int64_t covered = 0;
  for (const resp::Reply& m : r.elements[1].elements) covered += m.elements[2].integer;
  EXPECT_EQ(covered, static_cast<int64_t>(common.size()));
}

}  // namespace
}  // namespace tandem::commands::testing
