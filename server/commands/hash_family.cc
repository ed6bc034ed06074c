// Hash commands (filled in by the data-types work).

#include "server/commands/command_table.h"

namespace tandem::commands {

void RegisterHashCommands(CommandTable&) {}

}  // namespace tandem::commands
