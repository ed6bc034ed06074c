#include "sentinel/info_report.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace tandem::sentinel {
namespace {

// Fixtures captured with redis-cli INFO from real servers on loopback ("\r\n" turned into "\n";
// the tests put it back with Crlf()).

// redis-server 7.0.15, a master with one online replica: the whole INFO.
constexpr std::string_view kRedisMasterInfo = R"(# Server
redis_version:7.0.15
redis_git_sha1:00000000
redis_git_dirty:0
redis_build_id:ae4d7c971a948f0
redis_mode:standalone
os:Linux 6.18.44-fc-v669 x86_64
arch_bits:64
monotonic_clock:POSIX clock_gettime
multiplexing_api:epoll
atomicvar_api:c11-builtin
gcc_version:12.2.0
process_id:24785
process_supervised:no
run_id:a2292202eee654d17e44d3d1a74ade04c7edcc02
tcp_port:49051
server_time_usec:1795333272057098
uptime_in_seconds:2
uptime_in_days:0
hz:10
configured_hz:10
lru_clock:171160
executable:/tmp/sc_redis/redis-server
config_file:
io_threads_active:0

# Clients
connected_clients:1
cluster_connections:0
maxclients:10000
client_recent_max_input_buffer:20480
client_recent_max_output_buffer:20504
blocked_clients:0
tracking_clients:0
clients_in_timeout_table:0

# Memory
used_memory:1059184
used_memory_human:1.01M
used_memory_rss:12345344
used_memory_rss_human:11.77M
used_memory_peak:1072088
used_memory_peak_human:1.02M
used_memory_peak_perc:98.80%
used_memory_overhead:896956
used_memory_startup:876176
used_memory_dataset:162228
used_memory_dataset_perc:88.65%
allocator_allocated:1866976
allocator_active:2035712
allocator_resident:4706304
total_system_memory:25276502016
total_system_memory_human:23.54G
used_memory_lua:32768
used_memory_vm_eval:32768
used_memory_lua_human:32.00K
used_memory_scripts_eval:0
number_of_cached_scripts:0
number_of_functions:0
number_of_libraries:0
used_memory_vm_functions:33792
used_memory_vm_total:66560
used_memory_vm_total_human:65.00K
used_memory_functions:200
used_memory_scripts:200
used_memory_scripts_human:200B
maxmemory:0
maxmemory_human:0B
maxmemory_policy:noeviction
allocator_frag_ratio:1.09
allocator_frag_bytes:168736
allocator_rss_ratio:2.31
allocator_rss_bytes:2670592
rss_overhead_ratio:2.62
rss_overhead_bytes:7639040
mem_fragmentation_ratio:12.12
mem_fragmentation_bytes:11326792
mem_not_counted_for_evict:0
mem_replication_backlog:20508
mem_total_replication_buffers:20504
mem_clients_slaves:0
mem_clients_normal:0
mem_cluster_links:0
mem_aof_buffer:0
mem_allocator:jemalloc-5.3.0
active_defrag_running:0
lazyfree_pending_objects:0
lazyfreed_objects:0

# Persistence
loading:0
async_loading:0
current_cow_peak:0
current_cow_size:0
current_cow_size_age:0
current_fork_perc:0.00
current_save_keys_processed:0
current_save_keys_total:0
rdb_changes_since_last_save:1
rdb_bgsave_in_progress:0
rdb_last_save_time:1795333270
rdb_last_bgsave_status:ok
rdb_last_bgsave_time_sec:0
rdb_current_bgsave_time_sec:-1
rdb_saves:0
rdb_last_cow_size:352256
rdb_last_load_keys_expired:0
rdb_last_load_keys_loaded:0
aof_enabled:0
aof_rewrite_in_progress:0
aof_rewrite_scheduled:0
aof_last_rewrite_time_sec:-1
aof_current_rewrite_time_sec:-1
aof_last_bgrewrite_status:ok
aof_rewrites:0
aof_rewrites_consecutive_failures:0
aof_last_write_status:ok
aof_last_cow_size:0
module_fork_in_progress:0
module_fork_last_cow_size:0

# Stats
total_connections_received:3
total_commands_processed:7
instantaneous_ops_per_sec:4
total_net_input_bytes:263
total_net_output_bytes:331
total_net_repl_input_bytes:0
total_net_repl_output_bytes:309
instantaneous_input_kbps:0.15
instantaneous_output_kbps:0.20
instantaneous_input_repl_kbps:0.00
instantaneous_output_repl_kbps:0.19
rejected_connections:0
sync_full:1
sync_partial_ok:0
sync_partial_err:0
expired_keys:0
expired_stale_perc:0.00
expired_time_cap_reached_count:0
expire_cycle_cpu_milliseconds:0
evicted_keys:0
evicted_clients:0
total_eviction_exceeded_time:0
current_eviction_exceeded_time:0
keyspace_hits:0
keyspace_misses:0
pubsub_channels:0
pubsub_patterns:0
pubsubshard_channels:0
latest_fork_usec:282
total_forks:1
migrate_cached_sockets:0
slave_expires_tracked_keys:0
active_defrag_hits:0
active_defrag_misses:0
active_defrag_key_hits:0
active_defrag_key_misses:0
total_active_defrag_time:0
current_active_defrag_time:0
tracking_total_keys:0
tracking_total_items:0
tracking_total_prefixes:0
unexpected_error_replies:0
total_error_replies:0
dump_payload_sanitizations:0
total_reads_processed:9
total_writes_processed:6
io_threaded_reads_processed:0
io_threaded_writes_processed:0
reply_buffer_shrinks:1
reply_buffer_expands:0

# Replication
role:master
connected_slaves:1
slave0:ip=127.0.0.1,port=33447,state=online,offset=50,lag=1
master_failover_state:no-failover
master_replid:43a9b06b16a6c8c5d87891b17b2d929138e169ec
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:50
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:50

# CPU
used_cpu_sys:0.000000
used_cpu_user:0.009627
used_cpu_sys_children:0.000000
used_cpu_user_children:0.001327
used_cpu_sys_main_thread:0.000000
used_cpu_user_main_thread:0.009585

# Modules

# Errorstats

# Cluster
cluster_enabled:0

# Keyspace
db0:keys=1,expires=0,avg_ttl=0
)";

