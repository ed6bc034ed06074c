#include "server/resp/request_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace tandem::resp {
namespace {

using namespace std::string_literals;

// What one Parse() call that made progress produced.
struct Outcome {
  ParseResult result;
  size_t consumed;
  std::vector<std::string> argv;
  std::string error;
  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  os << (o.result == ParseResult::kCommand ? "kCommand" : "kError") << " consumed=" << o.consumed
     << " error='" << o.error << "' argv={";
  for (const std::string& arg : o.argv) os << "'" << arg << "' ";
  return os << "}";
}

// Feeds `input` as it would arrive in pieces ending at `cuts` (increasing, the last being
// input.size()), parsing as far as possible after each piece, the way a connection does. Each call
// gets a fresh copy of the unconsumed bytes, so the parser cannot rely on the buffer staying put.
// Checks the needed() contract on the way.
std::vector<Outcome> Feed(std::string_view input, const std::vector<size_t>& cuts,
                          ParserLimits limits = {}) {
  RequestParser parser;
  parser.set_limits(limits);
  std::vector<Outcome> outcomes;
  std::vector<std::string_view> argv;
  size_t offset = 0;
  size_t needed = 0;  // needed() of the last kNeedMore, relative to offset
  for (size_t end : cuts) {
    while (true) {
      const std::string buffer(input.substr(offset, end - offset));
      size_t consumed = 99;
      const ParseResult result = parser.Parse(buffer, &consumed, &argv);
      if (needed > buffer.size()) {
        EXPECT_EQ(result, ParseResult::kNeedMore)
            << "needed() promised no progress below " << needed;
      }
      if (result == ParseResult::kNeedMore) {
        EXPECT_EQ(consumed, 0u);
        needed = parser.needed();
        EXPECT_TRUE(needed == 0 || needed > buffer.size()) << needed << " " << buffer.size();
        break;
      }
      needed = 0;
      Outcome outcome{result, 0, {}, {}};
      if (result == ParseResult::kError) {
        outcome.error = parser.error();
        outcomes.push_back(outcome);
        return outcomes;
      }
      EXPECT_GT(consumed, 0u);
      EXPECT_LE(consumed, buffer.size());
      outcome.consumed = consumed;
      for (std::string_view arg : argv) outcome.argv.emplace_back(arg);
      outcomes.push_back(outcome);
      offset += consumed;
    }
  }
  return outcomes;
}

std::vector<Outcome> ParseWhole(std::string_view input, ParserLimits limits = {}) {
  return Feed(input, {input.size()}, limits);
}

Outcome Command(size_t consumed, std::vector<std::string> argv) {
  return {ParseResult::kCommand, consumed, std::move(argv), {}};
}

Outcome Error(std::string error) { return {ParseResult::kError, 0, {}, std::move(error)}; }

// The result of parsing must not depend on how the bytes were split into reads.
void ExpectSplitInvariant(std::string_view input, ParserLimits limits = {}) {
  const std::vector<Outcome> whole = ParseWhole(input, limits);
  for (size_t k = 0; k <= input.size(); ++k) {
    EXPECT_EQ(Feed(input, {k, input.size()}, limits), whole) << "split at " << k;
  }
  std::vector<size_t> bytewise;
  for (size_t k = 1; k <= input.size(); ++k) bytewise.push_back(k);
  EXPECT_EQ(Feed(input, bytewise, limits), whole) << "byte by byte";
}

TEST(RequestParserTest, MultibulkPipeline) {
  const std::string input =
      "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
  EXPECT_EQ(ParseWhole(input),
            (std::vector<Outcome>{Command(31, {"SET", "k", "hello"}), Command(20, {"GET", "k"})}));
}

TEST(RequestParserTest, MultibulkArgvPointsIntoInput) {
  const std::string input = "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
  RequestParser parser;
  std::vector<std::string_view> argv;
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(input, &consumed, &argv), ParseResult::kCommand);
  ASSERT_EQ(argv.size(), 2u);
  EXPECT_EQ(argv[0].data(), input.data() + 8);
  EXPECT_EQ(argv[1].data(), input.data() + 17);
}

TEST(RequestParserTest, BinarySafeBulks) {
  EXPECT_EQ(ParseWhole("*3\r\n$4\r\nECHO\r\n$3\r\na\0b\r\n$4\r\n\r\n\r\n\r\n"s),
            (std::vector<Outcome>{Command(33, {"ECHO", "a\0b"s, "\r\n\r\n"})}));
  EXPECT_EQ(ParseWhole("*1\r\n$0\r\n\r\n"), (std::vector<Outcome>{Command(10, {""})}));
}

