#include <string>

#include "server/store/entry.h"
#include "server/store/hyperloglog.h"
#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands::testing {
namespace {

using Type = resp::Reply::Type;
namespace hll = store::hll;

constexpr std::string_view kNotHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";
constexpr std::string_view kInvalid = "INVALIDOBJ Corrupted HLL object detected";
constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";

class FakeList final : public store::Object {
 public:
  store::ValueType type() const override { return store::ValueType::kList; }
  std::string_view encoding() const override { return "listpack"; }
  std::unique_ptr<store::Object> Clone() const override { return std::make_unique<FakeList>(); }
};

class HyperLogLogFamilyTest : public CommandTest {
 protected:
  std::string Value(std::string_view key) {
    store::Entry* e = state_.keyspace.db(0).Find(key);
    return e == nullptr ? std::string() : std::string(e->string_value());
  }
  // WATCHes `key` for the default client; Broken() then tells whether a write touched it.
  void Watch(std::string_view key) { state_.watches.Watch(*client_, 0, key, true); }
  bool Broken() {
    return state_.watches.Broken(*client_, [](int, std::string_view) { return false; });
  }
  int64_t Integer(std::vector<std::string> argv) {
    resp::Reply r = Run(std::move(argv));
    EXPECT_EQ(r.type, Type::kInteger) << r.str;
    return r.integer;
  }
};

TEST_F(HyperLogLogFamilyTest, PfAddCreatesASparseRawStringAndCountsChanges) {
  uint64_t dirty = state_.stats.dirty;
  EXPECT_EQ(Integer({"PFADD", "h", "a", "b", "c"}), 1);
  EXPECT_EQ(state_.stats.dirty - dirty, 4u);  // the creation and three registers
  std::string value = Value("h");
  EXPECT_TRUE(hll::IsHll(value));
  EXPECT_EQ(hll::EncodingOf(value), hll::Encoding::kSparse);
  EXPECT_EQ(hll::CachedCardinality(value), std::nullopt);
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "h"}).str, "raw");
  EXPECT_EQ(Run({"TYPE", "h"}).str, "string");

  dirty = state_.stats.dirty;
  EXPECT_EQ(Integer({"PFADD", "h", "a", "b"}), 0);
  EXPECT_EQ(state_.stats.dirty, dirty);
  EXPECT_EQ(Integer({"PFCOUNT", "h"}), 3);
}

TEST_F(HyperLogLogFamilyTest, PfAddTouchesTheKeyOnlyWhenARegisterChanges) {
  Run({"PFADD", "h", "a"});
  Watch("h");
  Run({"PFADD", "h", "a"});
  EXPECT_FALSE(Broken());
  Run({"PFADD", "h", "zzz"});
  EXPECT_TRUE(Broken());
}

TEST_F(HyperLogLogFamilyTest, PfCountCachesTheEstimateOnce) {
  Run({"PFADD", "h", "a", "b"});
  Watch("h");
  uint64_t dirty = state_.stats.dirty;
  EXPECT_EQ(Integer({"PFCOUNT", "h"}), 2);
  EXPECT_EQ(hll::CachedCardinality(Value("h")), 2u);
  EXPECT_EQ(state_.stats.dirty - dirty, 1u);  // refreshing the cache is a write
  EXPECT_TRUE(Broken());

  state_.watches.UnwatchAll(*client_);
  Watch("h");
  dirty = state_.stats.dirty;
  EXPECT_EQ(Integer({"PFCOUNT", "h"}), 2);
  EXPECT_EQ(state_.stats.dirty, dirty);
  EXPECT_FALSE(Broken());
}

TEST_F(HyperLogLogFamilyTest, PfCountOfSeveralKeysWritesNothing) {
  Run({"PFADD", "a", "x", "y"});
  Run({"PFADD", "b", "y", "z"});
  std::string before = Value("a");
  Watch("a");
  uint64_t dirty = state_.stats.dirty;
  EXPECT_EQ(Integer({"PFCOUNT", "a", "b", "missing"}), 3);
  EXPECT_EQ(Value("a"), before);
  EXPECT_EQ(state_.stats.dirty, dirty);
  EXPECT_FALSE(Broken());
  EXPECT_EQ(Integer({"PFCOUNT", "missing", "other"}), 0);
}

TEST_F(HyperLogLogFamilyTest, WritesKeepTheTtl) {
  Run({"PFADD", "h", "a"});
  Run({"EXPIRE", "h", "100"});
  Run({"PFADD", "h", "b"});
  EXPECT_GT(Integer({"PTTL", "h"}), 0);
  Run({"PFCOUNT", "h"});
  Run({"PFMERGE", "h", "missing"});
  EXPECT_GT(Integer({"PTTL", "h"}), 0);
}