// redis-server 7.0.15, its replica (replica-priority 42), link up: # Server and # Replication.
constexpr std::string_view kRedisReplicaInfo = R"(# Server
redis_version:7.0.15
redis_git_sha1:00000000
redis_git_dirty:0
redis_build_id:ae4d7c971a948f0
redis_mode:standalone
os:Linux 6.18.44-fc-v669 x86_64
arch_bits:64
monotonic_clock:POSIX clock_gettime
multiplexing_api:epoll
atomicvar_api:c11-builtin
gcc_version:12.2.0
process_id:24786
process_supervised:no
run_id:d9f5947091714789d93af3b69859f4bb7e24f11e
tcp_port:33447
server_time_usec:1795333272061770
uptime_in_seconds:2
uptime_in_days:0
hz:10
configured_hz:10
lru_clock:171160
executable:/tmp/sc_redis/redis-server
config_file:
io_threads_active:0

# Replication
role:slave
master_host:127.0.0.1
master_port:49051
master_link_status:up
master_last_io_seconds_ago:2
master_sync_in_progress:0
slave_read_repl_offset:50
slave_repl_offset:50
slave_priority:42
slave_read_only:1
replica_announced:1
connected_slaves:0
master_failover_state:no-failover
master_replid:43a9b06b16a6c8c5d87891b17b2d929138e169ec
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:50
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:50
)";

// The same replica 1 s after its master was killed: INFO replication.
constexpr std::string_view kRedisReplicaDownInfo = R"(# Replication
role:slave
master_host:127.0.0.1
master_port:49051
master_link_status:down
master_last_io_seconds_ago:-1
master_sync_in_progress:0
slave_read_repl_offset:50
slave_repl_offset:50
master_link_down_since_seconds:1
slave_priority:42
slave_read_only:1
replica_announced:1
connected_slaves:0
master_failover_state:no-failover
master_replid:43a9b06b16a6c8c5d87891b17b2d929138e169ec
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:50
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:50
)";

// tandem-server, a master with one online replica: # Server and # Replication.
constexpr std::string_view kTandemMasterInfo = R"(# Server
redis_version:7.0.15
tandem_version:0.1.0
redis_git_sha1:00000000
redis_git_dirty:0
redis_build_id:0
redis_mode:standalone
os:Linux 6.18.44-fc-v669 x86_64
arch_bits:64
monotonic_clock:POSIX clock_gettime
multiplexing_api:epoll
atomicvar_api:c11-builtin
gcc_version:12.2.0
process_id:25069
process_supervised:no
run_id:9b1b45cb8a9aeec309d04ce6520313b4de0844da
tcp_port:60235
server_time_usec:1795333287182307
uptime_in_seconds:6
uptime_in_days:0
hz:10
configured_hz:10
lru_clock:171175
executable:/work/wt-sent-client/build/dev/server/app/tandem-server
config_file:
io_threads_active:0

