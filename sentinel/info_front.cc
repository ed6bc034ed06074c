// INFO for the sentinel: the sections Redis 7.0's sentinel mode serves (server, clients, cpu,
// stats, sentinel) in Redis's order and field order, the last one from the host. Fields about
// features a sentinel has no use for (replication, eviction, persistence counters) are left out.

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "sentinel/client_session.h"
#include "sentinel/front_commands.h"
#include "server/base/ascii_case.h"

namespace tandem::sentinel {
namespace {

constexpr std::array<std::string_view, 5> kSections = {"server", "clients", "cpu", "stats",
                                                       "sentinel"};

void Field(std::string& out, std::string_view key, std::string_view value) {
  out += key;
  out += ':';
  out += value;
  out += "\r\n";
}

void Field(std::string& out, std::string_view key, int64_t value) {
  Field(out, key, std::to_string(value));
}

std::string ExecutablePath() {
  std::error_code ec;
  std::filesystem::path path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : path.string();
}

std::string ServerSection(FrontState& state) {
  utsname name{};
  uname(&name);
  int64_t now_ms = FrontNowMs();
  int64_t uptime = (now_ms - state.settings.start_time_ms) / 1000;
  std::string out = "# Server\r\n";
  Field(out, "redis_version", "7.0.15");
  Field(out, "redis_git_sha1", "00000000");
  Field(out, "redis_git_dirty", 0);
  Field(out, "redis_build_id", "0");
  Field(out, "redis_mode", "sentinel");
  Field(out, "os", std::string(name.sysname) + " " + name.release + " " + name.machine);
  Field(out, "arch_bits", static_cast<int64_t>(sizeof(void*) * 8));
  Field(out, "monotonic_clock", "POSIX clock_gettime");
  Field(out, "multiplexing_api", "epoll");
  Field(out, "atomicvar_api", "c11-builtin");
  Field(out, "gcc_version",
        std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
            std::to_string(__GNUC_PATCHLEVEL__));
  Field(out, "process_id", static_cast<int64_t>(getpid()));
  Field(out, "process_supervised", "no");
  Field(out, "run_id", state.host.RunId());
  Field(out, "tcp_port", state.port);
  Field(out, "server_time_usec", now_ms * 1000);
  Field(out, "uptime_in_seconds", uptime);
  Field(out, "uptime_in_days", uptime / 86400);
  Field(out, "hz", 10);
  Field(out, "configured_hz", 10);
  Field(out, "lru_clock", (now_ms / 1000) & ((1 << 24) - 1));
  Field(out, "executable", ExecutablePath());
  Field(out, "io_threads_active", 0);
  return out;
}

std::string ClientsSection(FrontState& state) {
  size_t max_in = 0, max_out = 0;
  for (auto& [id, client] : state.clients) {
    max_in = std::max(max_in, client->session().query_buffer_size());
    max_out = std::max(max_out, client->session().output_size());
  }
  std::string out = "# Clients\r\n";
  Field(out, "connected_clients", static_cast<int64_t>(state.clients.size()));
  Field(out, "cluster_connections", 0);
  Field(out, "maxclients", 10000);
  Field(out, "client_recent_max_input_buffer", static_cast<int64_t>(max_in));
  Field(out, "client_recent_max_output_buffer", static_cast<int64_t>(max_out));
  Field(out, "blocked_clients", 0);
  Field(out, "tracking_clients", 0);
  Field(out, "clients_in_timeout_table", 0);
  return out;
}

std::string Seconds(const timeval& tv) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(tv.tv_sec),
                static_cast<long>(tv.tv_usec));
  return buf;
}

std::string CpuSection() {
  rusage self{}, children{}, thread{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);
  std::string out = "# CPU\r\n";
  Field(out, "used_cpu_sys", Seconds(self.ru_stime));
  Field(out, "used_cpu_user", Seconds(self.ru_utime));
  Field(out, "used_cpu_sys_children", Seconds(children.ru_stime));
  Field(out, "used_cpu_user_children", Seconds(children.ru_utime));
  Field(out, "used_cpu_sys_main_thread", Seconds(thread.ru_stime));
  Field(out, "used_cpu_user_main_thread", Seconds(thread.ru_utime));
  return out;
}

std::string StatsSection(FrontState& state) {
  const FrontStats& s = state.stats;
  std::string out = "# Stats\r\n";
  Field(out, "total_connections_received", static_cast<int64_t>(s.connections_received));
  Field(out, "total_commands_processed", static_cast<int64_t>(s.commands_processed));
  Field(out, "instantaneous_ops_per_sec", 0);
  Field(out, "total_net_input_bytes", static_cast<int64_t>(s.net_input_bytes));
  Field(out, "total_net_output_bytes", static_cast<int64_t>(s.net_output_bytes));
  Field(out, "rejected_connections", 0);
  Field(out, "pubsub_channels", static_cast<int64_t>(state.pubsub.channel_count()));
  Field(out, "pubsub_patterns", static_cast<int64_t>(state.pubsub.pattern_count()));
  Field(out, "pubsubshard_channels", 0);
  Field(out, "unexpected_error_replies", 0);
  Field(out, "total_error_replies", static_cast<int64_t>(s.error_replies));
  return out;
}

std::string Section(ClientSession& c, std::string_view section) {
  if (section == "server") return ServerSection(c.state());
  if (section == "clients") return ClientsSection(c.state());
  if (section == "cpu") return CpuSection();
  if (section == "stats") return StatsSection(c.state());
  return c.host().InfoSentinelSection();
}

}  // namespace

void InfoCommand(ClientSession& c, std::span<const std::string_view> argv) {
  // No argument, "default", "all" and "everything" mean every section; otherwise the named ones
  // (any case), always in Redis's order. Unknown names select nothing.
  std::array<bool, kSections.size()> wanted{};
  bool all = argv.size() == 1;
  for (std::string_view arg : argv.subspan(1)) {
    std::string name = base::AsciiLower(arg);
    if (name == "default" || name == "all" || name == "everything") all = true;
    for (size_t i = 0; i < kSections.size(); ++i) wanted[i] = wanted[i] || name == kSections[i];
  }
  std::string text;
  for (size_t i = 0; i < kSections.size(); ++i) {
    if (!all && !wanted[i]) continue;
    if (!text.empty()) text += "\r\n";
    text += Section(c, kSections[i]);
  }
  c.reply().Bulk(text);
}

}  // namespace tandem::sentinel
