#pragma once
// One directive line of a redis.conf-style file (redis.conf, sentinel.conf) and the reading of one
// such line: the part tandem-server's config and tandem-sentinel's config share. What the
// directives mean is each reader's business.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/status.h"

namespace tandem::base {

// One directive as written: the arguments, where it was written, and the text for error messages.
struct ConfigLine {
  std::vector<std::string> args;  // never empty; args[0] is the directive name, lower-cased
  std::string source;             // the file path as given, "(command line)" or "(stdin)"
  int line_number = 0;            // 1-based within `source`
  std::string text;               // the line with surrounding blanks trimmed
};

// The text of every start-up configuration error, in Redis's layout with the file named:
// "Reading the configuration file <source>, at line <n>\n>>> '<text>'\n<reason>".
std::string DescribeLineError(const ConfigLine& line, std::string_view reason);

// Reads line `line_number` of `source`: blanks (space, tab, CR, LF) are trimmed, an empty line or
// one starting with '#' gives nullopt (a '#' later in a line is an ordinary byte, as in Redis),
// the rest is split with Redis's quoting rules (split_args.h) and the directive name lower-cased.
// Fails on unbalanced quotes with Redis's "Unbalanced quotes in configuration line".
StatusOr<std::optional<ConfigLine>> ReadConfigLine(std::string_view raw, std::string_view source,
                                                   int line_number);

}  // namespace tandem::base
