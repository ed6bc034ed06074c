#include "server/persistence/aof_reader.h"

#include <gtest/gtest.h>

#include "server/persistence/aof_writer.h"

namespace tandem::persistence {
namespace {

std::string TwoCommands() {
  AofWriter w;
  std::string_view set[] = {"SET", "k", "v\r\nwith crlf"};
  std::string_view incr[] = {"INCR", "n"};
  w.Propagate(0, set);
  w.Propagate(3, incr);
  return w.buffer();
}

TEST(AofWriterTest, SelectsTheDatabaseWhenItChanges) {
  AofWriter w;
  std::string_view set[] = {"SET", "k", "v"};
  std::string_view multi[] = {"MULTI"};
  w.Propagate(0, set);
  w.Propagate(0, set);
  w.Propagate(-1, multi);
  w.Propagate(1, set);
  EXPECT_EQ(w.buffer(),
            "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
            "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"
            "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"
            "*1\r\n$5\r\nMULTI\r\n"
            "*2\r\n$6\r\nSELECT\r\n$1\r\n1\r\n"
            "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
  w.buffer().clear();
  w.ForgetSelectedDb();
  w.Propagate(1, set);
  EXPECT_EQ(w.buffer().substr(0, 16), "*2\r\n$6\r\nSELECT\r\n");
}

TEST(AofReaderTest, ReadsEveryCommand) {
  std::string data = "#TS:1700000000\r\n" + TwoCommands();
  AofCommandReader reader(data);
  std::vector<std::string_view> argv;
  std::vector<std::vector<std::string>> got;
  AofReadResult r;
  while ((r = reader.Next(&argv)) == AofReadResult::kCommand)
    got.emplace_back(argv.begin(), argv.end());
  EXPECT_EQ(r, AofReadResult::kEnd);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[1], (std::vector<std::string>{"SET", "k", "v\r\nwith crlf"}));
  EXPECT_EQ(got[3], (std::vector<std::string>{"INCR", "n"}));
  EXPECT_EQ(reader.valid_up_to(), data.size());
}

// Every proper prefix that ends inside a command is a truncation, never corruption, and the
// valid length is where the last complete command ended.
TEST(AofReaderTest, EveryCutIsATruncationAtTheLastCompleteCommand) {
  std::string data = TwoCommands();
  std::vector<size_t> ends;
  {
    AofCommandReader reader(data);
    std::vector<std::string_view> argv;
    while (reader.Next(&argv) == AofReadResult::kCommand) ends.push_back(reader.valid_up_to());
  }
  for (size_t cut = 0; cut < data.size(); ++cut) {
    std::string_view prefix(data.data(), cut);
    AofCommandReader reader(prefix);
    std::vector<std::string_view> argv;
    AofReadResult r;
    while ((r = reader.Next(&argv)) == AofReadResult::kCommand) {
    }
    size_t expected = 0;
    for (size_t e : ends) {
      if (e <= cut) expected = e;
    }
    if (cut == expected) {
      EXPECT_EQ(r, AofReadResult::kEnd) << cut;
    } else {
      EXPECT_EQ(r, AofReadResult::kTruncated) << cut;
    }
    EXPECT_EQ(reader.valid_up_to(), expected) << cut;
  }
}

TEST(AofReaderTest, MalformedDataIsCorruptionWithItsOffset) {
  std::string good = TwoCommands();
  struct Case {
    std::string tail;
    size_t offset;  // from the start of the tail
  };
  const Case cases[] = {
      {"+OK\r\n", 0},                        // not an array
      {"*0\r\n", 0},                         // no arguments
      {"*x\r\n", 0},                         // not a number
      {"*1\r\n:5\r\n", 4},                   // not a bulk string
      {"*1\r\n$-1\r\n", 4},                  // negative length
      {"*1\r\n$3\r\nabcd\r\n", 11},          // longer than its length
      {"*1\r\n$3\r\nabcXY", 11},             // no CRLF after the bytes
      {"*2\r\n$1\r\na\r\nGARBAGE\r\n", 11},  // the second argument is garbage
      {"*1x", 0},                            // a bad partial header, not a truncation
  };
  for (const Case& c : cases) {
    std::string data = good + c.tail;
    AofCommandReader reader(data);
    std::vector<std::string_view> argv;
    AofReadResult r;
    while ((r = reader.Next(&argv)) == AofReadResult::kCommand) {
    }
    EXPECT_EQ(r, AofReadResult::kCorrupt) << c.tail;
    EXPECT_EQ(reader.error_offset(), good.size() + c.offset) << c.tail;
    EXPECT_EQ(reader.valid_up_to(), good.size()) << c.tail;
  }
}

TEST(AofReaderTest, StartsAfterAPreamble) {
  std::string data = "REDIS-preamble-bytes" + TwoCommands();
  AofCommandReader reader(data, 20);
  std::vector<std::string_view> argv;
  ASSERT_EQ(reader.Next(&argv), AofReadResult::kCommand);
  EXPECT_EQ(argv[0], "SELECT");
}

}  // namespace
}  // namespace tandem::persistence
