// Command family: Lua scripts: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT.

#include "server/commands/command_table.h"

namespace tandem::commands {

void RegisterScriptingCommands(CommandTable& table) { table.Register({}); }

}  // namespace tandem::commands
