#include "server/scripting/shebang.h"

#include <gtest/gtest.h>

namespace tandem::scripting {
namespace {

TEST(ShebangTest, NoShebangIsCompatibilityMode) {
  auto s = ParseShebang("return 1");
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->present);
  EXPECT_EQ(s->flags, 0u);
  EXPECT_EQ(s->length, 0u);
}

TEST(ShebangTest, FlagsAndLength) {
  auto s = ParseShebang("#!lua flags=no-writes,allow-oom\nreturn 1");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->present);
  EXPECT_EQ(s->flags, kScriptNoWrites | kScriptAllowOom);
  EXPECT_EQ(s->length, 31u);  // up to, not including, the newline

  s = ParseShebang(
      "#!lua flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\n");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->flags, kScriptNoWrites | kScriptAllowOom | kScriptAllowStale | kScriptNoCluster |
                          kScriptAllowCrossSlotKeys);

  s = ParseShebang("#!lua\nreturn 1");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->present);
  EXPECT_EQ(s->flags, 0u);
  // Split like sdssplitargs: runs of blanks and quotes.
  s = ParseShebang("#!lua  \"flags=no-writes\"  \nreturn 1");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->flags, kScriptNoWrites);
  s = ParseShebang("#!lua flags=\nreturn 1");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->flags, 0u);
}

TEST(ShebangTest, ErrorsAsRedis) {
  auto error = [](std::string_view body) { return ParseShebang(body).status().message(); };
  EXPECT_EQ(error("#!lua"), "ERR Invalid script shebang");
  EXPECT_EQ(error("#!luax\nreturn 1"), "ERR Unexpected engine in script shebang: #!luax");
  EXPECT_EQ(error("#!py\n"), "ERR Unexpected engine in script shebang: #!py");
  EXPECT_EQ(error("#!lua flags=bad\n"), "ERR Unexpected flag in script shebang: bad");
  EXPECT_EQ(error("#!lua flags=no-writes,\n"), "ERR Unexpected flag in script shebang: ");
  EXPECT_EQ(error("#!lua flags=no-writes,,allow-oom\n"), "ERR Unexpected flag in script shebang: ");
  EXPECT_EQ(error("#!lua name=x\n"), "ERR Unknown lua shebang option: name=x");
  EXPECT_EQ(error("#!lua flags=no-writes\tx\n"), "ERR Unknown lua shebang option: x");
}

}  // namespace
}  // namespace tandem::scripting
