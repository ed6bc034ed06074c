// Stream commands through the dispatcher: XADD IDs from the clock, trimming and its events, ranges,
// XSETID, XINFO STREAM, and XREAD's blocking with "$" rewritten to the ID seen at blocking time.

#include <string>
#include <vector>

#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands {
namespace {

using resp::Reply;
using testing::IsError;

class StreamFamilyTest : public testing::CommandTest {
 protected:
  StreamFamilyTest() : reader_(AddClient(&reader_conn_, &reader_out_)) {}

  // The IDs of an XRANGE-shaped reply.
  static std::vector<std::string> Ids(const Reply& r) {
    std::vector<std::string> ids;
    for (const Reply& e : r.elements) ids.push_back(e.elements[0].str);
    return ids;
  }

  testing::RecordingConnection reader_conn_;
  std::string reader_out_;
  Client* reader_;
};

TEST_F(StreamFamilyTest, AutoIdsFollowTheClockAndNeverGoBack) {
  clock_.SetMs(5000);
  EXPECT_EQ(Run({"XADD", "s", "*", "f", "v"}).str, "5000-0");
  EXPECT_EQ(Run({"XADD", "s", "*", "f", "v"}).str, "5000-1");
  clock_.SetMs(4000);  // the clock went back: the sequence keeps growing
  EXPECT_EQ(Run({"XADD", "s", "*", "f", "v"}).str, "5000-2");
  EXPECT_EQ(Run({"XADD", "s", "5000-*", "f", "v"}).str, "5000-3");
  EXPECT_EQ(Run({"XADD", "s", "6000", "f", "v"}).str, "6000-0");
  EXPECT_TRUE(IsError(Run({"XADD", "s", "6000", "f", "v"}),
                      "ERR The ID specified in XADD is equal or smaller than the target stream "
                      "top item"));
  EXPECT_EQ(Run({"XLEN", "s"}).integer, 5);
}

TEST_F(StreamFamilyTest, ZeroIdIsRejectedBeforeTheKeyIsLookedUp) {
  Run({"SET", "str", "x"});
  EXPECT_TRUE(IsError(Run({"XADD", "str", "0-0", "f", "v"}),
                      "ERR The ID specified in XADD must be greater than 0-0"));
  EXPECT_TRUE(IsError(Run({"XADD", "str", "*", "f", "v"}),
                      "WRONGTYPE Operation against a key holding the wrong kind of value"));
}

TEST_F(StreamFamilyTest, ExactMaxlenTrimsAndNotifies) {
  WatchEvents();
  for (int i = 1; i <= 3; ++i) Run({"XADD", "s", std::to_string(i), "f", "v"});
  Events();
  EXPECT_EQ(Run({"XADD", "s", "MAXLEN", "=", "2", "4", "f", "v"}).str, "4-0");
  EXPECT_EQ(Events(), (std::vector<std::string>{"xadd s", "xtrim s"}));
  EXPECT_EQ(Ids(Run({"XRANGE", "s", "-", "+"})), (std::vector<std::string>{"3-0", "4-0"}));
  EXPECT_EQ(Run({"XTRIM", "s", "MINID", "4"}).integer, 1);
  EXPECT_EQ(Events(), (std::vector<std::string>{"xtrim s"}));
}

TEST_F(StreamFamilyTest, ApproximateTrimRemovesWholeNodesOnly) {
  ASSERT_EQ(Run({"CONFIG", "SET", "stream-node-max-entries", "5"}).str, "OK");
  for (int i = 1; i <= 12; ++i) Run({"XADD", "s", std::to_string(i), "f", "v"});
  // Nodes of 5 entries: dropping the first node would leave 7, so "~ 8" removes nothing and
  // "~ 7" removes exactly that node.
  EXPECT_EQ(Run({"XTRIM", "s", "MAXLEN", "~", "8"}).integer, 0);
  EXPECT_EQ(Run({"XTRIM", "s", "MAXLEN", "~", "7"}).integer, 5);
  EXPECT_EQ(Run({"XLEN", "s"}).integer, 7);
}

TEST_F(StreamFamilyTest, RangesCountsAndErrors) {
  for (int i = 1; i <= 4; ++i) Run({"XADD", "s", std::to_string(i) + "-1", "f", "v"});
  EXPECT_EQ(Ids(Run({"XRANGE", "s", "(2-1", "+", "COUNT", "1"})),
            (std::vector<std::string>{"3-1"}));
  EXPECT_EQ(Ids(Run({"XREVRANGE", "s", "+", "-", "COUNT", "2"})),
            (std::vector<std::string>{"4-1", "3-1"}));
  EXPECT_EQ(Wire({"XRANGE", "s", "-", "+", "COUNT", "0"}), "*-1\r\n");
  EXPECT_EQ(Wire({"XRANGE", "nokey", "-", "+"}), "*0\r\n");
  EXPECT_TRUE(IsError(Run({"XRANGE", "s", "-", "(0-0"}), "ERR invalid end ID for the interval"));
  EXPECT_TRUE(IsError(Run({"XRANGE", "s", "x", "+"}),
                      "ERR Invalid stream ID specified as stream command argument"));
}

TEST_F(StreamFamilyTest, XDelKeepsTheEmptyStreamAndTracksMaxDeleted) {
  Run({"XADD", "s", "1-1", "f", "v"});
  Run({"XADD", "s", "2-1", "f", "v"});
  EXPECT_TRUE(WatchBrokenBy({"XDEL", "s", "2-1", "9-9"}, "s"));
  EXPECT_EQ(Run({"XDEL", "s", "1-1"}).integer, 1);
  EXPECT_EQ(Run({"EXISTS", "s"}).integer, 1);
  Reply info = Run({"XINFO", "STREAM", "s"});
  ASSERT_EQ(info.elements.size(), 20u);
  EXPECT_EQ(info.elements[0].str, "length");
  EXPECT_EQ(info.elements[1].integer, 0);
  EXPECT_EQ(info.elements[7].str, "2-1");   // last-generated-id
  EXPECT_EQ(info.elements[9].str, "2-1");   // max-deleted-entry-id
  EXPECT_EQ(info.elements[11].integer, 2);  // entries-added
}

TEST_F(StreamFamilyTest, XSetIdChecksInRedisOrder) {
  EXPECT_TRUE(IsError(Run({"XSETID", "nokey", "1-0", "MAXDELETEDID", "2-0"}),
                      "ERR The ID specified in XSETID is smaller than the provided "
                      "max_deleted_entry_id"));
  EXPECT_TRUE(IsError(Run({"XSETID", "nokey", "1-0"}), "ERR no such key"));
  Run({"XADD", "s", "5-0", "f", "v"});
  EXPECT_TRUE(IsError(Run({"XSETID", "s", "4-0"}),
                      "ERR The ID specified in XSETID is smaller than the target stream top "
                      "item"));
  EXPECT_EQ(Run({"XSETID", "s", "9-0", "ENTRIESADDED", "7"}).str, "OK");
  EXPECT_EQ(Run({"XADD", "s", "9-*", "f", "v"}).str, "9-1");
  EXPECT_EQ(Run({"XINFO", "STREAM", "s"}).elements[11].integer, 8);
}

TEST_F(StreamFamilyTest, XReadReadsAfterTheGivenIds) {
  Run({"XADD", "a", "1", "f", "1"});
  Run({"XADD", "a", "2", "f", "2"});
  Run({"XADD", "b", "1", "f", "1"});
  Reply r = Run({"XREAD", "COUNT", "1", "STREAMS", "a", "b", "nokey", "1", "0", "0"});
  ASSERT_EQ(r.elements.size(), 2u);
  EXPECT_EQ(r.elements[0].elements[0].str, "a");
  EXPECT_EQ(Ids(r.elements[0].elements[1]), (std::vector<std::string>{"2-0"}));
  EXPECT_EQ(r.elements[1].elements[0].str, "b");
  EXPECT_EQ(Wire({"XREAD", "STREAMS", "a", "$"}), "*-1\r\n");
}

TEST_F(StreamFamilyTest, BlockedXReadWaitsForEntriesAfterTheDollarItSaw) {
  Run({"XADD", "s", "5", "f", "old"});
  RunAs(*reader_, reader_out_, {"XREAD", "BLOCK", "0", "STREAMS", "s", "$"});
  EXPECT_EQ(last_result_, DispatchResult::kBlocked);
  EXPECT_TRUE(reader_out_.empty());
  // Writes that add nothing after 5-0 re-run the read, which blocks again.
  Run({"XDEL", "s", "5"});
  Run({"XSETID", "s", "6"});
  EXPECT_TRUE(reader_out_.empty());
  EXPECT_EQ(state_.blocking.blocked_clients(), 1u);
  Run({"XADD", "s", "7", "f", "new"});
  Reply got = Received(reader_out_);
  ASSERT_EQ(got.elements.size(), 1u);
  EXPECT_EQ(Ids(got.elements[0].elements[1]), (std::vector<std::string>{"7-0"}));
  EXPECT_EQ(state_.blocking.blocked_clients(), 0u);
}

TEST_F(StreamFamilyTest, BlockedXReadIgnoresAKeyThatBecameAnotherType) {
  RunAs(*reader_, reader_out_, {"XREAD", "BLOCK", "0", "STREAMS", "s", "$"});
  Run({"SET", "s", "x"});
  EXPECT_TRUE(reader_out_.empty());
  Run({"DEL", "s"});
  Run({"XADD", "s", "1", "f", "v"});
  EXPECT_EQ(Ids(Received(reader_out_).elements[0].elements[1]), (std::vector<std::string>{"1-0"}));
}

TEST_F(StreamFamilyTest, XReadTimeoutAndMulti) {
  clock_.SetMs(1000);
  RunAs(*reader_, reader_out_, {"XREAD", "BLOCK", "100", "STREAMS", "s", "$"});
  state_.blocking.ExpireTimeouts(1099);
  EXPECT_TRUE(reader_out_.empty());
  state_.blocking.ExpireTimeouts(1100);
  EXPECT_EQ(reader_out_, "*-1\r\n");
  Run({"MULTI"});
  Run({"XREAD", "BLOCK", "0", "STREAMS", "s", "$"});
  EXPECT_EQ(Wire({"EXEC"}), "*1\r\n*-1\r\n");
}

TEST_F(StreamFamilyTest, CommandRowsAndKeyFinder) {
  Reply keys = Run({"COMMAND", "GETKEYS", "XREAD", "BLOCK", "1", "STREAMS", "a", "b", "1", "2"});
  ASSERT_EQ(keys.elements.size(), 2u);
  EXPECT_EQ(keys.elements[0].str, "a");
  EXPECT_EQ(keys.elements[1].str, "b");
  EXPECT_EQ(state_.commands.Find("xadd")->arity, -5);
  EXPECT_TRUE(state_.commands.Find("xread")->flags & kBlocking);
}

}  // namespace
}  // namespace tandem::commands
