#pragma once
// TILT: when the sentinel's timer ticks arrive more than 2 s apart or the wall clock goes
// backwards (the process was stalled, or the clock jumped), what it measured about timeouts cannot
// be trusted, so for 30 s it keeps probing but judges nothing and acts on nothing (Redis 7.0's
// sentinelCheckTiltCondition). Pure: times are passed in. Owner: the Sentinel; single-threaded.

#include <cstdint>

namespace tandem::sentinel {

class TiltDetector {
 public:
  static constexpr int64_t kMaxTickGapMs = 2'000;
  static constexpr int64_t kTiltPeriodMs = 30'000;

  // One timer tick at wall-clock time `wall_ms`. Returns true when this tick entered TILT (or
  // restarted its period while already in it): the caller logs +tilt when it was not active.
  bool OnTick(int64_t wall_ms);
  // Whether TILT is in force at `wall_ms`; false once the period since the last trigger passed.
  bool Active(int64_t wall_ms) const {
    return since_ms_ != 0 && wall_ms - since_ms_ < kTiltPeriodMs;
  }
  // When TILT was last entered (0: never); INFO's sentinel_tilt_since_seconds.
  int64_t since_ms() const { return since_ms_; }

 private:
  int64_t last_tick_ms_ = 0;
  int64_t since_ms_ = 0;
};

}  // namespace tandem::sentinel
