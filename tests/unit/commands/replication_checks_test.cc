// The dispatcher's replication pre-checks (NOREPLICAS, READONLY, MASTERDOWN) and the expiry mode it
// sets for each call, driven through ServerState::repl as replication keeps it.

#include "server/commands/errors.h"
#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands {
namespace {

class ReplicationChecksTest : public testing::CommandTest {};

TEST_F(ReplicationChecksTest, ReadOnlyReplicaRefusesWritesAndExecOfWritesButServesReads) {
  Run({"SET", "k", "v"});
  state_.repl.replica = true;
  state_.repl.link_up = true;
  EXPECT_EQ(Run({"SET", "k", "x"}).str, errors::kReadOnlyReplica);
  EXPECT_EQ(Run({"GET", "k"}).str, "v");
  Run({"MULTI"});
  EXPECT_EQ(Run({"GET", "k"}).str, "QUEUED");
  EXPECT_EQ(Run({"DEL", "k"}).str, errors::kReadOnlyReplica);
  EXPECT_EQ(Run({"EXEC"}).str.substr(0, 9), "EXECABORT");
  state_.settings.replica_read_only = false;
  EXPECT_EQ(Run({"SET", "local", "1"}).str, "OK");
}

TEST_F(ReplicationChecksTest, StaleDataRefusedOnlyWhenConfiguredAndTheLinkIsDown) {
  state_.repl.replica = true;
  state_.repl.link_up = false;
  EXPECT_EQ(Run({"GET", "k"}).type, resp::Reply::Type::kNil) << "served by default";
  state_.settings.replica_serve_stale_data = false;
  EXPECT_EQ(Run({"GET", "k"}).str, errors::kMasterDown);
  EXPECT_EQ(Run({"PING"}).str, errors::kMasterDown);
  EXPECT_EQ(Run({"ROLE"}).type, resp::Reply::Type::kArray) << "a stale-flagged command";
  state_.repl.link_up = true;
  EXPECT_EQ(Run({"GET", "k"}).type, resp::Reply::Type::kNil);
}

TEST_F(ReplicationChecksTest, TooFewReplicasRefusesWritesOnly) {
  state_.repl.too_few_replicas = true;
  EXPECT_EQ(Run({"SET", "k", "v"}).str, errors::kNoReplicas);
  EXPECT_EQ(Run({"EVAL", "return redis.call('set', 'k', 'v')", "0"}).str.substr(0, 10),
            "NOREPLICAS");
  EXPECT_EQ(Run({"GET", "k"}).type, resp::Reply::Type::kNil);
  state_.repl.too_few_replicas = false;
  EXPECT_EQ(Run({"SET", "k", "v"}).str, "OK");
}

TEST_F(ReplicationChecksTest, TheMasterClientIsObeyedAndSeesExpiredKeys) {
  Run({"SET", "k", "v", "PX", "100"});
  clock_.AdvanceMs(200);
  state_.repl.replica = true;
  state_.repl.link_up = true;
  EXPECT_EQ(Run({"GET", "k"}).type, resp::Reply::Type::kNil) << "hidden from a client";
  EXPECT_EQ(state_.keyspace.TotalKeys(), 1u) << "but not deleted";
  client_->flags |= kClientMaster;
  EXPECT_EQ(Run({"APPEND", "k", "w"}).integer, 2) << "the master's stream sees it";
  EXPECT_EQ(Run({"DEL", "k"}).integer, 1);
  EXPECT_EQ(state_.keyspace.TotalKeys(), 0u);
}

TEST_F(ReplicationChecksTest, WritesPausedHideExpiredKeysInsteadOfDeletingThem) {
  Run({"SET", "k", "v", "PX", "100"});
  clock_.AdvanceMs(200);
  state_.pause_mode = PauseMode::kWrite;
  EXPECT_EQ(Run({"GET", "k"}).type, resp::Reply::Type::kNil);
  EXPECT_EQ(state_.keyspace.TotalKeys(), 1u);
  state_.pause_mode = PauseMode::kOff;
  EXPECT_EQ(Run({"GET", "k"}).type, resp::Reply::Type::kNil);
  EXPECT_EQ(state_.keyspace.TotalKeys(), 0u);
}

}  // namespace
}  // namespace tandem::commands