# Replication
role:master
connected_slaves:1
slave0:ip=127.0.0.1,port=33323,state=online,offset=50,lag=0
master_failover_state:no-failover
master_replid:c1847e68dfc8fc3ff178614840f6ea3ad3669e12
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:50
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:50
)";

// tandem-server, its replica (replica-priority 42), link up: the whole INFO.
constexpr std::string_view kTandemReplicaInfo = R"(# Server
redis_version:7.0.15
tandem_version:0.1.0
redis_git_sha1:00000000
redis_git_dirty:0
redis_build_id:0
redis_mode:standalone
os:Linux 6.18.44-fc-v669 x86_64
arch_bits:64
monotonic_clock:POSIX clock_gettime
multiplexing_api:epoll
atomicvar_api:c11-builtin
gcc_version:12.2.0
process_id:25070
process_supervised:no
run_id:a6df0c2351017c0e98328b59e35448ade2b85896
tcp_port:33323
server_time_usec:1795333287189202
uptime_in_seconds:6
uptime_in_days:0
hz:10
configured_hz:10
lru_clock:171175
executable:/work/wt-sent-client/build/dev/server/app/tandem-server
config_file:
io_threads_active:0

# Clients
connected_clients:2
cluster_connections:0
maxclients:10000
client_recent_max_input_buffer:16384
client_recent_max_output_buffer:0
blocked_clients:0
tracking_clients:0
clients_in_timeout_table:0

# Memory
used_memory:1275024
used_memory_human:1.22M
used_memory_rss:9281536
used_memory_rss_human:8.85M
used_memory_peak:1275024
used_memory_peak_human:1.22M
used_memory_peak_perc:100.00%
used_memory_overhead:16384
used_memory_startup:0
used_memory_dataset:1258640
used_memory_dataset_perc:98.72%
allocator_allocated:1275024
allocator_active:9281536
allocator_resident:9281536
total_system_memory:25276502016
total_system_memory_human:23.54G
used_memory_lua:0
used_memory_vm_eval:0
used_memory_lua_human:0B
used_memory_scripts_eval:0
number_of_cached_scripts:0
number_of_functions:0
number_of_libraries:0
used_memory_vm_functions:39295
used_memory_vm_total:39295
used_memory_vm_total_human:38.37K
used_memory_functions:0
used_memory_scripts:0
used_memory_scripts_human:0B
maxmemory:0
maxmemory_human:0B
maxmemory_policy:noeviction
allocator_frag_ratio:7.28
allocator_frag_bytes:8006512
allocator_rss_ratio:1.00
allocator_rss_bytes:0
rss_overhead_ratio:1.00
rss_overhead_bytes:0
mem_fragmentation_ratio:7.28
mem_fragmentation_bytes:8006512
mem_not_counted_for_evict:0
mem_replication_backlog:0
mem_total_replication_buffers:0
mem_clients_slaves:0
mem_clients_normal:16384
mem_cluster_links:0
mem_aof_buffer:0
mem_allocator:libc
active_defrag_running:0
lazyfree_pending_objects:0
lazyfreed_objects:0

# Persistence
loading:0
async_loading:0
current_cow_peak:0
current_cow_size:0
current_cow_size_age:0
current_fork_perc:0.00
current_save_keys_processed:0
current_save_keys_total:0
rdb_changes_since_last_save:1
rdb_bgsave_in_progress:0
rdb_last_save_time:1795333280
rdb_last_bgsave_status:ok
rdb_last_bgsave_time_sec:-1
rdb_current_bgsave_time_sec:-1
rdb_saves:0
rdb_last_cow_size:0
rdb_last_load_keys_expired:0
rdb_last_load_keys_loaded:0
aof_enabled:0
aof_rewrite_in_progress:0
aof_rewrite_scheduled:0
aof_last_rewrite_time_sec:-1
aof_current_rewrite_time_sec:-1
aof_last_bgrewrite_status:ok
aof_rewrites:0
aof_rewrites_consecutive_failures:0
aof_last_write_status:ok
aof_last_cow_size:0
module_fork_in_progress:0
module_fork_last_cow_size:0

