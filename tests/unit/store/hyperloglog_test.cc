#include "server/store/hyperloglog.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "tests/unit/store/hyperloglog_fixtures.h"

namespace tandem::store::hll {
namespace {

constexpr size_t kDefaultSparseMax = 3000;

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string Element(int i) { return "elem:" + std::to_string(i); }

// An HLL holding elem:0 .. elem:<n-1>, added one at a time.
std::string WithElements(int n, size_t sparse_max = kDefaultSparseMax) {
  std::string hll = NewSparse();
  for (int i = 0; i < n; ++i) EXPECT_NE(Add(&hll, Element(i), sparse_max), Update::kCorrupt);
  return hll;
}

std::string Alphabet() {
  std::string hll = NewSparse();
  for (char c = 'a'; c <= 'z'; ++c) Add(&hll, std::string(1, c), kDefaultSparseMax);
  return hll;
}

TEST(HyperLogLogTest, NewValueIsOneXZeroOverAllRegisters) {
  std::string hll = NewSparse();
  EXPECT_EQ(Hex(hll),
            "48594c4c010000000000000000000000"
            "7fff");
  EXPECT_TRUE(IsHll(hll));
  EXPECT_EQ(EncodingOf(hll), Encoding::kSparse);
  EXPECT_EQ(CachedCardinality(hll), 0u);
  EXPECT_EQ(DecodeSparse(hll), "Z:16384");
  EXPECT_EQ(Count(hll), 0u);
}

TEST(HyperLogLogTest, SparseBytesMatchRedisForTheAlphabet) {
  std::string hll = Alphabet();
  EXPECT_EQ(Hex(hll), fixtures::kAlphaSparse);
  EXPECT_EQ(Count(hll), 25u);
  // PFDEBUG DECODE as printed by Redis for the same value.
  EXPECT_EQ(DecodeSparse(hll),
            "Z:1094 v:4,1 Z:551 v:1,1 Z:138 v:3,1 Z:1769 v:6,1 Z:374 v:2,1 Z:237 v:2,1 z:15 v:1,1 "
            "Z:197 v:2,1 Z:1169 v:6,1 Z:1127 v:1,1 Z:611 v:1,1 Z:1085 v:2,1 z:57 v:1,1 Z:144 "
            "v:1,1 Z:429 v:1,1 Z:2002 v:1,1 Z:945 v:1,1 Z:750 v:2,1 Z:509 v:4,1 Z:916 v:2,1 "
            "Z:793 v:3,1 Z:224 v:1,1 Z:622 v:1,1 Z:465 v:1,1 Z:127 v:2,1 z:9");
}

TEST(HyperLogLogTest, SparseBytesMatchRedisForAThousandElements) {
  // Large enough for the in-place splits and VAL merges to shape the bytes.
  std::string hll = WithElements(1000);
  EXPECT_EQ(EncodingOf(hll), Encoding::kSparse);
  EXPECT_EQ(Hex(hll), fixtures::kThousandSparse);
  EXPECT_EQ(Count(hll), 1005u);
}

TEST(HyperLogLogTest, DenseBytesMatchRedisForTwentyThousandElements) {
  std::string hll = WithElements(20000);
  EXPECT_EQ(EncodingOf(hll), Encoding::kDense);
  ASSERT_EQ(hll.size(), kDenseSize);
  EXPECT_EQ(Hex(hll), fixtures::kTwentyThousandDense);
  EXPECT_EQ(Count(hll), 19603u);
}

TEST(HyperLogLogTest, EstimatesMatchRedis) {
  EXPECT_EQ(Count(WithElements(1)), 1u);
  EXPECT_EQ(Count(WithElements(100)), 100u);
  EXPECT_EQ(Count(WithElements(10000)), 9922u);
  EXPECT_EQ(Count(WithElements(100000)), 99904u);
}

TEST(HyperLogLogTest, PromotesWhereRedisDoesUnderASmallSparseLimit) {
  constexpr size_t kLimit = 300;
  std::string hll = NewSparse();
  int i = 0;
  std::string before;
  for (; i < 1000 && EncodingOf(hll) == Encoding::kSparse; ++i) {
    before = hll;
    Add(&hll, Element(i), kLimit);
    EXPECT_LE(EncodingOf(hll) == Encoding::kSparse ? hll.size() : 0, kLimit);
  }
  EXPECT_EQ(i - 1, fixtures::kSmallPromotedAt);
  EXPECT_EQ(Hex(before), fixtures::kSmallBeforePromotion);
  // Promotion keeps every register.
  Registers from_sparse{}, from_dense{};
  ASSERT_TRUE(MergeInto(before, &from_sparse));
  ASSERT_TRUE(MergeInto(hll, &from_dense));
  Pattern last = PatternOf(Element(i - 1));
  from_sparse[last.index] = std::max(from_sparse[last.index], last.count);
  EXPECT_EQ(from_sparse, from_dense);
}

TEST(HyperLogLogTest, RegisterAboveThirtyTwoPromotesToDense) {
  std::string hll = Alphabet();
  Registers before{};
  ASSERT_TRUE(MergeInto(hll, &before));
  EXPECT_EQ(SetRegister(&hll, 7, 33, kDefaultSparseMax), Update::kChanged);
  EXPECT_EQ(EncodingOf(hll), Encoding::kDense);
  EXPECT_EQ(DenseRegister(hll, 7), 33);
  for (int i = 0; i < kRegisters; ++i) {
    if (i != 7) {
      EXPECT_EQ(DenseRegister(hll, i), before[i]) << i;
    }
  }
}

TEST(HyperLogLogTest, UnionOfSparseValuesMatchesRedisMerge) {
  std::string alpha = Alphabet(), hundred = WithElements(100);
  Registers max{};
  ASSERT_TRUE(MergeInto(alpha, &max));
  ASSERT_TRUE(MergeInto(hundred, &max));
  EXPECT_EQ(Count(max), 124u);

  // PFMERGE into a new key sets the maxima one by one into a sparse value.
  std::string merged = NewSparse();
  for (int i = 0; i < kRegisters; ++i) {
    if (max[i] != 0) SetRegister(&merged, i, max[i], kDefaultSparseMax);
  }
  InvalidateCache(merged.data());
  EXPECT_EQ(Hex(merged), fixtures::kMergedSparse);
  EXPECT_EQ(Count(merged), 124u);
}

TEST(HyperLogLogTest, ToDenseKeepsRegistersHeaderAndEstimate) {
  std::string sparse = WithElements(1000);
  std::string dense = sparse;
  ASSERT_TRUE(ToDense(&dense));
  ASSERT_EQ(dense.size(), kDenseSize);
  EXPECT_EQ(EncodingOf(dense), Encoding::kDense);
  EXPECT_EQ(dense.substr(8, 8), sparse.substr(8, 8));  // the cached cardinality is copied
  Registers a{}, b{};
  ASSERT_TRUE(MergeInto(sparse, &a));
  ASSERT_TRUE(MergeInto(dense, &b));
  EXPECT_EQ(a, b);
  EXPECT_EQ(Count(dense), Count(sparse));
  std::string again = dense;
  EXPECT_TRUE(ToDense(&again));
  EXPECT_EQ(again, dense);
}

TEST(HyperLogLogTest, DenseRegistersDoNotDisturbNeighbours) {
  std::string hll = NewSparse();
  ASSERT_TRUE(ToDense(&hll));
  for (int i : {0, 1, 2, 3, 4, 5, 16381, 16382, 16383}) {
    EXPECT_EQ(SetRegister(&hll, i, static_cast<uint8_t>(63 - i % 7), 0), Update::kChanged);
  }
  for (int i : {0, 1, 2, 3, 4, 5, 16381, 16382, 16383}) {
    EXPECT_EQ(DenseRegister(hll, i), 63 - i % 7) << i;
  }
  EXPECT_EQ(DenseRegister(hll, 6), 0);
  EXPECT_EQ(DenseRegister(hll, 16380), 0);
  EXPECT_EQ(SetRegister(&hll, 16383, 1, 0), Update::kUnchanged);
  EXPECT_EQ(hll.size(), kDenseSize);
}

TEST(HyperLogLogTest, CachedCardinalityRoundTripsAndInvalidates) {
  std::string hll = Alphabet();
  EXPECT_EQ(CachedCardinality(hll), std::nullopt);  // stale after adds
  StoreCardinality(hll.data(), 0x0123456789ULL);
  EXPECT_EQ(CachedCardinality(hll), 0x0123456789ULL);
  EXPECT_EQ(Hex(hll.substr(8, 8)), "8967452301000000");
  EXPECT_EQ(Add(&hll, "a", kDefaultSparseMax), Update::kUnchanged);
  EXPECT_EQ(CachedCardinality(hll), 0x0123456789ULL);
  InvalidateCache(hll.data());
  EXPECT_EQ(CachedCardinality(hll), std::nullopt);
}

TEST(HyperLogLogTest, AcceptsOnlyRedisHllStrings) {
  std::string dense = NewSparse();
  ASSERT_TRUE(ToDense(&dense));
  EXPECT_TRUE(IsHll(dense));
  EXPECT_FALSE(IsHll(dense.substr(0, kDenseSize - 1)));
  EXPECT_FALSE(IsHll("HYLL"));
  EXPECT_FALSE(IsHll("hello world, not an HLL"));
  std::string bad_encoding = NewSparse();
  bad_encoding[4] = 2;
  EXPECT_FALSE(IsHll(bad_encoding));
  std::string bad_magic = NewSparse();
  bad_magic[0] = 'h';
  EXPECT_FALSE(IsHll(bad_magic));
  // The sparse body is only checked when used.
  EXPECT_TRUE(IsHll(NewSparse().substr(0, kHeaderSize)));
}

TEST(HyperLogLogTest, MalformedSparseBodiesAreReported) {
  // XZERO covering 16383 registers: one short.
  std::string short_body = NewSparse();
  short_body.back() = static_cast<char>(0xfe);
  EXPECT_EQ(Count(short_body), std::nullopt);
  Registers max{};
  EXPECT_FALSE(MergeInto(short_body, &max));
  std::string copy = short_body;
  EXPECT_FALSE(ToDense(&copy));
  EXPECT_EQ(copy, short_body);
  EXPECT_EQ(SetRegister(&copy, 16383, 1, kDefaultSparseMax), Update::kCorrupt);
  // A register the opcodes do cover can still be set, as in Redis.
  EXPECT_EQ(SetRegister(&copy, 0, 1, kDefaultSparseMax), Update::kChanged);
  // An empty body covers nothing.
  std::string empty = NewSparse().substr(0, kHeaderSize);
  EXPECT_EQ(SetRegister(&empty, 0, 1, kDefaultSparseMax), Update::kCorrupt);
  EXPECT_EQ(Count(empty), std::nullopt);
  // A register too big for sparse promotes, which fails on a malformed body.
  EXPECT_EQ(SetRegister(&empty, 0, 40, kDefaultSparseMax), Update::kCorrupt);
}

TEST(HyperLogLogTest, PatternCountsTheFirstOneBitAboveTheIndex) {
  for (int i = 0; i < 1000; ++i) {
    Pattern p = PatternOf(Element(i));
    uint64_t hash = MurmurHash64A(Element(i), 0xadc83b19);
    EXPECT_EQ(p.index, static_cast<int>(hash & (kRegisters - 1)));
    ASSERT_GE(p.count, 1);
    ASSERT_LE(p.count, 51);
    uint64_t above = hash >> kPrecision;
    EXPECT_EQ(above & ((uint64_t{1} << (p.count - 1)) - 1), 0u);
    EXPECT_NE(above & (uint64_t{1} << (p.count - 1)), 0u);
  }
}

}  // namespace
}  // namespace tandem::store::hll
