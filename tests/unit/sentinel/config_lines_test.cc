#include "sentinel/config_lines.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace tandem::sentinel {
namespace {

using Args = std::vector<std::string>;

std::vector<ConfigLine> SplitOk(std::string_view text) {
  base::StatusOr<std::vector<ConfigLine>> lines = SplitConfigText(text, "s.conf");
  EXPECT_TRUE(lines.ok()) << lines.status().message();
  return lines.ok() ? *lines : std::vector<ConfigLine>{};
}

TEST(SplitConfigTextTest, SkipsCommentsAndBlankLinesAndNumbersLines) {
  const std::vector<ConfigLine> lines =
      SplitOk("# a comment\n\n   \t\nport 26380\r\n  # indented comment\n  bind 127.0.0.1 ::1  ");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].args, (Args{"port", "26380"}));
  EXPECT_EQ(lines[0].line_number, 4);
  EXPECT_EQ(lines[0].text, "port 26380");
  EXPECT_EQ(lines[0].source, "s.conf");
  EXPECT_EQ(lines[1].args, (Args{"bind", "127.0.0.1", "::1"}));
  EXPECT_EQ(lines[1].line_number, 6);
  EXPECT_EQ(lines[1].text, "bind 127.0.0.1 ::1");
}

TEST(SplitConfigTextTest, LowerCasesOnlyTheDirectiveName) {
  const std::vector<ConfigLine> lines = SplitOk("SENTINEL MONITOR MyMaster 10.0.0.1 6379 2");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].args, (Args{"sentinel", "MONITOR", "MyMaster", "10.0.0.1", "6379", "2"}));
}

TEST(SplitConfigTextTest, HonoursRedisQuoting) {
  const std::vector<ConfigLine> lines = SplitOk(
      "requirepass \"a b\\x41\\n\"\nsentinel auth-pass m 'it\\'s'\nlogfile \"\"\n"
      "dir /tmp/a#b");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].args, (Args{"requirepass", "a bA\n"}));
  EXPECT_EQ(lines[1].args, (Args{"sentinel", "auth-pass", "m", "it's"}));
  EXPECT_EQ(lines[2].args, (Args{"logfile", ""}));
  EXPECT_EQ(lines[3].args, (Args{"dir", "/tmp/a#b"}));  // '#' mid-line is not a comment
}

TEST(SplitConfigTextTest, UnbalancedQuotesNameTheLine) {
  base::StatusOr<std::vector<ConfigLine>> lines =
      SplitConfigText("port 1\n\nrequirepass \"open\n", "s.conf");
  ASSERT_FALSE(lines.ok());
  EXPECT_EQ(lines.status().message(),
            "Reading the configuration file s.conf, at line 3\n>>> 'requirepass \"open'\n"
            "Unbalanced quotes in configuration line");
  // A closing quote must be followed by a blank.
  EXPECT_FALSE(SplitConfigText("requirepass \"a\"b", "s.conf").ok());
}

TEST(ReadConfigFileTest, ReadsAFileAndReportsAMissingOne) {
  const std::string path = std::filesystem::temp_directory_path() /
                           ("tandem-sentinel-lines-" + std::to_string(::getpid()) + ".conf");
  std::ofstream(path) << "port 5\n";
  base::StatusOr<std::vector<ConfigLine>> lines = ReadConfigFile(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(lines.ok()) << lines.status().message();
  ASSERT_EQ(lines->size(), 1u);
  EXPECT_EQ((*lines)[0].source, path);

  base::StatusOr<std::vector<ConfigLine>> missing = ReadConfigFile(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            "Fatal error, can't open config file '" + path + "': No such file or directory");
}

CommandLine ParseOk(const Args& args) {
  base::StatusOr<CommandLine> parsed = ParseCommandLine(args);
  EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  return parsed.ok() ? *parsed : CommandLine{};
}

TEST(ParseCommandLineTest, FileThenOneLinePerName) {
  const CommandLine cl = ParseOk({"sentinel.conf", "--port", "26380", "--bind", "127.0.0.1", "::1",
                                  "--SENTINEL", "monitor", "m", "10.0.0.1", "6379", "2"});
  EXPECT_EQ(cl.config_file, "sentinel.conf");
  ASSERT_EQ(cl.options.size(), 3u);
  EXPECT_EQ(cl.options[0].args, (Args{"port", "26380"}));
  EXPECT_EQ(cl.options[0].source, "(command line)");
  EXPECT_EQ(cl.options[0].line_number, 1);
  EXPECT_EQ(cl.options[1].args, (Args{"bind", "127.0.0.1", "::1"}));
  EXPECT_EQ(cl.options[2].args, (Args{"sentinel", "monitor", "m", "10.0.0.1", "6379", "2"}));
  EXPECT_EQ(cl.options[2].line_number, 3);
  EXPECT_EQ(cl.options[2].text, "SENTINEL monitor m 10.0.0.1 6379 2");
}

TEST(ParseCommandLineTest, NoFileAndNameWithItsValuesInOneArgument) {
  const CommandLine cl = ParseOk({"--port 26381", "--sentinel down-after-milliseconds m 500"});
  EXPECT_EQ(cl.config_file, "");
  ASSERT_EQ(cl.options.size(), 2u);
  EXPECT_EQ(cl.options[0].args, (Args{"port", "26381"}));
  EXPECT_EQ(cl.options[1].args, (Args{"sentinel", "down-after-milliseconds", "m", "500"}));
}

TEST(ParseCommandLineTest, ValuesStayWholeEvenWithBlanksOrDashes) {
  const CommandLine cl = ParseOk({"--requirepass", "a b \"c", "--logfile", "--odd"});
  ASSERT_EQ(cl.options.size(), 2u);
  EXPECT_EQ(cl.options[0].args, (Args{"requirepass", "a b \"c"}));
  EXPECT_EQ(cl.options[1].args, (Args{"logfile", "--odd"}));  // a lone name takes the next arg
}

TEST(ParseCommandLineTest, LoneSentinelFlagIsDropped) {
  CommandLine cl = ParseOk({"s.conf", "--sentinel"});
  EXPECT_TRUE(cl.options.empty());
  cl = ParseOk({"s.conf", "--sentinel", "--port", "1"});
  ASSERT_EQ(cl.options.size(), 1u);
  EXPECT_EQ(cl.options[0].args, (Args{"port", "1"}));
}

TEST(ParseCommandLineTest, ExtraValuesJoinTheLastLineAndStrayOnesStandAlone) {
  CommandLine cl = ParseOk({"--port", "1", "2"});
  ASSERT_EQ(cl.options.size(), 1u);
  EXPECT_EQ(cl.options[0].args, (Args{"port", "1", "2"}));
  cl = ParseOk({"-x", "y"});  // starts with '-', so not a config file
  ASSERT_EQ(cl.options.size(), 1u);
  EXPECT_EQ(cl.options[0].args, (Args{"-x", "y"}));
}

TEST(ParseCommandLineTest, UnbalancedQuotesInANameFail) {
  base::StatusOr<CommandLine> parsed = ParseCommandLine({"--requirepass \"x"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("Unbalanced quotes in configuration line"),
            std::string::npos);
  EXPECT_NE(parsed.status().message().find("(command line), at line 1"), std::string::npos);
}

}  // namespace
}  // namespace tandem::sentinel