# Stats
total_connections_received:48
total_commands_processed:49
instantaneous_ops_per_sec:0
total_net_input_bytes:1518
total_net_output_bytes:29196
total_net_repl_input_bytes:0
total_net_repl_output_bytes:0
instantaneous_input_kbps:0.00
instantaneous_output_kbps:0.00
instantaneous_input_repl_kbps:0.00
instantaneous_output_repl_kbps:0.00
rejected_connections:0
sync_full:0
sync_partial_ok:0
sync_partial_err:0
expired_keys:0
expired_stale_perc:0.00
expired_time_cap_reached_count:0
expire_cycle_cpu_milliseconds:0
evicted_keys:0
evicted_clients:0
total_eviction_exceeded_time:0
current_eviction_exceeded_time:0
keyspace_hits:0
keyspace_misses:0
pubsub_channels:0
pubsub_patterns:0
pubsubshard_channels:0
latest_fork_usec:0
total_forks:0
migrate_cached_sockets:0
slave_expires_tracked_keys:0
active_defrag_hits:0
active_defrag_misses:0
active_defrag_key_hits:0
active_defrag_key_misses:0
total_active_defrag_time:0
current_active_defrag_time:0
tracking_total_keys:0
tracking_total_items:0
tracking_total_prefixes:0
unexpected_error_replies:0
total_error_replies:0
dump_payload_sanitizations:0
total_reads_processed:0
total_writes_processed:0
io_threaded_reads_processed:0
io_threaded_writes_processed:0
reply_buffer_shrinks:0
reply_buffer_expands:0

# Replication
role:slave
master_host:127.0.0.1
master_port:60235
master_link_status:up
master_last_io_seconds_ago:2
master_sync_in_progress:0
slave_read_repl_offset:50
slave_repl_offset:50
slave_priority:42
slave_read_only:1
replica_announced:1
connected_slaves:0
master_failover_state:no-failover
master_replid:c1847e68dfc8fc3ff178614840f6ea3ad3669e12
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:50
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:50

# CPU
used_cpu_sys:0.023250
used_cpu_user:0.040688
used_cpu_sys_children:0.000000
used_cpu_user_children:0.000000
used_cpu_sys_main_thread:0.023137
used_cpu_user_main_thread:0.040489

# Modules

# Errorstats

# Cluster
cluster_enabled:0

# Keyspace
db0:keys=1,expires=0,avg_ttl=0
)";

// The same replica 1 s after its master was killed: INFO replication.
constexpr std::string_view kTandemReplicaDownInfo = R"(# Replication
role:slave
master_host:127.0.0.1
master_port:60235
master_link_status:down
master_last_io_seconds_ago:-1
master_sync_in_progress:0
slave_read_repl_offset:50
slave_repl_offset:50
master_link_down_since_seconds:1
slave_priority:42
slave_read_only:1
replica_announced:1
connected_slaves:0
master_failover_state:no-failover
master_replid:c1847e68dfc8fc3ff178614840f6ea3ad3669e12
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:50
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:50
)";

// redis-server 7.0.15, a replica whose master never answered: INFO replication.
constexpr std::string_view kRedisReplicaNeverUpInfo = R"(# Replication
role:slave
master_host:127.0.0.1
master_port:60211
master_link_status:down
master_last_io_seconds_ago:-1
master_sync_in_progress:0
slave_read_repl_offset:1
slave_repl_offset:1
master_link_down_since_seconds:-1
slave_priority:100
slave_read_only:1
replica_announced:1
connected_slaves:0
master_failover_state:no-failover
master_replid:d29a7efb77481dcd43e84848b7f3e99ab65ece9b
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:0
second_repl_offset:-1
repl_backlog_active:0
repl_backlog_size:1048576
repl_backlog_first_byte_offset:0
repl_backlog_histlen:0
)";

std::string Crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

void ExpectMasterWithOneReplica(const InfoReport& report, std::string_view run_id,
                                int replica_port) {
  EXPECT_EQ(report.run_id, run_id);
  EXPECT_EQ(report.role, ReportedRole::kMaster);
  EXPECT_EQ(report.master_host, "");
  EXPECT_EQ(report.master_port, 0);
  EXPECT_FALSE(report.master_link_up);
  EXPECT_EQ(report.master_link_down_ms, 0);
  EXPECT_EQ(report.priority, 100);
  EXPECT_EQ(report.repl_offset, 0);
  EXPECT_EQ(report.master_repl_offset, 50);
  EXPECT_TRUE(report.replica_announced);
  // slave_expires_tracked_keys (# Stats) is not a replica line.
  EXPECT_EQ(report.replicas, (std::vector<ReportedReplica>{{"127.0.0.1", replica_port}}));
}

