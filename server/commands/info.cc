#include "server/commands/info.h"

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <type_traits>

#include "server/base/ascii_case.h"
#include "server/base/memory.h"
#include "server/commands/version.h"
#include "server/scripting/function_engine.h"
#include "server/scripting/lua_engine.h"

namespace tandem::commands {
namespace {

// Appends "name:value\r\n" lines.
class SectionWriter {
 public:
  explicit SectionWriter(std::string* out) : out_(out) {}
  std::string& out() { return *out_; }

  void Field(std::string_view name, std::string_view value) {
    out_->append(name);
    out_->push_back(':');
    out_->append(value);
    out_->append("\r\n");
  }
  void Field(std::string_view name, const char* value) { Field(name, std::string_view(value)); }
  void Field(std::string_view name, const std::string& value) {
    Field(name, std::string_view(value));
  }
  template <typename Int>
  requires std::is_integral_v<Int>
  void Field(std::string_view name, Int value) { Field(name, std::to_string(value)); }
  // A floating-point value printed with printf's `format` ("%.2f").
  void Fixed(std::string_view name, const char* format, double value) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), format, value);
    Field(name, buf);
  }

 private:
  std::string* out_;
};

// Redis's bytesToHuman: "512B", "1.50K", "3.00M", "1.20G", ...
std::string BytesToHuman(uint64_t bytes) {
  static constexpr std::array<char, 5> kUnits{'K', 'M', 'G', 'T', 'P'};
  if (bytes < 1024) return std::to_string(bytes) + "B";
  double value = static_cast<double>(bytes);
  for (char unit : kUnits) {
    value /= 1024;
    if (value < 1024 || unit == 'P') {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.2f%c", value, unit);
      return buf;
    }
  }
  return std::to_string(bytes) + "B";
}

double Ratio(uint64_t a, uint64_t b) {
  return b == 0 ? 0 : static_cast<double>(a) / static_cast<double>(b);
}

// Resident set size from /proc/self/statm (second field, in pages); 0 when unreadable.
uint64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

std::string CpuSeconds(const timeval& tv) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(tv.tv_sec),
                static_cast<long>(tv.tv_usec));
  return buf;
}

void ServerSection(ServerState& server, SectionWriter& w) {
  utsname name{};
  uname(&name);
  int64_t now_us = server.clock.NowUs();
  int64_t uptime_s = (now_us / 1000 - server.start_time_ms) / 1000;
  int64_t hz = server.config.GetInt("hz");
  char gcc[32];
  std::snprintf(gcc, sizeof(gcc), "%d.%d.%d", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);

  w.Field("redis_version", kRedisCompatVersion);
  w.Field("tandem_version", kTandemVersion);
  w.Field("redis_git_sha1", "00000000");
  w.Field("redis_git_dirty", 0);
  w.Field("redis_build_id", 0);
  w.Field("redis_mode", "standalone");
  w.Field("os", std::string(name.sysname) + " " + name.release + " " + name.machine);
  w.Field("arch_bits", sizeof(void*) * 8);
  w.Field("monotonic_clock", "POSIX clock_gettime");
  w.Field("multiplexing_api", "epoll");
  w.Field("atomicvar_api", "c11-builtin");
  w.Field("gcc_version", gcc);
  w.Field("process_id", getpid());
  w.Field("process_supervised", "no");
  w.Field("run_id", server.run_id);
  w.Field("tcp_port", server.tcp_port);
  w.Field("server_time_usec", now_us);
  w.Field("uptime_in_seconds", uptime_s);
  w.Field("uptime_in_days", uptime_s / 86400);
  w.Field("hz", hz);
  w.Field("configured_hz", hz);
  // The 24-bit LRU clock in seconds, as the eviction code keeps it.
  w.Field("lru_clock", (now_us / 1'000'000) & ((1 << 24) - 1));
  w.Field("executable", server.executable);
  w.Field("config_file", server.config_file);
  w.Field("io_threads_active", 0);
}

void ClientsSection(ServerState& server, SectionWriter& w) {
  size_t max_input = 0, max_output = 0;
  for (const auto& [id, client] : server.clients) {
    ClientConnection& conn = client->connection();
    max_input = std::max(max_input, conn.QueryBufferSize() + conn.QueryBufferFree());
    max_output = std::max(max_output, conn.OutputBufferSize());
  }
  w.Field("connected_clients", server.clients.size());
  w.Field("cluster_connections", 0);
  w.Field("maxclients", server.config.GetInt("maxclients"));
  w.Field("client_recent_max_input_buffer", max_input);
  w.Field("client_recent_max_output_buffer", max_output);
  // Clients held by CLIENT PAUSE are not counted as blocked, as in Redis.
  w.Field("blocked_clients", server.blocking.blocked_clients());
  w.Field("tracking_clients", 0);
  w.Field("clients_in_timeout_table", 0);
}

