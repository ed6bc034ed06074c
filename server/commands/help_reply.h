#pragma once
// "<CONTAINER> HELP" replies for the command families: resp::ReplyHelp (server/resp/help_reply.h).

#include "server/resp/help_reply.h"

namespace tandem::commands {

using resp::ReplyHelp;

}  // namespace tandem::commands
