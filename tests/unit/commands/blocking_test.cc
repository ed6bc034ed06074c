// Blocking pops through the dispatcher: blocking, FIFO service by a later push, timeouts, re-runs
// that find a key of another type, CLIENT UNBLOCK and disconnects.

#include <string>

#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands {
namespace {

using resp::Reply;

class BlockingTest : public testing::CommandTest {
 protected:
  BlockingTest() : a_(AddClient(&a_conn_, &a_out_)), b_(AddClient(&b_conn_, &b_out_)) {}

  // Runs argv for `client` expecting it to block: no reply, kBlocked.
  void Block(Client& client, std::string& out, const std::vector<std::string>& argv) {
    Reply r = RunAs(client, out, argv);
    EXPECT_EQ(last_result_, DispatchResult::kBlocked);
    EXPECT_TRUE(out.empty()) << out;
  }

  testing::RecordingConnection a_conn_, b_conn_;
  std::string a_out_, b_out_;
  Client* a_;
  Client* b_;
};

TEST_F(BlockingTest, PushServesWaitersInTheOrderTheyBlocked) {
  Block(*a_, a_out_, {"BLPOP", "q", "0"});
  Block(*b_, b_out_, {"BLPOP", "q", "0"});
  EXPECT_EQ(state_.blocking.blocked_clients(), 2u);
  EXPECT_EQ(Run({"RPUSH", "q", "1"}).integer, 1);
  Reply got = Received(a_out_);
  ASSERT_EQ(got.elements.size(), 2u);
  EXPECT_EQ(got.elements[1].str, "1");
  EXPECT_EQ(a_conn_.served, 1);
  EXPECT_TRUE(b_out_.empty());  // b re-ran, found nothing, and keeps waiting
  EXPECT_EQ(state_.blocking.blocked_clients(), 1u);
  Run({"LPUSH", "q", "2"});
  EXPECT_EQ(Received(b_out_).elements[1].str, "2");
  EXPECT_EQ(Run({"EXISTS", "q"}).integer, 0);
  // Served commands count once, when served.
  EXPECT_EQ(state_.stats.commands[state_.commands.Find("blpop")->id].calls, 2u);
}

TEST_F(BlockingTest, TimeoutAnswersNullArray) {
  clock_.SetMs(1000);
  Block(*a_, a_out_, {"BRPOP", "q", "0.25"});
  state_.blocking.ExpireTimeouts(1249);
  EXPECT_TRUE(a_out_.empty());
  state_.blocking.ExpireTimeouts(1250);
  EXPECT_EQ(a_out_, "*-1\r\n");
  EXPECT_EQ(state_.blocking.blocked_clients(), 0u);
}

TEST_F(BlockingTest, KeyOfAnotherTypeDoesNotEndTheWait) {
  Block(*a_, a_out_, {"BLPOP", "k", "other", "0"});
  Run({"SET", "k", "string"});
  EXPECT_TRUE(a_out_.empty());
  Run({"RPUSH", "other", "x"});
  EXPECT_EQ(Received(a_out_).elements[0].str, "other");
}

TEST_F(BlockingTest, BlmoveAndBzpopminServedByLaterWrites) {
  Block(*a_, a_out_, {"BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"});
  Block(*b_, b_out_, {"BZPOPMIN", "z", "0"});
  Run({"RPUSH", "src", "v"});
  EXPECT_EQ(Received(a_out_).str, "v");
  Run({"ZADD", "z", "3", "m"});
  Reply z = Received(b_out_);
  ASSERT_EQ(z.elements.size(), 3u);
  EXPECT_EQ(z.elements[1].str, "m");
  EXPECT_EQ(Run({"LRANGE", "dst", "0", "-1"}).elements[0].str, "v");
}

TEST_F(BlockingTest, NeverBlocksInsideMulti) {
  Run({"MULTI"});
  Run({"BLPOP", "q", "0"});
  Reply r = Run({"EXEC"});
  ASSERT_EQ(r.elements.size(), 1u);
  EXPECT_EQ(r.elements[0].type, Reply::Type::kNil);
  EXPECT_EQ(state_.blocking.blocked_clients(), 0u);
}

TEST_F(BlockingTest, ClientUnblockAndDisconnect) {
  Block(*a_, a_out_, {"BLPOP", "q", "0"});
  Reply r = Run({"CLIENT", "UNBLOCK", std::to_string(a_->id()), "ERROR"});
  EXPECT_EQ(r.integer, 1);
  EXPECT_EQ(a_out_, "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
  Block(*b_, b_out_, {"BLPOP", "q", "0"});
  state_.RemoveClient(b_);
  EXPECT_EQ(state_.blocking.blocked_clients(), 0u);
  Run({"RPUSH", "q", "kept"});
  EXPECT_EQ(Run({"LLEN", "q"}).integer, 1);
}

TEST_F(BlockingTest, TimeoutArgumentErrors) {
  EXPECT_TRUE(
      testing::IsError(Run({"BLPOP", "q", "x"}), "ERR timeout is not a float or out of range"));
  EXPECT_TRUE(testing::IsError(Run({"BLPOP", "q", "-0.5"}), "ERR timeout is negative"));
  EXPECT_EQ(state_.blocking.blocked_clients(), 0u);
}

}  // namespace
}  // namespace tandem::commands
