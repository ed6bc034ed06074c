#include "server/resp/reply_builder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::resp {
namespace {

// Runs `write` against a builder of the given protocol and returns what it appended.
template <typename Fn>
std::string Build(int protocol, Fn write) {
  std::string out;
  ReplyBuilder builder(out, protocol);
  write(builder);
  return out;
}

// Expected bytes per protocol for one call.
template <typename Fn>
void ExpectReply(Fn write, std::string_view resp2, std::string_view resp3) {
  EXPECT_EQ(Build(2, write), resp2);
  EXPECT_EQ(Build(3, write), resp3);
}

TEST(ReplyBuilderTest, SimpleTypes) {
  ExpectReply([](ReplyBuilder& b) { b.SimpleString("OK"); }, "+OK\r\n", "+OK\r\n");
  ExpectReply([](ReplyBuilder& b) { b.Integer(0); }, ":0\r\n", ":0\r\n");
  ExpectReply([](ReplyBuilder& b) { b.Integer(std::numeric_limits<int64_t>::min()); },
              ":-9223372036854775808\r\n", ":-9223372036854775808\r\n");
  ExpectReply([](ReplyBuilder& b) { b.Bulk("a\r\nb"); }, "$4\r\na\r\nb\r\n", "$4\r\na\r\nb\r\n");
  ExpectReply([](ReplyBuilder& b) { b.Bulk(""); }, "$0\r\n\r\n", "$0\r\n\r\n");
}

TEST(ReplyBuilderTest, Errors) {
  ExpectReply([](ReplyBuilder& b) { b.Error("ERR syntax error"); }, "-ERR syntax error\r\n",
              "-ERR syntax error\r\n");
  ExpectReply([](ReplyBuilder& b) { b.Error("ERR My\nerr\rx\r\n"); }, "-ERR My err x  \r\n",
              "-ERR My err x  \r\n");
}

TEST(ReplyBuilderTest, Nulls) {
  ExpectReply([](ReplyBuilder& b) { b.Null(); }, "$-1\r\n", "_\r\n");
  ExpectReply([](ReplyBuilder& b) { b.NullArray(); }, "*-1\r\n", "_\r\n");
}

TEST(ReplyBuilderTest, AggregateHeaders) {
  ExpectReply([](ReplyBuilder& b) { b.ArrayHeader(3); }, "*3\r\n", "*3\r\n");
  ExpectReply([](ReplyBuilder& b) { b.MapHeader(3); }, "*6\r\n", "%3\r\n");
  ExpectReply([](ReplyBuilder& b) { b.SetHeader(3); }, "*3\r\n", "~3\r\n");
  ExpectReply([](ReplyBuilder& b) { b.PushHeader(3); }, "*3\r\n", ">3\r\n");
  ExpectReply([](ReplyBuilder& b) { b.ArrayHeader(0); }, "*0\r\n", "*0\r\n");
}

// The texts are what redis-server 7.0 sends for ZSCORE of these scores.
TEST(ReplyBuilderTest, Doubles) {
  ExpectReply([](ReplyBuilder& b) { b.Double(1.1); }, "$18\r\n1.1000000000000001\r\n",
              ",1.1000000000000001\r\n");
  ExpectReply([](ReplyBuilder& b) { b.Double(0.1); }, "$19\r\n0.10000000000000001\r\n",
              ",0.10000000000000001\r\n");
  ExpectReply([](ReplyBuilder& b) { b.Double(3); }, "$1\r\n3\r\n", ",3\r\n");
  ExpectReply([](ReplyBuilder& b) { b.Double(1e300); }, "$23\r\n1.0000000000000001e+300\r\n",
              ",1.0000000000000001e+300\r\n");
  ExpectReply([](ReplyBuilder& b) { b.Double(INFINITY); }, "$3\r\ninf\r\n", ",inf\r\n");
  ExpectReply([](ReplyBuilder& b) { b.Double(-INFINITY); }, "$4\r\n-inf\r\n", ",-inf\r\n");
}

TEST(ReplyBuilderTest, Bools) {
  ExpectReply([](ReplyBuilder& b) { b.Bool(true); }, ":1\r\n", "#t\r\n");
  ExpectReply([](ReplyBuilder& b) { b.Bool(false); }, ":0\r\n", "#f\r\n");
}

TEST(ReplyBuilderTest, Verbatim) {
  ExpectReply([](ReplyBuilder& b) { b.Verbatim("This is a verbatim\nstring"); },
              "$25\r\nThis is a verbatim\nstring\r\n", "=29\r\ntxt:This is a verbatim\nstring\r\n");
  ExpectReply([](ReplyBuilder& b) { b.Verbatim("# x", "mkd"); }, "$3\r\n# x\r\n",
              "=7\r\nmkd:# x\r\n");
}

TEST(ReplyBuilderTest, BigNumber) {
  ExpectReply([](ReplyBuilder& b) { b.BigNumber("1234567999999999999999999999999999999"); },
              "$37\r\n1234567999999999999999999999999999999\r\n",
              "(1234567999999999999999999999999999999\r\n");
}

TEST(ReplyBuilderTest, BulkArrayAndRaw) {
  const std::vector<std::string_view> items = {"a", "", "bc"};
  ExpectReply([&](ReplyBuilder& b) { b.BulkArray(items); },
              "*3\r\n$1\r\na\r\n$0\r\n\r\n$2\r\nbc\r\n", "*3\r\n$1\r\na\r\n$0\r\n\r\n$2\r\nbc\r\n");
  ExpectReply([](ReplyBuilder& b) { b.Raw("+PONG\r\n"); }, "+PONG\r\n", "+PONG\r\n");
}

TEST(ReplyBuilderTest, AppendsAndSwitchesProtocol) {
  std::string out = "+before\r\n";
  ReplyBuilder builder(out);
  EXPECT_EQ(builder.protocol(), 2);
  builder.Null();
  builder.set_protocol(3);
  builder.Null();
  EXPECT_EQ(out, "+before\r\n$-1\r\n_\r\n");
  EXPECT_EQ(&builder.buffer(), &out);
}

}  // namespace
}  // namespace tandem::resp
