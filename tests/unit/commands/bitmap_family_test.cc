#include <climits>
#include <string>

#include "server/store/entry.h"
#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands::testing {
namespace {

using Type = resp::Reply::Type;

constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
constexpr std::string_view kSyntax = "ERR syntax error";
constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
constexpr std::string_view kBadOffset = "ERR bit offset is not an integer or out of range";
constexpr std::string_view kBadBit = "ERR bit is not an integer or out of range";
constexpr std::string_view kBadType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 "
    "is.";

// A stand-in non-string value, for WRONGTYPE checks.
class FakeList final : public store::Object {
 public:
  store::ValueType type() const override { return store::ValueType::kList; }
  std::string_view encoding() const override { return "listpack"; }
  std::unique_ptr<store::Object> Clone() const override { return std::make_unique<FakeList>(); }
};

class BitmapFamilyTest : public CommandTest {
 protected:
  void AddList(std::string_view key) {
    state_.keyspace.db(0).Add(store::Entry::NewObject(key, std::make_unique<FakeList>(), false));
  }
  store::Entry* Raw(std::string_view key) { return state_.keyspace.db(0).Find(key); }
  std::string Value(std::string_view key) { return std::string(Raw(key)->string_value()); }
  int64_t Int(std::vector<std::string> argv) {
    resp::Reply r = Run(std::move(argv));
    EXPECT_EQ(r.type, Type::kInteger) << r.str;
    return r.integer;
  }
  // The integers (or INT64_MIN for a nil) of an array reply.
  std::vector<int64_t> Ints(std::vector<std::string> argv) {
    resp::Reply r = Run(std::move(argv));
    EXPECT_EQ(r.type, Type::kArray) << r.str;
    std::vector<int64_t> out;
    for (const resp::Reply& e : r.elements) {
      out.push_back(e.type == Type::kInteger ? e.integer : INT64_MIN);
    }
    return out;
  }
  uint64_t Dirty() const { return state_.stats.dirty; }
  // Watches `key` for the default client; Broken() tells whether a write touched it since.
  void Watch(std::string_view key) { state_.watches.Watch(*client_, 0, key, true); }
  bool Broken() {
    bool broken = state_.watches.Broken(*client_, [](int, std::string_view) { return false; });
    state_.watches.UnwatchAll(*client_);
    return broken;
  }
};

// ---- SETBIT / GETBIT ----------------------------------------------------------------------------

TEST_F(BitmapFamilyTest, SetBitGrowsWithZerosAndRepliesWithTheOldBit) {
  EXPECT_EQ(Int({"SETBIT", "k", "9", "1"}), 0);
  EXPECT_EQ(Value("k"), std::string("\x00\x40", 2));
  EXPECT_EQ(Int({"SETBIT", "k", "9", "0"}), 1);
  EXPECT_EQ(Int({"SETBIT", "k", "31", "0"}), 0);
  EXPECT_EQ(Value("k"), std::string(4, '\0'));
  EXPECT_EQ(Int({"GETBIT", "k", "9"}), 0);
  EXPECT_EQ(Int({"SETBIT", "k", "0", "1"}), 0);
  EXPECT_EQ(Int({"GETBIT", "k", "0"}), 1);
  EXPECT_EQ(Int({"GETBIT", "k", "4000000000"}), 0);
  EXPECT_EQ(Int({"GETBIT", "nokey", "0"}), 0);
  EXPECT_EQ(Raw("nokey"), nullptr);
}

TEST_F(BitmapFamilyTest, SetBitSignalsOnlyRealChanges) {
  Watch("k");
  uint64_t before = Dirty();
  EXPECT_EQ(Int({"SETBIT", "k", "3", "0"}), 0);  // creates the key: a change
  EXPECT_EQ(Dirty(), before + 1);
  EXPECT_TRUE(Broken());

  Watch("k");
  EXPECT_EQ(Int({"SETBIT", "k", "3", "0"}), 0);  // same bit, same length
  EXPECT_EQ(Dirty(), before + 1);
  EXPECT_FALSE(Broken());

  Watch("k");
  EXPECT_EQ(Int({"SETBIT", "k", "20", "0"}), 0);  // grows the string
  EXPECT_EQ(Dirty(), before + 2);
  EXPECT_TRUE(Broken());

  Watch("k");
  EXPECT_EQ(Int({"SETBIT", "k", "3", "1"}), 0);
  EXPECT_EQ(Dirty(), before + 3);
  EXPECT_TRUE(Broken());
}

TEST_F(BitmapFamilyTest, SetBitMakesTheValueRaw) {
  Run({"SET", "k", "12"});
  ASSERT_EQ(Raw("k")->string_encoding(), store::StringEncoding::kInt);
  EXPECT_EQ(Int({"SETBIT", "k", "0", "0"}), 0);  // no change, still re-encoded as Redis does
  EXPECT_EQ(Raw("k")->string_encoding(), store::StringEncoding::kRaw);
  EXPECT_EQ(Value("k"), "12");
}

TEST_F(BitmapFamilyTest, SetBitArgumentErrorsComeBeforeTheTypeCheck) {
  AddList("l");
  EXPECT_TRUE(IsError(Run({"SETBIT", "l", "-1", "1"}), kBadOffset));
  EXPECT_TRUE(IsError(Run({"SETBIT", "l", "0", "2"}), kBadBit));
  EXPECT_TRUE(IsError(Run({"SETBIT", "l", "0", "1"}), kWrongType));
  EXPECT_TRUE(IsError(Run({"GETBIT", "l", "x"}), kBadOffset));
  EXPECT_TRUE(IsError(Run({"GETBIT", "l", "0"}), kWrongType));
  EXPECT_TRUE(IsError(Run({"SETBIT", "k", "1", "-0"}), kBadBit));
  EXPECT_EQ(Raw("k"), nullptr);
}

TEST_F(BitmapFamilyTest, OffsetLimitIsProtoMaxBulkLen) {
  state_.settings.proto_max_bulk_len = 4;
  EXPECT_TRUE(IsError(Run({"SETBIT", "k", "32", "1"}), kBadOffset));
  EXPECT_EQ(Int({"SETBIT", "k", "31", "1"}), 0);
  EXPECT_EQ(Value("k").size(), 4u);
  EXPECT_TRUE(IsError(Run({"GETBIT", "k", "32"}), kBadOffset));
  EXPECT_TRUE(IsError(Run({"BITFIELD", "k", "GET", "u8", "#4"}), kBadOffset));
  EXPECT_EQ(Ints({"BITFIELD", "k", "GET", "u8", "#3"}), std::vector<int64_t>{1});
  // A field may start below the limit and end past it, as in Redis.
  EXPECT_EQ(Ints({"BITFIELD", "k", "SET", "u16", "31", "65535"}), std::vector<int64_t>{32768});
  EXPECT_EQ(Value("k").size(), 6u);
  // "#N" times the width may overflow int64.
  EXPECT_TRUE(IsError(Run({"BITFIELD", "k", "GET", "i64", "#9223372036854775807"}), kBadOffset));
}

// ---- BITCOUNT / BITPOS --------------------------------------------------------------------------

TEST_F(BitmapFamilyTest, BitCount) {
  Run({"SET", "k", "foobar"});
  EXPECT_EQ(Int({"BITCOUNT", "k"}), 26);
  EXPECT_EQ(Int({"BITCOUNT", "k", "1", "1"}), 6);
  EXPECT_EQ(Int({"BITCOUNT", "k", "5", "30", "bit"}), 17);
  EXPECT_EQ(Int({"BITCOUNT", "k", "-1", "-2"}), 0);
  EXPECT_EQ(Int({"BITCOUNT", "k", "-100", "-99"}), 4);  // both clip to byte 0
  EXPECT_TRUE(IsError(Run({"BITCOUNT", "k", "1"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"BITCOUNT", "k", "1", "2", "BYTE", "x"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"BITCOUNT", "k", "1", "x"}), kNotInteger));
  EXPECT_TRUE(IsError(Run({"BITCOUNT", "k", "1", "2", "bits"}), kSyntax));
  EXPECT_EQ(Int({"BITCOUNT", "nokey", "x"}), 0);
  AddList("l");
  EXPECT_TRUE(IsError(Run({"BITCOUNT", "l", "x"}), kWrongType));
}

TEST_F(BitmapFamilyTest, BitPos) {
  Run({"SET", "k", std::string("\xff\xf0\x00", 3)});
  EXPECT_EQ(Int({"BITPOS", "k", "0"}), 12);
  EXPECT_EQ(Int({"BITPOS", "k", "1", "1"}), 8);
  EXPECT_EQ(Int({"BITPOS", "k", "1", "2"}), -1);
  EXPECT_EQ(Int({"BITPOS", "k", "0", "4", "7", "BIT"}), -1);
  EXPECT_EQ(Int({"BITPOS", "k", "0", "4", "12", "BIT"}), 12);
  Run({"SET", "ones", std::string("\xff\xff", 2)});
  EXPECT_EQ(Int({"BITPOS", "ones", "0"}), 16);
  EXPECT_EQ(Int({"BITPOS", "ones", "0", "-1"}), 16);
  EXPECT_EQ(Int({"BITPOS", "ones", "0", "0", "-1"}), -1);
  EXPECT_EQ(Int({"BITPOS", "nokey", "0", "x"}), 0);
  EXPECT_EQ(Int({"BITPOS", "nokey", "1"}), -1);
  Run({"SET", "empty", ""});
  EXPECT_EQ(Int({"BITPOS", "empty", "0"}), -1);
  EXPECT_TRUE(IsError(Run({"BITPOS", "k", "2"}), "ERR The bit argument must be 1 or 0."));
  EXPECT_TRUE(IsError(Run({"BITPOS", "k", "x"}), kNotInteger));
  // The unit word is checked before the end.
  EXPECT_TRUE(IsError(Run({"BITPOS", "k", "1", "0", "x", "bits"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"BITPOS", "k", "1", "0", "x", "bit"}), kNotInteger));
  EXPECT_TRUE(IsError(Run({"BITPOS", "k", "1", "0", "1", "bit", "x"}), kSyntax));
}

TEST_F(BitmapFamilyTest, ReadsCountKeyspaceHitsAndMisses) {
  Run({"SET", "k", "a"});
  auto& stats = state_.keyspace.stats();
  uint64_t hits = stats.keyspace_hits, misses = stats.keyspace_misses;
  Run({"GETBIT", "k", "0"});
  Run({"BITCOUNT", "nokey"});
  Run({"BITOP", "AND", "dest", "k", "nokey"});
  EXPECT_EQ(stats.keyspace_hits, hits + 2);
  EXPECT_EQ(stats.keyspace_misses, misses + 2);
}

// ---- BITOP --------------------------------------------------------------------------------------

TEST_F(BitmapFamilyTest, BitOpStoresRawStringWithoutTtl) {
  Run({"SET", "a", std::string("\x0f\x01", 2)});
  Run({"SET", "dest", "x", "EX", "100"});
  Watch("dest");
  uint64_t before = Dirty();
  EXPECT_EQ(Int({"BITOP", "NOT", "dest", "a"}), 2);
  EXPECT_EQ(Value("dest"), std::string("\xf0\xfe", 2));
  EXPECT_FALSE(Raw("dest")->has_expire());
  EXPECT_EQ(Raw("dest")->string_encoding(), store::StringEncoding::kRaw);
  EXPECT_EQ(Dirty(), before + 1);
  EXPECT_TRUE(Broken());
}

TEST_F(BitmapFamilyTest, BitOpEmptyResultDeletesTheDestination) {
  Run({"SET", "dest", "x"});
  Watch("dest");
  uint64_t before = Dirty();
  EXPECT_EQ(Int({"BITOP", "OR", "dest", "nokey1", "nokey2"}), 0);
  EXPECT_EQ(Raw("dest"), nullptr);
  EXPECT_EQ(Dirty(), before + 1);
  EXPECT_TRUE(Broken());
  // Nothing to delete: no write at all.
  EXPECT_EQ(Int({"BITOP", "OR", "dest", "nokey1"}), 0);
  EXPECT_EQ(Dirty(), before + 1);
}

TEST_F(BitmapFamilyTest, BitOpErrors) {
  AddList("l");
  Run({"SET", "a", "x"});
  EXPECT_TRUE(IsError(Run({"BITOP", "NOT", "dest", "a", "a"}),
                      "ERR BITOP NOT must be called with a single source key."));
  EXPECT_TRUE(IsError(Run({"BITOP", "ANDX", "dest", "a"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"BITOP", "AND", "dest", "a", "l"}), kWrongType));
  EXPECT_EQ(Raw("dest"), nullptr);
  // A destination of another type is simply replaced.
  EXPECT_EQ(Int({"BITOP", "xor", "l", "a"}), 1);
  EXPECT_TRUE(Raw("l")->is_string());
}

// ---- BITFIELD -----------------------------------------------------------------------------------

TEST_F(BitmapFamilyTest, BitFieldOperationsRunInOrder) {
  EXPECT_EQ(Ints({"BITFIELD", "k", "SET", "i8", "0", "-1", "GET", "u8", "0", "INCRBY", "u4", "4",
                  "1", "GET", "i8", "0"}),
            (std::vector<int64_t>{0, 255, 0, -16}));
  EXPECT_EQ(Value("k"), "\xf0");
  EXPECT_EQ(Raw("k")->string_encoding(), store::StringEncoding::kRaw);
  EXPECT_EQ(Ints({"BITFIELD", "k",        "OVERFLOW", "FAIL",   "INCRBY", "u4", "0",
                  "1",        "OVERFLOW", "SAT",      "INCRBY", "u4",     "0",  "1",
                  "OVERFLOW", "WRAP",     "INCRBY",   "u4",     "0",      "1"}),
            (std::vector<int64_t>{INT64_MIN, 15, 0}));
}

TEST_F(BitmapFamilyTest, BitFieldCountsOnlyChangedFields) {
  Run({"SET", "k", std::string(1, '\x05')});
  uint64_t before = Dirty();
  Watch("k");
  EXPECT_EQ(Ints({"BITFIELD", "k", "SET", "u8", "0", "5", "INCRBY", "u8", "0", "0"}),
            (std::vector<int64_t>{5, 5}));
  EXPECT_EQ(Dirty(), before);
  EXPECT_FALSE(Broken());

  Watch("k");
  EXPECT_EQ(Ints({"BITFIELD", "k", "SET", "u8", "0", "6", "SET", "u8", "0", "7"}),
            (std::vector<int64_t>{5, 6}));
  EXPECT_EQ(Dirty(), before + 2);
  EXPECT_TRUE(Broken());

  // Growing the string counts every write done, even one that keeps its field's value.
  Watch("k");
  EXPECT_EQ(Ints({"BITFIELD", "k", "SET", "u8", "8", "0", "SET", "u8", "0", "7"}),
            (std::vector<int64_t>{0, 7}));
  EXPECT_EQ(Dirty(), before + 4);
  EXPECT_TRUE(Broken());
}

TEST_F(BitmapFamilyTest, BitFieldFailCreatesTheKeySilently) {
  uint64_t before = Dirty();
  Watch("k");
  EXPECT_EQ(Ints({"BITFIELD", "k", "OVERFLOW", "FAIL", "SET", "i4", "8", "100"}),
            std::vector<int64_t>{INT64_MIN});
  EXPECT_EQ(Value("k"), std::string(2, '\0'));
  EXPECT_EQ(Dirty(), before);
  EXPECT_FALSE(Broken());
}

TEST_F(BitmapFamilyTest, BitFieldGetOnlyDoesNotCreateTheKey) {
  EXPECT_EQ(Ints({"BITFIELD", "k", "GET", "i64", "0", "OVERFLOW", "SAT"}), std::vector<int64_t>{0});
  EXPECT_EQ(Raw("k"), nullptr);
  EXPECT_EQ(Ints({"BITFIELD_RO", "k", "GET", "u63", "100"}), std::vector<int64_t>{0});
  EXPECT_EQ(Raw("k"), nullptr);
}

TEST_F(BitmapFamilyTest, BitFieldErrors) {
  AddList("l");
  EXPECT_TRUE(IsError(Run({"BITFIELD", "k", "GET", "u64", "0"}), kBadType));
  EXPECT_TRUE(IsError(Run({"BITFIELD", "k", "GET", "i65", "0"}), kBadType));
  EXPECT_TRUE(IsError(Run({"BITFIELD", "k", "GET", "", "0"}), kBadType));
  EXPECT_TRUE(
      IsError(Run({"BITFIELD", "k", "OVERFLOW", "x"}), "ERR Invalid OVERFLOW type specified"));
  EXPECT_TRUE(IsError(Run({"BITFIELD", "k", "GET", "u8"}), kSyntax));
  EXPECT_TRUE(IsError(Run({"BITFIELD", "k", "INCRBY", "u8", "0", "1.5"}), kNotInteger));
  EXPECT_TRUE(
      IsError(Run({"BITFIELD", "k", "SET", "u8", "0", "1", "GET", "u8", "-1"}), kBadOffset));
  EXPECT_EQ(Raw("k"), nullptr);
  EXPECT_TRUE(IsError(Run({"BITFIELD", "l", "SET", "u8", "0", "1"}), kWrongType));
  EXPECT_TRUE(IsError(Run({"BITFIELD_RO", "l", "GET", "u8", "0"}), kWrongType));
  EXPECT_TRUE(IsError(Run({"BITFIELD_RO", "l", "INCRBY", "u8", "0", "1"}),
                      "ERR BITFIELD_RO only supports the GET subcommand"));
}

TEST_F(BitmapFamilyTest, BitFieldFailReplyIsNilInBothProtocols) {
  resp::Reply r = Run({"BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "i2", "0", "2"});
  ASSERT_EQ(r.elements.size(), 1u);
  EXPECT_EQ(out_, "*1\r\n$-1\r\n");
  Run({"HELLO", "3"});
  Run({"BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "i2", "0", "2"});
  EXPECT_EQ(out_, "*1\r\n_\r\n");
}

}  // namespace
}  // namespace tandem::commands::testing
