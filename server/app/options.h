#pragma once
// Command-line options, taken as redis-server takes them:
//   tandem-server [config-file] [--name value ...] | --help | --version
// --help/--version are handled with Boost.Program_options; everything else becomes redis.conf
// lines applied after the config file.

#include <string>
#include <vector>

#include "server/base/status.h"
#include "server/config/config.h"

namespace tandem::app {

struct Options {
  std::string executable;              // absolute path of this binary
  std::string config_file;             // absolute path, or empty
  std::vector<std::string> overrides;  // the arguments after the config file, as given
  bool exit_now = false;               // --help or --version was printed
};

// Throws std::exception on malformed arguments (caught in main).
Options ParseOptions(int argc, char** argv);
// Applies defaults, the config file and the overrides to `config`.
// Records the absolute config file path in options.config_file.
base::Status LoadConfig(Options& options, config::Config& config);

}  // namespace tandem::app