void MemorySection(ServerState& server, SectionWriter& w) {
  uint64_t used = base::UsedMemory();
  uint64_t peak = std::max<uint64_t>(server.stats.used_memory_peak, used);
  uint64_t rss = ResidentBytes();
  uint64_t clients = 0;
  for (const auto& [id, client] : server.clients) {
    ClientConnection& conn = client->connection();
    clients += conn.QueryBufferSize() + conn.QueryBufferFree() + conn.OutputBufferSize();
  }
  uint64_t overhead = std::min(clients, used);
  uint64_t dataset = used - overhead;
  uint64_t system =
      static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  uint64_t maxmemory = static_cast<uint64_t>(std::max<int64_t>(0, server.settings.maxmemory));
  // Like Redis on libc malloc: the allocator reports nothing, so "allocated" is used_memory and
  // "active" and "resident" are the RSS.
  int64_t frag_bytes = static_cast<int64_t>(rss) - static_cast<int64_t>(used);

  w.Field("used_memory", used);
  w.Field("used_memory_human", BytesToHuman(used));
  w.Field("used_memory_rss", rss);
  w.Field("used_memory_rss_human", BytesToHuman(rss));
  w.Field("used_memory_peak", peak);
  w.Field("used_memory_peak_human", BytesToHuman(peak));
  w.Fixed("used_memory_peak_perc", "%.2f%%", 100 * Ratio(used, peak));
  w.Field("used_memory_overhead", overhead);
  w.Field("used_memory_startup", 0);
  w.Field("used_memory_dataset", dataset);
  w.Fixed("used_memory_dataset_perc", "%.2f%%", 100 * Ratio(dataset, used));
  w.Field("allocator_allocated", used);
  w.Field("allocator_active", rss);
  w.Field("allocator_resident", rss);
  w.Field("total_system_memory", system);
  w.Field("total_system_memory_human", BytesToHuman(system));
  // The Lua states exist once a script ran or a library was loaded.
  const scripting::LuaEngine* lua = server.lua.get();
  uint64_t vm_eval = lua != nullptr ? lua->lua_memory() : 0;
  uint64_t scripts_eval = lua != nullptr ? lua->scripts_memory() : 0;
  w.Field("used_memory_lua", vm_eval);
  w.Field("used_memory_vm_eval", vm_eval);
  w.Field("used_memory_lua_human", BytesToHuman(vm_eval));
  w.Field("used_memory_scripts_eval", scripts_eval);
  w.Field("number_of_cached_scripts", lua != nullptr ? lua->script_count() : 0);
  const scripting::FunctionEngine* functions = server.functions.get();
  uint64_t vm_functions = functions != nullptr ? functions->lua_memory() : 0;
  uint64_t function_bytes = 0;  // library code and names, as Redis counts its function contexts
  if (functions != nullptr) {
    for (const auto& [name, library] : functions->libraries()) {
      function_bytes += name.size() + library->code.size();
      for (const scripting::LuaFunction& f : library->functions) function_bytes += f.name.size();
    }
  }
  w.Field("number_of_functions", functions != nullptr ? functions->function_count() : 0);
  w.Field("number_of_libraries", functions != nullptr ? functions->libraries().size() : 0);
  w.Field("used_memory_vm_functions", vm_functions);
  w.Field("used_memory_vm_total", vm_eval + vm_functions);
  w.Field("used_memory_vm_total_human", BytesToHuman(vm_eval + vm_functions));
  w.Field("used_memory_functions", function_bytes);
  w.Field("used_memory_scripts", scripts_eval + function_bytes);
  w.Field("used_memory_scripts_human", BytesToHuman(scripts_eval + function_bytes));
  w.Field("maxmemory", maxmemory);
  w.Field("maxmemory_human", BytesToHuman(maxmemory));
  w.Field("maxmemory_policy", server.config.GetString("maxmemory-policy"));
  w.Fixed("allocator_frag_ratio", "%.2f", Ratio(rss, used));
  w.Field("allocator_frag_bytes", frag_bytes);
  w.Fixed("allocator_rss_ratio", "%.2f", rss == 0 ? 0 : 1);
  w.Field("allocator_rss_bytes", 0);
  w.Fixed("rss_overhead_ratio", "%.2f", rss == 0 ? 0 : 1);
  w.Field("rss_overhead_bytes", 0);
  w.Fixed("mem_fragmentation_ratio", "%.2f", Ratio(rss, used));
  w.Field("mem_fragmentation_bytes", frag_bytes);
  w.Field("mem_not_counted_for_evict", 0);
  w.Field("mem_replication_backlog", 0);
  w.Field("mem_total_replication_buffers", 0);
  w.Field("mem_clients_slaves", 0);
  w.Field("mem_clients_normal", clients);
  w.Field("mem_cluster_links", 0);
  w.Field("mem_aof_buffer", 0);
  w.Field("mem_allocator", "libc");
  w.Field("active_defrag_running", 0);
  w.Field("lazyfree_pending_objects", 0);
  w.Field("lazyfreed_objects", 0);
}

