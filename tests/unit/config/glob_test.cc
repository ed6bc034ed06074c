#include "server/base/glob.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace tandem::base {
namespace {

TEST(GlobTest, LiteralsAndWildcards) {
  EXPECT_TRUE(GlobMatch("hello", "hello"));
  EXPECT_FALSE(GlobMatch("hello", "hellO"));
  EXPECT_FALSE(GlobMatch("hello", "hello!"));
  EXPECT_TRUE(GlobMatch("h?llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h?llo", "hllo"));
  EXPECT_TRUE(GlobMatch("h*llo", "hllo"));
  EXPECT_TRUE(GlobMatch("h*llo", "heeeello"));
  EXPECT_TRUE(GlobMatch("*", "anything"));
  EXPECT_TRUE(GlobMatch("a*", "a"));
  EXPECT_TRUE(GlobMatch("a**", "a"));
  EXPECT_TRUE(GlobMatch("*b*", "abc"));
  EXPECT_FALSE(GlobMatch("a*b", "a"));
  EXPECT_TRUE(GlobMatch("a*b", "ab"));
  EXPECT_TRUE(GlobMatch("*.conf", "redis.conf"));
  EXPECT_TRUE(GlobMatch("", ""));
  EXPECT_FALSE(GlobMatch("", "a"));
}

// Redis's matcher, unlike KEYS * (which skips matching), does not match "" with any '*' pattern.
TEST(GlobTest, EmptyTextMatchesOnlyTheEmptyPattern) {
  EXPECT_FALSE(GlobMatch("*", ""));
  EXPECT_FALSE(GlobMatch("**", ""));
  EXPECT_FALSE(GlobMatch("?", ""));
  EXPECT_FALSE(GlobMatch("[", ""));
  EXPECT_TRUE(GlobMatch("", ""));
}

TEST(GlobTest, Classes) {
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[ae]llo", "hillo"));
  EXPECT_TRUE(GlobMatch("h[^e]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[^e]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[a-b]llo", "hbllo"));
  EXPECT_FALSE(GlobMatch("h[a-b]llo", "hcllo"));
}

// Each case was checked with KEYS against redis-server 7.0.15 holding these keys.
TEST(GlobTest, EdgeCasesAsRedis70) {
  struct Case {
    const char* pattern;
    const char* matches;  // the keys matched, space separated
  };
  const Case cases[] = {
      {"[^", "- A \\ ] ^ a b"},  // an unclosed negated empty class: any one byte
      {"a*b", "ab"},
      {"[a", "a"},
      {"[a-", "- a"},  // unclosed: '-' is a plain member
      {"a\\", "a\\"},  // a trailing backslash is literal
      {"[\\", "\\"},
      {"[\\]", "]"},  // \] inside a class is a literal ]
      {"[]]", ""},    // [] is an empty class, then a literal ]
      {"[]", ""},
      {"[^]", "- A \\ ] ^ a b"},
      {"[^]]", ""},
      {"[b-a]", "a b"},  // reversed range
      {"[\\-]", "-"},
      {"*\\", "\\ a\\"},
      {"\\*", ""},
      {"[a-]", "] ^ a"},  // the range a..']' (reversed), class unclosed
      {"[-a]", "- a"},
      {"[^a-b]", "- A \\ ] ^"},
  };
  const char* keys[] = {"-", "A", "\\", "]", "^", "a", "a\\", "ab", "b"};  // sorted, as listed
  for (const Case& c : cases) {
    std::string matched;
    for (const char* key : keys) {
      if (!GlobMatch(c.pattern, key)) continue;
      if (!matched.empty()) matched += ' ';
      matched += key;
    }
    EXPECT_EQ(matched, c.matches) << "pattern " << c.pattern;
  }
}

TEST(GlobTest, Escapes) {
  EXPECT_TRUE(GlobMatch("a\\*b", "a*b"));
  EXPECT_FALSE(GlobMatch("a\\*b", "axb"));
  EXPECT_TRUE(GlobMatch("a\\?", "a?"));
  EXPECT_FALSE(GlobMatch("a\\?", "ab"));
  EXPECT_TRUE(GlobMatch("\\[x]", "[x]"));
}

TEST(GlobTest, NoCase) {
  EXPECT_TRUE(GlobMatch("MaxMemory*", "maxmemory-policy", true));
  EXPECT_FALSE(GlobMatch("MaxMemory*", "maxmemory-policy", false));
  EXPECT_TRUE(GlobMatch("[A-C]x", "bX", true));
  EXPECT_TRUE(GlobMatch("[abc]", "B", true));
  // An escaped byte inside a class compares exactly, even with nocase (as in Redis).
  EXPECT_FALSE(GlobMatch("[\\A]", "a", true));
  EXPECT_TRUE(GlobMatch("[\\A]", "A", true));
}

TEST(GlobTest, BytesCompareAsSignedChars) {
  // On x86-64 Redis sees 0xff as -1, so [a-\xff] is the range -1..'a'.
  EXPECT_TRUE(GlobMatch("[a-\xff]", "\xff"));
  EXPECT_TRUE(GlobMatch("[a-\xff]", "A"));
  EXPECT_FALSE(GlobMatch("[a-\xff]", "b"));
  EXPECT_TRUE(GlobMatch(std::string_view("a\0b", 3), std::string_view("a\0b", 3)));
}

TEST(GlobTest, PathologicalPatternsStayFast) {
  const std::string text(60, 'a');
  const std::string pattern = "a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b";
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(GlobMatch(pattern, text));
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", text));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(1));
}

TEST(GlobTest, NestingDeeperThanRedisAllowsDoesNotMatch) {
  std::string pattern;
  std::string text;
  for (int i = 0; i < 1200; ++i) {
    pattern += "*a";
    text += "a";
  }
  EXPECT_FALSE(GlobMatch(pattern, text));
  std::string shallow;
  for (int i = 0; i < 900; ++i) shallow += "*a";
  EXPECT_TRUE(GlobMatch(shallow, text));
}

}  // namespace
}  // namespace tandem::base