TEST(RequestParserTest, EmptyRequests) {
  EXPECT_EQ(ParseWhole("*0\r\n*-1\r\n*-7\r\n\r\n\n   \t\r\n"),
            (std::vector<Outcome>{Command(4, {}), Command(5, {}), Command(5, {}), Command(2, {}),
                                  Command(1, {}), Command(6, {})}));
}

TEST(RequestParserTest, InlineRequests) {
  EXPECT_EQ(ParseWhole("PING\r\nSET k v\nECHO \"a b\\x41\\n\" 'c\\'d'\r\n"),
            (std::vector<Outcome>{Command(6, {"PING"}), Command(8, {"SET", "k", "v"}),
                                  Command(25, {"ECHO", "a bA\n", "c'd"})}));
  // Only the '\r' right before '\n' belongs to the line end; another one separates arguments.
  EXPECT_EQ(ParseWhole("PING\r\r\n"), (std::vector<Outcome>{Command(7, {"PING"})}));
}

// Redis skips the two bytes after a count or bulk without checking that they are "\r\n".
TEST(RequestParserTest, SkipsTerminatorsUnchecked) {
  EXPECT_EQ(ParseWhole("*1\rX$4\rXPINGxy"), (std::vector<Outcome>{Command(14, {"PING"})}));
}

TEST(RequestParserTest, EverySplitOfValidPipelines) {
  const std::vector<std::string> pipelines = {
      "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
      "PING\r\nECHO \"a b\\x41\" 'c\\'d'\r\n*1\r\n$4\r\nPING\r\n\r\n\n*0\r\n*-1\r\nSET k v\n",
      "*2\r\n$0\r\n\r\n$3\r\na\r\n\r\n*2\r\n$4\r\nECHO\r\n$3\r\na\0b\r\nPING\n"s,
      "*1\rX$4\rXPINGxy*1\r\n$12\r\n123456789012\r\n  GET   \"k\" \r\n",
      "*12\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n"
      "$1\r\nh\r\n$1\r\ni\r\n$1\r\nj\r\n$1\r\nk\r\n$1\r\nl\r\n",
  };
  for (const std::string& input : pipelines) {
    SCOPED_TRACE(input);
    ExpectSplitInvariant(input);
  }
}

TEST(RequestParserTest, EverySplitOfInvalidInputs) {
  const std::vector<std::string> inputs = {
      "PING\r\n*1\r\n$x\r\n", "GET k\r\n*x\r\n", "*1\r\n$4\r\nPING\r\n*2\r\n:1\r\n",
      "ECHO \"abc\r\n",       "*1\r\n\r\n",      "*2\r\n$1\r\na\r\nb\r\n",
  };
  for (const std::string& input : inputs) {
    SCOPED_TRACE(input);
    ExpectSplitInvariant(input);
  }
}

TEST(RequestParserTest, ProtocolErrors) {
  struct Case {
    std::string input;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"*x\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*01\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*+1\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*-0\r\n", "ERR Protocol error: invalid multibulk length"},
      {"* 1\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*2147483648\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*99999999999999999999\r\n", "ERR Protocol error: invalid multibulk length"},
      // 18 and 19 digits: the edges of the parser's short-number fast path.
      {"*999999999999999999\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*9999999999999999999\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*1\r\n$999999999999999999\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$9999999999999999999\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$x\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$-1\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$+4\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$04\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$-0\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$536870913\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$111111111111111111111111111111\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n:3\r\n", "ERR Protocol error: expected '$', got ':'"},
      {"*1\r\n\xff\r\n", "ERR Protocol error: expected '$', got '\xff'"},
      // Redis's error formatting turns line breaks into spaces.
      {"*1\r\n\r\n", "ERR Protocol error: expected '$', got ' '"},
      {"*1\r\n\n\r\n", "ERR Protocol error: expected '$', got ' '"},
      {"*2\r\n$1\r\na\r\nb\r\n", "ERR Protocol error: expected '$', got 'b'"},
      {"ECHO \"abc\r\n", "ERR Protocol error: unbalanced quotes in request"},
      {"ECHO 'abc\r\n", "ERR Protocol error: unbalanced quotes in request"},
      {"PING \"a\"b\r\n", "ERR Protocol error: unbalanced quotes in request"},
      {"ECHO \"a\\\"\r\n", "ERR Protocol error: unbalanced quotes in request"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ParseWhole(c.input), std::vector<Outcome>{Error(c.error)}) << c.input;
  }
}