void PersistenceSection(ServerState& server, SectionWriter& w) {
  const PersistenceStatus& p = server.persistence;
  int64_t now_ms = server.clock.NowMs();
  w.Field("loading", p.loading ? 1 : 0);
  for (std::string_view name :
       {"async_loading", "current_cow_peak", "current_cow_size", "current_cow_size_age"}) {
    w.Field(name, 0);
  }
  w.Field("current_fork_perc", "0.00");
  w.Field("current_save_keys_processed", p.save_keys_processed);
  w.Field("current_save_keys_total", p.save_keys_total);
  w.Field("rdb_changes_since_last_save", server.stats.dirty - p.dirty_at_last_save);
  w.Field("rdb_bgsave_in_progress", p.bgsave_in_progress ? 1 : 0);
  w.Field("rdb_last_save_time", server.last_save_unix());
  w.Field("rdb_last_bgsave_status", p.last_bgsave_ok ? "ok" : "err");
  w.Field("rdb_last_bgsave_time_sec", p.last_bgsave_time_sec);
  w.Field("rdb_current_bgsave_time_sec",
          p.bgsave_in_progress ? (now_ms - p.bgsave_start_ms) / 1000 : -1);
  w.Field("rdb_saves", p.rdb_saves);
  w.Field("rdb_last_cow_size", p.rdb_last_cow_size);
  w.Field("rdb_last_load_keys_expired", p.last_load_keys_expired);
  w.Field("rdb_last_load_keys_loaded", p.last_load_keys_loaded);
  w.Field("aof_enabled", p.aof_enabled ? 1 : 0);
  w.Field("aof_rewrite_in_progress", p.aof_rewrite_in_progress ? 1 : 0);
  w.Field("aof_rewrite_scheduled", p.aof_rewrite_scheduled ? 1 : 0);
  w.Field("aof_last_rewrite_time_sec", p.aof_last_rewrite_time_sec);
  w.Field("aof_current_rewrite_time_sec",
          p.aof_rewrite_in_progress ? (now_ms - p.aof_rewrite_start_ms) / 1000 : -1);
  w.Field("aof_last_bgrewrite_status", p.aof_last_bgrewrite_ok ? "ok" : "err");
  w.Field("aof_rewrites", p.aof_rewrites);
  w.Field("aof_rewrites_consecutive_failures", p.aof_rewrites_consecutive_failures);
  w.Field("aof_last_write_status", p.aof_last_write_ok ? "ok" : "err");
  w.Field("aof_last_cow_size", p.aof_last_cow_size);
  w.Field("module_fork_in_progress", 0);
  w.Field("module_fork_last_cow_size", 0);
  if (!p.aof_enabled) return;
  w.Field("aof_current_size", p.aof_current_size);
  w.Field("aof_base_size", p.aof_base_size);
  w.Field("aof_pending_rewrite", p.aof_rewrite_scheduled ? 1 : 0);
  w.Field("aof_buffer_length", 0);
  w.Field("aof_pending_bio_fsync", p.aof_pending_bio_fsync);
  w.Field("aof_delayed_fsync", p.aof_delayed_fsync);
}

