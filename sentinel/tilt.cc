#include "sentinel/tilt.h"

namespace tandem::sentinel {

bool TiltDetector::OnTick(int64_t wall_ms) {
  int64_t gap = wall_ms - last_tick_ms_;
  bool first = last_tick_ms_ == 0;
  last_tick_ms_ = wall_ms;
  if (first || (gap >= 0 && gap <= kMaxTickGapMs)) return false;
  since_ms_ = wall_ms;
  return true;
}

}  // namespace tandem::sentinel
