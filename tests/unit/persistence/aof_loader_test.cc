// LoadAof through the real dispatcher, on files written into a temporary directory.

#include "server/persistence/aof_loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "server/persistence/aof_base.h"
#include "server/persistence/aof_writer.h"
#include "tests/unit/commands/command_fixture.h"

namespace tandem::persistence {
namespace {

namespace fs = std::filesystem;

std::string Resp(std::initializer_list<std::vector<std::string_view>> commands, int db = 0) {
  AofWriter w;
  for (const auto& argv : commands) {
    bool dbless = argv[0] == "MULTI" || argv[0] == "EXEC";
    w.Propagate(dbless ? -1 : db, argv);
  }
  return w.buffer();
}

class AofLoaderTest : public commands::testing::CommandTest {
 protected:
  AofLoaderTest() {
    root_ = fs::temp_directory_path() /
            ("aof_loader_test_" + std::to_string(getpid()) + "_" + std::to_string(counter_++));
    fs::create_directories(root_ / "appendonlydir");
    options_.dir = (root_ / "appendonlydir").string();
    options_.prefix = "appendonly.aof";
  }
  ~AofLoaderTest() override { fs::remove_all(root_); }

  void WriteFile(const std::string& name, const std::string& data) {
    std::ofstream(root_ / "appendonlydir" / name, std::ios::binary) << data;
  }
  std::string ReadFile(const std::string& name) {
    std::ifstream in(root_ / "appendonlydir" / name, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void WriteLayout(const std::string& base, const std::string& incr1, const std::string& incr2) {
    WriteFile("appendonly.aof.manifest",
              "file appendonly.aof.1.base.aof seq 1 type b\n"
              "file appendonly.aof.1.incr.aof seq 1 type i\n"
              "file appendonly.aof.2.incr.aof seq 2 type i\n");
    WriteFile("appendonly.aof.1.base.aof", base);
    WriteFile("appendonly.aof.1.incr.aof", incr1);
    WriteFile("appendonly.aof.2.incr.aof", incr2);
  }
  base::StatusOr<AofLoadResult> Load() { return LoadAof(options_, state_, dispatcher_); }

  static inline int counter_ = 0;
  fs::path root_;
  AofLoadOptions options_;
};

TEST_F(AofLoaderTest, NoDirectoryOrManifestLoadsNothing) {
  auto r = Load();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->manifest.empty());
  options_.dir = (root_ / "missing").string();
  ASSERT_TRUE(Load().ok());
}

TEST_F(AofLoaderTest, BaseAndIncrementalFilesReplayInOrderWithoutCounting) {
  WriteLayout(Resp({{"SET", "a", "1"}, {"RPUSH", "l", "x", "y"}}),
              Resp({{"INCR", "a"}}) + Resp({{"SET", "b", "2"}}, 5),
              Resp({{"MULTI"}, {"INCR", "a"}, {"EXEC"}}));
  uint64_t processed = state_.stats.total_commands_processed;
  auto r = Load();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->commands, 11u);  // SELECTs included
  EXPECT_FALSE(r->truncated);
  EXPECT_EQ(Run({"GET", "a"}).str, "3");
  EXPECT_EQ(Run({"LRANGE", "l", "0", "-1"}).elements.size(), 2u);
  Run({"SELECT", "5"});
  EXPECT_EQ(Run({"GET", "b"}).str, "2");
  EXPECT_EQ(state_.stats.total_commands_processed, processed + 4);  // only the 4 Runs above
  EXPECT_EQ(r->base_size, ReadFile("appendonly.aof.1.base.aof").size());
}

TEST_F(AofLoaderTest, TruncatedLastFileIsCutBackWhenAllowed) {
  std::string incr2 = Resp({{"SET", "c", "3"}, {"SET", "d", "4"}});
  size_t keep = Resp({{"SET", "c", "3"}}).size();
  WriteLayout(Resp({{"SET", "a", "1"}}), "", incr2.substr(0, incr2.size() - 3));
  auto r = Load();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->truncated);
  EXPECT_EQ(Run({"GET", "c"}).str, "3");
  EXPECT_EQ(Run({"EXISTS", "d"}).integer, 0);
  EXPECT_EQ(ReadFile("appendonly.aof.2.incr.aof").size(), keep);
}

TEST_F(AofLoaderTest, OpenMultiAtTheEndIsDropped) {
  std::string incr2 = Resp({{"SET", "c", "3"}, {"MULTI"}, {"SET", "e", "5"}});
  size_t keep = Resp({{"SET", "c", "3"}}).size();
  WriteLayout("", "", incr2);
  auto r = Load();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->truncated);
  EXPECT_EQ(Run({"EXISTS", "e"}).integer, 0);
  EXPECT_EQ(ReadFile("appendonly.aof.2.incr.aof").size(), keep);
}

