#include "server/app/options.h"

#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "server/commands/version.h"
#include "server/config/config_file.h"

namespace tandem::app {
namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "Usage: ./tandem-server [/path/to/redis.conf] [options] [-]\n"
    "       ./tandem-server - (read config from stdin)\n"
    "       ./tandem-server -v or --version\n"
    "       ./tandem-server -h or --help\n\n"
    "Examples:\n"
    "       ./tandem-server (run the server with default config)\n"
    "       ./tandem-server /etc/redis/6379.conf\n"
    "       ./tandem-server --port 7777\n"
    "       ./tandem-server /etc/myredis.conf --loglevel verbose --save 60 1000\n";

std::string ExecutablePath(const char* argv0) {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(argv0) : self.string();
}

}  // namespace

Options ParseOptions(int argc, char** argv) {
  Options options;
  options.executable = ExecutablePath(argv[0]);
  // Program_options recognises --help/--version; every other token is kept, in order, for the
  // redis.conf-style parser (which understands "--save '' --port 7000 file.conf").
  po::options_description flags("tandem-server");
  flags.add_options()("help,h", "print usage")("version,v", "print version");
  std::vector<std::string> args(argv + 1, argv + argc);
  bool wants_help = false, wants_version = false;
  for (const std::string& a : args) {
    // Only a leading flag counts, as "--version" may not be a config value.
    if (&a != &args.front()) break;
    po::variables_map vm;
    po::store(po::command_line_parser(std::vector<std::string>{a})
                  .options(flags)
                  .allow_unregistered()
                  .run(),
              vm);
    wants_help = vm.count("help") > 0;
    wants_version = vm.count("version") > 0;
  }
  if (wants_version) {
    std::printf("Tandem server v=%s (Redis %s compatible) bits=64\n",
                std::string(commands::kTandemVersion).c_str(),
                std::string(commands::kRedisCompatVersion).c_str());
    options.exit_now = true;
  } else if (wants_help) {
    std::fputs(kUsage, stdout);
    options.exit_now = true;
  }
  options.overrides = std::move(args);
  return options;
}

base::Status LoadConfig(Options& options, config::Config& config) {
  auto command_line = config::ParseCommandLine(options.overrides);
  if (!command_line.ok()) return command_line.status();
  auto lines = config::ReadStartupLines(*command_line, std::cin);
  if (!lines.ok()) return lines.status();
  if (!command_line->config_file.empty()) {
    std::error_code ec;
    auto absolute = std::filesystem::absolute(command_line->config_file, ec);
    options.config_file = ec ? command_line->config_file : absolute.string();
  }
  return config.Load(*lines, options.config_file);
}

}  // namespace tandem::app
