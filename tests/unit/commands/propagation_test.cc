// Effects propagation through the dispatcher: what a replica or the AOF would receive.

#include <gmock/gmock.h>

#include "tests/unit/commands/command_fixture.h"
#include "tests/unit/commands/recording_propagator.h"

namespace tandem::commands {
namespace {

using testing::RecordingPropagator;

class PropagationTest : public testing::CommandTest {
 protected:
  PropagationTest() { state_.propagation.AddPropagator(&propagator_); }
  std::vector<std::string> Sent() {
    std::vector<std::string> sent;
    sent.swap(propagator_.lines);
    return sent;
  }
  RecordingPropagator propagator_;
};

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST_F(PropagationTest, AWriteIsSentOnceAndAReadNever) {
  Run({"SET", "k", "v"});
  EXPECT_THAT(Sent(), ElementsAre("0 SET k v"));
  Run({"GET", "k"});
  Run({"EXISTS", "k"});
  EXPECT_THAT(Sent(), IsEmpty());
}

TEST_F(PropagationTest, AWriteThatChangesNothingIsNotSent) {
  Run({"DEL", "missing"});
  Run({"SREM", "nokey", "m"});
  EXPECT_THAT(Sent(), IsEmpty());
}

TEST_F(PropagationTest, CommandsCarryTheirDatabase) {
  Run({"SELECT", "3"});
  Run({"SET", "k", "v"});
  EXPECT_THAT(Sent(), ElementsAre("3 SET k v"));
}

TEST_F(PropagationTest, ExecWithSeveralWritesIsWrappedInMultiExec) {
  Run({"MULTI"});
  Run({"SET", "a", "1"});
  Run({"GET", "a"});
  Run({"SELECT", "2"});
  Run({"INCR", "b"});
  Run({"EXEC"});
  EXPECT_THAT(Sent(), ElementsAre("-1 MULTI", "0 SET a 1", "2 INCR b", "-1 EXEC"));
}

TEST_F(PropagationTest, ExecWithOneWriteSendsItAlone) {
  Run({"MULTI"});
  Run({"SET", "a", "1"});
  Run({"GET", "a"});
  Run({"EXEC"});
  EXPECT_THAT(Sent(), ElementsAre("0 SET a 1"));
}

TEST_F(PropagationTest, ALazilyExpiredKeyIsSentAsDel) {
  Run({"SET", "k", "v", "PX", "100"});
  Sent();
  clock_.AdvanceMs(200);
  Run({"GET", "k"});
  EXPECT_THAT(Sent(), ElementsAre("0 DEL k"));
}

TEST_F(PropagationTest, AServedBlockedClientIsItsOwnUnit) {
  testing::RecordingConnection conn2;
  std::string out2;
  Client* waiter = AddClient(&conn2, &out2);
  RunAs(*waiter, out2, {"BLPOP", "list", "0"});
  EXPECT_THAT(Sent(), IsEmpty());
  Run({"RPUSH", "list", "x"});
  EXPECT_THAT(Sent(), ElementsAre("0 RPUSH list x", "0 BLPOP list 0"));
}

TEST_F(PropagationTest, AScriptPropagatesItsEffectsNeverItsText) {
  Run({"EVAL", "redis.call('SET', KEYS[1], 'a') redis.call('INCR', KEYS[2]) return 1", "2", "k",
       "n"});
  EXPECT_THAT(Sent(), ElementsAre("-1 MULTI", "0 SET k a", "0 INCR n", "-1 EXEC"));
  Run({"EVAL", "return redis.call('SET', KEYS[1], 'b')", "1", "k"});
  EXPECT_THAT(Sent(), ElementsAre("0 SET k b"));
  Run({"EVAL", "return redis.call('GET', KEYS[1])", "1", "k"});
  EXPECT_THAT(Sent(), IsEmpty());
}

TEST_F(PropagationTest, AScriptThatFailsAfterAWriteStillPropagatesTheWrite) {
  Run({"EVAL", "redis.call('SET', 'k', 'v') error('boom')", "0"});
  EXPECT_THAT(Sent(), ElementsAre("0 SET k v"));
}

}  // namespace
}  // namespace tandem::commands
