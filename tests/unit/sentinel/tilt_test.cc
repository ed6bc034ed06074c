#include "sentinel/tilt.h"

#include <gtest/gtest.h>

namespace tandem::sentinel {
namespace {

TEST(TiltTest, RegularTicksNeverTilt) {
  TiltDetector tilt;
  for (int64_t t = 1'000'000; t < 1'010'000; t += 100) EXPECT_FALSE(tilt.OnTick(t));
  EXPECT_FALSE(tilt.Active(1'010'000));
  EXPECT_EQ(tilt.since_ms(), 0);
}

TEST(TiltTest, GapOfExactlyTwoSecondsIsStillFine) {
  TiltDetector tilt;
  tilt.OnTick(1'000'000);
  EXPECT_FALSE(tilt.OnTick(1'002'000));
  EXPECT_TRUE(tilt.OnTick(1'004'001));
  EXPECT_TRUE(tilt.Active(1'004'001));
}

TEST(TiltTest, BackwardsClockTiltsAndPeriodEnds) {
  TiltDetector tilt;
  tilt.OnTick(1'000'000);
  EXPECT_TRUE(tilt.OnTick(999'000));
  EXPECT_EQ(tilt.since_ms(), 999'000);
  EXPECT_TRUE(tilt.Active(999'000 + TiltDetector::kTiltPeriodMs - 1));
  EXPECT_FALSE(tilt.Active(999'000 + TiltDetector::kTiltPeriodMs));
}

TEST(TiltTest, NewTriggerRestartsThePeriod) {
  TiltDetector tilt;
  tilt.OnTick(1'000'000);
  tilt.OnTick(1'005'000);
  tilt.OnTick(1'025'000);
  EXPECT_TRUE(tilt.OnTick(1'030'000));
  EXPECT_TRUE(tilt.Active(1'050'000));
}

}  // namespace
}  // namespace tandem::sentinel
