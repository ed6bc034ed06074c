#include "server/resp/reply_parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "server/resp/reply_builder.h"

namespace tandem::resp {
namespace {

using Type = Reply::Type;

// Parses exactly one reply that fills `input`.
Reply ParseOne(std::string_view input) {
  ReplyParser parser;
  Reply reply;
  size_t consumed = 0;
  EXPECT_EQ(parser.Parse(input, &consumed, &reply), ParseResult::kCommand) << parser.error();
  EXPECT_EQ(consumed, input.size());
  return reply;
}

std::string ParseError(std::string_view input) {
  ReplyParser parser;
  Reply reply;
  size_t consumed = 0;
  EXPECT_EQ(parser.Parse(input, &consumed, &reply), ParseResult::kError);
  return parser.error();
}

// Every proper prefix needs more (and needed() never promises too little); the whole parses.
void ExpectEveryPrefixNeedsMore(std::string_view input) {
  ReplyParser parser;
  Reply reply;
  for (size_t k = 0; k < input.size(); ++k) {
    size_t consumed = 7;
    const std::string prefix(input.substr(0, k));
    ASSERT_EQ(parser.Parse(prefix, &consumed, &reply), ParseResult::kNeedMore) << k;
    EXPECT_EQ(consumed, 0u);
    EXPECT_TRUE(parser.needed() == 0 || (parser.needed() > k && parser.needed() <= input.size()))
        << "prefix " << k << " needed " << parser.needed();
  }
}

TEST(ReplyParserTest, Scalars) {
  Reply r = ParseOne("+OK\r\n");
  EXPECT_EQ(r.type, Type::kString);
  EXPECT_EQ(r.str, "OK");
  r = ParseOne("-ERR bad\r\n");
  EXPECT_EQ(r.type, Type::kError);
  EXPECT_EQ(r.str, "ERR bad");
  r = ParseOne("!8\r\nERR a\r\nb\r\n");
  EXPECT_EQ(r.type, Type::kError);
  EXPECT_EQ(r.str, "ERR a\r\nb");
  r = ParseOne(":-42\r\n");
  EXPECT_EQ(r.type, Type::kInteger);
  EXPECT_EQ(r.integer, -42);
  r = ParseOne("$5\r\na\r\nbc\r\n");
  EXPECT_EQ(r.type, Type::kBulk);
  EXPECT_EQ(r.str, "a\r\nbc");
  r = ParseOne("#t\r\n");
  EXPECT_EQ(r.type, Type::kBool);
  EXPECT_EQ(r.integer, 1);
  EXPECT_EQ(ParseOne("#f\r\n").integer, 0);
  r = ParseOne("(1234567999999999999999999999999999999\r\n");
  EXPECT_EQ(r.type, Type::kBigNumber);
  EXPECT_EQ(r.str, "1234567999999999999999999999999999999");
  r = ParseOne("=29\r\ntxt:This is a verbatim\nstring\r\n");
  EXPECT_EQ(r.type, Type::kVerbatim);
  EXPECT_EQ(r.format, "txt");
  EXPECT_EQ(r.str, "This is a verbatim\nstring");
}

TEST(ReplyParserTest, Doubles) {
  Reply r = ParseOne(",1.1000000000000001\r\n");
  EXPECT_EQ(r.type, Type::kDouble);
  EXPECT_EQ(r.dbl, 1.1);
  EXPECT_EQ(r.str, "1.1000000000000001");
  EXPECT_EQ(ParseOne(",inf\r\n").dbl, INFINITY);
  EXPECT_EQ(ParseOne(",-inf\r\n").dbl, -INFINITY);
  EXPECT_TRUE(std::isnan(ParseOne(",nan\r\n").dbl));
  EXPECT_EQ(ParseOne(",3\r\n").dbl, 3.0);
}

TEST(ReplyParserTest, Nils) {
  EXPECT_EQ(ParseOne("$-1\r\n").type, Type::kNil);
  EXPECT_EQ(ParseOne("*-1\r\n").type, Type::kNil);
  EXPECT_EQ(ParseOne("_\r\n").type, Type::kNil);
}

TEST(ReplyParserTest, Aggregates) {
  // What redis-server 7.0 sends for DEBUG PROTOCOL map after HELLO 3.
  Reply r = ParseOne("%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n");
  EXPECT_EQ(r.type, Type::kMap);
  ASSERT_EQ(r.elements.size(), 6u);
  EXPECT_EQ(r.elements[2].integer, 1);
  EXPECT_EQ(r.elements[3].type, Type::kBool);
  EXPECT_EQ(r.elements[3].integer, 1);

  r = ParseOne("~2\r\n+a\r\n+b\r\n");
  EXPECT_EQ(r.type, Type::kSet);
  EXPECT_EQ(r.elements.size(), 2u);
  r = ParseOne(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
  EXPECT_EQ(r.type, Type::kPush);
  EXPECT_EQ(r.elements[2].str, "hi");
  r = ParseOne("*2\r\n*1\r\n:1\r\n*0\r\n");
  EXPECT_EQ(r.type, Type::kArray);
  ASSERT_EQ(r.elements.size(), 2u);
  EXPECT_EQ(r.elements[0].elements[0].integer, 1);
  EXPECT_TRUE(r.elements[1].elements.empty());
}

TEST(ReplyParserTest, AttributesAreSkipped) {
  // DEBUG PROTOCOL attrib, as redis-server 7.0 sends it.
  const std::string input =
      "|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n"
      "$39\r\nSome real reply following the attribute\r\n";
  const Reply r = ParseOne(input);
  EXPECT_EQ(r.type, Type::kBulk);
  EXPECT_EQ(r.str, "Some real reply following the attribute");
  ExpectEveryPrefixNeedsMore(input);
  // Inside an aggregate too.
  const Reply nested = ParseOne("*2\r\n|1\r\n+a\r\n+b\r\n:1\r\n:2\r\n");
  ASSERT_EQ(nested.elements.size(), 2u);
  EXPECT_EQ(nested.elements[0].integer, 1);
}

TEST(ReplyParserTest, PipelinedReplies) {
  const std::string input = "+PONG\r\n$3\r\nabc\r\n:5\r\n";
  ReplyParser parser;
  Reply reply;
  size_t consumed = 0;
  std::string_view rest = input;
  std::vector<Type> types;
  while (!rest.empty()) {
    ASSERT_EQ(parser.Parse(rest, &consumed, &reply), ParseResult::kCommand);
    types.push_back(reply.type);
    rest.remove_prefix(consumed);
  }
  EXPECT_EQ(types, (std::vector<Type>{Type::kString, Type::kBulk, Type::kInteger}));
}

// Writes a reply with every type through ReplyBuilder, in both protocols, and reads it back.
TEST(ReplyParserTest, RoundTripThroughBuilder) {
  for (int protocol : {2, 3}) {
    SCOPED_TRACE(protocol);
    std::string out;
    ReplyBuilder b(out, protocol);
    b.ArrayHeader(10);
    b.SimpleString("OK");
    b.Error("ERR x\ny");
    b.Integer(-7);
    b.Bulk("bin\r\nary");
    b.Null();
    b.MapHeader(1);
    b.Bulk("k");
    b.Double(2.5);
    b.SetHeader(2);
    b.Bool(true);
    b.BigNumber("12345678901234567890");
    b.Verbatim("text", "txt");
    b.PushHeader(1);
    b.NullArray();
    b.Double(-INFINITY);

    ExpectEveryPrefixNeedsMore(out);
    const Reply r = ParseOne(out);
    ASSERT_EQ(r.type, Type::kArray);
    ASSERT_EQ(r.elements.size(), 10u);
    const std::vector<Reply>& e = r.elements;
    EXPECT_EQ(e[0].str, "OK");
    EXPECT_EQ(e[1].type, Type::kError);
    EXPECT_EQ(e[1].str, "ERR x y");
    EXPECT_EQ(e[2].integer, -7);
    EXPECT_EQ(e[3].str, "bin\r\nary");
    EXPECT_EQ(e[4].type, Type::kNil);
    EXPECT_EQ(e[5].type, protocol == 2 ? Type::kArray : Type::kMap);
    ASSERT_EQ(e[5].elements.size(), 2u);
    if (protocol == 2) {
      EXPECT_EQ(e[5].elements[1].str, "2.5");
    } else {
      EXPECT_EQ(e[5].elements[1].dbl, 2.5);
    }
    EXPECT_EQ(e[6].type, protocol == 2 ? Type::kArray : Type::kSet);
    ASSERT_EQ(e[6].elements.size(), 2u);
    EXPECT_EQ(e[6].elements[0].integer, 1);
    EXPECT_EQ(e[6].elements[1].str, "12345678901234567890");
    EXPECT_EQ(e[7].str, "text");
    EXPECT_EQ(e[7].type, protocol == 2 ? Type::kBulk : Type::kVerbatim);
    EXPECT_EQ(e[8].type, protocol == 2 ? Type::kArray : Type::kPush);
    EXPECT_EQ(e[8].elements[0].type, Type::kNil);
    EXPECT_EQ(e[9].type, protocol == 2 ? Type::kBulk : Type::kDouble);
    EXPECT_EQ(e[9].str, "-inf");
  }
}

TEST(ReplyParserTest, NeededCoversBulkAndAggregate) {
  ReplyParser parser;
  Reply reply;
  size_t consumed = 0;
  EXPECT_EQ(parser.Parse("$100000\r\nabc", &consumed, &reply), ParseResult::kNeedMore);
  EXPECT_EQ(parser.needed(), 9u + 100000u + 2u);
  EXPECT_EQ(parser.Parse("*1000\r\n", &consumed, &reply), ParseResult::kNeedMore);
  EXPECT_EQ(parser.needed(), 7u + 3000u);
  EXPECT_EQ(parser.Parse("*9223372036854775807\r\n", &consumed, &reply), ParseResult::kNeedMore);
}

TEST(ReplyParserTest, Errors) {
  EXPECT_EQ(ParseError("?\r\n"), "Protocol error: unexpected reply type byte 0x3f");
  EXPECT_EQ(ParseError("+OK\rX"), "Protocol error: line not ended by CRLF");
  EXPECT_EQ(ParseError(":12a\r\n"), "Protocol error: invalid integer");
  EXPECT_EQ(ParseError(":\r\n"), "Protocol error: invalid integer");
  EXPECT_EQ(ParseError("$-2\r\n"), "Protocol error: invalid bulk length");
  EXPECT_EQ(ParseError("$?\r\n"), "Protocol error: invalid bulk length");
  EXPECT_EQ(ParseError("!-1\r\n"), "Protocol error: invalid bulk length");
  EXPECT_EQ(ParseError("$3\r\nabcde"), "Protocol error: bulk string not ended by CRLF");
  EXPECT_EQ(ParseError("*-2\r\n"), "Protocol error: invalid aggregate length");
  EXPECT_EQ(ParseError("%-1\r\n"), "Protocol error: invalid aggregate length");
  EXPECT_EQ(ParseError("*?\r\n"), "Protocol error: invalid aggregate length");
  EXPECT_EQ(ParseError("#x\r\n"), "Protocol error: invalid boolean");
  EXPECT_EQ(ParseError("_x\r\n"), "Protocol error: invalid null");
  EXPECT_EQ(ParseError(",abc\r\n"), "Protocol error: invalid double");
  EXPECT_EQ(ParseError("(\r\n"), "Protocol error: invalid big number");
  EXPECT_EQ(ParseError("=3\r\ntxt\r\n"), "Protocol error: invalid verbatim string");
}

TEST(ReplyParserTest, NestingLimit) {
  std::string deep;
  for (int i = 0; i < 600; ++i) deep += "*1\r\n";
  deep += ":1\r\n";
  EXPECT_EQ(ParseError(deep), "Protocol error: replies nested too deeply");
  std::string fine;
  for (int i = 0; i < 100; ++i) fine += "*1\r\n";
  fine += ":1\r\n";
  EXPECT_EQ(ParseOne(fine).type, Type::kArray);
}

}  // namespace
}  // namespace tandem::resp
