#pragma once
// The reply to "<CONTAINER> HELP", laid out as Redis 7.0 lays it out: an array of status lines,
// a usage line first, then the given lines, then "HELP" and its description. Shared by
// tandem-server's command families and tandem-sentinel's front.

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "server/resp/reply_builder.h"

namespace tandem::resp {

// `container` is upper case ("CLIENT"); `lines` alternate "SUBCOMMAND <args>" and "    what it
// does" (continuation lines are indented the same way).
inline void ReplyHelp(ReplyBuilder& reply, std::string_view container,
                      std::span<const std::string_view> lines) {
  reply.ArrayHeader(lines.size() + 3);
  reply.SimpleString(std::string(container) +
                     " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : lines) reply.SimpleString(line);
  reply.SimpleString("HELP");
  reply.SimpleString("    Prints this help.");
}

inline void ReplyHelp(ReplyBuilder& reply, std::string_view container,
                      std::initializer_list<std::string_view> lines) {
  ReplyHelp(reply, container, std::span<const std::string_view>(lines.begin(), lines.size()));
}

}  // namespace tandem::resp
