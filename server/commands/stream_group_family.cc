// Command family: stream consumer groups: XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM, XINFO.

#include "server/commands/command_table.h"

namespace tandem::commands {

void RegisterStreamGroupCommands(CommandTable& table) { table.Register({}); }

}  // namespace tandem::commands
