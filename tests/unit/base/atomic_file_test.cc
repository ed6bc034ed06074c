#include "server/base/atomic_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace tandem::base {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("atomic_file_test_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  static std::string Read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  fs::path dir_;
};

TEST_F(AtomicFileTest, CommitReplacesTheTarget) {
  fs::path target = dir_ / "dump.rdb";
  std::ofstream(target) << "old";
  auto file = AtomicFile::Create(target.string());
  ASSERT_TRUE(file.ok()) << file.status().message();
  ASSERT_TRUE(file->Write("new ").ok());
  ASSERT_TRUE(file->Write("content").ok());
  EXPECT_EQ(Read(target), "old");  // untouched until Commit
  EXPECT_TRUE(fs::exists(file->temp_path()));
  ASSERT_TRUE(file->Commit().ok());
  EXPECT_EQ(Read(target), "new content");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(AtomicFileTest, UncommittedFileIsRemovedAndTargetKept) {
  fs::path target = dir_ / "dump.rdb";
  std::ofstream(target) << "old";
  std::string temp;
  {
    auto file = AtomicFile::Create(target.string(), (dir_ / "temp-1.rdb").string());
    ASSERT_TRUE(file.ok());
    temp = file->temp_path();
    EXPECT_EQ(temp, (dir_ / "temp-1.rdb").string());
    ASSERT_TRUE(file->Write("partial").ok());
  }
  EXPECT_FALSE(fs::exists(temp));
  EXPECT_EQ(Read(target), "old");
}

TEST_F(AtomicFileTest, CreateInMissingDirectoryFails) {
  auto file = AtomicFile::Create((dir_ / "nope" / "dump.rdb").string());
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("No such file"), std::string::npos);
}

TEST_F(AtomicFileTest, SyncDirectoryOfMissingDirectoryFails) {
  EXPECT_TRUE(SyncDirectoryOf((dir_ / "x").string()).ok());
  EXPECT_FALSE(SyncDirectoryOf((dir_ / "nope" / "x").string()).ok());
}

}  // namespace
}  // namespace tandem::base
