#include "server/base/double_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <string_view>

#include "server/base/number_parse.h"

namespace tandem::base {
namespace {

std::string Format(double value) {
  char buf[kFormatDoubleBufferSize];
  return std::string(buf, FormatDouble(value, buf));
}

// Expected texts are ZSCORE replies observed on redis-server 7.0.15 (skiplist encoding) after
// ZADD z <input> a.
TEST(FormatDoubleTest, MatchesZscoreReplies) {
  struct Case {
    std::string_view input;
    std::string_view reply;
  };
  for (const Case& c : {
           Case{"1.1", "1.1000000000000001"},
           Case{"0.1", "0.10000000000000001"},
           Case{"inf", "inf"},
           Case{"-inf", "-inf"},
           Case{"-0", "-0"},
           Case{"0", "0"},
           Case{"100", "100"},
           Case{"-1.5", "-1.5"},
           Case{"3.0e3", "3000"},
           Case{"1e5", "100000"},
           Case{"1e15", "1000000000000000"},
           Case{"1e16", "10000000000000000"},
           Case{"1e17", "1e+17"},
           Case{"99999999999999999", "1e+17"},
           Case{"123456789012345678", "1.2345678901234568e+17"},
           Case{"123456789012345.6", "123456789012345.59"},
           Case{"1e21", "1e+21"},
           Case{"1e22", "1e+22"},
           Case{"1e308", "1e+308"},
           Case{"-1e300", "-1.0000000000000001e+300"},
           Case{"1.7976931348623157e308", "1.7976931348623157e+308"},
           Case{"0.0001", "0.0001"},
           Case{"1e-5", "1.0000000000000001e-05"},
           Case{"2.5e-5", "2.5000000000000001e-05"},
           Case{"1.5e-7", "1.4999999999999999e-07"},
           Case{"0.30000000000000004", "0.30000000000000004"},
           Case{"3.141592653589793", "3.1415926535897931"},
           Case{"1e-310", "9.9999999999999694e-311"},
           Case{"-1e-320", "-9.9998886718268301e-321"},
           Case{"4.9e-324", "4.9406564584124654e-324"},
           Case{"-2.2250738585072014e-308", "-2.2250738585072014e-308"},
       }) {
    const auto value = ParseDouble(c.input);
    ASSERT_TRUE(value.has_value()) << c.input;
    EXPECT_EQ(Format(*value), c.reply) << c.input;
  }
}

TEST(FormatDoubleTest, ZincrbySum) {
  // ZADD z 0.1 a; ZINCRBY z 0.2 a
  EXPECT_EQ(Format(0.1 + 0.2), "0.30000000000000004");
}

TEST(FormatDoubleTest, AgreesWithPrintfOnRandomBitPatterns) {
  std::mt19937_64 rng(20240607);
  for (int i = 0; i < 200000; ++i) {
    const uint64_t bits = rng();
    double value;
    std::memcpy(&value, &bits, sizeof(value));
    if (std::isnan(value)) continue;
    char expected[64];
    const int length = std::snprintf(expected, sizeof(expected), "%.17g", value);
    ASSERT_EQ(Format(value), std::string(expected, static_cast<size_t>(length)));
  }
}

// Expected texts are INCRBYFLOAT replies observed on redis-server 7.0.15.
TEST(FormatLongDoubleTest, MatchesIncrbyfloatReplies) {
  struct Case {
    std::string_view start;  // the key's value before INCRBYFLOAT; empty: the key is missing
    std::string_view increment;
    std::string_view reply;
  };
  for (const Case& c : {
           Case{"10.5", "0.1", "10.6"},
           Case{"", "3.0e3", "3000"},
           Case{"", "5.0e3", "5000"},
           Case{"", "-0", "0"},
           Case{"", "-0.0", "0"},
           Case{"1", "-1", "0"},
           Case{"10", "-10.0", "0"},
           Case{"", "0.1", "0.1"},
           Case{"0.1", "0.2", "0.3"},
           Case{"", "1.1", "1.1"},
           Case{"3", "1.5", "4.5"},
           Case{"", "-0.5", "-0.5"},
           Case{"", "2.5", "2.5"},
           Case{"", "-17.25", "-17.25"},
           Case{"", "1.5e-5", "0.000015"},
           Case{"", "1e-17", "0.00000000000000001"},
           Case{"", "5e-18", "0"},
           Case{"", "1e-20", "0"},
           Case{"", "-1e-20", "0"},
           Case{"", "1e-310", "0"},
           Case{"", "1e-4940", "0"},
           Case{"", "0x10", "16"},
           Case{"", "0.1234567890123456789", "0.12345678901234568"},
           Case{"", "123456789.123456789", "123456789.12345678899873747"},
           Case{"", "9007199254740993", "9007199254740993"},
           Case{"", "12345678901234567890", "12345678901234567890"},
           Case{"9223372036854775807", "1", "9223372036854775808"},
           Case{"", "1e20", "100000000000000000000"},
           Case{"", "1e30", "1000000000000000000024696061952"},
       }) {
    long double value = 0;
    if (!c.start.empty()) {
      const auto start = ParseLongDouble(c.start);
      ASSERT_TRUE(start.has_value()) << c.start;
      value = *start;
    }
    const auto increment = ParseLongDouble(c.increment);
    ASSERT_TRUE(increment.has_value()) << c.increment;
    EXPECT_EQ(FormatLongDouble(value + *increment), c.reply) << c.start << " + " << c.increment;
  }
}

TEST(FormatLongDoubleTest, PrintsEveryDigitOfHugeValues) {
  // INCRBYFLOAT k 1e4000 replies with 4000 digits; 1.18e4932 with 4933.
  const std::string text = FormatLongDouble(1e4000L);
  EXPECT_EQ(text.size(), 4000u);
  EXPECT_TRUE(text.starts_with("9999999999999999999965463873099623784932")) << text.substr(0, 40);
  EXPECT_TRUE(text.ends_with("272729951206648276349901340672"));
  EXPECT_EQ(FormatLongDouble(1.18e4932L).size(), 4933u);
  EXPECT_LT(FormatLongDouble(-std::numeric_limits<long double>::max()).size(), kMaxLongDoubleChars);
}

TEST(FormatLongDoubleTest, Infinities) {
  EXPECT_EQ(FormatLongDouble(std::numeric_limits<long double>::infinity()), "inf");
  EXPECT_EQ(FormatLongDouble(-std::numeric_limits<long double>::infinity()), "-inf");
}

TEST(FormatLongDoubleTest, OutputParsesBackToTheSameText) {
  // What INCRBYFLOAT stores must be readable by the next INCRBYFLOAT.
  for (long double value : {10.6L, -0.000001L, 1e30L, 123456789.123456789L, 1e-17L}) {
    const std::string text = FormatLongDouble(value);
    const auto reparsed = ParseLongDouble(text);
    ASSERT_TRUE(reparsed.has_value()) << text;
    EXPECT_EQ(FormatLongDouble(*reparsed), text);
  }
}

}  // namespace
}  // namespace tandem::base
