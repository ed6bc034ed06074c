#include "sentinel/state_store.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace tandem::sentinel {
namespace {

namespace fs = std::filesystem;
using base::Status;
using google::protobuf::util::MessageDifferencer;

const std::string kMyId = "0123456789abcdef0123456789abcdef01234567";
const std::string kPeerId = "fedcba9876543210fedcba9876543210fedcba98";

proto::SentinelState SampleState() {
  proto::SentinelState state;
  state.set_my_id(kMyId);
  state.set_current_epoch(42);
  proto::MonitoredMaster* master = state.add_masters();
  master->set_name("mymaster");
  master->set_config_epoch(41);
  master->set_host("10.0.0.2");
  master->set_port(6380);
  proto::KnownReplica* replica = master->add_replicas();
  replica->set_host("10.0.0.3");
  replica->set_port(6379);
  replica = master->add_replicas();
  replica->set_host("replica-2.example");
  replica->set_port(6379);
  proto::KnownSentinel* sentinel = master->add_sentinels();
  sentinel->set_run_id(kPeerId);
  sentinel->set_host("10.0.0.8");
  sentinel->set_port(26379);
  master->set_leader(kPeerId);
  master->set_leader_epoch(41);
  proto::MonitoredMaster* other = state.add_masters();
  other->set_name(std::string("c\xe9\0he", 5));  // Latin-1 and a NUL: not UTF-8, still a name
  other->set_host("::1");
  other->set_port(7000);
  return state;
}

class StateStoreTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sentinel_state_test_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "sentinel-state.pb").string();
  }
  void TearDown() override {
    fs::permissions(dir_, fs::perms::owner_all);
    fs::remove_all(dir_);
  }

  void WriteRaw(const std::string& bytes) { std::ofstream(path_, std::ios::binary) << bytes; }
  std::string ReadRaw() const {
    std::ifstream in(path_, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  size_t FilesInDir() const {
    return static_cast<size_t>(
        std::distance(fs::directory_iterator(dir_), fs::directory_iterator()));
  }
  // Loads path_ expecting an error of `code` whose message names the file and contains `what`.
  void ExpectLoadError(Status::Code code, const std::string& what) {
    auto loaded = LoadState(path_);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.status().code(), code) << loaded.status().message();
    EXPECT_NE(loaded.status().message().find(path_), std::string::npos)
        << loaded.status().message();
    EXPECT_NE(loaded.status().message().find(what), std::string::npos) << loaded.status().message();
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(StateStoreTest, RoundTripKeepsEveryFieldAndStampsTheVersion) {
  const proto::SentinelState state = SampleState();
  ASSERT_TRUE(SaveState(path_, state).ok());
  EXPECT_EQ(FilesInDir(), 1u);  // no temporary file left behind
  EXPECT_EQ(fs::status(path_).permissions(), fs::perms::owner_read | fs::perms::owner_write);
  auto loaded = LoadState(path_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ASSERT_TRUE(loaded->has_value());
  proto::SentinelState expected = state;
  expected.set_version(kStateVersion);
  EXPECT_TRUE(MessageDifferencer::Equals(**loaded, expected)) << (*loaded)->DebugString();
}

TEST_F(StateStoreTest, SaveReplacesThePreviousState) {
  proto::SentinelState state = SampleState();
  ASSERT_TRUE(SaveState(path_, state).ok());
  state.set_current_epoch(43);
  state.mutable_masters(0)->set_host("10.0.0.3");
  state.mutable_masters()->RemoveLast();
  ASSERT_TRUE(SaveState(path_, state).ok());
  auto loaded = LoadState(path_);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->current_epoch(), 43u);
  EXPECT_EQ((*loaded)->masters_size(), 1);
  EXPECT_EQ((*loaded)->masters(0).host(), "10.0.0.3");
  EXPECT_EQ(FilesInDir(), 1u);
}

TEST_F(StateStoreTest, RelativePathInTheCurrentDirectory) {
  const fs::path old_cwd = fs::current_path();
  fs::current_path(dir_);
  const Status saved = SaveState("relative.pb", SampleState());
  auto loaded = LoadState("relative.pb");
  fs::current_path(old_cwd);
  ASSERT_TRUE(saved.ok()) << saved.message();
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->my_id(), kMyId);
}

TEST_F(StateStoreTest, AbsentFileIsAFirstStart) {
  auto loaded = LoadState(path_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_FALSE(loaded->has_value());
}

TEST_F(StateStoreTest, GarbageIsCorruptionNamingTheFile) {
  WriteRaw("\xff\xff\xff\xff");
  ExpectLoadError(Status::Code::kCorruption, "cannot parse");
  WriteRaw("sentinel myid 0123456789abcdef0123456789abcdef01234567\n");  // a Redis config line
  ExpectLoadError(Status::Code::kCorruption, "sentinel state");
}

TEST_F(StateStoreTest, TruncatedFileIsCorruption) {
  proto::SentinelState state = SampleState();
  state.set_version(kStateVersion);
  const std::string bytes = state.SerializeAsString();
  WriteRaw(bytes.substr(0, bytes.size() / 2));  // cut inside the first master
  ExpectLoadError(Status::Code::kCorruption, "cannot parse");
}

TEST_F(StateStoreTest, EmptyFileHasNoVersion) {
  WriteRaw("");
  ExpectLoadError(Status::Code::kCorruption, "no version");
}

TEST_F(StateStoreTest, FutureVersionIsRefused) {
  proto::SentinelState state = SampleState();
  state.set_version(kStateVersion + 1);
  WriteRaw(state.SerializeAsString());
  ExpectLoadError(Status::Code::kCorruption, "newer tandem-sentinel");
}

TEST_F(StateStoreTest, InvalidContentIsRefusedOnLoadAndNeverSaved) {
  struct Case {
    void (*spoil)(proto::SentinelState&);
    const char* problem;
  };
  const Case cases[] = {
      {[](proto::SentinelState& s) { s.set_my_id("abc"); }, "my_id"},
      {[](proto::SentinelState& s) { s.mutable_masters(0)->clear_name(); }, "empty name"},
      {[](proto::SentinelState& s) { s.mutable_masters(1)->set_name("mymaster"); },
       "master mymaster appears twice"},
      {[](proto::SentinelState& s) { s.mutable_masters(0)->set_port(0); }, "bad address"},
      {[](proto::SentinelState& s) { s.mutable_masters(0)->mutable_replicas(1)->set_port(65536); },
       "bad replica address"},
      {[](proto::SentinelState& s) { s.mutable_masters(0)->mutable_sentinels(0)->set_run_id("*"); },
       "bad sentinel run id"},
      {[](proto::SentinelState& s) { s.mutable_masters(0)->mutable_sentinels(0)->clear_host(); },
       "bad sentinel address"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.problem);
    proto::SentinelState state = SampleState();
    c.spoil(state);
    const Status saved = SaveState(path_, state);
    EXPECT_EQ(saved.code(), Status::Code::kInvalidArgument);
    EXPECT_NE(saved.message().find(c.problem), std::string::npos) << saved.message();
    EXPECT_EQ(FilesInDir(), 0u);

    state.set_version(kStateVersion);
    WriteRaw(state.SerializeAsString());
    ExpectLoadError(Status::Code::kCorruption, c.problem);
    fs::remove(path_);
  }
}

TEST_F(StateStoreTest, UnreadablePathIsAnIoError) {
  fs::create_directory(path_);  // read() on a directory fails with EISDIR, even for root
  ExpectLoadError(Status::Code::kIoError, "cannot read");
}

TEST_F(StateStoreTest, OversizedFileIsRefusedUnread) {
  WriteRaw("");
  fs::resize_file(path_, kMaxStateFileSize + 1);  // sparse: no disk space used
  ExpectLoadError(Status::Code::kIoError, "larger than");
}

TEST_F(StateStoreTest, EndlessDeviceIsRefusedAtTheLimit) {
  auto loaded = LoadState("/dev/zero");  // reports no size: the read loop must stop by itself
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("/dev/zero: larger than"), std::string::npos)
      << loaded.status().message();
}

// The file is replaced only by rename, so a save that fails half way (here: the file size limit is
// hit while writing the temporary file) leaves the old state intact and no temporary file.
TEST_F(StateStoreTest, FailedWriteLeavesTheOldFileIntact) {
  ASSERT_TRUE(SaveState(path_, SampleState()).ok());
  const std::string old_bytes = ReadRaw();
  proto::SentinelState big = SampleState();
  for (int i = 0; i < 2000; ++i) {
    proto::KnownReplica* replica = big.mutable_masters(0)->add_replicas();
    replica->set_host("replica-" + std::to_string(i) + ".example");
    replica->set_port(6379);
  }

  rlimit old_limit{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old_limit;
  small.rlim_cur = 4096;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  const Status saved = SaveState(path_, big);
  setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);

  EXPECT_EQ(saved.code(), Status::Code::kIoError);
  EXPECT_NE(saved.message().find(path_), std::string::npos) << saved.message();
  EXPECT_NE(saved.message().find("cannot write"), std::string::npos) << saved.message();
  EXPECT_EQ(ReadRaw(), old_bytes);
  EXPECT_EQ(FilesInDir(), 1u);
}

TEST_F(StateStoreTest, FailedRenameRemovesTheTemporaryFile) {
  fs::create_directory(path_);
  std::ofstream(fs::path(path_) / "keep") << "x";  // rename() cannot replace a non-empty directory
  const Status saved = SaveState(path_, SampleState());
  EXPECT_EQ(saved.code(), Status::Code::kIoError);
  EXPECT_NE(saved.message().find("Failed renaming"), std::string::npos) << saved.message();
  EXPECT_TRUE(fs::exists(fs::path(path_) / "keep"));
  EXPECT_EQ(FilesInDir(), 1u);
}

TEST_F(StateStoreTest, ReadOnlyDirectoryKeepsTheOldFile) {
  if (geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  ASSERT_TRUE(SaveState(path_, SampleState()).ok());
  const std::string old_bytes = ReadRaw();
  fs::permissions(dir_, fs::perms::owner_read | fs::perms::owner_exec);
  proto::SentinelState state = SampleState();
  state.set_current_epoch(99);
  const Status saved = SaveState(path_, state);
  fs::permissions(dir_, fs::perms::owner_all);
  EXPECT_EQ(saved.code(), Status::Code::kIoError);
  EXPECT_NE(saved.message().find("cannot create a temporary file"), std::string::npos)
      << saved.message();
  EXPECT_EQ(ReadRaw(), old_bytes);
}

TEST_F(StateStoreTest, MissingDirectoryIsAnIoErrorNamingTheFile) {
  const std::string path = (dir_ / "nope" / "state.pb").string();
  const Status saved = SaveState(path, SampleState());
  EXPECT_EQ(saved.code(), Status::Code::kIoError);
  EXPECT_NE(saved.message().find(path), std::string::npos) << saved.message();
}

}  // namespace
}  // namespace tandem::sentinel
