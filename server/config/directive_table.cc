#include "server/config/directive_table.h"

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>

#include "server/base/ascii_case.h"

namespace tandem::config {
namespace {

// Bounds Redis states with C type limits.
constexpr int64_t kIntMin = std::numeric_limits<int32_t>::min();
constexpr uint64_t kIntMax = std::numeric_limits<int32_t>::max();
constexpr uint64_t kUIntMax = std::numeric_limits<uint32_t>::max();
constexpr uint64_t kLongMax = std::numeric_limits<int64_t>::max();
constexpr uint64_t kULongLongMax = std::numeric_limits<uint64_t>::max();
constexpr uint64_t kAnyCount = std::numeric_limits<uint64_t>::max();

constexpr Directive Bool(std::string_view name, std::string_view def, uint32_t flags = 0,
                         std::string_view alias = {}) {
  return {name, alias, Kind::kBool, flags, def};
}
constexpr Directive Int(std::string_view name, int64_t min, uint64_t max, std::string_view def,
                        uint32_t flags = 0, std::string_view alias = {}) {
  return {name, alias, Kind::kInteger, flags, def, min, max};
}
constexpr Directive Memory(std::string_view name, int64_t min, uint64_t max, std::string_view def,
                           uint32_t flags = 0, std::string_view alias = {}) {
  return {name, alias, Kind::kMemory, flags, def, min, max};
}
constexpr Directive Enum(std::string_view name, std::span<const EnumValue> values,
                         std::string_view def, uint32_t flags = 0) {
  return {name, {}, Kind::kEnum, flags, def, 0, 0, values};
}
constexpr Directive String(std::string_view name, std::string_view def, uint32_t flags = 0,
                           std::string_view alias = {}) {
  return {name, alias, Kind::kString, flags, def};
}
// A string whose "" means unset; Redis's EMPTY_STRING_IS_NULL strings.
constexpr Directive Unset(std::string_view name, uint32_t flags = 0, std::string_view alias = {}) {
  return {name, alias, Kind::kString, flags | kEmptyIsUnset, ""};
}
constexpr Directive Special(std::string_view name, Kind kind, std::string_view def,
                            uint32_t flags = 0, std::string_view alias = {}) {
  return {name, alias, kind, flags, def};
}
constexpr Directive FileOnly(std::string_view name, int64_t fewest, uint64_t most,
                             uint32_t flags = 0) {
  return {name, {}, Kind::kFileOnly, flags, "", fewest, most};
}

constexpr EnumValue kSupervised[] = {{"upstart", 1}, {"systemd", 2}, {"auto", 3}, {"no", 0}};
constexpr EnumValue kSyslogFacility[] = {{"user", 8},     {"local0", 128}, {"local1", 136},
                                         {"local2", 144}, {"local3", 152}, {"local4", 160},
                                         {"local5", 168}, {"local6", 176}, {"local7", 184}};
constexpr EnumValue kReplDisklessLoad[] = {{"disabled", 0}, {"on-empty-db", 1}, {"swapdb", 2}};
constexpr EnumValue kLogLevel[] = {{"debug", 0}, {"verbose", 1}, {"notice", 2}, {"warning", 3}};
constexpr EnumValue kMaxmemoryPolicy[] = {
    {"volatile-lru", 0}, {"volatile-lfu", 1}, {"volatile-random", 2}, {"volatile-ttl", 3},
    {"allkeys-lru", 4},  {"allkeys-lfu", 5},  {"allkeys-random", 6},  {"noeviction", 7}};
constexpr EnumValue kAppendFsync[] = {{"everysec", 0}, {"always", 1}, {"no", 2}};
constexpr EnumValue kOomScoreAdj[] = {{"no", 0}, {"yes", 1}, {"relative", 1}, {"absolute", 2}};
constexpr EnumValue kAclPubsubDefault[] = {{"allchannels", 1}, {"resetchannels", 0}};
constexpr EnumValue kSanitizeDumpPayload[] = {{"no", 0}, {"yes", 1}, {"clients", 2}};
constexpr EnumValue kProtectedAction[] = {{"no", 0}, {"yes", 1}, {"local", 2}};
constexpr EnumValue kEndpointType[] = {{"ip", 0}, {"hostname", 1}, {"unknown-endpoint", 2}};
constexpr EnumValue kPropagationErrorBehavior[] = {
    {"ignore", 0}, {"panic", 1}, {"panic-on-replicas", 2}};
constexpr EnumValue kTlsAuthClients[] = {{"no", 0}, {"yes", 1}, {"optional", 2}};
constexpr EnumValue kShutdownOnSignal[] = {
    {"default", 0}, {"save", 1}, {"nosave", 2}, {"now", 4}, {"force", 8}};

constexpr Directive ShutdownOnSignal(std::string_view name) {
  return {name, {}, Kind::kEnumFlags, 0, "default", 0, 0, kShutdownOnSignal};
}

// Short names keep the rows below on one line each.
constexpr uint32_t kImm = kImmutable;
constexpr uint32_t kImpl = kImplemented;

constexpr auto kTable = std::to_array<Directive>({
    // Booleans.
    Bool("rdbchecksum", "yes", kImm | kImpl),
    Bool("daemonize", "no", kImm),  // Tandem never daemonizes: only "no" is honoured
    Bool("io-threads-do-reads", "no", kImm),
    Bool("always-show-logo", "no", kImm),
    Bool("protected-mode", "yes", kImpl),
    Bool("rdbcompression", "yes", kImpl),
    Bool("rdb-del-sync-files", "no"),
    Bool("activerehashing", "yes", kImpl),
    Bool("stop-writes-on-bgsave-error", "yes", kImpl),
    Bool("set-proc-title", "yes", kImm),
    Bool("dynamic-hz", "yes"),
    Bool("lazyfree-lazy-eviction", "no"),
    Bool("lazyfree-lazy-expire", "no", kImpl),
    Bool("lazyfree-lazy-server-del", "no"),
    Bool("lazyfree-lazy-user-del", "no", kImpl),
    Bool("lazyfree-lazy-user-flush", "no"),
    Bool("repl-disable-tcp-nodelay", "no"),
    Bool("repl-diskless-sync", "yes", kImpl),
    Bool("aof-rewrite-incremental-fsync", "yes"),
    Bool("no-appendfsync-on-rewrite", "no"),
    Bool("cluster-require-full-coverage", "yes"),
    Bool("rdb-save-incremental-fsync", "yes"),
    Bool("aof-load-truncated", "yes", kImpl),
    Bool("aof-use-rdb-preamble", "yes", kImpl),
    Bool("aof-timestamp-enabled", "no"),
    Bool("cluster-replica-no-failover", "no", 0, "cluster-slave-no-failover"),
    Bool("replica-lazy-flush", "no", 0, "slave-lazy-flush"),
    Bool("replica-serve-stale-data", "yes", kImpl, "slave-serve-stale-data"),
    Bool("replica-read-only", "yes", kImpl, "slave-read-only"),
    Bool("replica-ignore-maxmemory", "yes", kImpl, "slave-ignore-maxmemory"),
    Bool("jemalloc-bg-thread", "yes"),
    Bool("activedefrag", "no"),
    Bool("syslog-enabled", "no", kImm),
    Bool("cluster-enabled", "no", kImm),
    Bool("appendonly", "no", kDenyLoading | kImpl),
    Bool("cluster-allow-reads-when-down", "no"),
    Bool("cluster-allow-pubsubshard-when-down", "yes"),
    Bool("crash-log-enabled", "yes"),
    Bool("crash-memcheck-enabled", "yes"),
    Bool("use-exit-on-panic", "no", kHidden),
    Bool("disable-thp", "yes", kImm),
    Bool("cluster-allow-replica-migration", "yes"),
    Bool("replica-announced", "yes", kImpl),
    Bool("latency-tracking", "yes"),
    Bool("aof-disable-auto-gc", "no", kImpl),
    Bool("replica-ignore-disk-write-errors", "no"),
    Bool("tls-cluster", "no"),
    Bool("tls-replication", "no"),
    Bool("tls-prefer-server-ciphers", "no"),
    Bool("tls-session-caching", "yes"),

    // Strings.
    String("aclfile", "", kImm | kImpl),
    Unset("unixsocket", kImm),
    Unset("pidfile", kImm),
    Unset("replica-announce-ip", kImpl, "slave-announce-ip"),
    Unset("masteruser", kSensitive | kImpl),
    Unset("cluster-announce-ip"),
    String("cluster-config-file", "nodes.conf", kImm),
    Unset("cluster-announce-hostname"),
    String("syslog-ident", "redis", kImm),
    String("dbfilename", "dump.rdb", kProtected | kImpl),
    String("appendfilename", "appendonly.aof", kImm | kImpl),
    String("appenddirname", "appendonlydir", kImm | kImpl),
    Unset("server_cpulist", kImm),
    Unset("bio_cpulist", kImm),
    Unset("aof_rewrite_cpulist", kImm),
    Unset("bgsave_cpulist", kImm),
    String("ignore-warnings", ""),
    String("proc-title-template", "{title} {listen-addr} {server-mode}"),
    Unset("bind-source-addr", kImpl),
    String("logfile", "", kImm | kImpl),
    Unset("masterauth", kSensitive | kImpl),
    Unset("requirepass", kSensitive | kImpl),
    Unset("tls-cert-file"),
    Unset("tls-key-file"),
    Unset("tls-key-file-pass"),
    Unset("tls-client-cert-file"),
    Unset("tls-client-key-file"),
    Unset("tls-client-key-file-pass"),
    Unset("tls-dh-params-file"),
    Unset("tls-ca-cert-file"),
    Unset("tls-ca-cert-dir"),
    Unset("tls-protocols"),
    Unset("tls-ciphers"),
    Unset("tls-ciphersuites"),

    // Enumerations.
    Enum("supervised", kSupervised, "no", kImm),
    Enum("syslog-facility", kSyslogFacility, "local0", kImm),
    Enum("repl-diskless-load", kReplDisklessLoad, "disabled", kDenyLoading),
    Enum("loglevel", kLogLevel, "notice", kImpl),
    Enum("maxmemory-policy", kMaxmemoryPolicy, "noeviction", kImpl),
    Enum("appendfsync", kAppendFsync, "everysec", kImpl),
    Enum("oom-score-adj", kOomScoreAdj, "no"),
    Enum("acl-pubsub-default", kAclPubsubDefault, "resetchannels", kImpl),
    Enum("sanitize-dump-payload", kSanitizeDumpPayload, "no"),
    Enum("enable-protected-configs", kProtectedAction, "no", kImm),
    Enum("enable-debug-command", kProtectedAction, "no", kImm | kImpl),
    Enum("enable-module-command", kProtectedAction, "no", kImm),
    Enum("cluster-preferred-endpoint-type", kEndpointType, "ip"),
    Enum("propagation-error-behavior", kPropagationErrorBehavior, "ignore"),
    Enum("tls-auth-clients", kTlsAuthClients, "yes"),
    ShutdownOnSignal("shutdown-on-sigint"),
    ShutdownOnSignal("shutdown-on-sigterm"),

    // Integers.
    Int("databases", 1, kIntMax, "16", kImm | kImpl),
    Int("port", 0, 65535, "6379", kImpl),
    Int("io-threads", 1, 128, "1", kImm),
    Int("auto-aof-rewrite-percentage", 0, kIntMax, "100", kImpl),
    Int("cluster-replica-validity-factor", 0, kIntMax, "10", 0, "cluster-slave-validity-factor"),
    Int("list-max-listpack-size", kIntMin, kIntMax, "-2", kImpl, "list-max-ziplist-size"),
    Int("tcp-keepalive", 0, kIntMax, "300", kImpl),
    Int("cluster-migration-barrier", 0, kIntMax, "1"),
    Int("active-defrag-cycle-min", 1, 99, "1"),
    Int("active-defrag-cycle-max", 1, 99, "25"),
    Int("active-defrag-threshold-lower", 0, 1000, "10"),
    Int("active-defrag-threshold-upper", 0, 1000, "100"),
    Int("lfu-log-factor", 0, kIntMax, "10", kImpl),
    Int("lfu-decay-time", 0, kIntMax, "1", kImpl),
    Int("replica-priority", 0, kIntMax, "100", kImpl, "slave-priority"),
    Int("repl-diskless-sync-delay", 0, kIntMax, "5", kImpl),
    Int("maxmemory-samples", 1, kIntMax, "5", kImpl),
    Int("maxmemory-eviction-tenacity", 0, 100, "10"),
    Int("timeout", 0, kIntMax, "0", kImpl),
    Int("replica-announce-port", 0, 65535, "0", kImpl, "slave-announce-port"),
    Int("tcp-backlog", 0, kIntMax, "511", kImm | kImpl),
    Int("cluster-port", 0, 65535, "0", kImm),
    Int("cluster-announce-bus-port", 0, 65535, "0"),
    Int("cluster-announce-port", 0, 65535, "0"),
    Int("cluster-announce-tls-port", 0, 65535, "0"),
    Int("repl-timeout", 1, kIntMax, "60", kImpl),
    Int("repl-ping-replica-period", 1, kIntMax, "10", kImpl, "repl-ping-slave-period"),
    Int("list-compress-depth", 0, kIntMax, "0"),
    Int("rdb-key-save-delay", kIntMin, kIntMax, "0", kHidden | kImpl),
    Int("key-load-delay", kIntMin, kIntMax, "0", kHidden),
    Int("active-expire-effort", 1, 10, "1"),
    Int("hz", 0, kIntMax, "10", kImpl),  // accepted in range, then held within [1, 500]
    Int("min-replicas-to-write", 0, kIntMax, "0", kImpl, "min-slaves-to-write"),
    Int("min-replicas-max-lag", 0, kIntMax, "10", kImpl, "min-slaves-max-lag"),
    Int("watchdog-period", 0, kIntMax, "0", kHidden),
    Int("shutdown-timeout", 0, kIntMax, "10"),
    Int("repl-diskless-sync-max-replicas", 0, kIntMax, "0", kImpl),
    Int("maxclients", 1, kUIntMax, "10000", kUnsigned | kImpl),
    {"unixsocketperm", {}, Kind::kOctal, kImm | kUnsigned, "0", 0, 0777},
    Int("socket-mark-id", 0, kUIntMax, "0", kImm | kUnsigned),
    Int("active-defrag-max-scan-fields", 1, kLongMax, "1000"),
    Int("slowlog-max-len", 0, kLongMax, "128", kImpl),
    Int("acllog-max-len", 0, kLongMax, "128", kImpl),
    Int("busy-reply-threshold", 0, kLongMax, "5000", 0, "lua-time-limit"),
    Int("cluster-node-timeout", 0, kLongMax, "15000"),
    Int("slowlog-log-slower-than", -1, kLongMax, "10000", kImpl),
    Int("latency-monitor-threshold", 0, kLongMax, "0"),
    Int("stream-node-max-entries", 0, kLongMax, "100"),
    Int("hash-max-listpack-entries", 0, kLongMax, "512", kUnsigned | kImpl, "hash-max-ziplist-entries"),
    Int("set-max-intset-entries", 0, kLongMax, "512", kUnsigned | kImpl),
    Int("zset-max-listpack-entries", 0, kLongMax, "128", kUnsigned | kImpl, "zset-max-ziplist-entries"),
    Int("tracking-table-max-keys", 0, kLongMax, "1000000", kUnsigned),
    Int("repl-backlog-ttl", 0, kLongMax, "3600", kImpl),
    Int("loading-process-events-interval-bytes", 1024, kIntMax, "2097152", kHidden),
    Int("tls-port", 0, 65535, "0"),
    Int("tls-session-cache-size", 0, kIntMax, "20480"),
    Int("tls-session-cache-timeout", 0, kIntMax, "300"),

    // Byte counts.
    Memory("proto-max-bulk-len", 1024 * 1024, kLongMax, "536870912", kImpl),
    Memory("repl-backlog-size", 1, kLongMax, "1048576", kImpl),
    Memory("maxmemory", 0, kULongLongMax, "0", kUnsigned | kImpl),
    Memory("cluster-link-sendbuf-limit", 0, kULongLongMax, "0", kUnsigned),
    Memory("active-defrag-ignore-bytes", 1, kLongMax, "104857600", kUnsigned),
    Memory("hash-max-listpack-value", 0, kLongMax, "64", kUnsigned | kImpl, "hash-max-ziplist-value"),
    Memory("stream-node-max-bytes", 0, kLongMax, "4096", kUnsigned),
    Memory("zset-max-listpack-value", 0, kLongMax, "64", kUnsigned | kImpl, "zset-max-ziplist-value"),
    Memory("hll-sparse-max-bytes", 0, kLongMax, "3000", kUnsigned | kImpl),
    Memory("client-query-buffer-limit", 1024 * 1024, kLongMax, "1073741824", kUnsigned | kImpl),
    {"maxmemory-clients", {}, Kind::kMemoryOrPercent, 0, "0", -100, kLongMax},
    Memory("auto-aof-rewrite-min-size", 0, kLongMax, "67108864", kImpl),

    // Directives with a syntax of their own.
    Special("dir", Kind::kDir, "", kProtected | kDenyLoading | kImpl),
    Special("save", Kind::kSave, "3600 1 300 100 60 10000", kImpl),
    Special("client-output-buffer-limit", Kind::kClientOutputBufferLimit,
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", kImpl),
    Special("oom-score-adj-values", Kind::kOomScoreAdjValues, "0 200 800"),
    Special("notify-keyspace-events", Kind::kNotifyKeyspaceEvents, "", kImpl),
    Special("bind", Kind::kBind, "* -::*", kImpl),
    Special("replicaof", Kind::kReplicaOf, "", kImm | kImpl, "slaveof"),
    Special("latency-tracking-info-percentiles", Kind::kLatencyPercentiles, "50 99 99.9"),

    // Config-file-only lines.
    FileOnly("user", 1, kAnyCount, kImpl),
    FileOnly("rename-command", 2, 2),
    FileOnly("loadmodule", 1, kAnyCount),
    FileOnly("sentinel", 0, 0),  // only sentinels take arguments on it
    // Deprecated names Redis 7.0 still accepts and ignores.
    FileOnly("list-max-ziplist-entries", 1, 1),
    FileOnly("list-max-ziplist-value", 1, 1),
    FileOnly("lua-replicate-commands", 1, 1),
});

}  // namespace

std::span<const Directive> AllDirectives() { return kTable; }

const Directive* FindDirective(std::string_view name) {
  static const auto* const by_name = [] {
    auto* map = new std::unordered_map<std::string, const Directive*>();
    for (const Directive& d : kTable) {
      map->emplace(std::string(d.name), &d);
      if (!d.alias.empty()) map->emplace(std::string(d.alias), &d);
    }
    return map;
  }();
  const auto it = by_name->find(base::AsciiLower(name));
  return it == by_name->end() ? nullptr : it->second;
}

bool TakesManyArguments(const Directive& directive) {
  switch (directive.kind) {
    case Kind::kEnumFlags:
    case Kind::kSave:
    case Kind::kBind:
    case Kind::kClientOutputBufferLimit:
    case Kind::kOomScoreAdjValues:
    case Kind::kLatencyPercentiles:
    case Kind::kReplicaOf:
      return true;
    default:
      return false;
  }
}

}  // namespace tandem::config
