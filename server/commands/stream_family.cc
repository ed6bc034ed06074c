// Command family: streams: XADD, XRANGE, XREVRANGE, XLEN, XDEL, XTRIM, XREAD, XSETID.

#include "server/commands/command_table.h"

namespace tandem::commands {

void RegisterStreamCommands(CommandTable& table) { table.Register({}); }

}  // namespace tandem::commands
