#include "server/store/stream_id.h"

#include <gtest/gtest.h>

#include <string>

namespace tandem::store {
namespace {

constexpr uint64_t kMax = UINT64_MAX;

TEST(StreamIdTest, OrderAndEdges) {
  EXPECT_LT((StreamId{1, 5}), (StreamId{2, 0}));
  EXPECT_LT((StreamId{1, 5}), (StreamId{1, 6}));
  EXPECT_EQ((StreamId{3, 4}), (StreamId{3, 4}));
  EXPECT_TRUE(StreamId::Min().IsZero());
  EXPECT_FALSE((StreamId{0, 1}).IsZero());
  EXPECT_EQ(StreamId::Max(), (StreamId{kMax, kMax}));
}

TEST(StreamIdTest, NextAndPrevCarryAndOverflow) {
  EXPECT_EQ((StreamId{1, 2}).Next(), (StreamId{1, 3}));
  EXPECT_EQ((StreamId{1, kMax}).Next(), (StreamId{2, 0}));
  EXPECT_FALSE(StreamId::Max().Next().has_value());
  EXPECT_EQ((StreamId{1, 2}).Prev(), (StreamId{1, 1}));
  EXPECT_EQ((StreamId{2, 0}).Prev(), (StreamId{1, kMax}));
  EXPECT_FALSE(StreamId::Min().Prev().has_value());
}

TEST(StreamIdTest, Format) {
  char buf[StreamId::kMaxText];
  EXPECT_EQ((StreamId{0, 0}).Format(buf), "0-0");
  EXPECT_EQ((StreamId{1526919030474, 55}).Format(buf), "1526919030474-55");
  EXPECT_EQ(StreamId::Max().Format(buf), "18446744073709551615-18446744073709551615");
  EXPECT_EQ((StreamId{7, 8}).ToString(), "7-8");
}

TEST(StreamIdTest, ParseGeneralForms) {
  EXPECT_EQ(ParseStreamId("5-3", MissingSeq::kZero), (StreamId{5, 3}));
  EXPECT_EQ(ParseStreamId("5", MissingSeq::kZero), (StreamId{5, 0}));
  EXPECT_EQ(ParseStreamId("5", MissingSeq::kMax), (StreamId{5, kMax}));
  EXPECT_EQ(ParseStreamId("-", MissingSeq::kMax), StreamId::Min());
  EXPECT_EQ(ParseStreamId("+", MissingSeq::kZero), StreamId::Max());
  EXPECT_EQ(ParseStreamId("18446744073709551615-18446744073709551615", MissingSeq::kZero),
            StreamId::Max());
  // string2ull's leniency beyond canonical integers.
  EXPECT_EQ(ParseStreamId("05-+1", MissingSeq::kZero), (StreamId{5, 1}));
  for (const char* bad : {"", "a", "1-", "-1", "1--1", "1-2-3", "18446744073709551616", "1-x",
                          "1.5", "1-*", "*", "(1"}) {
    EXPECT_FALSE(ParseStreamId(bad, MissingSeq::kZero).has_value()) << bad;
  }
  EXPECT_FALSE(ParseStreamId(std::string(128, '1'), MissingSeq::kZero).has_value());
}

TEST(StreamIdTest, StrictRejectsMinusAndPlus) {
  EXPECT_FALSE(ParseStrictStreamId("-", MissingSeq::kZero).has_value());
  EXPECT_FALSE(ParseStrictStreamId("+", MissingSeq::kZero).has_value());
  EXPECT_EQ(ParseStrictStreamId("9-9", MissingSeq::kZero), (StreamId{9, 9}));
  EXPECT_EQ(ParseStrictStreamId("9", MissingSeq::kMax), (StreamId{9, kMax}));
}

TEST(StreamIdTest, RangeBounds) {
  ParsedStreamId p = ParseRangeBound("5", RangeBound::kStart);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.id, (StreamId{5, 0}));
  p = ParseRangeBound("5", RangeBound::kEnd);
  EXPECT_EQ(p.id, (StreamId{5, kMax}));
  p = ParseRangeBound("(5-1", RangeBound::kStart);
  EXPECT_EQ(p.id, (StreamId{5, 2}));
  p = ParseRangeBound("(5-0", RangeBound::kEnd);
  EXPECT_EQ(p.id, (StreamId{4, kMax}));
  p = ParseRangeBound("(5", RangeBound::kEnd);  // 5-max excluded
  EXPECT_EQ(p.id, (StreamId{5, kMax - 1}));
  p = ParseRangeBound("(18446744073709551615-18446744073709551615", RangeBound::kStart);
  EXPECT_EQ(p.error, StreamIdError::kNoStartAfter);
  p = ParseRangeBound("(0-0", RangeBound::kEnd);
  EXPECT_EQ(p.error, StreamIdError::kNoEndBefore);
  EXPECT_EQ(ParseRangeBound("(-", RangeBound::kStart).error, StreamIdError::kInvalid);
  EXPECT_EQ(ParseRangeBound("(", RangeBound::kStart).error, StreamIdError::kInvalid);
  EXPECT_EQ(ParseRangeBound("x", RangeBound::kEnd).error, StreamIdError::kInvalid);
  EXPECT_EQ(ParseRangeBound("+", RangeBound::kEnd).id, StreamId::Max());
}

TEST(StreamIdTest, XAddForms) {
  std::optional<XAddId> a = ParseXAddId("*");
  ASSERT_TRUE(a.has_value());
  EXPECT_TRUE(a->auto_ms);
  EXPECT_FALSE(a->seq_given);
  a = ParseXAddId("12-*");
  ASSERT_TRUE(a.has_value());
  EXPECT_FALSE(a->auto_ms);
  EXPECT_FALSE(a->seq_given);
  EXPECT_EQ(a->id.ms, 12u);
  a = ParseXAddId("12");
  ASSERT_TRUE(a.has_value());
  EXPECT_TRUE(a->seq_given);
  EXPECT_EQ(a->id, (StreamId{12, 0}));
  a = ParseXAddId("12-7");
  EXPECT_EQ(a->id, (StreamId{12, 7}));
  for (const char* bad : {"-", "+", "*-1", "**", "1-**", "x-*", ""}) {
    EXPECT_FALSE(ParseXAddId(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace tandem::store
