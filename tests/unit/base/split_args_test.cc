#include "server/base/split_args.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace tandem::base {
namespace {

using namespace std::string_literals;

std::optional<std::vector<std::string>> Split(std::string_view line) {
  std::string storage = "prefix";  // offsets must count from where the output starts
  std::vector<ArgSpan> spans;
  if (!SplitInlineArgs(line, &storage, &spans)) return std::nullopt;
  std::vector<std::string> args;
  for (const ArgSpan& span : spans) args.push_back(storage.substr(span.offset, span.length));
  return args;
}

using Args = std::vector<std::string>;

TEST(InlineArgsTest, Blanks) {
  EXPECT_EQ(Split(""), Args{});
  EXPECT_EQ(Split(" \t "), Args{});
  EXPECT_EQ(Split("SET k v"), (Args{"SET", "k", "v"}));
  EXPECT_EQ(Split("  SET\t\tk   v  "), (Args{"SET", "k", "v"}));
  EXPECT_EQ(Split("a\rb\nc"), (Args{"a", "b", "c"}));
  // Leading \v and \f are skipped (isspace) but do not end an argument.
  EXPECT_EQ(Split("\x0bx\x0by\x0c"), (Args{"x\x0by\x0c"}));
}

TEST(InlineArgsTest, DoubleQuotes) {
  EXPECT_EQ(Split("\"a b\""), (Args{"a b"}));
  EXPECT_EQ(Split("\"\""), (Args{""}));
  EXPECT_EQ(Split(R"("\n\r\t\b\a\\\"\q")"), (Args{"\n\r\t\b\a\\\"q"}));
  EXPECT_EQ(Split(R"("\x41\x6a\x6A\x00z")"), (Args{"Ajj\0z"s}));
  // Not a full \xHH: the backslash escapes the 'x'.
  EXPECT_EQ(Split(R"("\x4" "\xZZ")"), (Args{"x4", "xZZ"}));
  EXPECT_EQ(Split("foo\"bar baz\" next"), (Args{"foobar baz", "next"}));
  EXPECT_EQ(Split("\"a\"\x0b"), (Args{"a"}));
}

TEST(InlineArgsTest, SingleQuotes) {
  EXPECT_EQ(Split(R"('a\'b' 'c\nd' '')"), (Args{"a'b", "c\\nd", ""}));
}

TEST(InlineArgsTest, Unbalanced) {
  EXPECT_EQ(Split("\"abc"), std::nullopt);
  EXPECT_EQ(Split("'abc"), std::nullopt);
  EXPECT_EQ(Split("\"a\"b"), std::nullopt);
  EXPECT_EQ(Split("'a'b"), std::nullopt);
  EXPECT_EQ(Split(R"("a\")"), std::nullopt);
  EXPECT_EQ(Split("\"a\\"), std::nullopt);
}

TEST(InlineArgsTest, NulEndsTheLine) {
  EXPECT_EQ(Split("a b\0c d"s), (Args{"a", "b"}));
  EXPECT_EQ(Split("\"a\0\""s), std::nullopt);
}

}  // namespace
}  // namespace tandem::base
