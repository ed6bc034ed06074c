#include "sentinel/script_runner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace tandem::sentinel {
namespace {

class ScriptRunnerTest : public testing::Test {
 protected:
  ScriptRunnerTest()
      : runner_([this](std::string_view event, const std::string& text) {
          failures_.emplace_back(std::string(event), text);
        }) {
    dir_ =
        std::filesystem::temp_directory_path() / ("script_runner_test_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  ~ScriptRunnerTest() override { std::filesystem::remove_all(dir_); }

  // Polls until nothing is left (bounded: 5 s of wall time).
  void RunAll(int64_t now_ms = 1'000) {
    for (int i = 0; i < 500 && runner_.running() + runner_.queued() > 0; ++i) {
      runner_.Poll(now_ms);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  std::string Script(const std::string& name, const std::string& body) {
    std::filesystem::path path = dir_ / name;
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
    return path.string();
  }

  std::filesystem::path dir_;
  std::vector<std::pair<std::string, std::string>> failures_;
  ScriptRunner runner_;
};

TEST_F(ScriptRunnerTest, RunsWithArgumentsAndReportsNothingOnSuccess) {
  std::string out = (dir_ / "out").string();
  runner_.Schedule(Script("ok.sh", "echo \"$1|$2\" > " + out), {"+sdown", "master m 1.2.3.4 5"});
  RunAll();
  std::ifstream in(out);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "+sdown|master m 1.2.3.4 5");
  EXPECT_TRUE(failures_.empty());
}

TEST_F(ScriptRunnerTest, ExitCodeAboveOneIsAnError) {
  std::string path = Script("bad.sh", "exit 3");
  runner_.Schedule(path, {});
  RunAll();
  ASSERT_EQ(failures_.size(), 1u);
  EXPECT_EQ(failures_[0].first, "-script-error");
  EXPECT_EQ(failures_[0].second, path + " 0 3");
}

TEST_F(ScriptRunnerTest, ExitCodeOneIsRetriedLater) {
  std::string count = (dir_ / "count").string();
  runner_.Schedule(Script("retry.sh", "echo x >> " + count + "; exit 1"), {});
  RunAll(1'000);  // first run; the retry waits kRetryDelayMs
  EXPECT_EQ(runner_.queued(), 1u);
  runner_.Poll(1'000 + ScriptRunner::kRetryDelayMs);
  RunAll(1'000 + ScriptRunner::kRetryDelayMs);
  std::ifstream in(count);
  std::string a, b;
  EXPECT_TRUE(std::getline(in, a) && std::getline(in, b));
}

TEST_F(ScriptRunnerTest, MissingScriptIsAnErrorNotACrash) {
  runner_.Schedule((dir_ / "absent").string(), {});
  RunAll();
  ASSERT_EQ(failures_.size(), 1u);
  EXPECT_EQ(failures_[0].first, "-script-error");
}

TEST_F(ScriptRunnerTest, OverrunningScriptIsKilled) {
  std::string path = Script("slow.sh", "sleep 30");
  runner_.Schedule(path, {});
  runner_.Poll(1'000);
  ASSERT_EQ(runner_.running(), 1u);
  runner_.Poll(1'000 + ScriptRunner::kMaxRuntimeMs + 1);
  EXPECT_EQ(runner_.running(), 0u);
  ASSERT_EQ(failures_.size(), 1u);
  EXPECT_EQ(failures_[0].first, "-script-timeout");
}

}  // namespace
}  // namespace tandem::sentinel
