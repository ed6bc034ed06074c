#pragma once
// Typed access to collection values (hashes, lists, sets, sorted sets) for command handlers: the
// lookups reply WRONGTYPE themselves, so a handler only checks for null and ctx.failed.

#include <memory>
#include <string_view>

#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/store/entry.h"

namespace tandem::commands {

// The live value of `type` under `key` for a read (counts a hit or miss). Null when the key is
// absent, and also after a WRONGTYPE reply (ctx.failed tells the two apart).
template <typename T>
T* LookupObject(Context& ctx, std::string_view key, store::ValueType type) {
  store::Entry* e = ctx.Lookup(key);
  if (e == nullptr) return nullptr;
  if (e->type() != type) {
    ctx.Error(errors::kWrongType);
    return nullptr;
  }
  return static_cast<T*>(e->object());
}

// The live value of `type` under `key` for a write (no hit/miss counting, access data touched).
// Null when absent or after a WRONGTYPE reply, as above.
template <typename T>
T* FindObjectForUpdate(Context& ctx, std::string_view key, store::ValueType type) {
  store::Entry* e = ctx.Find(key);
  if (e == nullptr) return nullptr;
  if (e->type() != type) {
    ctx.Error(errors::kWrongType);
    return nullptr;
  }
  ctx.keyspace().Touch(e, ctx.now_ms);
  return static_cast<T*>(e->object());
}

// Adds `key`, which must be absent, holding `object`; returns the object.
template <typename T>
T* AddObject(Context& ctx, std::string_view key, std::unique_ptr<T> object) {
  T* raw = object.get();
  store::Entry* e = store::Entry::NewObject(key, std::move(object), false);
  ctx.db().Add(e);
  ctx.keyspace().InitAccess(e, ctx.now_ms);
  return raw;
}

// Deletes `key` after its last element went away (Redis never keeps empty aggregates) and sends
// the generic "del" notification.
void DeleteEmptyKey(Context& ctx, std::string_view key);

}  // namespace tandem::commands
