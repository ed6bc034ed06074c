#include "server/persistence/fork_child.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace tandem::persistence {
namespace {

// Polls until the child is reaped (bounded: 10 s).
ChildExit WaitFor(ForkChild& child) {
  for (int i = 0; i < 2000; ++i) {
    if (auto exit = child.Poll()) return *exit;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ADD_FAILURE() << "child did not end";
  child.Kill();
  return {};
}

TEST(ForkChildTest, SuccessfulJob) {
  ForkChild child;
  EXPECT_FALSE(child.Poll().has_value());
  ASSERT_TRUE(child.Start(ChildKind::kRdb, [] { return true; }).ok());
  EXPECT_EQ(child.running(), ChildKind::kRdb);
  EXPECT_GT(child.pid(), 0);
  ChildExit exit = WaitFor(child);
  EXPECT_EQ(exit.kind, ChildKind::kRdb);
  EXPECT_TRUE(exit.ok);
  EXPECT_FALSE(exit.killed);
  EXPECT_EQ(child.running(), ChildKind::kNone);
  EXPECT_FALSE(child.Poll().has_value());
}

TEST(ForkChildTest, FailedJob) {
  ForkChild child;
  ASSERT_TRUE(child.Start(ChildKind::kAof, [] { return false; }).ok());
  ChildExit exit = WaitFor(child);
  EXPECT_EQ(exit.kind, ChildKind::kAof);
  EXPECT_FALSE(exit.ok);
  EXPECT_FALSE(exit.killed);
}

// A child that would run for 5 s: the tests end it sooner.
base::Status StartSleepingChild(ForkChild& child) {
  return child.Start(ChildKind::kRdb, [] {
    sleep(5);
    return true;
  });
}

TEST(ForkChildTest, OnlyOneChildAtATime) {
  ForkChild child;
  ASSERT_TRUE(StartSleepingChild(child).ok());
  EXPECT_FALSE(child.Start(ChildKind::kAof, [] { return true; }).ok());
  EXPECT_FALSE(child.Poll().has_value());
  child.Kill();
  EXPECT_EQ(child.running(), ChildKind::kNone);
}

TEST(ForkChildTest, ChildKilledFromOutsideIsReported) {
  ForkChild child;
  ASSERT_TRUE(StartSleepingChild(child).ok());
  kill(child.pid(), SIGKILL);
  ChildExit exit = WaitFor(child);
  EXPECT_FALSE(exit.ok);
  EXPECT_TRUE(exit.killed);
}

TEST(ForkChildTest, ReportsCopyOnWrite) {
  ForkChild child;
  ASSERT_TRUE(child
                  .Start(ChildKind::kRdb,
                         [] {
                           // Touch 4 MB so that the child owns dirty pages.
                           std::string big(4 << 20, 'x');
                           return big.size() > 0;
                         })
                  .ok());
  ChildExit exit = WaitFor(child);
  EXPECT_TRUE(exit.ok);
  EXPECT_GT(exit.cow_bytes, 0u);
}

TEST(ForkChildTest, AReservationHoldsTheSlotWithoutAProcess) {
  ForkChild child;
  child.Reserve(ChildKind::kRdb);
  EXPECT_EQ(child.running(), ChildKind::kRdb);
  EXPECT_FALSE(child.Poll().has_value());  // no waitpid(-1): other children are not reaped
  child.Kill();                            // nothing to kill: the reservation stays
  EXPECT_EQ(child.running(), ChildKind::kRdb);
  EXPECT_FALSE(child.Start(ChildKind::kAof, [] { return true; }).ok());
  child.Release();
  EXPECT_EQ(child.running(), ChildKind::kNone);
  ASSERT_TRUE(child.Start(ChildKind::kAof, [] { return true; }).ok());
  child.Release();  // a real child is not released
  EXPECT_EQ(child.running(), ChildKind::kAof);
  EXPECT_TRUE(WaitFor(child).ok);
}

}  // namespace
}  // namespace tandem::persistence
