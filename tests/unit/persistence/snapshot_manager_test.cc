// SnapshotManager's replication hooks, without an event loop (state.control is null, so a walk
// runs to its end at once): the stream snapshot's bytes, the replication BGSAVE's callback, the
// replica's load, and the repl-* aux fields of every RDB.

#include "server/persistence/snapshot_manager.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/unit/commands/command_fixture.h"

namespace tandem::persistence {
namespace {

namespace fs = std::filesystem;

// A replication stand-in: only the aux fields matter here.
class FixedReplication final : public commands::ReplicationControl {
 public:
  void ReplicaOf(commands::Context&) override {}
  void Psync(commands::Context&) override {}
  void Replconf(commands::Context&) override {}
  void Wait(commands::Context&) override {}
  void Role(commands::Context&) override {}
  void Failover(commands::Context&) override {}
  void AppendInfo(std::string&) override {}
  void ClientClosed(commands::Client&) override {}
  void FillSnapshotAux(rdb::SnapshotAux& aux) const override {
    aux.repl_id = std::string(40, 'a');
    aux.repl_offset = 4711;
    aux.repl_stream_db = 3;
  }
};

class SnapshotManagerTest : public commands::testing::CommandTest {
 protected:
  SnapshotManagerTest() {
    dir_ = fs::temp_directory_path() / ("snapshot_manager_test_" + std::to_string(getpid()));
    fs::create_directories(dir_);
    old_cwd_ = fs::current_path();
    fs::current_path(dir_);
    state_.snapshots = &manager_;
    state_.replication = &replication_;
  }
  ~SnapshotManagerTest() override {
    state_.replication = nullptr;
    fs::current_path(old_cwd_);
    fs::remove_all(dir_);
  }

  static std::string Aux(const std::vector<std::pair<std::string, std::string>>& aux,
                         const std::string& name) {
    for (const auto& [n, v] : aux) {
      if (n == name) return v;
    }
    return "<absent>";
  }

  fs::path dir_, old_cwd_;
  ForkChild child_;
  SnapshotManager manager_{state_, child_};
  FixedReplication replication_;
};

TEST_F(SnapshotManagerTest, StreamSnapshotIsALoadableRdbWithTheReplicationFields) {
  Run({"SET", "a", "1"});
  Run({"RPUSH", "l", "x", "y"});
  Run({"FUNCTION", "LOAD",
       "#!lua name=lib\nredis.register_function('f', function() return 1 end)"});
  std::string bytes;
  int done_calls = 0;
  bool started = manager_.StartStreamSnapshot({[&](std::string_view chunk) {
                                                 bytes.append(chunk);
                                                 return base::Status::Ok();
                                               },
                                               [] { return true; },
                                               [&](const base::Status& s) {
                                                 EXPECT_TRUE(s.ok()) << s.message();
                                                 ++done_calls;
                                               }});
  ASSERT_TRUE(started);
  EXPECT_EQ(done_calls, 1);
  EXPECT_EQ(bytes.substr(0, 9), "REDIS0010");
  EXPECT_FALSE(state_.persistence.bgsave_in_progress);
  EXPECT_EQ(state_.persistence.rdb_saves, 0u) << "a stream is not a save";

  std::ofstream(dir_ / "copy.rdb", std::ios::binary) << bytes;
  state_.keyspace.FlushAll();
  auto aux = manager_.LoadForReplication((dir_ / "copy.rdb").string());
  ASSERT_TRUE(aux.ok()) << aux.status().message();
  EXPECT_EQ(Aux(*aux, "repl-id"), std::string(40, 'a'));
  EXPECT_EQ(Aux(*aux, "repl-offset"), "4711");
  EXPECT_EQ(Aux(*aux, "repl-stream-db"), "3");
  EXPECT_EQ(Run({"GET", "a"}).str, "1");
  EXPECT_EQ(Run({"LLEN", "l"}).integer, 2);
  EXPECT_EQ(Run({"FCALL", "f", "0"}).integer, 1) << "function libraries travel too";
}

TEST_F(SnapshotManagerTest, StreamSnapshotRefusedWhileASaveRuns) {
  child_.Reserve(ChildKind::kAof);
  EXPECT_FALSE(manager_.StartStreamSnapshot({[](std::string_view) { return base::Status::Ok(); },
                                             [] { return true; }, [](const base::Status&) {}}));
  EXPECT_FALSE(manager_.BackgroundSaveForReplication([](const base::Status&) {}));
  child_.Release();
}

TEST_F(SnapshotManagerTest, StreamSinkErrorReachesDone) {
  Run({"SET", "a", "1"});
  base::Status result;
  ASSERT_TRUE(manager_.StartStreamSnapshot(
      {[](std::string_view) { return base::Status::IoError("peer gone"); }, [] { return true; },
       [&](const base::Status& s) { result = s; }}));
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(child_.running(), ChildKind::kNone);
}

TEST_F(SnapshotManagerTest, ReplicationBgsaveCallsBackAndWritesTheDumpWithReplicationFields) {
  Run({"SET", "k", "v"});
  int calls = 0;
  ASSERT_TRUE(manager_.BackgroundSaveForReplication([&](const base::Status& s) {
    EXPECT_TRUE(s.ok()) << s.message();
    ++calls;
  }));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(manager_.RdbPath(), (fs::current_path() / "dump.rdb").string());
  ASSERT_TRUE(fs::exists(manager_.RdbPath()));
  state_.keyspace.FlushAll();
  ASSERT_TRUE(manager_.LoadAtStart().ok());
  EXPECT_EQ(Run({"GET", "k"}).str, "v");
  EXPECT_EQ(state_.persistence.loaded_repl_id, std::string(40, 'a'));
  EXPECT_EQ(state_.persistence.loaded_repl_offset, 4711);
  EXPECT_EQ(state_.persistence.loaded_repl_stream_db, 3);
}

TEST_F(SnapshotManagerTest, ReplicaLoadKeepsExpiredKeys) {
  Run({"SET", "gone", "1", "PX", "10"});
  Run({"SET", "live", "1"});
  std::string bytes;
  ASSERT_TRUE(manager_.StartStreamSnapshot({[&](std::string_view chunk) {
                                              bytes.append(chunk);
                                              return base::Status::Ok();
                                            },
                                            [] { return true; }, [](const base::Status&) {}}));
  std::ofstream(dir_ / "copy.rdb", std::ios::binary) << bytes;
  clock_.AdvanceMs(100);
  state_.repl.replica = true;
  ASSERT_TRUE(manager_.LoadForReplication((dir_ / "copy.rdb").string()).ok());
  EXPECT_EQ(state_.keyspace.TotalKeys(), 2u) << "the master's DEL removes it";
  EXPECT_EQ(Run({"GET", "gone"}).type, resp::Reply::Type::kNil) << "but reads do not see it";
  state_.repl.replica = false;
}

}  // namespace
}  // namespace tandem::persistence
