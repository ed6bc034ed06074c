#include "server/base/config_line.h"

#include <utility>

#include "server/base/ascii_case.h"
#include "server/base/split_args.h"

namespace tandem::base {
namespace {

constexpr std::string_view kLineBlanks = " \t\r\n";

std::string_view Trim(std::string_view s) {
  const size_t first = s.find_first_not_of(kLineBlanks);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kLineBlanks) - first + 1);
}

}  // namespace

std::string DescribeLineError(const ConfigLine& line, std::string_view reason) {
  // The file is named so that an error inside an include is found at once.
  std::string message = "Reading the configuration file " + line.source + ", at line " +
                        std::to_string(line.line_number) + "\n>>> '" + line.text + "'\n";
  message += reason;
  return message;
}

StatusOr<std::optional<ConfigLine>> ReadConfigLine(std::string_view raw, std::string_view source,
                                                   int line_number) {
  const std::string_view trimmed = Trim(raw);
  if (trimmed.empty() || trimmed.front() == '#') return std::optional<ConfigLine>();
  ConfigLine line{{}, std::string(source), line_number, std::string(trimmed)};
  std::optional<std::vector<std::string>> args = SplitArgs(trimmed);
  if (!args) {
    return Status::InvalidArgument(
        DescribeLineError(line, "Unbalanced quotes in configuration line"));
  }
  if (args->empty()) return std::optional<ConfigLine>();  // only blanks sdssplitargs skips ('\v')
  args->front() = AsciiLower(args->front());
  line.args = std::move(*args);
  return std::optional<ConfigLine>(std::move(line));
}

}  // namespace tandem::base
