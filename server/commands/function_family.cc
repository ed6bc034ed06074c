// Command family: functions: FUNCTION, FCALL, FCALL_RO.

#include "server/commands/command_table.h"

namespace tandem::commands {

void RegisterFunctionCommands(CommandTable& table) { table.Register({}); }

}  // namespace tandem::commands
