// Consumer-group commands through the dispatcher, with the manual clock for idle times: delivery
// and PEL bookkeeping, XCLAIM/XAUTOCLAIM idle filters, XINFO, events, and blocked XREADGROUP
// clients woken by XADD, by XGROUP DESTROY and by the deletion of their stream.

#include <string>
#include <vector>

#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands {
namespace {

using resp::Reply;
using testing::IsError;

class StreamGroupTest : public testing::CommandTest {
 protected:
  StreamGroupTest() : reader_(AddClient(&reader_conn_, &reader_out_)) {
    clock_.SetMs(10'000);
    for (int i = 1; i <= 4; ++i) Run({"XADD", "s", std::to_string(i), "f", std::to_string(i)});
    EXPECT_EQ(Run({"XGROUP", "CREATE", "s", "g", "0"}).str, "OK");
  }

  // The IDs of a one-stream XREADGROUP reply.
  static std::vector<std::string> Ids(const Reply& r) {
    std::vector<std::string> ids;
    if (r.elements.empty()) return ids;
    for (const Reply& e : r.elements[0].elements[1].elements) ids.push_back(e.elements[0].str);
    return ids;
  }
  // XPENDING's extended rows as "id consumer idle count".
  std::vector<std::string> Pending() {
    std::vector<std::string> rows;
    for (const Reply& row : Run({"XPENDING", "s", "g", "-", "+", "100"}).elements) {
      rows.push_back(row.elements[0].str + " " + row.elements[1].str + " " +
                     std::to_string(row.elements[2].integer) + " " +
                     std::to_string(row.elements[3].integer));
    }
    return rows;
  }

  testing::RecordingConnection reader_conn_;
  std::string reader_out_;
  Client* reader_;
};

TEST_F(StreamGroupTest, DeliveryFillsThePelAndHistoryCountsDeliveries) {
  EXPECT_EQ(Ids(Run({"XREADGROUP", "GROUP", "g", "a", "COUNT", "2", "STREAMS", "s", ">"})),
            (std::vector<std::string>{"1-0", "2-0"}));
  clock_.AdvanceMs(30);
  EXPECT_EQ(Ids(Run({"XREADGROUP", "GROUP", "g", "b", "NOACK", "STREAMS", "s", ">"})),
            (std::vector<std::string>{"3-0", "4-0"}));
  EXPECT_EQ(Pending(), (std::vector<std::string>{"1-0 a 30 1", "2-0 a 30 1"}));
  EXPECT_EQ(Ids(Run({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", "1"})),
            (std::vector<std::string>{"2-0"}));
  EXPECT_EQ(Pending(), (std::vector<std::string>{"1-0 a 30 1", "2-0 a 0 2"}));
  Reply summary = Run({"XPENDING", "s", "g"});
  ASSERT_EQ(summary.elements.size(), 4u);
  EXPECT_EQ(summary.elements[0].integer, 2);
  EXPECT_EQ(summary.elements[3].elements[0].elements[1].str, "2");
  EXPECT_EQ(Wire({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">"}), "*-1\r\n");
}

TEST_F(StreamGroupTest, XClaimHonoursMinIdleAndOptions) {
  Run({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">"});
  clock_.AdvanceMs(100);
  EXPECT_EQ(Run({"XCLAIM", "s", "g", "b", "101", "1"}).elements.size(), 0u);
  EXPECT_EQ(Run({"XCLAIM", "s", "g", "b", "100", "1", "JUSTID"}).elements[0].str, "1-0");
  EXPECT_EQ(
      Run({"XCLAIM", "s", "g", "b", "0", "2", "IDLE", "500", "RETRYCOUNT", "7"}).elements.size(),
      1u);
  EXPECT_EQ(Run({"XCLAIM", "s", "g", "b", "0", "3", "TIME", "99999999"}).elements.size(), 1u);
  std::vector<std::string> pending = Pending();
  EXPECT_EQ(pending[0], "1-0 b 0 1");    // JUSTID keeps the count
  EXPECT_EQ(pending[1], "2-0 b 500 7");  // IDLE and RETRYCOUNT
  EXPECT_EQ(pending[2], "3-0 b 0 2");    // a TIME in the future becomes now
  EXPECT_EQ(pending[3], "4-0 a 100 1");
}

TEST_F(StreamGroupTest, XAutoClaimScansFromTheCursorAndDropsDeletedEntries) {
  Run({"XREADGROUP", "GROUP", "g", "dead", "STREAMS", "s", ">"});
  clock_.AdvanceMs(50);
  Run({"XDEL", "s", "2"});
  Reply r = Run({"XAUTOCLAIM", "s", "g", "live", "50", "0", "COUNT", "2"});
  ASSERT_EQ(r.elements.size(), 3u);
  EXPECT_EQ(r.elements[0].str, "3-0");
  ASSERT_EQ(r.elements[1].elements.size(), 1u);
  EXPECT_EQ(r.elements[1].elements[0].elements[0].str, "1-0");
  ASSERT_EQ(r.elements[2].elements.size(), 1u);
  EXPECT_EQ(r.elements[2].elements[0].str, "2-0");
  // Nothing idle enough: no entry, and no consumer is created.
  r = Run({"XAUTOCLAIM", "s", "g", "ghost", "10000", "0"});
  EXPECT_EQ(r.elements[1].elements.size(), 0u);
  EXPECT_EQ(Run({"XINFO", "CONSUMERS", "s", "g"}).elements.size(), 2u);
}

TEST_F(StreamGroupTest, XInfoGroupsAndConsumers) {
  Run({"XREADGROUP", "GROUP", "g", "a", "COUNT", "1", "STREAMS", "s", ">"});
  clock_.AdvanceMs(7);
  Reply groups = Run({"XINFO", "GROUPS", "s"});
  ASSERT_EQ(groups.elements.size(), 1u);
  const Reply& g = groups.elements[0];
  ASSERT_EQ(g.elements.size(), 12u);
  EXPECT_EQ(g.elements[7].str, "1-0");   // last-delivered-id
  EXPECT_EQ(g.elements[9].integer, 1);   // entries-read
  EXPECT_EQ(g.elements[11].integer, 3);  // lag
  Reply consumers = Run({"XINFO", "CONSUMERS", "s", "g"});
  ASSERT_EQ(consumers.elements.size(), 1u);
  EXPECT_EQ(consumers.elements[0].elements[5].integer, 7);  // idle
  EXPECT_TRUE(IsError(Run({"XINFO", "CONSUMERS", "s", "nog"}),
                      "NOGROUP No such consumer group 'nog' for key name 's'"));
}

TEST_F(StreamGroupTest, EventsOfGroupCommands) {
  WatchEvents();
  Run({"XGROUP", "CREATECONSUMER", "s", "g", "c"});
  Run({"XREADGROUP", "GROUP", "g", "d", "COUNT", "1", "STREAMS", "s", ">"});
  Run({"XGROUP", "DELCONSUMER", "s", "g", "c"});
  Run({"XGROUP", "SETID", "s", "g", "$"});
  Run({"XGROUP", "DESTROY", "s", "g"});
  EXPECT_EQ(Events(), (std::vector<std::string>{"xgroup-createconsumer s",
                                                "xgroup-createconsumer s", "xgroup-delconsumer s",
                                                "xgroup-setid s", "xgroup-destroy s"}));
}

TEST_F(StreamGroupTest, BlockedReaderIsServedByXAdd) {
  Run({"XGROUP", "SETID", "s", "g", "$"});
  RunAs(*reader_, reader_out_,
        {"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"});
  EXPECT_EQ(last_result_, DispatchResult::kBlocked);
  Run({"XADD", "s", "9", "f", "v"});
  EXPECT_EQ(Ids(Received(reader_out_)), (std::vector<std::string>{"9-0"}));
  EXPECT_EQ(Pending(), (std::vector<std::string>{"9-0 c 0 1"}));
}

TEST_F(StreamGroupTest, BlockedReaderGetsNoGroupWhenTheGroupIsDestroyed) {
  Run({"XGROUP", "SETID", "s", "g", "$"});
  RunAs(*reader_, reader_out_,
        {"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"});
  Run({"XGROUP", "DESTROY", "s", "g"});
  Reply got = Received(reader_out_);
  EXPECT_TRUE(
      IsError(got, "NOGROUP the consumer group this client was blocked on no longer exists"));
  EXPECT_EQ(state_.blocking.blocked_clients(), 0u);
}

TEST_F(StreamGroupTest, BlockedReaderGetsUnblockedWhenTheStreamGoes) {
  Run({"XGROUP", "SETID", "s", "g", "$"});
  RunAs(*reader_, reader_out_,
        {"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"});
  Run({"FLUSHDB"});
  EXPECT_TRUE(IsError(Received(reader_out_), "UNBLOCKED the stream key no longer exists"));
}

TEST_F(StreamGroupTest, ErrorsOfGroupCommands) {
  EXPECT_TRUE(IsError(Run({"XGROUP", "CREATE", "s", "g", "$"}),
                      "BUSYGROUP Consumer Group name already exists"));
  EXPECT_TRUE(IsError(Run({"XGROUP", "create", "s", "g2", "0", "BOGUS"}),
                      "ERR unknown subcommand or wrong number of arguments for 'create'. Try "
                      "XGROUP HELP."));
  Reply dollar = Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "$"});
  EXPECT_EQ(dollar.type, Reply::Type::kError);
  EXPECT_EQ(dollar.str.rfind("ERR The $ ID is meaningless in the context of XREADGROUP", 0), 0u);
  EXPECT_TRUE(IsError(Run({"XPENDING", "nokey", "g"}),
                      "NOGROUP No such key 'nokey' or consumer group 'g'"));
  EXPECT_TRUE(
      IsError(Run({"XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "0"}), "ERR COUNT must be > 0"));
  EXPECT_TRUE(IsError(Run({"XCLAIM", "s", "g", "c", "0", "1", "BOGUS"}),
                      "ERR Unrecognized XCLAIM option 'BOGUS'"));
  EXPECT_EQ(Run({"XACK", "s", "nog", "1"}).integer, 0);
}

}  // namespace
}  // namespace tandem::commands
