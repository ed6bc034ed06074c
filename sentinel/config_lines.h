#pragma once
// Turning sentinel.conf text and a redis-sentinel-style command line into directive lines, before
// any meaning is given to them (that is sentinel_config.h's job). tandem-sentinel must not link
// server/config; the reading of one line is base::ReadConfigLine, shared with it. Pure functions
// apart from ReadConfigFile; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "server/base/config_line.h"
#include "server/base/status.h"

namespace tandem::sentinel {

// One directive line and Redis's layout for its errors (server/base/config_line.h).
using base::ConfigLine;
using base::DescribeLineError;

// Splits sentinel.conf text into directive lines. Per line: blanks (space, tab, CR, LF) are
// trimmed, empty lines and lines starting with '#' are skipped (a '#' later in a line is an
// ordinary byte, as in Redis), the rest is split with Redis's quoting rules and the directive name
// lower-cased. Fails on unbalanced quotes with Redis's "Unbalanced quotes in configuration line".
// "include" is not supported: it comes out as an ordinary (and then unknown) directive.
base::StatusOr<std::vector<ConfigLine>> SplitConfigText(std::string_view text,
                                                        std::string_view source);

// Reads the file at `path` and splits it (see SplitConfigText). A file that cannot be read fails
// with "Fatal error, can't open config file '<path>': <strerror>".
base::StatusOr<std::vector<ConfigLine>> ReadConfigFile(const std::string& path);

// What the arguments of tandem-sentinel (argv without argv[0]) ask for, with redis-sentinel's
// rules: a first argument not starting with '-' is the config file; "--name v1 v2" becomes the
// directive line "name v1 v2", each value one argument whatever it contains; the "--name" part is
// itself split, so "--port 26380" or "--sentinel monitor m 10.0.0.1 6379 2" as one argument work
// too. A "--sentinel" standing alone (followed by another "--name" or last) is the redis-server
// mode flag and is dropped. Every value joins the line of the last "--name" ("--port 1 2" is
// "port 1 2"); a value before any "--name" starts a line of its own, as in Redis (and is then
// reported as a bad directive). Fails only on unbalanced quotes in a "--name" part.
struct CommandLine {
  std::string config_file;          // empty when none was given
  std::vector<ConfigLine> options;  // source "(command line)", one line per --name, in order
};
base::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args);

}  // namespace tandem::sentinel
