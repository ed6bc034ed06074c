#include "server/commands/blocking_command.h"

#include <cmath>
#include <limits>

#include "server/base/number_parse.h"
#include "server/commands/errors.h"

namespace tandem::commands {

bool ParseBlockTimeout(Context& ctx, std::string_view text, int64_t* deadline_ms) {
  auto seconds = base::ParseLongDouble(text);
  if (!seconds) {
    ctx.Error(errors::kBlockTimeoutNotFloat);
    return false;
  }
  long double ms = *seconds * 1000.0L;
  if (ms > static_cast<long double>(std::numeric_limits<int64_t>::max())) {
    ctx.Error(errors::kTimeoutOutOfRange);
    return false;
  }
  // Rounded up, as Redis does: 0.0001 s still waits 1 ms rather than forever.
  int64_t wait = static_cast<int64_t>(std::ceil(ms));
  if (wait < 0) {
    ctx.Error(errors::kTimeoutNegative);
    return false;
  }
  if (wait == 0) {
    *deadline_ms = 0;
    return true;
  }
  if (wait > std::numeric_limits<int64_t>::max() - ctx.now_ms) {
    ctx.Error(errors::kTimeoutOutOfRange);
    return false;
  }
  *deadline_ms = ctx.now_ms + wait;
  return true;
}

}  // namespace tandem::commands
