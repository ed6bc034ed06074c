#pragma once
// Time source for the keyspace and commands. Production code uses SystemClock; tests inject a
// ManualClock so that expiry can be tested without sleeping.

#include <chrono>
#include <cstdint>

namespace tandem::base {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch (wall clock, as Redis's mstime()).
  virtual int64_t NowMs() const = 0;
  // Microseconds since the Unix epoch.
  virtual int64_t NowUs() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override { return NowUs() / 1000; }
  int64_t NowUs() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that only moves when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : now_us_(start_ms * 1000) {}
  int64_t NowMs() const override { return now_us_ / 1000; }
  int64_t NowUs() const override { return now_us_; }
  void AdvanceMs(int64_t ms) { now_us_ += ms * 1000; }
  void SetMs(int64_t ms) { now_us_ = ms * 1000; }

 private:
  int64_t now_us_;
};

}  // namespace tandem::base
