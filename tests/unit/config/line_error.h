#pragma once
// The expected text of a start-up error for a config line (config_file.cc's DescribeLineError):
// Redis's layout with the file named.

#include <string>

namespace tandem::config {

inline std::string LineError(const std::string& source, int line, const std::string& text,
                             const std::string& reason) {
  return "Reading the configuration file " + source + ", at line " + std::to_string(line) +
         "\n>>> '" + text + "'\n" + reason;
}

}  // namespace tandem::config
