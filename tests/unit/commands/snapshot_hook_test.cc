// The dispatcher's side of the forkless BGSAVE: while a SnapshotHook is installed, every command
// that may write reports its keys before it runs (and whole-database commands drain it).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands {
namespace {

class RecordingHook final : public SnapshotHook {
 public:
  void Preserve(int db, std::string_view key) override {
    calls.push_back(std::to_string(db) + ":" + std::string(key));
  }
  void Drain() override { calls.push_back("drain"); }
  std::vector<std::string> calls;
};

class SnapshotHookTest : public testing::CommandTest {
 protected:
  SnapshotHookTest() { state_.snapshot_hook = &hook_; }
  RecordingHook hook_;
};

using Calls = std::vector<std::string>;

TEST_F(SnapshotHookTest, WritesReportTheirKeysBeforeRunning) {
  Run({"MSET", "a", "1", "b", "2"});
  EXPECT_EQ(hook_.calls, (Calls{"0:a", "0:b"}));
  hook_.calls.clear();
  Run({"SELECT", "2"});
  Run({"RENAME", "x", "y"});  // fails (no such key): still reported first
  EXPECT_EQ(hook_.calls, (Calls{"2:x", "2:y"}));
}

TEST_F(SnapshotHookTest, ReadsReportNothing) {
  Run({"SET", "a", "1"});
  hook_.calls.clear();
  Run({"GET", "a"});
  Run({"EXISTS", "a", "b"});
  EXPECT_TRUE(hook_.calls.empty());
}

TEST_F(SnapshotHookTest, MoveAndCopyReportTheKeyInEveryDatabase) {
  Run({"SET", "a", "1"});
  hook_.calls.clear();
  Run({"MOVE", "a", "3"});
  ASSERT_EQ(hook_.calls.size(), 1u + static_cast<size_t>(state_.keyspace.database_count()));
  EXPECT_EQ(hook_.calls[0], "0:a");
  EXPECT_EQ(hook_.calls.back(), std::to_string(state_.keyspace.database_count() - 1) + ":a");
  hook_.calls.clear();
  Run({"COPY", "src", "dst", "DB", "5"});
  EXPECT_EQ(hook_.calls[0], "0:src");
  EXPECT_EQ(hook_.calls[1], "0:dst");
  EXPECT_EQ(hook_.calls[2 + 5], "5:dst");
}

TEST_F(SnapshotHookTest, WholeDatabaseCommandsDrainFirst) {
  Run({"FLUSHDB"});
  Run({"SWAPDB", "0", "1"});
  EXPECT_EQ(hook_.calls, (Calls{"drain", "drain"}));
}

TEST_F(SnapshotHookTest, QueuedAndScriptedCommandsAreReportedWhenTheyRun) {
  Run({"MULTI"});
  Run({"SET", "m", "1"});
  EXPECT_TRUE(hook_.calls.empty());  // queued, not run
  Run({"EXEC"});
  EXPECT_EQ(hook_.calls, (Calls{"0:m"}));
  hook_.calls.clear();
  Run({"EVAL", "redis.call('SET', KEYS[1], 'v'); return redis.call('DEL', 'undeclared')", "1",
       "s"});
  EXPECT_EQ(hook_.calls, (Calls{"0:s", "0:undeclared"}));
}

TEST_F(SnapshotHookTest, NoHookNoCalls) {
  state_.snapshot_hook = nullptr;
  Run({"SET", "a", "1"});
  EXPECT_TRUE(hook_.calls.empty());
}

}  // namespace
}  // namespace tandem::commands