TEST_F(AofLoaderTest, TruncationIsFatalInAnEarlierFileOrWhenNotAllowed) {
  std::string cut = Resp({{"SET", "c", "3"}});
  cut.pop_back();
  WriteLayout("", cut, Resp({{"SET", "d", "4"}}));
  auto r = Load();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("Unexpected end of file reading the append only file "
                                      "appendonly.aof.1.incr.aof"),
            std::string::npos)
      << r.status().message();
  EXPECT_EQ(ReadFile("appendonly.aof.1.incr.aof"), cut);  // untouched

  WriteLayout("", "", cut);
  options_.load_truncated = false;
  EXPECT_FALSE(Load().ok());
  EXPECT_EQ(ReadFile("appendonly.aof.2.incr.aof"), cut);
}

TEST_F(AofLoaderTest, CorruptionNamesFileAndOffsetAndChangesNothing) {
  std::string good = Resp({{"SET", "a", "1"}});
  std::string bad = good + "*2\r\n$3\r\nGET\r\nXX\r\n" + good;
  WriteLayout("", bad, "");
  auto r = Load();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("Bad file format reading the append only file "
                                      "appendonly.aof.1.incr.aof at offset " +
                                      std::to_string(good.size() + 13)),
            std::string::npos)
      << r.status().message();
  EXPECT_EQ(ReadFile("appendonly.aof.1.incr.aof"), bad);
}

TEST_F(AofLoaderTest, UnknownCommandAndMissingFileAreFatal) {
  WriteLayout("", Resp({{"NOSUCHCMD", "x"}}), "");
  auto r = Load();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("Unknown command 'NOSUCHCMD'"), std::string::npos);
  fs::remove(root_ / "appendonlydir" / "appendonly.aof.2.incr.aof");
  WriteFile("appendonly.aof.1.incr.aof", "");
  r = Load();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("appendonly.aof.2.incr.aof doesn't exist"),
            std::string::npos);
}

}  // namespace
}  // namespace tandem::persistence

namespace tandem::persistence {
namespace {

TEST_F(AofLoaderTest, RespBaseRebuildsEveryTypeAndTtl) {
  Run({"SET", "s", "str"});
  Run({"SET", "n", "12345"});
  Run({"PEXPIREAT", "n", "4000000000000"});
  for (int i = 0; i < 150; ++i) Run({"RPUSH", "l", "e" + std::to_string(i)});
  Run({"SADD", "si", "1", "2", "3"});
  Run({"SADD", "ss", "a", "b"});
  Run({"ZADD", "z", "1.5", "m1", "-2", "m2", "inf", "m3"});
  Run({"HSET", "h", "f1", "v1", "f2", "v2"});
  Run({"SELECT", "3"});
  Run({"SET", "other", "db"});
  Run({"SELECT", "0"});

  AofBaseInput input;
  input.keyspace = &state_.keyspace;
  input.rdb = false;
  std::string base;
  ASSERT_TRUE(WriteAofBase(input, [&](std::string_view chunk) {
                base += chunk;
                return base::Status::Ok();
              }).ok());
  Run({"FLUSHALL"});
  WriteLayout(base, "", "");
  auto r = Load();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(Run({"GET", "s"}).str, "str");
  EXPECT_EQ(Run({"PEXPIRETIME", "n"}).integer, 4000000000000);
  EXPECT_EQ(Run({"LLEN", "l"}).integer, 150);
  EXPECT_EQ(Run({"LINDEX", "l", "149"}).str, "e149");
  EXPECT_EQ(Run({"SCARD", "si"}).integer, 3);
  EXPECT_EQ(Run({"SISMEMBER", "ss", "b"}).integer, 1);
  EXPECT_EQ(Run({"ZSCORE", "z", "m2"}).str, "-2");
  EXPECT_EQ(Run({"ZSCORE", "z", "m3"}).str, "inf");
  EXPECT_EQ(Run({"HGET", "h", "f2"}).str, "v2");
  Run({"SELECT", "3"});
  EXPECT_EQ(Run({"GET", "other"}).str, "db");
}

TEST_F(AofLoaderTest, RespBaseRefusesStreams) {
  Run({"XADD", "st", "1-1", "f", "v"});
  AofBaseInput input;
  input.keyspace = &state_.keyspace;
  input.rdb = false;
  EXPECT_FALSE(WriteAofBase(input, [](std::string_view) { return base::Status::Ok(); }).ok());
}

}  // namespace
}  // namespace tandem::persistence
