#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands {
namespace {

using resp::Reply;

class TransactionTest : public testing::CommandTest {};

TEST_F(TransactionTest, QueuesAndExecutes) {
  EXPECT_EQ(Run({"MULTI"}).str, "OK");
  EXPECT_EQ(Run({"SET", "k", "1"}).str, "QUEUED");
  EXPECT_EQ(Run({"INCR", "k"}).str, "QUEUED");
  EXPECT_EQ(Run({"GET", "missing"}).str, "QUEUED");
  Reply r = Run({"EXEC"});
  ASSERT_EQ(r.type, Reply::Type::kArray);
  ASSERT_EQ(r.elements.size(), 3u);
  EXPECT_EQ(r.elements[0].str, "OK");
  EXPECT_EQ(r.elements[1].integer, 2);
  EXPECT_EQ(r.elements[2].type, Reply::Type::kNil);
  // Queued commands count in commandstats when they run, not when queued.
  EXPECT_EQ(state_.stats.commands[state_.commands.Find("incr")->id].calls, 1u);
}

TEST_F(TransactionTest, QueueingErrorAbortsAndUnwatches) {
  Run({"MULTI"});
  EXPECT_TRUE(testing::IsError(Run({"GET"}), "ERR wrong number of arguments for 'get' command"));
  Run({"SET", "k", "v"});
  EXPECT_TRUE(testing::IsError(Run({"EXEC"}),
                               "EXECABORT Transaction discarded because of previous errors."));
  EXPECT_EQ(Run({"EXISTS", "k"}).integer, 0);
  EXPECT_TRUE(testing::IsError(Run({"EXEC"}), "ERR EXEC without MULTI"));
}

TEST_F(TransactionTest, WatchBrokenByAnotherClientsWrite) {
  testing::RecordingConnection conn;
  std::string out;
  Client* other = AddClient(&conn, &out);
  Run({"SET", "k", "1"});
  Run({"WATCH", "k"});
  RunAs(*other, out, {"SET", "k", "2"});
  Run({"MULTI"});
  Run({"SET", "k", "3"});
  EXPECT_EQ(Run({"EXEC"}).type, Reply::Type::kNil);
  EXPECT_EQ(Run({"GET", "k"}).str, "2");
  EXPECT_EQ(state_.watches.total_watched_keys(), 0u);
}

TEST_F(TransactionTest, WatchBrokenByLogicalExpiry) {
  clock_.SetMs(1000);
  Run({"SET", "k", "v", "PX", "100"});
  Run({"WATCH", "k"});
  clock_.SetMs(2000);  // expired, but nothing has deleted it yet
  Run({"MULTI"});
  Run({"PING"});
  EXPECT_EQ(Run({"EXEC"}).type, Reply::Type::kNil);
}

TEST_F(TransactionTest, WatchOfAlreadyExpiredKeyIsNotBrokenByItsDeletion) {
  clock_.SetMs(1000);
  Run({"SET", "k", "v", "PX", "100"});
  clock_.SetMs(2000);
  Run({"WATCH", "k"});
  Run({"GET", "k"});  // lazy expiry deletes it now
  Run({"MULTI"});
  Run({"PING"});
  EXPECT_EQ(Run({"EXEC"}).type, Reply::Type::kArray);
}

TEST_F(TransactionTest, FlushBreaksOnlyWatchesOfExistingKeys) {
  Run({"SET", "present", "v"});
  Run({"WATCH", "absent"});
  Run({"FLUSHALL"});
  Run({"MULTI"});
  Run({"PING"});
  EXPECT_EQ(Run({"EXEC"}).type, Reply::Type::kArray);
  Run({"SET", "present", "v"});
  Run({"WATCH", "present"});
  Run({"FLUSHDB"});
  Run({"MULTI"});
  Run({"PING"});
  EXPECT_EQ(Run({"EXEC"}).type, Reply::Type::kNil);
}

TEST_F(TransactionTest, MultiStateErrors) {
  EXPECT_TRUE(testing::IsError(Run({"DISCARD"}), "ERR DISCARD without MULTI"));
  Run({"MULTI"});
  EXPECT_TRUE(testing::IsError(Run({"MULTI"}), "ERR MULTI calls can not be nested"));
  EXPECT_TRUE(testing::IsError(Run({"WATCH", "k"}), "ERR WATCH inside MULTI is not allowed"));
  EXPECT_EQ(Run({"DISCARD"}).str, "OK");
  EXPECT_FALSE(client_->multi.has_value());
}

}  // namespace
}  // namespace tandem::commands
