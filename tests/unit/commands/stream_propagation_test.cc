// Effects propagation of the stream commands: the exact records a replica or the AOF gets (checked
// against what redis-server 7.0 writes to its AOF), and a replay test that feeds what a random
// workload recorded to a second server and compares the two end states.

#include <gmock/gmock.h>

#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tests/unit/commands/command_fixture.h"
#include "tests/unit/commands/recording_propagator.h"

namespace tandem::commands {
namespace {

using resp::Reply;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

using testing::RecordingPropagator;

class StreamPropagationTest : public testing::CommandTest {
 protected:
  StreamPropagationTest() {
    clock_.SetMs(10'000);
    state_.propagation.AddPropagator(&propagator_);
  }
  std::vector<std::string> Sent() {
    std::vector<std::string> sent;
    sent.swap(propagator_.lines);
    propagator_.commands.clear();
    return sent;
  }
  // Stream s with entries 1-0 .. n-0 and group g at 0, nothing sent yet.
  void StreamWithGroup(int n) {
    for (int i = 1; i <= n; ++i) Run({"XADD", "s", std::to_string(i), "f", std::to_string(i)});
    Run({"XGROUP", "CREATE", "s", "g", "0"});
    Sent();
  }
  RecordingPropagator propagator_;
};

// ---- XADD / XTRIM ----

TEST_F(StreamPropagationTest, XAddSendsTheIdItGenerated) {
  Run({"XADD", "s", "*", "f", "v"});
  Run({"XADD", "s", "10000-*", "f", "v"});
  Run({"XADD", "s", "20000", "f", "v"});    // an explicit ID goes out as written
  Run({"XADD", "s", "20001-5", "f", "v"});  // (Redis rewrites only "*" and "ms-*")
  EXPECT_THAT(Sent(), ElementsAre("0 XADD s 10000-0 f v", "0 XADD s 10000-1 f v",
                                  "0 XADD s 20000 f v", "0 XADD s 20001-5 f v"));
  Run({"XADD", "s", "1-1", "f", "v"});                  // error
  Run({"XADD", "nokey", "NOMKSTREAM", "*", "f", "v"});  // nothing added
  EXPECT_THAT(Sent(), IsEmpty());
}

TEST_F(StreamPropagationTest, XAddApproximateTrimGoesOutExact) {
  ASSERT_EQ(Run({"CONFIG", "SET", "stream-node-max-entries", "5"}).str, "OK");
  for (int i = 1; i <= 12; ++i) Run({"XADD", "s", std::to_string(i), "f", "v"});
  Sent();
  // Blocks of 5: "~ 6" removes the first block only, leaving 8 of 13.
  Run({"XADD", "s", "MAXLEN", "~", "6", "LIMIT", "100", "*", "f", "v"});
  EXPECT_EQ(Run({"XLEN", "s"}).integer, 8);
  // Removing nothing still goes out exact, as in Redis; "=" goes out as written.
  Run({"XADD", "s", "maxlen", "~", "100", "*", "f", "v"});
  Run({"XADD", "s", "MAXLEN", "=", "100", "*", "f", "v"});
  EXPECT_THAT(Sent(),
              ElementsAre("0 XADD s MAXLEN = 8 10000-0 f v", "0 XADD s maxlen = 9 10000-1 f v",
                          "0 XADD s MAXLEN = 100 10000-2 f v"));
}

TEST_F(StreamPropagationTest, XAddApproximateMinIdGoesOutAsTheFirstRemainingId) {
  ASSERT_EQ(Run({"CONFIG", "SET", "stream-node-max-entries", "5"}).str, "OK");
  for (int i = 1; i <= 12; ++i) Run({"XADD", "s", std::to_string(i), "f", "v"});
  Sent();
  // Blocks 1-5, 6-10, 11-12: the first two go.
  Run({"XADD", "s", "MINID", "~", "11", "20", "f", "v"});
  EXPECT_EQ(Run({"XRANGE", "s", "-", "+", "COUNT", "1"}).elements[0].elements[0].str, "11-0");
  // The maximum ID once nothing remains, as Redis sends.
  Run({"XADD", "s", "MINID", "~", "99999", "LIMIT", "0", "30", "f", "v"});
  EXPECT_EQ(Run({"XLEN", "s"}).integer, 0);
  EXPECT_THAT(Sent(),
              ElementsAre("0 XADD s MINID = 11-0 20 f v",
                          "0 XADD s MINID = 18446744073709551615-18446744073709551615 30 f v"));
}

TEST_F(StreamPropagationTest, XTrimApproximateGoesOutExactAndAnEmptyTrimNotAtAll) {
  ASSERT_EQ(Run({"CONFIG", "SET", "stream-node-max-entries", "5"}).str, "OK");
  for (int i = 1; i <= 12; ++i) Run({"XADD", "s", std::to_string(i), "f", "v"});
  Sent();
  EXPECT_EQ(Run({"XTRIM", "s", "MAXLEN", "~", "1", "LIMIT", "5"}).integer, 5);
  EXPECT_EQ(Run({"XTRIM", "s", "MINID", "~", "12"}).integer, 5);
  EXPECT_EQ(Run({"XTRIM", "s", "MAXLEN", "~", "100"}).integer, 0);
  EXPECT_EQ(Run({"XTRIM", "s", "MAXLEN", "0"}).integer, 2);
  EXPECT_THAT(Sent(),
              ElementsAre("0 XTRIM s MAXLEN = 7", "0 XTRIM s MINID = 11-0", "0 XTRIM s MAXLEN 0"));
}

// ---- XREADGROUP ----

TEST_F(StreamPropagationTest, XReadGroupSendsAClaimPerDeliveryAndTheGroupPosition) {
  StreamWithGroup(3);
  Run({"XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "STREAMS", "s", ">"});
  // Redis 7.0 sends no SETID here; 7.2.4 does (redis#12898) so that entries-read agrees.
  EXPECT_THAT(Sent(),
              ElementsAre("-1 MULTI",
                          "0 XCLAIM s g c1 0 1-0 TIME 10000 RETRYCOUNT 1 FORCE JUSTID LASTID 1-0",
                          "0 XCLAIM s g c1 0 2-0 TIME 10000 RETRYCOUNT 1 FORCE JUSTID LASTID 2-0",
                          "0 XGROUP SETID s g 2-0 ENTRIESREAD 2", "-1 EXEC"));
  // Nothing new: nothing read, nothing sent (and no consumer created).
  Run({"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"});
  Run({"XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", "s", ">"});
  EXPECT_THAT(Sent(),
              ElementsAre("-1 MULTI",
                          "0 XCLAIM s g c1 0 3-0 TIME 10000 RETRYCOUNT 1 FORCE JUSTID LASTID 3-0",
                          "0 XGROUP SETID s g 3-0 ENTRIESREAD 3", "-1 EXEC"));
  Run({"XREADGROUP", "GROUP", "g", "c9", "STREAMS", "s", ">"});
  EXPECT_THAT(Sent(), IsEmpty());
}

TEST_F(StreamPropagationTest, XReadGroupNoAckCreatesTheConsumerAndSetsThePosition) {
  StreamWithGroup(3);
  Run({"XREADGROUP", "GROUP", "g", "n", "NOACK", "COUNT", "1", "STREAMS", "s", ">"});
  EXPECT_THAT(Sent(), ElementsAre("-1 MULTI", "0 XGROUP CREATECONSUMER s g n",
                                  "0 XGROUP SETID s g 1-0 ENTRIESREAD 1", "-1 EXEC"));
  Run({"XREADGROUP", "GROUP", "g", "n", "NOACK", "STREAMS", "s", ">"});
  EXPECT_THAT(Sent(), ElementsAre("0 XGROUP SETID s g 3-0 ENTRIESREAD 3"));
}

TEST_F(StreamPropagationTest, XReadGroupHistoryIsNotPropagated) {
  StreamWithGroup(2);
  Run({"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"});
  Sent();
  clock_.AdvanceMs(5);
  // Delivery counts and times change here only, as in Redis; so does a consumer created by a
  // history read, unless NOACK (Redis 7.0 sends CREATECONSUMER for that one).
  Run({"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "0"});
  Run({"XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", "0"});
  EXPECT_THAT(Sent(), IsEmpty());
  Run({"XREADGROUP", "GROUP", "g", "c3", "NOACK", "STREAMS", "s", "0"});
  EXPECT_THAT(Sent(), ElementsAre("0 XGROUP CREATECONSUMER s g c3"));
}

TEST_F(StreamPropagationTest, XReadGroupOverTwoStreamsSendsEachInTurn) {
  Run({"XADD", "a", "1", "f", "v"});
  Run({"XADD", "b", "1", "f", "v"});
  Run({"XGROUP", "CREATE", "a", "g", "0"});
  Run({"XGROUP", "CREATE", "b", "g", "0"});
  Sent();
  Run({"XREADGROUP", "GROUP", "g", "n", "NOACK", "STREAMS", "a", "b", ">", ">"});
  EXPECT_THAT(Sent(),
              ElementsAre("-1 MULTI", "0 XGROUP CREATECONSUMER a g n",
                          "0 XGROUP SETID a g 1-0 ENTRIESREAD 1", "0 XGROUP CREATECONSUMER b g n",
                          "0 XGROUP SETID b g 1-0 ENTRIESREAD 1", "-1 EXEC"));
}

TEST_F(StreamPropagationTest, ABlockedXReadGroupSendsItsDeliveryWhenServed) {
  Run({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"});
  Sent();
  testing::RecordingConnection conn2;
  std::string out2;
  Client* reader = AddClient(&conn2, &out2);
  RunAs(*reader, out2, {"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"});
  EXPECT_THAT(Sent(), IsEmpty());
  Run({"XADD", "s", "5", "f", "v"});
  EXPECT_THAT(Sent(),
              ElementsAre("0 XADD s 5 f v", "-1 MULTI",
                          "0 XCLAIM s g c 0 5-0 TIME 10000 RETRYCOUNT 1 FORCE JUSTID LASTID 5-0",
                          "0 XGROUP SETID s g 5-0 ENTRIESREAD 1", "-1 EXEC"));
}

TEST_F(StreamPropagationTest, ATransactionOfAHistoryReadSendsNothing) {
  StreamWithGroup(1);
  Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"});
  Sent();
  Run({"MULTI"});
  Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"});
  Run({"EXEC"});
  EXPECT_THAT(Sent(), IsEmpty());
  Run({"MULTI"});
  Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"});
  Run({"SET", "k", "v"});
  Run({"EXEC"});
  EXPECT_THAT(Sent(), ElementsAre("0 SET k v"));
}

// ---- XCLAIM / XAUTOCLAIM ----

TEST_F(StreamPropagationTest, XClaimSendsTheClaimedEntriesAsTheyAreNow) {
  StreamWithGroup(3);
  Run({"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"});
  Sent();
  clock_.AdvanceMs(100);
  // The ID goes out as the client wrote it; IDLE becomes an absolute TIME.
  Run({"XCLAIM", "s", "g", "c2", "50", "1", "2-0", "IDLE", "30"});
  EXPECT_THAT(
      Sent(),
      ElementsAre("-1 MULTI", "0 XCLAIM s g c2 0 1 TIME 10070 RETRYCOUNT 2 FORCE JUSTID LASTID 3-0",
                  "0 XCLAIM s g c2 0 2-0 TIME 10070 RETRYCOUNT 2 FORCE JUSTID LASTID 3-0",
                  "-1 EXEC"));
  Run({"XCLAIM", "s", "g", "c3", "0", "3-0", "RETRYCOUNT", "7", "JUSTID", "LASTID", "9-0"});
  EXPECT_THAT(Sent(), ElementsAre("0 XCLAIM s g c3 0 3-0 TIME 10100 RETRYCOUNT 7 FORCE JUSTID "
                                  "LASTID 9-0"));
  // Too recent to claim, or not pending: nothing.
  Run({"XCLAIM", "s", "g", "c1", "1000", "1-0"});
  Run({"XCLAIM", "s", "g", "c1", "0", "8-0"});
  EXPECT_THAT(Sent(), IsEmpty());
}

TEST_F(StreamPropagationTest, XClaimOfADeletedEntryDropsItOnTheReplicaToo) {
  StreamWithGroup(2);
  Run({"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"});
  clock_.AdvanceMs(10);
  Run({"XDEL", "s", "1-0"});
  Sent();
  // The record names the old owner, time and count, as Redis's does before freeing the entry.
  Run({"XCLAIM", "s", "g", "c2", "0", "1-0", "2-0"});
  EXPECT_THAT(Sent(),
              ElementsAre("-1 MULTI",
                          "0 XCLAIM s g c1 0 1-0 TIME 10000 RETRYCOUNT 1 FORCE JUSTID LASTID 2-0",
                          "0 XCLAIM s g c2 0 2-0 TIME 10010 RETRYCOUNT 2 FORCE JUSTID LASTID 2-0",
                          "-1 EXEC"));
}

TEST_F(StreamPropagationTest, XClaimLastIdWithoutAClaimSendsTheGroupPosition) {
  StreamWithGroup(2);
  Run({"XCLAIM", "s", "g", "c", "0", "5-0", "LASTID", "50-0"});
  EXPECT_THAT(Sent(), ElementsAre("0 XGROUP SETID s g 50-0 ENTRIESREAD -1"));
  Run({"XCLAIM", "s", "g", "c", "0", "5-0", "LASTID", "40-0"});  // not past the position
  EXPECT_THAT(Sent(), IsEmpty());
}

TEST_F(StreamPropagationTest, XAutoClaimSendsClaimsAndDeletionsInPelOrder) {
  StreamWithGroup(4);
  Run({"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"});
  Run({"XDEL", "s", "2-0"});
  clock_.AdvanceMs(20);
  Sent();
  Run({"XAUTOCLAIM", "s", "g", "c2", "0", "0", "COUNT", "3"});
  EXPECT_THAT(Sent(),
              ElementsAre("-1 MULTI",
                          "0 XCLAIM s g c2 0 1-0 TIME 10020 RETRYCOUNT 2 FORCE JUSTID LASTID 4-0",
                          "0 XCLAIM s g c1 0 2-0 TIME 10000 RETRYCOUNT 1 FORCE JUSTID LASTID 4-0",
                          "0 XCLAIM s g c2 0 3-0 TIME 10020 RETRYCOUNT 2 FORCE JUSTID LASTID 4-0",
                          "-1 EXEC"));
  // JUSTID leaves the count; a scan that claims nothing sends nothing.
  Run({"XAUTOCLAIM", "s", "g", "c3", "0", "4-0", "JUSTID"});
  EXPECT_THAT(Sent(), ElementsAre("0 XCLAIM s g c3 0 4-0 TIME 10020 RETRYCOUNT 1 FORCE JUSTID "
                                  "LASTID 4-0"));
  Run({"XAUTOCLAIM", "s", "g", "c4", "100000", "0"});
  EXPECT_THAT(Sent(), IsEmpty());
}

// ---- commands sent as written ----

TEST_F(StreamPropagationTest, OtherStreamWritesGoOutAsWritten) {
  StreamWithGroup(3);
  Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"});
  Sent();
  Run({"XACK", "s", "g", "1-0", "9-0"});
  Run({"XDEL", "s", "2-0"});
  Run({"XGROUP", "SETID", "s", "g", "$"});
  Run({"XGROUP", "CREATECONSUMER", "s", "g", "x"});
  Run({"XGROUP", "DELCONSUMER", "s", "g", "x"});
  Run({"XGROUP", "CREATE", "t", "h", "$", "MKSTREAM"});
  Run({"XGROUP", "DESTROY", "t", "h"});
  Run({"XSETID", "s", "100-0", "ENTRIESADDED", "50", "MAXDELETEDID", "90-0"});
  EXPECT_THAT(Sent(), ElementsAre("0 XACK s g 1-0 9-0", "0 XDEL s 2-0", "0 XGROUP SETID s g $",
                                  "0 XGROUP CREATECONSUMER s g x", "0 XGROUP DELCONSUMER s g x",
                                  "0 XGROUP CREATE t h $ MKSTREAM", "0 XGROUP DESTROY t h",
                                  "0 XSETID s 100-0 ENTRIESADDED 50 MAXDELETEDID 90-0"));
}

// ---- replay ----

// A second server, fed what the first one propagated, as a replica or an AOF load would be.
class Replica : public testing::CommandTest {
 public:
  void TestBody() override {}
  void Apply(const std::vector<std::string>& argv, int64_t now_ms) {
    clock_.SetMs(now_ms);
    Reply r = Run(argv);
    EXPECT_NE(r.type, Reply::Type::kError) << argv[0] << " " << argv[1] << ": " << r.str;
  }
  using CommandTest::Run;
};

// A reply as text, with the values of the map keys in `masked` replaced by "*".
std::string Render(const Reply& r, const std::set<std::string>& masked) {
  switch (r.type) {
    case Reply::Type::kInteger:
      return std::to_string(r.integer);
    case Reply::Type::kNil:
      return "nil";
    case Reply::Type::kArray:
    case Reply::Type::kMap: {
      std::string out = "[";
      for (size_t i = 0; i < r.elements.size(); ++i) {
        bool mask = i % 2 == 1 && r.elements[i - 1].type == Reply::Type::kBulk &&
                    masked.contains(r.elements[i - 1].str);
        out += (mask ? "*" : Render(r.elements[i], masked)) + " ";
      }
      return out + "]";
    }
    default:
      return r.str;
  }
}

class StreamReplayTest : public StreamPropagationTest {
 protected:
  // Runs argv here, then replays what it propagated on the replica at the same time.
  Reply Do(const std::vector<std::string>& argv) {
    Reply r = Run(argv);
    for (const auto& command : propagator_.commands) replica_.Apply(command, clock_.NowMs());
    for (const std::string& line : propagator_.lines) {
      EXPECT_TRUE(line.starts_with("0 ") || line.starts_with("-1 ")) << line;
      for (const char* kind : {"XCLAIM", "SETID", "CREATECONSUMER", "MAXLEN =", "MINID =", "XTRIM",
                               "XDEL", "XACK", "MULTI"}) {
        if (line.find(kind) != std::string::npos) ++sent_kinds_[kind];
      }
    }
    Sent();
    return r;
  }

  // The state both servers must agree on. Node layout (radix-tree-*) may differ: the replica
  // trims exactly what the primary's approximate trims removed, whatever its blocks; seen-time
  // and idle are timing. (The workload has no history reads: Redis propagates nothing for them,
  // so their delivery counts and times stay on the primary by design.)
  static std::string State(const std::function<Reply(std::vector<std::string>)>& run) {
    std::set<std::string> masked = {"radix-tree-keys", "radix-tree-nodes", "seen-time"};
    std::string state = Render(run({"XRANGE", "s", "-", "+"}), masked) + "\n" +
                        Render(run({"XINFO", "STREAM", "s", "FULL", "COUNT", "0"}), masked) + "\n";
    for (std::string group : {"g", "h"}) {
      Reply pending = run({"XPENDING", "s", group, "-", "+", "1000"});
      for (Reply& row : pending.elements) row.elements[2].integer = 0;  // idle
      state += Render(pending, masked) + "\n";
    }
    return state;
  }
  void ExpectSameState(int step) {
    std::string primary = State([this](std::vector<std::string> a) { return Run(a); });
    std::string replica = State([this](std::vector<std::string> a) { return replica_.Run(a); });
    ASSERT_EQ(primary, replica) << "after step " << step;
  }

  Replica replica_;
  std::map<std::string, int> sent_kinds_;  // how many records had each of a few forms
};

TEST_F(StreamReplayTest, AReplicaFedTheEffectsEndsInTheSameState) {
  // Different node sizes on each side: what is sent must not depend on the layout.
  ASSERT_EQ(Run({"CONFIG", "SET", "stream-node-max-entries", "4"}).str, "OK");
  std::mt19937 rng(7);
  auto pick = [&](size_t n) { return static_cast<int>(rng() % n); };
  Do({"XADD", "s", "*", "f", "0"});
  Do({"XGROUP", "CREATE", "s", "g", "0"});
  Do({"XGROUP", "CREATE", "s", "h", "$"});
  // IDs of entries added so far, to name in XACK / XCLAIM / XDEL (some deleted or trimmed since).
  std::vector<std::string> ids;
  for (int step = 0; step < 600; ++step) {
    clock_.AdvanceMs(pick(3) == 0 ? 0 : pick(40));
    std::string group = pick(4) == 0 ? "h" : "g";
    // New consumers keep coming, so that some are created by a NOACK read.
    std::string consumer = "c" + std::to_string(pick(3 + static_cast<size_t>(step) / 20));
    auto any_id_now = [&] {
      return ids.empty() ? std::string("0-1") : ids[static_cast<size_t>(pick(ids.size()))];
    };
    std::string any_id = any_id_now();
    switch (pick(9)) {
      case 0:
      case 1: {
        std::vector<std::string> argv = {"XADD", "s"};
        int trim = pick(4);
        if (trim == 1) argv.insert(argv.end(), {"MAXLEN", "~", std::to_string(5 + pick(20))});
        if (trim == 2) argv.insert(argv.end(), {"MINID", "~", any_id});
        if (trim != 0 && pick(2) == 0) argv.insert(argv.end(), {"LIMIT", "4"});
        argv.insert(argv.end(), {pick(3) == 0 ? std::to_string(clock_.NowMs()) + "-*" : "*", "f",
                                 std::to_string(step)});
        Reply r = Do(argv);
        if (r.type == Reply::Type::kBulk) ids.push_back(r.str);
        break;
      }
      case 2:
      case 3: {
        std::vector<std::string> argv = {"XREADGROUP", "GROUP", group, consumer};
        if (pick(2) == 0) argv.push_back("NOACK");
        argv.insert(argv.end(), {"COUNT", std::to_string(1 + pick(4)), "STREAMS", "s", ">"});
        Do(argv);
        break;
      }
      case 4:
        Do({"XACK", "s", group, any_id, ids.empty() ? "0-2" : ids.back()});
        break;
      case 5: {
        std::vector<std::string> argv = {
            "XCLAIM", "s", group, consumer, std::to_string(pick(60)), any_id, any_id_now()};
        if (pick(2) == 0) argv.push_back("JUSTID");
        if (pick(3) == 0) argv.insert(argv.end(), {"IDLE", std::to_string(pick(100))});
        if (pick(4) == 0) argv.insert(argv.end(), {"RETRYCOUNT", std::to_string(pick(5))});
        if (pick(5) == 0) argv.push_back("FORCE");
        Do(argv);
        break;
      }
      case 6: {
        std::string start = pick(2) == 0 ? "0" : any_id;
        std::vector<std::string> argv = {
            "XAUTOCLAIM", "s", group, consumer, std::to_string(pick(60)), start};
        argv.insert(argv.end(), {"COUNT", std::to_string(1 + pick(5))});
        if (pick(3) == 0) argv.push_back("JUSTID");
        Do(argv);
        break;
      }
      case 7:
        Do({"XDEL", "s", any_id});
        break;
      case 8:
        if (pick(3) == 0) {
          Do({"XTRIM", "s", "MAXLEN", "~", std::to_string(pick(20))});
        } else {
          Do({"XTRIM", "s", "MINID", "~", any_id, "LIMIT", std::to_string(pick(8))});
        }
        break;
    }
    if (step % 50 == 49) ExpectSameState(step);
  }
  ExpectSameState(600);
  // The workload did what it was meant to: every kind of effect was sent several times, and it
  // ends with entries and pending entries left to compare.
  for (const char* kind : {"XCLAIM", "SETID", "CREATECONSUMER", "MAXLEN =", "MINID =", "XTRIM",
                           "XDEL", "XACK", "MULTI"}) {
    EXPECT_GE(sent_kinds_[kind], 5) << kind;
  }
  EXPECT_GT(Run({"XPENDING", "s", "g"}).elements[0].integer, 0);
  EXPECT_GT(Run({"XLEN", "s"}).integer, 0);
}

}  // namespace
}  // namespace tandem::commands
