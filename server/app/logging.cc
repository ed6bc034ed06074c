#include "server/app/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>

namespace tandem::app {
namespace {

// The role letter of each line; written by the server thread, read by whoever logs.
std::atomic<char> g_role{'M'};

class RoleMark final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    dest.push_back(g_role.load(std::memory_order_relaxed));
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<RoleMark>();
  }
};

// Redis's one-character level mark.
class LevelMark final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    char mark = '*';
    switch (msg.level) {
      case spdlog::level::trace:
      case spdlog::level::debug:
        mark = '.';
        break;
      case spdlog::level::info:
        mark = '*';
        break;
      default:
        mark = '#';
    }
    dest.push_back(mark);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<LevelMark>();
  }
};

}  // namespace

void SetLogRole(char role) { g_role.store(role, std::memory_order_relaxed); }

std::optional<spdlog::level::level_enum> ParseLogLevel(std::string_view name) {
  if (name == "debug") return spdlog::level::trace;
  if (name == "verbose") return spdlog::level::debug;
  if (name == "notice") return spdlog::level::info;
  if (name == "warning") return spdlog::level::warn;
  if (name == "nothing") return spdlog::level::off;
  return std::nullopt;
}

base::Status SetupLogging(const std::string& logfile, std::string_view level,
                          const std::string& name) {
  auto lvl = ParseLogLevel(level);
  if (!lvl) return base::Status::InvalidArgument("Invalid log level '" + std::string(level) + "'");
  std::shared_ptr<spdlog::logger> logger;
  try {
    if (logfile.empty()) {
      logger =
          std::make_shared<spdlog::logger>(name, std::make_shared<spdlog::sinks::stdout_sink_mt>());
    } else {
      logger = std::make_shared<spdlog::logger>(
          name, std::make_shared<spdlog::sinks::basic_file_sink_mt>(logfile));
    }
  } catch (const spdlog::spdlog_ex& e) {
    return base::Status::IoError("Can't open the log file: " + std::string(e.what()));
  }
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<LevelMark>('*').add_flag<RoleMark>('&').set_pattern(
      "%P:%& %d %b %Y %H:%M:%S.%e %* %v");
  logger->set_formatter(std::move(formatter));
  logger->set_level(*lvl);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  return base::Status::Ok();
}

}  // namespace tandem::app