void ExpectReplica(const InfoReport& report, int master_port, bool link_up, int64_t down_ms) {
  EXPECT_EQ(report.role, ReportedRole::kReplica);
  EXPECT_EQ(report.master_host, "127.0.0.1");
  EXPECT_EQ(report.master_port, master_port);
  EXPECT_EQ(report.master_link_up, link_up);
  EXPECT_EQ(report.master_link_down_ms, down_ms);
  EXPECT_EQ(report.priority, 42);
  EXPECT_EQ(report.repl_offset, 50);
  EXPECT_TRUE(report.replica_announced);
  EXPECT_TRUE(report.replicas.empty());
}

TEST(InfoReportTest, RedisMaster) {
  for (const std::string& text : {std::string(kRedisMasterInfo), Crlf(kRedisMasterInfo)}) {
    ExpectMasterWithOneReplica(ParseInfo(text), "a2292202eee654d17e44d3d1a74ade04c7edcc02", 33447);
  }
}

TEST(InfoReportTest, RedisReplica) {
  InfoReport up = ParseInfo(Crlf(kRedisReplicaInfo));
  EXPECT_EQ(up.run_id, "d9f5947091714789d93af3b69859f4bb7e24f11e");
  ExpectReplica(up, 49051, true, 0);
  InfoReport down = ParseInfo(Crlf(kRedisReplicaDownInfo));
  EXPECT_EQ(down.run_id, "");
  ExpectReplica(down, 49051, false, 1000);
}

TEST(InfoReportTest, RedisReplicaNeverUp) {
  InfoReport report = ParseInfo(Crlf(kRedisReplicaNeverUpInfo));
  EXPECT_EQ(report.role, ReportedRole::kReplica);
  EXPECT_EQ(report.master_port, 60211);
  EXPECT_FALSE(report.master_link_up);
  EXPECT_EQ(report.master_link_down_ms, kLinkNeverUpMs);
  EXPECT_EQ(report.priority, 100);
  EXPECT_EQ(report.repl_offset, 1);
}

TEST(InfoReportTest, TandemMaster) {
  ExpectMasterWithOneReplica(ParseInfo(Crlf(kTandemMasterInfo)),
                             "9b1b45cb8a9aeec309d04ce6520313b4de0844da", 33323);
}

TEST(InfoReportTest, TandemReplica) {
  for (const std::string& text : {std::string(kTandemReplicaInfo), Crlf(kTandemReplicaInfo)}) {
    InfoReport up = ParseInfo(text);
    EXPECT_EQ(up.run_id, "a6df0c2351017c0e98328b59e35448ade2b85896");
    ExpectReplica(up, 60235, true, 0);
  }
  ExpectReplica(ParseInfo(Crlf(kTandemReplicaDownInfo)), 60235, false, 1000);
}

TEST(InfoReportTest, EmptyTextGivesDefaults) {
  InfoReport report = ParseInfo("");
  EXPECT_EQ(report.run_id, "");
  EXPECT_EQ(report.role, ReportedRole::kUnknown);
  EXPECT_EQ(report.priority, 100);
  EXPECT_TRUE(report.replica_announced);
  EXPECT_FALSE(report.master_link_up);
}

TEST(InfoReportTest, LastLineNeedsNoNewline) {
  EXPECT_EQ(ParseInfo("role:master\r\nslave_priority:7").priority, 7);
  EXPECT_EQ(ParseInfo("role:slave").role, ReportedRole::kReplica);
}

TEST(InfoReportTest, GarbageAndUnknownLinesAreIgnored) {
  InfoReport report = ParseInfo(
      "\n\r\n:\r\nno colon here\r\n#role:master\r\nfuture_field:1\r\n\x01\x02:\xff\r\n"
      "role:slave\r\nmaster_port:6379\r\n");
  EXPECT_EQ(report.role, ReportedRole::kReplica);
  EXPECT_EQ(report.master_port, 6379);
}

TEST(InfoReportTest, OnlyExactRoles) {
  EXPECT_EQ(ParseInfo("role:sentinel\n").role, ReportedRole::kUnknown);
  EXPECT_EQ(ParseInfo("role:masterful\n").role, ReportedRole::kUnknown);
  EXPECT_EQ(ParseInfo("role:replica\n").role, ReportedRole::kUnknown);
}

