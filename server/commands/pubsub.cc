#include "server/commands/pubsub.h"

namespace tandem::commands {

size_t Pubsub::Publish(std::string_view, std::string_view) { return 0; }

void Pubsub::RemoveClient(Client&) {}

}  // namespace tandem::commands
