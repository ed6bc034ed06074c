#include "sentinel/config_lines.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>

#include "server/base/ascii_case.h"
#include "server/base/split_args.h"

namespace tandem::sentinel {
namespace {

using base::Status;
using base::StatusOr;

constexpr std::string_view kCommandLineSource = "(command line)";

Status UnbalancedQuotes(const ConfigLine& line) {
  return Status::InvalidArgument(
      DescribeLineError(line, "Unbalanced quotes in configuration line"));
}

}  // namespace

StatusOr<std::vector<ConfigLine>> SplitConfigText(std::string_view text, std::string_view source) {
  std::vector<ConfigLine> lines;
  int line_number = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    ++line_number;
    StatusOr<std::optional<ConfigLine>> line =
        base::ReadConfigLine(text.substr(start, end - start), source, line_number);
    start = end + 1;
    if (!line.ok()) return line.status();
    if (line->has_value()) lines.push_back(std::move(**line));
  }
  return lines;
}

StatusOr<std::vector<ConfigLine>> ReadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::IoError("Fatal error, can't open config file '" + path +
                           "': " + std::strerror(errno));
  }
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return SplitConfigText(text, path);
}

StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine result;
  size_t j = 0;
  if (!args.empty() && !args[0].starts_with('-')) result.config_file = args[j++];

  bool awaiting_value = false;  // the last "--name" has no value yet; the next argument is one
  for (; j < args.size(); ++j) {
    const std::string& arg = args[j];
    const bool last = j + 1 == args.size();
    // The line this argument starts, if it starts one.
    ConfigLine line{
        {}, std::string(kCommandLineSource), static_cast<int>(result.options.size()) + 1, arg};
    if (!awaiting_value && arg.starts_with("--")) {
      line.text = arg.substr(2);
      std::optional<std::vector<std::string>> words = base::SplitArgs(line.text);
      if (!words) return UnbalancedQuotes(line);
      if (words->empty()) continue;  // "--" alone names nothing
      awaiting_value = words->size() == 1;
      // "--sentinel" with nothing after it is redis-server's mode switch, not a directive.
      if (awaiting_value && base::EqualsIgnoreCase(line.text, "sentinel") &&
          (last || args[j + 1].starts_with("--"))) {
        awaiting_value = false;
        continue;
      }
      line.args = std::move(*words);
      line.args.front() = base::AsciiLower(line.args.front());
      result.options.push_back(std::move(line));
    } else if (result.options.empty()) {
      line.args = {base::AsciiLower(arg)};
      result.options.push_back(std::move(line));
    } else {
      ConfigLine& current = result.options.back();
      current.args.push_back(arg);
      current.text += ' ';
      current.text += arg;
      awaiting_value = false;
    }
  }
  return result;
}

}  // namespace tandem::sentinel
