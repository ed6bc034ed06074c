#include "server/config/config_file.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "tests/unit/config/line_error.h"
#include "tests/unit/config/temp_dir_test.h"

namespace tandem::config {
namespace {

using Args = std::vector<std::string>;

Args Split(std::string_view line) {
  std::optional<Args> args = SplitArgs(line);
  EXPECT_TRUE(args.has_value()) << line;
  return args.value_or(Args{"<unbalanced>"});
}

TEST(SplitArgsTest, BlanksSeparateArguments) {
  EXPECT_EQ(Split("port 6379"), (Args{"port", "6379"}));
  EXPECT_EQ(Split("  save\t900   1  "), (Args{"save", "900", "1"}));
  EXPECT_EQ(Split(""), Args{});
  EXPECT_EQ(Split("   "), Args{});
}

TEST(SplitArgsTest, DoubleQuotes) {
  EXPECT_EQ(Split("requirepass \"a b\""), (Args{"requirepass", "a b"}));
  EXPECT_EQ(Split("x \"\""), (Args{"x", ""}));
  EXPECT_EQ(Split("x \"\\n\\r\\t\\b\\a\\\\\\\"\""), (Args{"x", "\n\r\t\b\a\\\""}));
  EXPECT_EQ(Split("x \"\\x41\\x7a\\xzz\""), (Args{"x",
                                                  "Az"
                                                  "xzz"}));
  EXPECT_EQ(Split("x \"\\q\""), (Args{"x", "q"}));
  EXPECT_EQ(Split("x \"\\x00\""), (Args{"x", std::string(1, '\0')}));
  EXPECT_EQ(Split("ab\"c d\" e"), (Args{"abc d", "e"}));  // a quote may open mid-argument
}

TEST(SplitArgsTest, SingleQuotes) {
  EXPECT_EQ(Split("x 'a b'"), (Args{"x", "a b"}));
  EXPECT_EQ(Split("x 'it\\'s'"), (Args{"x", "it's"}));
  EXPECT_EQ(Split("x 'a\\nb'"), (Args{"x", "a\\nb"}));
}

TEST(SplitArgsTest, UnbalancedQuotes) {
  EXPECT_FALSE(SplitArgs("port \"abc").has_value());
  EXPECT_FALSE(SplitArgs("port 'abc").has_value());
  EXPECT_FALSE(SplitArgs("port \"1\"2").has_value());  // a closing quote needs a blank after it
  EXPECT_FALSE(SplitArgs("port '1'2").has_value());
  EXPECT_FALSE(SplitArgs("x \"abc\\").has_value());
}

TEST(SplitArgsTest, StopsAtNul) {
  EXPECT_EQ(Split(std::string_view("a b\0c d", 7)), (Args{"a", "b"}));
}

TEST(QuoteArgTest, RoundTrips) {
  EXPECT_EQ(QuoteArg("abc"), "\"abc\"");
  EXPECT_EQ(QuoteArg(""), "\"\"");
  EXPECT_EQ(QuoteArg("a\"b\\c\n\x01\xff"), "\"a\\\"b\\\\c\\n\\x01\\xff\"");
  for (const std::string& original :
       {std::string("a b"), std::string("\t\"'\\\x7f", 5), std::string("x\0y", 3)}) {
    EXPECT_EQ(Split("name " + QuoteArg(original)), (Args{"name", original}));
  }
}

TEST(ParseConfigTextTest, SkipsCommentsAndBlanksAndKeepsLineNumbers) {
  const std::string text =
      "# a comment\n"
      "\n"
      "PORT 6380\r\n"
      "   # indented comment\n"
      "  Save 900 1   \n"
      "\t\n"
      "logfile \"\"";
  base::StatusOr<std::vector<ConfigLine>> lines = ParseConfigText(text, "t.conf");
  ASSERT_TRUE(lines.ok()) << lines.status().message();
  ASSERT_EQ(lines->size(), 3u);
  EXPECT_EQ((*lines)[0].args, (Args{"port", "6380"}));
  EXPECT_EQ((*lines)[0].line_number, 3);
  EXPECT_EQ((*lines)[0].source, "t.conf");
  EXPECT_EQ((*lines)[0].text, "PORT 6380");
  EXPECT_EQ((*lines)[1].args, (Args{"save", "900", "1"}));
  EXPECT_EQ((*lines)[1].line_number, 5);
  EXPECT_EQ((*lines)[1].text, "Save 900 1");
  EXPECT_EQ((*lines)[2].args, (Args{"logfile", ""}));
  EXPECT_EQ((*lines)[2].line_number, 7);
}

TEST(ParseConfigTextTest, TrailingCommentIsArguments) {
  base::StatusOr<std::vector<ConfigLine>> lines = ParseConfigText("port 1 # x\n", "t.conf");
  ASSERT_TRUE(lines.ok());
  EXPECT_EQ((*lines)[0].args, (Args{"port", "1", "#", "x"}));
}

TEST(ParseConfigTextTest, UnbalancedQuotesNameTheLine) {
  base::StatusOr<std::vector<ConfigLine>> lines =
      ParseConfigText("port 1\n\nrequirepass \"abc\n", "/etc/tandem.conf");
  ASSERT_FALSE(lines.ok());
  EXPECT_EQ(lines.status().message(),
            "Reading the configuration file /etc/tandem.conf, at line 3\n"
            ">>> 'requirepass \"abc'\n"
            "Unbalanced quotes in configuration line");
}

using IncludeTest = TempDirTest;

TEST_F(IncludeTest, ReadsTheIncludedFileInPlace) {
  const std::string inner = Write("inner.conf", "maxmemory 1mb\nhz 20\n");
  const std::string outer = Write("outer.conf", "port 1\ninclude " + inner + "\nport 2\n");
  base::StatusOr<std::vector<ConfigLine>> lines = ReadConfigFile(outer);
  ASSERT_TRUE(lines.ok()) << lines.status().message();
  ASSERT_EQ(lines->size(), 4u);
  EXPECT_EQ((*lines)[0].args[0], "port");
  EXPECT_EQ((*lines)[1].args, (Args{"maxmemory", "1mb"}));
  EXPECT_EQ((*lines)[1].source, inner);
  EXPECT_EQ((*lines)[1].line_number, 1);
  EXPECT_EQ((*lines)[2].args, (Args{"hz", "20"}));
  EXPECT_EQ((*lines)[3].args, (Args{"port", "2"}));
  EXPECT_EQ((*lines)[3].source, outer);
  EXPECT_EQ((*lines)[3].line_number, 3);
}

TEST_F(IncludeTest, GlobsReadEveryMatchInOrderAndMayMatchNothing) {
  Write("b.conf", "hz 2\n");
  Write("a.conf", "hz 1\n");
  const std::string outer = Write("main", "include " + (dir_ / "*.conf").string() + "\ninclude " +
                                              (dir_ / "none-*.conf").string() + "\n");
  base::StatusOr<std::vector<ConfigLine>> lines = ReadConfigFile(outer);
  ASSERT_TRUE(lines.ok()) << lines.status().message();
  ASSERT_EQ(lines->size(), 2u);
  EXPECT_EQ((*lines)[0].args, (Args{"hz", "1"}));
  EXPECT_EQ((*lines)[1].args, (Args{"hz", "2"}));
}

TEST_F(IncludeTest, MissingFileFails) {
  const std::string missing = (dir_ / "missing.conf").string();
  const std::string outer = Write("outer.conf", "\ninclude " + missing + "\n");
  base::StatusOr<std::vector<ConfigLine>> lines = ReadConfigFile(outer);
  ASSERT_FALSE(lines.ok());
  EXPECT_EQ(lines.status().message(), LineError(outer, 2, "include " + missing,
                                                "Fatal error, can't open config file '" + missing +
                                                    "': No such file or directory"));
  EXPECT_EQ(ReadConfigFile(missing).status().message(),
            "Fatal error, can't open config file '" + missing + "': No such file or directory");
}

TEST_F(IncludeTest, LoopsAreRefused) {
  const std::string a = (dir_ / "a.conf").string();
  const std::string b = Write("b.conf", "include " + a + "\n");
  Write("a.conf", "port 1\ninclude " + b + "\n");
  base::StatusOr<std::vector<ConfigLine>> lines = ReadConfigFile(a);
  ASSERT_FALSE(lines.ok());
  EXPECT_EQ(lines.status().message(),
            LineError(a, 2, "include " + b,
                      LineError(b, 1, "include " + a,
                                "include loop: '" + a + "' is already being read")));

  const std::string self = Write("self.conf", "include " + (dir_ / "self.conf").string() + "\n");
  EXPECT_FALSE(ReadConfigFile(self).ok());
}

TEST_F(IncludeTest, SameFileTwiceInARowIsNoLoop) {
  const std::string inner = Write("inner.conf", "hz 5\n");
  const std::string outer = Write("outer.conf", "include " + inner + "\ninclude " + inner + "\n");
  base::StatusOr<std::vector<ConfigLine>> lines = ReadConfigFile(outer);
  ASSERT_TRUE(lines.ok()) << lines.status().message();
  EXPECT_EQ(lines->size(), 2u);
}

TEST_F(IncludeTest, IncludeWithOtherArgumentCountsIsLeftAsALine) {
  base::StatusOr<std::vector<ConfigLine>> lines = ParseConfigText("include a b\n", "t.conf");
  ASSERT_TRUE(lines.ok());
  EXPECT_EQ((*lines)[0].args, (Args{"include", "a", "b"}));  // Config::Load rejects it
}

std::vector<Args> OptionArgs(const Args& argv, std::string* config_file = nullptr) {
  base::StatusOr<CommandLine> parsed = ParseCommandLine(argv);
  EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  if (!parsed.ok()) return {};
  if (config_file != nullptr) *config_file = parsed->config_file;
  std::vector<Args> lines;
  for (const ConfigLine& line : parsed->options) lines.push_back(line.args);
  return lines;
}

TEST(ParseCommandLineTest, NamesAndValues) {
  std::string file;
  EXPECT_EQ(
      OptionArgs({"/etc/redis.conf", "--port", "6380", "--save", "", "--save", "900 1"}, &file),
      (std::vector<Args>{{"port", "6380"}, {"save", ""}, {"save", "900 1"}}));
  EXPECT_EQ(file, "/etc/redis.conf");
  EXPECT_EQ(OptionArgs({"--port", "6380"}, &file), (std::vector<Args>{{"port", "6380"}}));
  EXPECT_EQ(file, "");
  EXPECT_EQ(OptionArgs({"--save", "900", "1", "--PORT", "1"}),
            (std::vector<Args>{{"save", "900", "1"}, {"port", "1"}}));
  EXPECT_EQ(OptionArgs({"--port 6380", "--bind", "127.0.0.1", "::1"}),
            (std::vector<Args>{{"port", "6380"}, {"bind", "127.0.0.1", "::1"}}));
  EXPECT_EQ(OptionArgs({"--requirepass", "p w\"x"}),
            (std::vector<Args>{{"requirepass", "p w\"x"}}));
}

TEST(ParseCommandLineTest, SaveWithoutValue) {
  EXPECT_EQ(OptionArgs({"--save", "--port", "1"}),
            (std::vector<Args>{{"save", ""}, {"port", "1"}}));
  EXPECT_EQ(OptionArgs({"--port", "1", "--save"}),
            (std::vector<Args>{{"port", "1"}, {"save", ""}}));
}

TEST(ParseCommandLineTest, ValueThatLooksLikeAName) {
  // Only --save and --sentinel may stand alone; other names take the next argument as a value.
  EXPECT_EQ(OptionArgs({"--requirepass", "--secret"}),
            (std::vector<Args>{{"requirepass", "--secret"}}));
  EXPECT_EQ(OptionArgs({"--port"}), (std::vector<Args>{{"port"}}));
}

TEST(ParseCommandLineTest, StrayValueBecomesADirective) {
  EXPECT_EQ(OptionArgs({"x.conf", "foo", "--port", "1"}),
            (std::vector<Args>{{"foo"}, {"port", "1"}}));
}

TEST(ParseCommandLineTest, Stdin) {
  base::StatusOr<CommandLine> first = ParseCommandLine({"-", "--port", "1"});
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->config_from_stdin);
  base::StatusOr<CommandLine> last = ParseCommandLine({"x.conf", "--port", "1", "-"});
  ASSERT_TRUE(last.ok());
  EXPECT_TRUE(last->config_from_stdin);
  EXPECT_EQ(last->config_file, "x.conf");
  EXPECT_FALSE(ParseCommandLine({"--port", "1"})->config_from_stdin);
}

TEST(ParseCommandLineTest, BadQuotesInANameFail) {
  base::StatusOr<CommandLine> parsed = ParseCommandLine({"--port\"", "1"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(), LineError("(command line)", 1, "port\" \"1\"",
                                                 "Unbalanced quotes in configuration line"));
}

TEST_F(IncludeTest, StartupLinesAreFileThenStdinThenOptions) {
  const std::string file = Write("s.conf", "port 1\n");
  base::StatusOr<CommandLine> parsed = ParseCommandLine({file, "--port", "3", "-"});
  ASSERT_TRUE(parsed.ok());
  std::istringstream in("port 2\n");
  base::StatusOr<std::vector<ConfigLine>> lines = ReadStartupLines(*parsed, in);
  ASSERT_TRUE(lines.ok()) << lines.status().message();
  ASSERT_EQ(lines->size(), 3u);
  EXPECT_EQ((*lines)[0].source, file);
  EXPECT_EQ((*lines)[1].source, "(stdin)");
  EXPECT_EQ((*lines)[1].args, (Args{"port", "2"}));
  EXPECT_EQ((*lines)[2].source, "(command line)");
  EXPECT_EQ((*lines)[2].text, "port \"3\"");
}

}  // namespace
}  // namespace tandem::config
