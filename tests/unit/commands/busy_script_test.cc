// The dispatcher while a script runs past busy-reply-threshold: only allow-busy commands run.

#include "server/commands/errors.h"
#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands {
namespace {

class BusyScriptTest : public testing::CommandTest {};

TEST_F(BusyScriptTest, OtherCommandsGetBusyUntilTheScriptEnds) {
  state_.script.running = state_.script.busy = true;
  EXPECT_TRUE(testing::IsError(Run({"GET", "k"}), errors::kBusyScript));
  EXPECT_TRUE(testing::IsError(Run({"PING"}), errors::kBusyScript));
  state_.script.is_function = true;
  EXPECT_TRUE(testing::IsError(Run({"SET", "k", "v"}), errors::kBusyFunction));
  state_.script = RunningScript{};
  EXPECT_EQ(Run({"SET", "k", "v"}).str, "OK");
}

TEST_F(BusyScriptTest, AllowBusyCommandsRunAndARefusalAbortsMulti) {
  state_.script.running = state_.script.busy = true;
  EXPECT_EQ(Run({"MULTI"}).str, "OK");
  EXPECT_TRUE(testing::IsError(Run({"INCR", "n"}), errors::kBusyScript));
  state_.script = RunningScript{};
  EXPECT_EQ(Run({"EXEC"}).str, "EXECABORT Transaction discarded because of previous errors.");
}

}  // namespace
}  // namespace tandem::commands