void StatsSection(ServerState& server, SectionWriter& w) {
  const ServerStats& s = server.stats;
  const store::KeyspaceStats& ks = server.keyspace.stats();
  w.Field("total_connections_received", s.total_connections_received);
  w.Field("total_commands_processed", s.total_commands_processed);
  w.Field("instantaneous_ops_per_sec", s.instantaneous_ops_per_sec);
  w.Field("total_net_input_bytes", s.net_input_bytes);
  w.Field("total_net_output_bytes", s.net_output_bytes);
  w.Field("total_net_repl_input_bytes", 0);
  w.Field("total_net_repl_output_bytes", 0);
  for (std::string_view name :
       {"instantaneous_input_kbps", "instantaneous_output_kbps", "instantaneous_input_repl_kbps",
        "instantaneous_output_repl_kbps"}) {
    w.Field(name, "0.00");
  }
  w.Field("rejected_connections", s.rejected_connections);
  w.Field("sync_full", s.sync_full);
  w.Field("sync_partial_ok", s.sync_partial_ok);
  w.Field("sync_partial_err", s.sync_partial_err);
  w.Field("expired_keys", ks.expired_keys);
  w.Fixed("expired_stale_perc", "%.2f", ks.expired_stale_perc * 100);
  w.Field("expired_time_cap_reached_count", ks.expired_time_cap_reached_count);
  w.Field("expire_cycle_cpu_milliseconds", 0);
  w.Field("evicted_keys", ks.evicted_keys);
  w.Field("evicted_clients", 0);
  w.Field("total_eviction_exceeded_time", 0);
  w.Field("current_eviction_exceeded_time", 0);
  w.Field("keyspace_hits", ks.keyspace_hits);
  w.Field("keyspace_misses", ks.keyspace_misses);
  w.Field("pubsub_channels", server.pubsub.NameCount(SubscriptionKind::kChannel));
  w.Field("pubsub_patterns", server.pubsub.NameCount(SubscriptionKind::kPattern));
  w.Field("pubsubshard_channels", server.pubsub.NameCount(SubscriptionKind::kShardChannel));
  for (std::string_view name :
       {"latest_fork_usec", "total_forks", "migrate_cached_sockets", "slave_expires_tracked_keys",
        "active_defrag_hits", "active_defrag_misses", "active_defrag_key_hits",
        "active_defrag_key_misses", "total_active_defrag_time", "current_active_defrag_time",
        "tracking_total_keys", "tracking_total_items", "tracking_total_prefixes"}) {
    w.Field(name, 0);
  }
  w.Field("unexpected_error_replies", s.unexpected_error_replies);
  w.Field("total_error_replies", s.total_error_replies);
  w.Field("dump_payload_sanitizations", 0);
  w.Field("total_reads_processed", s.total_reads_processed);
  w.Field("total_writes_processed", s.total_writes_processed);
  w.Field("io_threaded_reads_processed", 0);
  w.Field("io_threaded_writes_processed", 0);
  w.Field("reply_buffer_shrinks", 0);
  w.Field("reply_buffer_expands", 0);
}

void ReplicationSection(ServerState& server, SectionWriter& w) {
  if (server.replication != nullptr) return server.replication->AppendInfo(w.out());
  w.Field("role", "master");
  w.Field("connected_slaves", 0);
  w.Field("master_failover_state", "no-failover");
  w.Field("master_replid", server.run_id);
  w.Field("master_replid2", std::string(40, '0'));
  w.Field("master_repl_offset", 0);
  w.Field("second_repl_offset", -1);
  w.Field("repl_backlog_active", 0);
  w.Field("repl_backlog_size", 1024 * 1024);
  w.Field("repl_backlog_first_byte_offset", 0);
  w.Field("repl_backlog_histlen", 0);
}

void CpuSection(ServerState&, SectionWriter& w) {
  rusage self{}, children{}, thread{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);
  w.Field("used_cpu_sys", CpuSeconds(self.ru_stime));
  w.Field("used_cpu_user", CpuSeconds(self.ru_utime));
  w.Field("used_cpu_sys_children", CpuSeconds(children.ru_stime));
  w.Field("used_cpu_user_children", CpuSeconds(children.ru_utime));
  w.Field("used_cpu_sys_main_thread", CpuSeconds(thread.ru_stime));
  w.Field("used_cpu_user_main_thread", CpuSeconds(thread.ru_utime));
}

void NoFields(ServerState&, SectionWriter&) {}

