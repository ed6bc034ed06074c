#include "sentinel/run_id.h"

#include <gtest/gtest.h>

#include <string>

namespace tandem::sentinel {
namespace {

TEST(RunIdTest, FortyHexDigitsOfEitherCase) {
  EXPECT_TRUE(IsRunId(std::string(40, 'a')));
  EXPECT_TRUE(IsRunId("0123456789abcdefABCDEF0123456789abcdef01"));
  EXPECT_FALSE(IsRunId(""));
  EXPECT_FALSE(IsRunId(std::string(39, 'a')));
  EXPECT_FALSE(IsRunId(std::string(41, 'a')));
  EXPECT_FALSE(IsRunId(std::string(39, 'a') + "g"));
  EXPECT_FALSE(IsRunId(std::string(39, 'a') + '\0'));
  EXPECT_FALSE(IsRunId("*"));
}

}  // namespace
}  // namespace tandem::sentinel
