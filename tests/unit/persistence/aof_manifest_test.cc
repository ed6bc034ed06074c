#include "server/persistence/aof_manifest.h"

#include <gtest/gtest.h>

namespace tandem::persistence {
namespace {

TEST(AofManifestTest, ParsesRedisLayoutAndFormatsItBack) {
  const std::string text =
      "file appendonly.aof.2.base.rdb seq 2 type b\n"
      "file appendonly.aof.1.incr.aof seq 1 type h\n"
      "file appendonly.aof.3.incr.aof seq 3 type i\n"
      "file appendonly.aof.4.incr.aof seq 4 type i\n";
  auto m = AofManifest::Parse(text);
  ASSERT_TRUE(m.ok()) << m.status().message();
  ASSERT_TRUE(m->base().has_value());
  EXPECT_EQ(m->base()->name, "appendonly.aof.2.base.rdb");
  EXPECT_EQ(m->base()->seq, 2);
  ASSERT_EQ(m->history().size(), 1u);
  ASSERT_EQ(m->incrs().size(), 2u);
  EXPECT_EQ(m->incrs()[1].name, "appendonly.aof.4.incr.aof");
  EXPECT_EQ(m->Format(), text);
}

TEST(AofManifestTest, KeysInAnyOrderCommentsAndUnknownKeys) {
  auto m = AofManifest::Parse(
      "# a comment\n"
      "type b seq 1 file base.rdb extra value\n"
      "FILE incr.aof SEQ 7 TYPE i\n");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->base()->name, "base.rdb");
  EXPECT_EQ(m->incrs()[0].seq, 7);
  // A new incr continues from the last sequence number; a new base from the base's.
  EXPECT_EQ(m->NewIncr("p"), "p.8.incr.aof");
  EXPECT_EQ(m->NewBase("p", false), "p.2.base.aof");
  ASSERT_EQ(m->history().size(), 1u);
  EXPECT_EQ(m->history()[0].name, "base.rdb");
  EXPECT_EQ(m->history()[0].type, AofFileType::kHistory);
}

TEST(AofManifestTest, QuotedNamesRoundTrip) {
  AofManifest m;
  m.NewBase("my file\"x", true);
  std::string text = m.Format();
  EXPECT_EQ(text, "file \"my file\\\"x.1.base.rdb\" seq 1 type b\n");
  auto back = AofManifest::Parse(text);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->base()->name, "my file\"x.1.base.rdb");
}

void ExpectError(const std::string& text, const std::string& reason, int line) {
  auto m = AofManifest::Parse(text);
  ASSERT_FALSE(m.ok()) << text;
  EXPECT_NE(m.status().message().find(reason), std::string::npos) << m.status().message();
  EXPECT_NE(m.status().message().find("line " + std::to_string(line)), std::string::npos)
      << m.status().message();
}

TEST(AofManifestTest, BadLinesAreRejectedWithTheirLineNumber) {
  const std::string good = "file a.1.base.rdb seq 1 type b\n";
  ExpectError(good + "file x seq 1\n", "Invalid AOF manifest file format", 2);
  ExpectError(good + "file x seq 1 type\n", "Invalid AOF manifest file format", 2);
  ExpectError(good + "\n", "Invalid AOF manifest file format", 2);
  ExpectError(good + "file x seq 0 type i\n", "Invalid AOF manifest file format", 2);
  ExpectError(good + "file \"x seq 1 type i\n", "Invalid AOF manifest file format", 2);
  ExpectError(good + "file d/x seq 1 type i\n", "File can't be a path, just a filename", 2);
  ExpectError(good + "file b seq 2 type b\n", "Found duplicate base file information", 2);
  ExpectError(good + "file x seq 1 type z\n", "Unknown AOF file type", 2);
  ExpectError("file x seq 2 type i\nfile y seq 2 type i\n", "Found a non-monotonic sequence number",
              2);
  ExpectError(good + "file x seq 1 type i", "too long line", 2);  // no final newline
  ExpectError("file " + std::string(1100, 'a') + " seq 1 type i\n", "too long line", 1);
  EXPECT_FALSE(AofManifest::Parse("").ok());
}

// As Redis's backgroundRewriteDoneHandler: the old base goes to history first, then the rewritten
// incremental files are put before it, oldest first.
TEST(AofManifestTest, RewriteMovesAllButTheCurrentIncrToHistory) {
  AofManifest m;
  m.NewBase("p", true);
  m.NewIncr("p");
  m.NewIncr("p");
  m.NewIncr("p");
  m.NewBase("p", true);
  m.MarkIncrsAsHistory(1);
  EXPECT_EQ(m.Format(),
            "file p.2.base.rdb seq 2 type b\n"
            "file p.1.incr.aof seq 1 type h\n"
            "file p.2.incr.aof seq 2 type h\n"
            "file p.1.base.rdb seq 1 type h\n"
            "file p.3.incr.aof seq 3 type i\n");
  m.ClearHistory();
  EXPECT_EQ(m.history().size(), 0u);
  EXPECT_EQ(m.LastIncr("p"), "p.3.incr.aof");
}

}  // namespace
}  // namespace tandem::persistence