void CommandstatsSection(ServerState& server, SectionWriter& w) {
  for (int id = 0; id < server.commands.id_count(); ++id) {
    const CommandStats& c = server.stats.commands[id];
    if (c.calls == 0 && c.failed_calls == 0 && c.rejected_calls == 0) continue;
    char value[160];
    std::snprintf(value, sizeof(value),
                  "calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,failed_calls=%llu",
                  static_cast<unsigned long long>(c.calls), static_cast<unsigned long long>(c.usec),
                  c.calls == 0 ? 0.0 : static_cast<double>(c.usec) / static_cast<double>(c.calls),
                  static_cast<unsigned long long>(c.rejected_calls),
                  static_cast<unsigned long long>(c.failed_calls));
    w.Field("cmdstat_" + std::string(server.commands.ById(id)->full_name), value);
  }
}

void ErrorstatsSection(ServerState& server, SectionWriter& w) {
  for (const auto& [code, count] : server.stats.error_counts)
    w.Field("errorstat_" + code, "count=" + std::to_string(count));
}

void ClusterSection(ServerState&, SectionWriter& w) { w.Field("cluster_enabled", 0); }

// Redis estimates avg_ttl from the keys its expiry cycle samples; this samples the same way.
int64_t EstimateAverageTtl(ServerState& server, const store::Database& db, int64_t now_ms) {
  constexpr int kSamples = 20;
  int64_t total = 0, counted = 0;
  for (int i = 0; i < kSamples && db.expires() > 0; ++i) {
    const store::Entry* e = db.RandomVolatile(server.keyspace.rng());
    if (e->expire_ms() > now_ms) {
      total += e->expire_ms() - now_ms;
      ++counted;
    }
  }
  return counted == 0 ? 0 : total / counted;
}

void KeyspaceSection(ServerState& server, SectionWriter& w) {
  int64_t now_ms = server.clock.NowMs();
  for (int i = 0; i < server.keyspace.database_count(); ++i) {
    const store::Database& db = server.keyspace.db(i);
    if (db.size() == 0) continue;
    w.Field("db" + std::to_string(i),
            "keys=" + std::to_string(db.size()) + ",expires=" + std::to_string(db.expires()) +
                ",avg_ttl=" + std::to_string(EstimateAverageTtl(server, db, now_ms)));
  }
}

struct Section {
  std::string_view name;   // as INFO takes it
  std::string_view title;  // as the "# " header shows it
  bool in_default;
  void (*write)(ServerState&, SectionWriter&);
};

// Redis's order. "latencystats" stays empty: Tandem keeps no per-command latency histograms.
constexpr std::array<Section, 13> kSections{{
    {"server", "Server", true, ServerSection},
    {"clients", "Clients", true, ClientsSection},
    {"memory", "Memory", true, MemorySection},
    {"persistence", "Persistence", true, PersistenceSection},
    {"stats", "Stats", true, StatsSection},
    {"replication", "Replication", true, ReplicationSection},
    {"cpu", "CPU", true, CpuSection},
    {"modules", "Modules", true, NoFields},
    {"commandstats", "Commandstats", false, CommandstatsSection},
    {"errorstats", "Errorstats", true, ErrorstatsSection},
    {"latencystats", "Latencystats", false, NoFields},
    {"cluster", "Cluster", true, ClusterSection},
    {"keyspace", "Keyspace", true, KeyspaceSection},
}};

}  // namespace

void UpdateMemoryPeak(ServerState& server) {
  server.stats.used_memory_peak =
      std::max<uint64_t>(server.stats.used_memory_peak, base::UsedMemory());
}

std::string BuildInfo(ServerState& server, std::span<const std::string_view> args) {
  std::array<bool, kSections.size()> selected{};
  static constexpr std::string_view kDefault[] = {"default"};
  for (std::string_view arg : args.empty() ? std::span<const std::string_view>(kDefault) : args) {
    bool all = base::EqualsIgnoreCase(arg, "all") || base::EqualsIgnoreCase(arg, "everything");
    bool by_default = base::EqualsIgnoreCase(arg, "default");
    for (size_t i = 0; i < kSections.size(); ++i) {
      if (all || (by_default && kSections[i].in_default) ||
          base::EqualsIgnoreCase(arg, kSections[i].name))
        selected[i] = true;
    }
  }
  UpdateMemoryPeak(server);
  std::string text;
  SectionWriter writer(&text);
  for (size_t i = 0; i < kSections.size(); ++i) {
    if (!selected[i]) continue;
    if (!text.empty()) text.append("\r\n");
    text.append("# ");
    text.append(kSections[i].title);
    text.append("\r\n");
    kSections[i].write(server, writer);
  }
  return text;
}

}  // namespace tandem::commands
