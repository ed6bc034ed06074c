// tandem-sentinel: reads sentinel.conf the way redis-sentinel does (<config-file> [--name value
// ...]), never rewrites it, keeps what it learns in its state file, and serves until SIGTERM,
// SIGINT or SHUTDOWN.

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "sentinel/sentinel.h"
#include "sentinel/sentinel_config.h"
#include "server/app/logging.h"
#include "server/net/asio.h"

int main(int argc, char** argv) {
  using namespace tandem;
  std::vector<std::string> args(argv + 1, argv + argc);
  auto loaded = sentinel::LoadSentinelConfig(args);
  if (!loaded.ok()) {
    std::fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (tandem-sentinel) ***\n%s\n",
                 loaded.status().message().c_str());
    return 1;
  }
  sentinel::SentinelConfig config = std::move(loaded.value());
  if (!config.dir.empty() && chdir(config.dir.c_str()) != 0) {
    std::fprintf(stderr, "Can't chdir to '%s': %s\n", config.dir.c_str(), std::strerror(errno));
    return 1;
  }
  if (base::Status st = app::SetupLogging(config.logfile, config.loglevel, "sentinel"); !st.ok()) {
    std::fprintf(stderr, "%s\n", st.message().c_str());
    return 1;
  }
  app::SetLogRole('X');
  for (const std::string& line : config.ignored) {
    spdlog::warn("Config directive '{}' is accepted but has no effect in tandem-sentinel", line);
  }
  std::signal(SIGPIPE, SIG_IGN);
  boost::asio::io_context io;
  std::string config_file = args.empty() || args[0].starts_with("-") ? "" : args[0];
  sentinel::Sentinel sentinel(io, config, config.state_file, config_file);
  if (base::Status st = sentinel.Start(); !st.ok()) {
    spdlog::warn("Sentinel could not start: {}", st.message());
    std::fprintf(stderr, "%s\n", st.message().c_str());
    return 1;
  }
  spdlog::info("Sentinel ready on port {}", sentinel.port());
  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::warn("Received {} scheduling shutdown...", signal == SIGINT ? "SIGINT" : "SIGTERM");
    sentinel.Stop();
  });
  sentinel.SetOnStopped([&] { signals.cancel(); });
  io.run();
  spdlog::warn("Sentinel is now ready to exit, bye bye...");
  return 0;
}
