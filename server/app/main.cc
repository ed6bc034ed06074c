// tandem-server: parses options the way redis-server does ([config-file] [--name value ...]),
// sets up logging, builds the server and serves until shutdown.

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>

#include "server/app/logging.h"
#include "server/app/options.h"
#include "server/app/server.h"
#include "server/commands/config_hooks.h"
#include "server/commands/version.h"

int main(int argc, char** argv) {
  using namespace tandem;
  try {
    app::Options options = app::ParseOptions(argc, argv);
    if (options.exit_now) return 0;
    config::Config config;
    base::Status st = app::LoadConfig(options, config);
    if (!st.ok()) {
      std::fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (Tandem %s) ***\n%s\n",
                   std::string(commands::kTandemVersion).c_str(), st.message().c_str());
      return 1;
    }
    // As Redis: the process works inside `dir`, where its files will be written.
    auto change_dir = [](const std::string& dir) {
      if (chdir(dir.c_str()) == 0) return base::Status::Ok();
      return base::Status::InvalidArgument("Can't chdir to '" + dir + "': " + std::strerror(errno));
    };
    st = change_dir(config.GetString("dir"));
    if (!st.ok()) {
      std::fprintf(stderr, "%s\n", st.message().c_str());
      return 1;
    }
    config.OnChange("dir", change_dir);
    st = app::SetupLogging(config.GetString("logfile"), config.GetString("loglevel"));
    if (!st.ok()) {
      std::fprintf(stderr, "%s\n", st.message().c_str());
      return 1;
    }
    app::Server server(config);
    server.state().executable = options.executable;
    server.state().config_file = options.config_file;
    commands::InstallConfigHooks(server.state());
    // After the hooks: a "user default ..." line overrides requirepass, as in Redis.
    st = commands::LoadAclUsers(server.state());
    if (!st.ok()) {
      std::fprintf(stderr, "%s\n", st.message().c_str());
      return 1;
    }
    for (const std::string& name : config.IgnoredInFile()) {
      spdlog::warn("Config directive '{}' is accepted but has no effect in Tandem yet", name);
    }
    spdlog::info("Tandem {} (Redis {} compatible) starting, pid={}",
                 std::string(commands::kTandemVersion), std::string(commands::kRedisCompatVersion),
                 static_cast<int>(getpid()));
    st = server.LoadPersistedData();
    if (st.ok()) st = server.LoadAndOpenAof();
    if (st.ok()) server.StartReplication();
    if (!st.ok()) {
      spdlog::critical("{}", st.message());
      return 1;
    }
    st = server.Start();
    if (!st.ok()) {
      spdlog::critical("{}", st.message());
      return 1;
    }
    server.Run();
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tandem-server: %s\n", e.what());
    return 1;
  }
}
