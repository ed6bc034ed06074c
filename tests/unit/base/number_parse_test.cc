#include "server/base/number_parse.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace tandem::base {
namespace {

using namespace std::string_view_literals;

// Accept/reject tables observed on redis-server 7.0.15 (SET k <text>; INCR k, OBJECT ENCODING k;
// ZADD z <text> a; INCRBYFLOAT k <text>).

TEST(ParseInt64Test, AcceptsWhatRedisAccepts) {
  struct Case {
    std::string_view text;
    int64_t value;
  };
  for (const Case& c : {Case{"0", 0}, Case{"1", 1}, Case{"-1", -1}, Case{"99", 99},
                        Case{"-99", -99}, Case{"1234567890123456789", 1234567890123456789},
                        Case{"9223372036854775807", std::numeric_limits<int64_t>::max()},
                        Case{"-9223372036854775808", std::numeric_limits<int64_t>::min()}}) {
    const auto parsed = ParseInt64(c.text);
    ASSERT_TRUE(parsed.has_value()) << c.text;
    EXPECT_EQ(*parsed, c.value) << c.text;
  }
}

TEST(ParseInt64Test, RejectsWhatRedisRejects) {
  for (std::string_view text : {""sv,
                                "-"sv,
                                "-0"sv,
                                "00"sv,
                                "01"sv,
                                "-01"sv,
                                "+1"sv,
                                " 1"sv,
                                "1 "sv,
                                "1a"sv,
                                "a1"sv,
                                "1.0"sv,
                                "1e3"sv,
                                "9223372036854775808"sv,
                                "-9223372036854775809"sv,
                                "18446744073709551615"sv,
                                "18446744073709551616"sv,
                                "99999999999999999999"sv,
                                "123456789012345678901"sv,
                                "--1"sv,
                                "1-"sv,
                                "1\0"sv,
                                "0x10"sv}) {
    EXPECT_FALSE(ParseInt64(text).has_value()) << '[' << text << ']';
  }
}

TEST(ParseInt64Test, ReadsOnlyTheViewNotPastIt) {
  const std::string backing = "12345";
  EXPECT_EQ(ParseInt64(std::string_view(backing).substr(0, 3)), 123);
  EXPECT_EQ(ParseInt64(std::string_view(backing).substr(0, 1)), 1);
}

TEST(ParseInt64Test, RoundTripsEveryPowerOfTenBoundary) {
  int64_t value = 1;
  for (int digits = 1; digits <= 18; ++digits, value *= 10) {
    for (int64_t v : {value, value - 1, -value, -(value * 10 - 1)}) {
      EXPECT_EQ(ParseInt64(std::to_string(v)), v);
    }
  }
}

TEST(IsRedisIntegerTest, MatchesObjectEncodingInt) {
  for (std::string_view text :
       {"0"sv, "-1"sv, "12345"sv, "9223372036854775807"sv, "-9223372036854775808"sv}) {
    EXPECT_TRUE(IsRedisInteger(text)) << text;
  }
  for (std::string_view text : {"-0"sv, "00"sv, "01"sv, "+1"sv, " 1"sv, "1 "sv, ""sv, "1.5"sv,
                                "9223372036854775808"sv, "-9223372036854775809"sv}) {
    EXPECT_FALSE(IsRedisInteger(text)) << text;
  }
}

TEST(ParseDoubleTest, AcceptsWhatZaddAccepts) {
  struct Case {
    std::string_view text;
    double value;
  };
  constexpr double kInf = std::numeric_limits<double>::infinity();
  for (const Case& c :
       {Case{"1.1", 1.1},       Case{"inf", kInf},
        Case{"+inf", kInf},     Case{"-inf", -kInf},
        Case{"Inf", kInf},      Case{"INF", kInf},
        Case{"infinity", kInf}, Case{"-Infinity", -kInf},
        Case{"0x10", 16},       Case{"0x1p3", 8},
        Case{".5", 0.5},        Case{"5.", 5},
        Case{"+5", 5},          Case{"0", 0},
        Case{"1e5", 1e5},       Case{"1E5", 1e5},
        Case{"3.0e3", 3000},    Case{"00012", 12},
        Case{"1e308", 1e308},   Case{"1.7976931348623157e308", std::numeric_limits<double>::max()},
        Case{"1e-310", 1e-310}, Case{"4.9e-324", std::numeric_limits<double>::denorm_min()}}) {
    const auto parsed = ParseDouble(c.text);
    ASSERT_TRUE(parsed.has_value()) << c.text;
    EXPECT_EQ(*parsed, c.value) << c.text;
  }
}

TEST(ParseDoubleTest, KeepsTheSignOfNegativeZero) {
  const auto parsed = ParseDouble("-0");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, 0.0);
  EXPECT_TRUE(std::signbit(*parsed));
}