TEST(RequestParserTest, TooBigInlineRequest) {
  EXPECT_TRUE(ParseWhole(std::string(65536, 'A')).empty());
  EXPECT_EQ(ParseWhole(std::string(65537, 'A')),
            std::vector<Outcome>{Error("ERR Protocol error: too big inline request")});
  // A line end already received is found however far away it is.
  const std::string long_line = "ECHO " + std::string(70000, 'x') + "\r\n";
  EXPECT_EQ(ParseWhole(long_line),
            (std::vector<Outcome>{Command(long_line.size(), {"ECHO", std::string(70000, 'x')})}));
}

TEST(RequestParserTest, TooBigCountStrings) {
  EXPECT_TRUE(ParseWhole("*" + std::string(65535, '1')).empty());
  EXPECT_EQ(ParseWhole("*" + std::string(65536, '1')),
            std::vector<Outcome>{Error("ERR Protocol error: too big mbulk count string")});
  EXPECT_TRUE(ParseWhole("*1\r\n" + std::string(65536, '$')).empty());
  EXPECT_EQ(ParseWhole("*1\r\n" + std::string(65537, '$')),
            std::vector<Outcome>{Error("ERR Protocol error: too big bulk count string")});
}

// Redis looks for line ends with strchr(), which stops at a NUL byte: the line end after a NUL is
// never seen, and the request waits until the size limit turns it into an error.
TEST(RequestParserTest, NulHidesLineEnd) {
  RequestParser parser;
  std::vector<std::string_view> argv;
  size_t consumed = 0;
  EXPECT_EQ(parser.Parse("ECHO a\0b\r\nPING\r\n"s, &consumed, &argv), ParseResult::kNeedMore);
  EXPECT_EQ(parser.needed(), 65537u);
  EXPECT_EQ(parser.Parse("*1\r\n$\0\r\n"s, &consumed, &argv), ParseResult::kNeedMore);
  EXPECT_EQ(parser.needed(), 4u + 65537u);
  EXPECT_EQ(ParseWhole("ECHO a\0b"s + std::string(65540, 'x') + "\n"),
            std::vector<Outcome>{Error("ERR Protocol error: too big inline request")});
}

TEST(RequestParserTest, NeededCoversWholeBulk) {
  RequestParser parser;
  std::vector<std::string_view> argv;
  size_t consumed = 0;
  EXPECT_EQ(parser.Parse("", &consumed, &argv), ParseResult::kNeedMore);
  EXPECT_EQ(parser.needed(), 1u);
  std::string input = "*2\r\n$4\r\nECHO\r\n$100000\r\n";
  EXPECT_EQ(parser.Parse(input, &consumed, &argv), ParseResult::kNeedMore);
  EXPECT_EQ(parser.needed(), input.size() + 100000 + 2);
  input += std::string(100000, 'v');
  EXPECT_EQ(parser.Parse(input, &consumed, &argv), ParseResult::kNeedMore);
  EXPECT_EQ(parser.needed(), input.size() + 2);
  input += "\r\n";
  ASSERT_EQ(parser.Parse(input, &consumed, &argv), ParseResult::kCommand);
  EXPECT_EQ(consumed, input.size());
  ASSERT_EQ(argv.size(), 2u);
  EXPECT_EQ(argv[1], std::string(100000, 'v'));
  // The count line needs the byte after its '\r'.
  EXPECT_EQ(parser.Parse("*1\r", &consumed, &argv), ParseResult::kNeedMore);
  EXPECT_EQ(parser.needed(), 4u);
}

TEST(RequestParserTest, ResetDropsPartialRequest) {
  RequestParser parser;
  std::vector<std::string_view> argv;
  size_t consumed = 0;
  EXPECT_EQ(parser.Parse("*2\r\n$3\r\nGET\r\n", &consumed, &argv), ParseResult::kNeedMore);
  parser.Reset();
  ASSERT_EQ(parser.Parse("PING\r\n", &consumed, &argv), ParseResult::kCommand);
  EXPECT_EQ(argv, std::vector<std::string_view>{"PING"});
}

TEST(RequestParserTest, ShorterInputAfterNeedMoreRestarts) {
  RequestParser parser;
  std::vector<std::string_view> argv;
  size_t consumed = 0;
  EXPECT_EQ(parser.Parse("*2\r\n$3\r\nGET\r\n", &consumed, &argv), ParseResult::kNeedMore);
  ASSERT_EQ(parser.Parse("*1\r\n$1\r\nx\r\n", &consumed, &argv), ParseResult::kCommand);
  EXPECT_EQ(argv, std::vector<std::string_view>{"x"});
}

