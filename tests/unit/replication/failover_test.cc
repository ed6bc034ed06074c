#include "replication/failover.h"

#include <gtest/gtest.h>

#include <vector>

namespace tandem::replication {
namespace {

base::StatusOr<FailoverArgs> Parse(std::vector<std::string_view> argv) {
  return ParseFailoverArgs(argv);
}

std::string Error(std::vector<std::string_view> argv) {
  base::StatusOr<FailoverArgs> parsed = Parse(std::move(argv));
  EXPECT_FALSE(parsed.ok());
  return parsed.ok() ? "" : parsed.status().message();
}

TEST(FailoverArgsTest, NoArgumentsMeansAnyReplicaWithoutTimeout) {
  auto parsed = Parse({"FAILOVER"});
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->abort);
  EXPECT_TRUE(parsed->host.empty());
  EXPECT_EQ(parsed->timeout_ms, 0);
  EXPECT_FALSE(parsed->force);
}

TEST(FailoverArgsTest, OptionsInAnyOrderAndAnyCase) {
  auto parsed = Parse({"failover", "timeout", "250", "Force", "TO", "10.0.0.2", "6380"});
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->host, "10.0.0.2");
  EXPECT_EQ(parsed->port, 6380);
  EXPECT_EQ(parsed->timeout_ms, 250);
  EXPECT_TRUE(parsed->force);
  EXPECT_FALSE(parsed->abort);
}

TEST(FailoverArgsTest, AbortOnlyAlone) {
  auto parsed = Parse({"FAILOVER", "abort"});
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->abort);
  EXPECT_EQ(Error({"FAILOVER", "ABORT", "TIMEOUT", "5"}), "ERR syntax error");
  EXPECT_EQ(Error({"FAILOVER", "TIMEOUT", "5", "ABORT"}), "ERR syntax error");
}

TEST(FailoverArgsTest, EachOptionAtMostOnceAndComplete) {
  EXPECT_EQ(Error({"FAILOVER", "TIMEOUT", "5", "TIMEOUT", "6"}), "ERR syntax error");
  EXPECT_EQ(Error({"FAILOVER", "FORCE", "FORCE"}), "ERR syntax error");
  EXPECT_EQ(Error({"FAILOVER", "TO", "h", "1", "TO", "h", "2"}), "ERR syntax error");
  EXPECT_EQ(Error({"FAILOVER", "TO", "h"}), "ERR syntax error");
  EXPECT_EQ(Error({"FAILOVER", "TIMEOUT"}), "ERR syntax error");
  EXPECT_EQ(Error({"FAILOVER", "NOW"}), "ERR syntax error");
}

TEST(FailoverArgsTest, NumbersAreChecked) {
  EXPECT_EQ(Error({"FAILOVER", "TIMEOUT", "x"}), "ERR value is not an integer or out of range");
  EXPECT_EQ(Error({"FAILOVER", "TO", "h", "p"}), "ERR value is not an integer or out of range");
  EXPECT_EQ(Error({"FAILOVER", "TIMEOUT", "0"}), "ERR FAILOVER timeout must be greater than 0");
  EXPECT_EQ(Error({"FAILOVER", "TIMEOUT", "-1"}), "ERR FAILOVER timeout must be greater than 0");
}

TEST(FailoverArgsTest, ForceIsParsedAloneTheServerChecksItsCompanions) {
  auto parsed = Parse({"FAILOVER", "FORCE"});
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->force);
}

TEST(FailoverStateTest, InfoNames) {
  EXPECT_STREQ(FailoverStateName(FailoverState::kNone), "no-failover");
  EXPECT_STREQ(FailoverStateName(FailoverState::kWaitForSync), "waiting-for-sync");
  EXPECT_STREQ(FailoverStateName(FailoverState::kInProgress), "failover-in-progress");
}

}  // namespace
}  // namespace tandem::replication
