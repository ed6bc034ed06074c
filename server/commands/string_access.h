#pragma once
// Typed access to string values for command handlers (strings, bitmaps): the lookups reply
// WRONGTYPE themselves, so a handler only checks for null and ctx.failed.

#include <string_view>

#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/store/entry.h"
#include "server/store/eviction.h"

namespace tandem::commands {

// The live string under `key` for a read (counts a hit or miss, touches the access data). Null
// when absent, and also after a WRONGTYPE reply (ctx.failed tells the two apart).
inline store::Entry* LookupString(Context& ctx, std::string_view key) {
  store::Entry* e = ctx.Lookup(key);
  if (e != nullptr && !e->is_string()) {
    ctx.Error(errors::kWrongType);
    return nullptr;
  }
  return e;
}

// The live string under `key` for a write that reads it first (APPEND, INCR...). Like Redis's
// lookupKeyWrite it refreshes the access data without counting a hit or miss. Null as above.
inline store::Entry* FindStringForUpdate(Context& ctx, std::string_view key) {
  store::Entry* e = ctx.Find(key);
  if (e == nullptr) return nullptr;
  if (!e->is_string()) {
    ctx.Error(errors::kWrongType);
    return nullptr;
  }
  store::TouchEntry(e, ctx.keyspace().eviction(), ctx.now_ms);
  return e;
}

}  // namespace tandem::commands
