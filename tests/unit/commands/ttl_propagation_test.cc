// Relative TTLs propagate as absolute times (what Redis 7.0 sends to replicas and the AOF), so a
// replay later does not extend them.

#include <gmock/gmock.h>

#include "tests/unit/commands/command_fixture.h"
#include "tests/unit/commands/recording_propagator.h"

namespace tandem::commands {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class TtlPropagationTest : public testing::CommandTest {
 protected:
  TtlPropagationTest() { state_.propagation.AddPropagator(&propagator_); }
  std::vector<std::string> Sent() {
    std::vector<std::string> sent;
    sent.swap(propagator_.lines);
    return sent;
  }
  std::string At(int64_t delta_ms) { return std::to_string(clock_.NowMs() + delta_ms); }
  testing::RecordingPropagator propagator_;
};

TEST_F(TtlPropagationTest, SetWithRelativeTtlBecomesSetPxat) {
  Run({"SET", "k", "v", "EX", "100"});
  Run({"SET", "k", "v", "NX", "PX", "5000"});  // refused: nothing sent
  Run({"SET", "k", "w", "XX", "PX", "5000"});
  Run({"SET", "k", "x", "EXAT", "2000000000"});
  EXPECT_THAT(Sent(), ElementsAre("0 SET k v PXAT " + At(100000), "0 SET k w PXAT " + At(5000),
                                  "0 SET k x PXAT 2000000000000"));
}

TEST_F(TtlPropagationTest, SetWithPxatOrNoTtlIsSentAsGiven) {
  Run({"SET", "k", "v", "PXAT", "2000000000000"});
  Run({"SET", "k", "v", "KEEPTTL"});
  EXPECT_THAT(Sent(), ElementsAre("0 SET k v PXAT 2000000000000", "0 SET k v KEEPTTL"));
}

TEST_F(TtlPropagationTest, SetexAndPsetexBecomeSetPxat) {
  Run({"SETEX", "a", "10", "v"});
  Run({"PSETEX", "b", "1500", "w"});
  EXPECT_THAT(Sent(), ElementsAre("0 SET a v PXAT " + At(10000), "0 SET b w PXAT " + At(1500)));
}

TEST_F(TtlPropagationTest, ExpireFamilyBecomesPexpireatKeepingConditions) {
  Run({"SET", "k", "v"});
  Sent();
  Run({"EXPIRE", "k", "100"});
  Run({"PEXPIRE", "k", "200000", "GT"});
  Run({"EXPIREAT", "k", "3000000000"});
  Run({"PEXPIREAT", "k", "3000000001000"});
  EXPECT_THAT(Sent(),
              ElementsAre("0 PEXPIREAT k " + At(100000), "0 PEXPIREAT k " + At(200000) + " GT",
                          "0 PEXPIREAT k 3000000000000", "0 PEXPIREAT k 3000000001000"));
}

TEST_F(TtlPropagationTest, ExpireInThePastIsSentAsDel) {
  Run({"SET", "k", "v"});
  Sent();
  Run({"EXPIRE", "k", "-1"});
  EXPECT_THAT(Sent(), ElementsAre("0 DEL k"));
}

TEST_F(TtlPropagationTest, GetexAndGetdelSendTheirEffects) {
  Run({"SET", "k", "v"});
  Sent();
  Run({"GETEX", "k"});  // no option: no write
  EXPECT_THAT(Sent(), IsEmpty());
  Run({"GETEX", "k", "EX", "50"});
  Run({"GETEX", "k", "PERSIST"});
  Run({"GETDEL", "k"});
  EXPECT_THAT(Sent(), ElementsAre("0 PEXPIREAT k " + At(50000), "0 PERSIST k", "0 DEL k"));
  Run({"SET", "k", "v"});
  Sent();
  Run({"GETEX", "k", "PXAT", "1"});
  EXPECT_THAT(Sent(), ElementsAre("0 DEL k"));
}

}  // namespace
}  // namespace tandem::commands
