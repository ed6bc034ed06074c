#pragma once
// What the blocking commands (BLPOP, BLMOVE, BZPOPMIN, ...) share: their timeout argument, and
// the serve-or-block step (see blocking.h for how a blocked command is woken and re-run).

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "server/commands/context.h"
#include "server/store/object.h"

namespace tandem::commands {

// Sets *deadline_ms to the absolute time the wait ends (0: wait forever). False after replying
// Redis's error for a value that is not a number, negative or too large.
bool ParseBlockTimeout(Context& ctx, std::string_view text, int64_t* deadline_ms);

// Calls serve(keys), which replies and returns true when it could serve (or failed), false with
// no reply when every key is empty. Then the client blocks on `keys` until `deadline_ms`, or, when
// it cannot block (inside MULTI), gets the timeout reply at once. When the command is a re-run of
// a blocked one, keys holding another type than `type` are left out, so a key that became a
// string does not end the wait with WRONGTYPE (Redis serves blocked clients only from keys of
// their type).
template <typename Serve>
void ServeOrBlock(Context& ctx, std::span<const std::string_view> keys, int64_t deadline_ms,
                  store::ValueType type, Serve&& serve) {
  std::vector<std::string_view> usable;
  std::span<const std::string_view> tried = keys;
  if (ctx.server.blocking.IsBlocked(ctx.client)) {
    for (std::string_view key : keys) {
      store::Entry* e = ctx.Find(key);
      if (e != nullptr && e->type() == type) usable.push_back(key);
    }
    tried = usable;
  }
  if (serve(tried)) return;
  if (!ctx.CanBlock()) return ctx.reply().NullArray();
  ctx.Block(keys, deadline_ms);
}

}  // namespace tandem::commands