TEST(InfoReportTest, RunIdMustBeFortyHexDigits) {
  EXPECT_EQ(ParseInfo("run_id:" + std::string(39, 'a')).run_id, "");
  EXPECT_EQ(ParseInfo("run_id:" + std::string(41, 'a')).run_id, "");
  EXPECT_EQ(ParseInfo("run_id:" + std::string(39, 'a') + "z").run_id, "");
  EXPECT_EQ(ParseInfo("run_id:" + std::string(40, 'F')).run_id, std::string(40, 'F'));
}

TEST(InfoReportTest, BadNumbersLeaveDefaults) {
  InfoReport report = ParseInfo(
      "master_port:63 79\nmaster_link_down_since_seconds:5s\nslave_priority:-1\n"
      "slave_repl_offset:0x10\nreplica_announced:yes\n");
  EXPECT_EQ(report.master_port, 0);
  EXPECT_EQ(report.master_link_down_ms, 0);
  EXPECT_EQ(report.priority, 100);
  EXPECT_EQ(report.repl_offset, 0);
  EXPECT_TRUE(report.replica_announced);
  EXPECT_EQ(ParseInfo("master_port:65536\n").master_port, 0);
  EXPECT_EQ(ParseInfo("master_port:+1\n").master_port, 0);
  EXPECT_EQ(ParseInfo("slave_priority:2147483648\n").priority, 100);
  EXPECT_EQ(ParseInfo("slave_priority:0\n").priority, 0);
  EXPECT_EQ(ParseInfo("slave_repl_offset:\n").repl_offset, 0);
  EXPECT_EQ(ParseInfo("slave_repl_offset:9223372036854775807\n").repl_offset, INT64_MAX);
}

TEST(InfoReportTest, LinkStatusAndDownTime) {
  EXPECT_TRUE(ParseInfo("master_link_status:UP\n").master_link_up);
  EXPECT_FALSE(ParseInfo("master_link_status:down\n").master_link_up);
  EXPECT_FALSE(ParseInfo("master_link_status:upper\n").master_link_up);
  EXPECT_EQ(ParseInfo("master_link_down_since_seconds:0\n").master_link_down_ms, 0);
  EXPECT_EQ(ParseInfo("master_link_down_since_seconds:37\n").master_link_down_ms, 37000);
  EXPECT_EQ(ParseInfo("master_link_down_since_seconds:-5\n").master_link_down_ms, kLinkNeverUpMs);
  EXPECT_EQ(ParseInfo("master_link_down_since_seconds:9223372036854775\n").master_link_down_ms,
            9223372036854775000);
  EXPECT_EQ(ParseInfo("master_link_down_since_seconds:9223372036854776\n").master_link_down_ms,
            kLinkNeverUpMs);
}

TEST(InfoReportTest, ReplicaAnnounced) {
  EXPECT_FALSE(ParseInfo("replica_announced:0\n").replica_announced);
  EXPECT_TRUE(ParseInfo("replica_announced:0\nreplica_announced:1\n").replica_announced);
}

TEST(InfoReportTest, ReplicaLinesInBothFormats) {
  InfoReport report = ParseInfo(
      "slave0:ip=10.0.0.2,port=6379,state=online,offset=4711,lag=0\r\n"
      "slave1:10.0.0.3,6380,online\r\n"
      "slave2:ip=::1,port=7000,state=wait_bgsave,offset=0,lag=0\r\n"
      "slave3:state=online,port=7001,ip=10.0.0.4\r\n"
      "slave14:fe80::1,7002\r\n");
  EXPECT_EQ(report.replicas, (std::vector<ReportedReplica>{{"10.0.0.2", 6379},
                                                           {"10.0.0.3", 6380},
                                                           {"::1", 7000},
                                                           {"10.0.0.4", 7001},
                                                           {"fe80::1", 7002}}));
}

TEST(InfoReportTest, BadReplicaLinesAreSkipped) {
  InfoReport report = ParseInfo(
      "slave:ip=10.0.0.1,port=1\n"           // no index
      "slaveX:ip=10.0.0.1,port=1\n"          // not a number
      "slave_read_only:1\n"                  // a replica's own field
      "slave0:ip=,port=6379,state=online\n"  // no host
      "slave1:ip=10.0.0.1,state=online\n"    // no port
      "slave2:ip=10.0.0.1,port=abc\n"        // bad port
      "slave3:10.0.0.1\n"                    // old format without a port
      "slave4:10.0.0.1,99999,online\n"       // port out of range
      "slave5:ip=10.0.0.9,port=6390\n");
  EXPECT_EQ(report.replicas, (std::vector<ReportedReplica>{{"10.0.0.9", 6390}}));
}

}  // namespace
}  // namespace tandem::sentinel