TEST(RequestParserTest, UnauthenticatedLimits) {
  const ParserLimits unauth{.authenticated = false};
  std::string ten = "*10\r\n";
  for (int i = 0; i < 10; ++i) ten += "$1\r\nx\r\n";
  EXPECT_EQ(ParseWhole(ten, unauth).size(), 1u);
  EXPECT_EQ(ParseWhole(ten, unauth)[0].result, ParseResult::kCommand);
  EXPECT_EQ(ParseWhole("*11\r\n", unauth),
            std::vector<Outcome>{Error("ERR Protocol error: unauthenticated multibulk length")});
  EXPECT_TRUE(ParseWhole("*11\r\n").empty());

  const std::string big(16384, 'b');
  EXPECT_EQ(ParseWhole("*1\r\n$16384\r\n" + big + "\r\n", unauth),
            (std::vector<Outcome>{Command(12 + big.size() + 2, {big})}));
  EXPECT_EQ(ParseWhole("*1\r\n$16385\r\n", unauth),
            std::vector<Outcome>{Error("ERR Protocol error: unauthenticated bulk length")});
  EXPECT_TRUE(ParseWhole("*1\r\n$16385\r\n").empty());
  // The bulk length limit is checked first.
  EXPECT_EQ(ParseWhole("*1\r\n$999999999999\r\n", unauth),
            std::vector<Outcome>{Error("ERR Protocol error: invalid bulk length")});
}

TEST(RequestParserTest, LimitsApplyFromTheNextHeader) {
  RequestParser parser;
  std::vector<std::string_view> argv;
  size_t consumed = 0;
  std::string input = "*11\r\n$1\r\na\r\n";
  EXPECT_EQ(parser.Parse(input, &consumed, &argv), ParseResult::kNeedMore);
  parser.set_limits({.authenticated = false});
  input += "$2\r\nbb\r\n";
  EXPECT_EQ(parser.Parse(input, &consumed, &argv), ParseResult::kNeedMore);
  input += "$20000\r\n";
  EXPECT_EQ(parser.Parse(input, &consumed, &argv), ParseResult::kError);
  EXPECT_EQ(parser.error(), "ERR Protocol error: unauthenticated bulk length");
}

TEST(RequestParserTest, ProtoMaxBulkLen) {
  const ParserLimits small{.proto_max_bulk_len = 100};
  const std::string hundred(100, 'h');
  EXPECT_EQ(ParseWhole("*1\r\n$100\r\n" + hundred + "\r\n", small),
            (std::vector<Outcome>{Command(10 + 100 + 2, {hundred})}));
  EXPECT_EQ(ParseWhole("*1\r\n$101\r\n", small),
            std::vector<Outcome>{Error("ERR Protocol error: invalid bulk length")});
  // The default is 512 MB.
  RequestParser parser;
  std::vector<std::string_view> argv;
  size_t consumed = 0;
  EXPECT_EQ(parser.Parse("*1\r\n$536870912\r\n", &consumed, &argv), ParseResult::kNeedMore);
  EXPECT_EQ(parser.needed(), 16u + 536870912u + 2u);
}

TEST(RequestParserTest, PrimaryLink) {
  const ParserLimits primary{.proto_max_bulk_len = 100, .from_primary = true};
  const std::string long_value(101, 'p');
  EXPECT_EQ(ParseWhole("*1\r\n$101\r\n" + long_value + "\r\n", primary),
            (std::vector<Outcome>{Command(10 + 101 + 2, {long_value})}));
  // Bare newlines keep the link alive; any other inline request means the stream is corrupt.
  EXPECT_EQ(ParseWhole("\n\r\n", primary), (std::vector<Outcome>{Command(1, {}), Command(2, {})}));
  EXPECT_EQ(ParseWhole("PING\r\n", primary),
            std::vector<Outcome>{Error("Master using the inline protocol. Desync?")});
}

TEST(RequestParserTest, ArgvCapacityIsReused) {
  RequestParser parser;
  std::vector<std::string_view> argv;
  argv.reserve(8);
  const std::string_view* storage = argv.data();
  size_t consumed = 0;
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(parser.Parse("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n", &consumed, &argv),
              ParseResult::kCommand);
    EXPECT_EQ(argv.size(), 3u);
    EXPECT_EQ(argv.data(), storage);
  }
}

}  // namespace
}  // namespace tandem::resp
