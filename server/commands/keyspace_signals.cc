// What a write tells the rest of the server: keyspace notifications, and the removal of emptied
// aggregates.

#include <string>

#include "server/commands/object_access.h"
#include "server/commands/server_state.h"
#include "server/config/keyspace_events.h"

namespace tandem::commands {

void ServerState::NotifyKeyspaceEvent(int event_class, std::string_view event, std::string_view key,
                                      int db) {
  namespace ke = config::keyspace_event;
  int flags = notify_keyspace_events;
  if ((flags & event_class) == 0) return;
  if (flags & ke::kKeyspace) {
    std::string channel = "__keyspace@" + std::to_string(db) + "__:";
    channel += key;
    pubsub.Publish(channel, event);
  }
  if (flags & ke::kKeyevent) {
    std::string channel = "__keyevent@" + std::to_string(db) + "__:";
    channel += event;
    pubsub.Publish(channel, key);
  }
}

void DeleteEmptyKey(Context& ctx, std::string_view key) {
  // The key's bytes live in the entry: notify before the delete frees them.
  ctx.Notify(config::keyspace_event::kGeneric, "del", key);
  ctx.db().Delete(key);
}

}  // namespace tandem::commands