TEST_F(HyperLogLogFamilyTest, PfMergeUnitesIntoTheDestination) {
  Run({"PFADD", "a", "x", "y"});
  Run({"PFADD", "b", "y", "z"});
  Watch("d");
  EXPECT_EQ(Run({"PFMERGE", "d", "a", "b"}).str, "OK");
  EXPECT_TRUE(Broken());
  EXPECT_EQ(hll::EncodingOf(Value("d")), hll::Encoding::kSparse);
  EXPECT_EQ(Integer({"PFCOUNT", "d"}), 3);
  EXPECT_EQ(Integer({"PFCOUNT", "a"}), 2);

  EXPECT_EQ(Integer({"PFDEBUG", "TODENSE", "b"}), 1);
  EXPECT_EQ(Run({"PFMERGE", "a", "b"}).str, "OK");  // a dense source makes the destination dense
  EXPECT_EQ(hll::EncodingOf(Value("a")), hll::Encoding::kDense);
  EXPECT_EQ(Integer({"PFCOUNT", "a"}), 3);
}

TEST_F(HyperLogLogFamilyTest, SparseLimitComesFromTheConfig) {
  EXPECT_EQ(Run({"CONFIG", "SET", "hll-sparse-max-bytes", "0"}).str, "OK");
  Run({"PFADD", "h", "a"});
  EXPECT_EQ(Run({"PFDEBUG", "ENCODING", "h"}).str, "dense");
}

TEST_F(HyperLogLogFamilyTest, NonHllValuesAreRefused) {
  Run({"SET", "s", "not an hll"});
  EXPECT_TRUE(IsError(Run({"PFADD", "s", "a"}), kNotHll));
  EXPECT_TRUE(IsError(Run({"PFCOUNT", "s"}), kNotHll));
  EXPECT_TRUE(IsError(Run({"PFCOUNT", "missing", "s"}), kNotHll));
  EXPECT_TRUE(IsError(Run({"PFMERGE", "d", "s"}), kNotHll));
  EXPECT_TRUE(IsError(Run({"PFDEBUG", "GETREG", "s"}), kNotHll));
  EXPECT_EQ(Value("s"), "not an hll");
  EXPECT_EQ(Integer({"EXISTS", "d"}), 0);

  state_.keyspace.db(0).Add(store::Entry::NewObject("l", std::make_unique<FakeList>(), false));
  EXPECT_TRUE(IsError(Run({"PFADD", "l", "a"}), kWrongType));
  EXPECT_TRUE(IsError(Run({"PFCOUNT", "l"}), kWrongType));
}

TEST_F(HyperLogLogFamilyTest, CorruptSparseBodiesAreInvalidObjects) {
  std::string header = hll::NewSparse().substr(0, hll::kHeaderSize);
  header[15] = static_cast<char>(0x80);    // stale cache, so that PFCOUNT decodes the body
  Run({"SET", "h", header + "\x5f\xff"});  // covers 8192 registers only
  EXPECT_TRUE(IsError(Run({"PFCOUNT", "h"}), kInvalid));
  EXPECT_TRUE(IsError(Run({"PFCOUNT", "h", "missing"}), kInvalid));
  EXPECT_TRUE(IsError(Run({"PFMERGE", "d", "h"}), kInvalid));
  EXPECT_TRUE(IsError(Run({"PFDEBUG", "TODENSE", "h"}), kInvalid));
  EXPECT_EQ(Run({"PFDEBUG", "DECODE", "h"}).str, "Z:8192");
  // "d" and "f" fall in the covered half and stay set; "a" does not.
  EXPECT_TRUE(IsError(Run({"PFADD", "h", "d", "f", "a"}), kInvalid));
  EXPECT_EQ(Run({"PFDEBUG", "DECODE", "h"}).str, "Z:1646 v:1,1 Z:5645 v:1,1 Z:899");
}

TEST_F(HyperLogLogFamilyTest, PfDebugSubcommands) {
  EXPECT_TRUE(
      IsError(Run({"PFDEBUG", "ENCODING", "missing"}), "ERR The specified key does not exist"));
  Run({"PFADD", "h", "a"});
  EXPECT_EQ(Run({"PFDEBUG", "DECODE", "h"}).str, "Z:12711 v:2,1 Z:3672");
  resp::Reply regs = Run({"PFDEBUG", "GETREG", "h"});
  ASSERT_EQ(regs.elements.size(), 16384u);
  EXPECT_EQ(regs.elements[12711].integer, 2);
  EXPECT_EQ(Run({"PFDEBUG", "ENCODING", "h"}).str, "dense");
  EXPECT_EQ(Integer({"PFDEBUG", "TODENSE", "h"}), 0);
  EXPECT_TRUE(IsError(Run({"PFDEBUG", "DECODE", "h"}), "ERR HLL encoding is not sparse"));
  EXPECT_TRUE(IsError(Run({"PFDEBUG", "Nope", "h"}), "ERR Unknown PFDEBUG subcommand 'Nope'"));
}

}  // namespace
}  // namespace tandem::commands::testing