TEST(ParseDoubleTest, RejectsWhatZaddRejects) {
  for (std::string_view text :
       {""sv,      "nan"sv,    "NaN"sv,    "-nan"sv, "nan(123)"sv, " 1"sv, "\t1"sv, "1 "sv,
        "1e400"sv, "-1e400"sv, "1e-400"sv, "1,5"sv,  "1_0"sv,      "e5"sv, "."sv,   "-"sv,
        "+"sv,     "1e"sv,     "1e+"sv,    "abc"sv,  "1\0"sv,      "\n"sv}) {
    EXPECT_FALSE(ParseDouble(text).has_value()) << '[' << text << ']';
  }
}

TEST(ParseDoubleTest, HasNoLengthLimit) {
  // ZADD accepts a 6002-byte "1.000..." score.
  const std::string long_text = "1." + std::string(6000, '0');
  EXPECT_EQ(ParseDouble(long_text), 1.0);
  EXPECT_FALSE(ParseDouble(long_text + "x").has_value());
}

TEST(ParseDoubleTest, ReadsOnlyTheViewNotPastIt) {
  const std::string backing = "1.25e3";
  EXPECT_EQ(ParseDouble(std::string_view(backing).substr(0, 4)), 1.25);
  EXPECT_FALSE(ParseDouble(std::string_view(backing).substr(0, 5)).has_value());  // "1.25e"
}

TEST(ParseLongDoubleTest, AcceptsWhatIncrbyfloatAccepts) {
  struct Case {
    std::string_view text;
    long double value;
  };
  constexpr long double kInf = std::numeric_limits<long double>::infinity();
  for (const Case& c : {Case{"10.5", 10.5L}, Case{"0.1", 0.1L}, Case{"3.0e3", 3000.0L},
                        Case{"0x10", 16.0L}, Case{"+5", 5.0L}, Case{".5", 0.5L}, Case{"5.", 5.0L},
                        Case{"-17.25", -17.25L}, Case{"inf", kInf}, Case{"-inf", -kInf},
                        Case{"1e4000", 1e4000L}, Case{"9007199254740993", 9007199254740993.0L},
                        Case{"1e-4940", 1e-4940L}, Case{"0x1p-16445", 0x1p-16445L}}) {
    const auto parsed = ParseLongDouble(c.text);
    ASSERT_TRUE(parsed.has_value()) << c.text;
    EXPECT_EQ(*parsed, c.value) << c.text;
  }
}

TEST(ParseLongDoubleTest, RejectsWhatIncrbyfloatRejects) {
  for (std::string_view text :
       {""sv, "nan"sv, " 1"sv, "\t1"sv, "1 "sv, "1.5 "sv, "abc"sv, "1e5000"sv, "-1e5000"sv,
        "1e-5000"sv, "1e-4960"sv, "0x1p-16446"sv, "1\0"sv}) {
    EXPECT_FALSE(ParseLongDouble(text).has_value()) << '[' << text << ']';
  }
}

TEST(ParseLongDoubleTest, RejectsTextsOfMaxLongDoubleCharsOrMore) {
  // "1." followed by zeros: INCRBYFLOAT accepts 5119 bytes and rejects 5120.
  const std::string longest_accepted = "1." + std::string(kMaxLongDoubleChars - 3, '0');
  ASSERT_EQ(longest_accepted.size(), 5119u);
  EXPECT_EQ(ParseLongDouble(longest_accepted), 1.0L);
  EXPECT_FALSE(ParseLongDouble(longest_accepted + "0").has_value());
}

}  // namespace
}  // namespace tandem::base
