#include "server/commands/errors.h"

#include <algorithm>
#include <cctype>

namespace tandem::commands::errors {

std::string WrongArity(std::string_view full_name) {
  return "ERR wrong number of arguments for '" + std::string(full_name) + "' command";
}

std::string UnknownCommand(std::span<const std::string_view> argv) {
  std::string args;
  // Redis quotes arguments until the list reaches 128 bytes, each cut to fit.
  for (size_t i = 1; i < argv.size() && args.size() < 128; ++i) {
    size_t room = 128 - args.size();
    args += "'" + std::string(argv[i].substr(0, room)) + "' ";
  }
  return "ERR unknown command '" + std::string(argv[0].substr(0, 128)) +
         "', with args beginning with: " + args;
}

std::string UnknownSubcommand(std::string_view container, std::string_view sub) {
  std::string upper(container);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return "ERR unknown subcommand '" + std::string(sub.substr(0, 128)) + "'. Try " + upper +
         " HELP.";
}

std::string SubcommandSyntax(std::string_view container, std::string_view sub) {
  std::string upper(container);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return "ERR unknown subcommand or wrong number of arguments for '" +
         std::string(sub.substr(0, 128)) + "'. Try " + upper + " HELP.";
}

std::string UnknownClientType(std::string_view type) {
  return "ERR Unknown client type '" + std::string(type) + "'";
}

std::string NoSuchUser(std::string_view name) {
  return "ERR No such user '" + std::string(name) + "'";
}

std::string NoPermCommand(std::string_view full_name) {
  return "NOPERM this user has no permissions to run the '" + std::string(full_name) + "' command";
}

std::string InvalidExpire(std::string_view command) {
  return "ERR invalid expire time in '" + std::string(command) + "' command";
}

std::string UnsupportedOption(std::string_view option) {
  return "ERR Unsupported option " + std::string(option);
}

std::string SubscribedMode(std::string_view full_name) {
  return "ERR Can't execute '" + std::string(full_name) +
         "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
         "context";
}

}  // namespace tandem::commands::errors
