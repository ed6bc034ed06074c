#pragma once
// Reading redis.conf-style text and redis-server-style command lines into directive lines, before
// any meaning is given to them (that is Config::Load's job, config.h). Pure functions apart from
// the file reads named below; thread-safe.

#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/config_line.h"
#include "server/base/split_args.h"
#include "server/base/status.h"

namespace tandem::config {

// One directive line and Redis's layout for its errors (server/base/config_line.h).
using base::ConfigLine;
using base::DescribeLineError;

// Splits a line as Redis's sdssplitargs does (server/base/split_args.h).
using base::SplitArgs;

// The inverse of SplitArgs for one argument, like Redis's sdscatrepr: always double-quoted, with
// \\ \" \n \r \t \a \b escaped and other unprintable bytes as \xhh.
std::string QuoteArg(std::string_view arg);

// Splits redis.conf text into directive lines. Per line: blanks (space, tab, CR, LF) are trimmed,
// empty lines and lines starting with '#' are skipped, the rest is split with SplitArgs and the
// directive name lower-cased. "include <path>" (exactly one argument) is replaced by the lines of
// that file, read at that point; a path containing * ? or [ is a glob whose matches are read in
// sorted order (no match reads nothing). Relative paths are relative to the process's working
// directory, as in Redis. An include that would re-enter a file already being read fails with an
// include-loop error. Errors read "<source>:<line>: '<text>': <reason>", reason being Redis's
// ("Unbalanced quotes in configuration line", "Fatal error, can't open config file 'x': ...").
base::StatusOr<std::vector<ConfigLine>> ParseConfigText(std::string_view text,
                                                        std::string_view source);

// Reads and parses the file at `path` (see ParseConfigText). A file that cannot be read fails with
// "Fatal error, can't open config file '<path>': <strerror>".
base::StatusOr<std::vector<ConfigLine>> ReadConfigFile(const std::string& path);

// What the arguments of tandem-server (argv without argv[0]) ask for, with redis-server 7.0's
// rules: a first argument not starting with '-' is the config file; "--name v1 v2" becomes the
// line "name v1 v2" (each value quoted, so a value is one argument); "--name" may also carry its
// values in the same argument ("--port 6380"); a "--save" with no value before the next "--name"
// or at the end means save ""; a lone "-" first or last asks for directives from stdin.
// --help, --version and similar flags are the caller's to handle before calling this.
struct CommandLine {
  std::string config_file;          // empty when none was given
  bool config_from_stdin = false;   // read more directives from stdin after the file
  std::vector<ConfigLine> options;  // source "(command line)", one line per --name
};
base::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args);

// Every directive line of a start-up, in the order Redis applies them: the config file's lines,
// then stdin's when asked for (read from `in` to its end), then the command-line options.
base::StatusOr<std::vector<ConfigLine>> ReadStartupLines(const CommandLine& command_line,
                                                         std::istream& in);

}  // namespace tandem::config
