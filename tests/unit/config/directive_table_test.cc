#include "server/config/directive_table.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/config/directive_value.h"

namespace tandem::config {
namespace {

// What `CONFIG GET *` answers on a pristine Redis 7.0.15 (started with no options), sorted by name:
// every parameter and alias CONFIG GET patterns can see, with its default. dir's value is the
// working directory, so it is not compared.
const std::vector<std::pair<std::string, std::string>> kRedis70Defaults = {
    {"acl-pubsub-default", "resetchannels"},
    {"aclfile", ""},
    {"acllog-max-len", "128"},
    {"active-defrag-cycle-max", "25"},
    {"active-defrag-cycle-min", "1"},
    {"active-defrag-ignore-bytes", "104857600"},
    {"active-defrag-max-scan-fields", "1000"},
    {"active-defrag-threshold-lower", "10"},
    {"active-defrag-threshold-upper", "100"},
    {"active-expire-effort", "1"},
    {"activedefrag", "no"},
    {"activerehashing", "yes"},
    {"always-show-logo", "no"},
    {"aof-disable-auto-gc", "no"},
    {"aof-load-truncated", "yes"},
    {"aof-rewrite-incremental-fsync", "yes"},
    {"aof-timestamp-enabled", "no"},
    {"aof-use-rdb-preamble", "yes"},
    {"aof_rewrite_cpulist", ""},
    {"appenddirname", "appendonlydir"},
    {"appendfilename", "appendonly.aof"},
    {"appendfsync", "everysec"},
    {"appendonly", "no"},
    {"auto-aof-rewrite-min-size", "67108864"},
    {"auto-aof-rewrite-percentage", "100"},
    {"bgsave_cpulist", ""},
    {"bind", "* -::*"},
    {"bind-source-addr", ""},
    {"bio_cpulist", ""},
    {"busy-reply-threshold", "5000"},
    {"client-output-buffer-limit",
     "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"},
    {"client-query-buffer-limit", "1073741824"},
    {"cluster-allow-pubsubshard-when-down", "yes"},
    {"cluster-allow-reads-when-down", "no"},
    {"cluster-allow-replica-migration", "yes"},
    {"cluster-announce-bus-port", "0"},
    {"cluster-announce-hostname", ""},
    {"cluster-announce-ip", ""},
    {"cluster-announce-port", "0"},
    {"cluster-announce-tls-port", "0"},
    {"cluster-config-file", "nodes.conf"},
    {"cluster-enabled", "no"},
    {"cluster-link-sendbuf-limit", "0"},
    {"cluster-migration-barrier", "1"},
    {"cluster-node-timeout", "15000"},
    {"cluster-port", "0"},
    {"cluster-preferred-endpoint-type", "ip"},
    {"cluster-replica-no-failover", "no"},
    {"cluster-replica-validity-factor", "10"},
    {"cluster-require-full-coverage", "yes"},
    {"cluster-slave-no-failover", "no"},
    {"cluster-slave-validity-factor", "10"},
    {"crash-log-enabled", "yes"},
    {"crash-memcheck-enabled", "yes"},
    {"daemonize", "no"},
    {"databases", "16"},
    {"dbfilename", "dump.rdb"},
    {"dir", ""},  // the working directory,
    {"disable-thp", "yes"},
    {"dynamic-hz", "yes"},
    {"enable-debug-command", "no"},
    {"enable-module-command", "no"},
    {"enable-protected-configs", "no"},
    {"hash-max-listpack-entries", "512"},
    {"hash-max-listpack-value", "64"},
    {"hash-max-ziplist-entries", "512"},
    {"hash-max-ziplist-value", "64"},
    {"hll-sparse-max-bytes", "3000"},
    {"hz", "10"},
    {"ignore-warnings", ""},
    {"io-threads", "1"},
    {"io-threads-do-reads", "no"},
    {"jemalloc-bg-thread", "yes"},
    {"latency-monitor-threshold", "0"},
    {"latency-tracking", "yes"},
    {"latency-tracking-info-percentiles", "50 99 99.9"},
    {"lazyfree-lazy-eviction", "no"},
    {"lazyfree-lazy-expire", "no"},
    {"lazyfree-lazy-server-del", "no"},
    {"lazyfree-lazy-user-del", "no"},
    {"lazyfree-lazy-user-flush", "no"},
    {"lfu-decay-time", "1"},
    {"lfu-log-factor", "10"},
    {"list-compress-depth", "0"},
    {"list-max-listpack-size", "-2"},
    {"list-max-ziplist-size", "-2"},
    {"logfile", ""},
    {"loglevel", "notice"},
    {"lua-time-limit", "5000"},
    {"masterauth", ""},
    {"masteruser", ""},
    {"maxclients", "10000"},
    {"maxmemory", "0"},
    {"maxmemory-clients", "0"},
    {"maxmemory-eviction-tenacity", "10"},
    {"maxmemory-policy", "noeviction"},
    {"maxmemory-samples", "5"},
    {"min-replicas-max-lag", "10"},
    {"min-replicas-to-write", "0"},
    {"min-slaves-max-lag", "10"},
    {"min-slaves-to-write", "0"},
    {"no-appendfsync-on-rewrite", "no"},
    {"notify-keyspace-events", ""},
    {"oom-score-adj", "no"},
    {"oom-score-adj-values", "0 200 800"},
    {"pidfile", ""},
    {"port", "6379"},
    {"proc-title-template", "{title} {listen-addr} {server-mode}"},
    {"propagation-error-behavior", "ignore"},
    {"protected-mode", "yes"},
    {"proto-max-bulk-len", "536870912"},
    {"rdb-del-sync-files", "no"},
    {"rdb-save-incremental-fsync", "yes"},
    {"rdbchecksum", "yes"},
    {"rdbcompression", "yes"},
    {"repl-backlog-size", "1048576"},
    {"repl-backlog-ttl", "3600"},
    {"repl-disable-tcp-nodelay", "no"},
    {"repl-diskless-load", "disabled"},
    {"repl-diskless-sync", "yes"},
    {"repl-diskless-sync-delay", "5"},
    {"repl-diskless-sync-max-replicas", "0"},
    {"repl-ping-replica-period", "10"},
    {"repl-ping-slave-period", "10"},
    {"repl-timeout", "60"},
    {"replica-announce-ip", ""},
    {"replica-announce-port", "0"},
    {"replica-announced", "yes"},
    {"replica-ignore-disk-write-errors", "no"},
    {"replica-ignore-maxmemory", "yes"},
    {"replica-lazy-flush", "no"},
    {"replica-priority", "100"},
    {"replica-read-only", "yes"},
    {"replica-serve-stale-data", "yes"},
    {"replicaof", ""},
    {"requirepass", ""},
    {"sanitize-dump-payload", "no"},
    {"save", "3600 1 300 100 60 10000"},
    {"server_cpulist", ""},
    {"set-max-intset-entries", "512"},
    {"set-proc-title", "yes"},
    {"shutdown-on-sigint", "default"},
    {"shutdown-on-sigterm", "default"},
    {"shutdown-timeout", "10"},
    {"slave-announce-ip", ""},
    {"slave-announce-port", "0"},
    {"slave-ignore-maxmemory", "yes"},
    {"slave-lazy-flush", "no"},
    {"slave-priority", "100"},
    {"slave-read-only", "yes"},
    {"slave-serve-stale-data", "yes"},
    {"slaveof", ""},
    {"slowlog-log-slower-than", "10000"},
    {"slowlog-max-len", "128"},
    {"socket-mark-id", "0"},
    {"stop-writes-on-bgsave-error", "yes"},
    {"stream-node-max-bytes", "4096"},
    {"stream-node-max-entries", "100"},
    {"supervised", "no"},
    {"syslog-enabled", "no"},
    {"syslog-facility", "local0"},
    {"syslog-ident", "redis"},
    {"tcp-backlog", "511"},
    {"tcp-keepalive", "300"},
    {"timeout", "0"},
    {"tls-auth-clients", "yes"},
    {"tls-ca-cert-dir", ""},
    {"tls-ca-cert-file", ""},
    {"tls-cert-file", ""},
    {"tls-ciphers", ""},
    {"tls-ciphersuites", ""},
    {"tls-client-cert-file", ""},
    {"tls-client-key-file", ""},
    {"tls-client-key-file-pass", ""},
    {"tls-cluster", "no"},
    {"tls-dh-params-file", ""},
    {"tls-key-file", ""},
    {"tls-key-file-pass", ""},
    {"tls-port", "0"},
    {"tls-prefer-server-ciphers", "no"},
    {"tls-protocols", ""},
    {"tls-replication", "no"},
    {"tls-session-cache-size", "20480"},
    {"tls-session-cache-timeout", "300"},
    {"tls-session-caching", "yes"},
    {"tracking-table-max-keys", "1000000"},
    {"unixsocket", ""},
    {"unixsocketperm", "0"},
    {"zset-max-listpack-entries", "128"},
    {"zset-max-listpack-value", "64"},
    {"zset-max-ziplist-entries", "128"},
    {"zset-max-ziplist-value", "64"},
};

TEST(DirectiveTableTest, KnowsEveryParameterOfRedis70) {
  for (const auto& [name, value] : kRedis70Defaults) {
    const Directive* d = FindDirective(name);
    ASSERT_NE(d, nullptr) << name;
    EXPECT_NE(d->kind, Kind::kFileOnly) << name;
    EXPECT_FALSE(d->Has(kHidden)) << name;
  }
}

TEST(DirectiveTableTest, ShowsNothingRedis70DoesNotShow) {
  std::set<std::string> redis_names;
  for (const auto& entry : kRedis70Defaults) redis_names.insert(entry.first);
  for (const Directive& d : AllDirectives()) {
    if (d.kind == Kind::kFileOnly || d.Has(kHidden)) continue;
    EXPECT_TRUE(redis_names.contains(std::string(d.name))) << d.name;
    if (!d.alias.empty()) {
      EXPECT_TRUE(redis_names.contains(std::string(d.alias))) << d.alias;
    }
  }
}

TEST(DirectiveTableTest, DefaultsPrintAsRedis70PrintsThem) {
  for (const auto& [name, value] : kRedis70Defaults) {
    if (name == "dir") continue;
    const Directive* d = FindDirective(name);
    ASSERT_NE(d, nullptr) << name;
    EXPECT_EQ(d->default_value, value) << name;
    EXPECT_EQ(DefaultValue(*d).text, value) << name;
  }
}

TEST(DirectiveTableTest, KnowsHiddenDeprecatedAndFileOnlyDirectives) {
  for (const char* name : {"use-exit-on-panic", "rdb-key-save-delay", "key-load-delay",
                           "watchdog-period", "loading-process-events-interval-bytes"}) {
    const Directive* d = FindDirective(name);
    ASSERT_NE(d, nullptr) << name;
    EXPECT_TRUE(d->Has(kHidden)) << name;
  }
  for (const char* name :
       {"user", "rename-command", "loadmodule", "sentinel", "list-max-ziplist-entries",
        "list-max-ziplist-value", "lua-replicate-commands"}) {
    const Directive* d = FindDirective(name);
    ASSERT_NE(d, nullptr) << name;
    EXPECT_EQ(d->kind, Kind::kFileOnly) << name;
  }
  EXPECT_EQ(FindDirective("include"), nullptr);  // config_file.cc expands includes
}

TEST(DirectiveTableTest, FindsByNameOrAliasInAnyCase) {
  const Directive* replicaof = FindDirective("replicaof");
  ASSERT_NE(replicaof, nullptr);
  EXPECT_EQ(FindDirective("SLAVEOF"), replicaof);
  EXPECT_EQ(FindDirective("Lua-Time-Limit"), FindDirective("busy-reply-threshold"));
  EXPECT_EQ(FindDirective("no-such-thing"), nullptr);
  EXPECT_EQ(FindDirective(""), nullptr);
}

TEST(DirectiveTableTest, NamesAreUniqueAndLowerCase) {
  std::set<std::string_view> names;
  for (const Directive& d : AllDirectives()) {
    for (const std::string_view name : {d.name, d.alias}) {
      if (name.empty()) continue;
      EXPECT_TRUE(names.insert(name).second) << name;
      for (const char c : name) EXPECT_FALSE(c >= 'A' && c <= 'Z') << name;
    }
  }
}

TEST(DirectiveTableTest, MarksWhatRedisRefusesToSetAtRunTime) {
  for (const char* name :
       {"databases", "daemonize", "io-threads", "tcp-backlog", "logfile", "unixsocketperm",
        "replicaof", "slaveof", "enable-protected-configs", "enable-debug-command",
        "cluster-enabled", "aclfile", "socket-mark-id"}) {
    EXPECT_TRUE(FindDirective(name)->Has(kImmutable)) << name;
  }
  EXPECT_TRUE(FindDirective("dir")->Has(kProtected));
  EXPECT_TRUE(FindDirective("dbfilename")->Has(kProtected));
  for (const char* name : {"requirepass", "masterauth", "masteruser"}) {
    EXPECT_TRUE(FindDirective(name)->Has(kSensitive)) << name;
  }
  EXPECT_FALSE(FindDirective("maxmemory")->Has(kImmutable));
}

TEST(DirectiveTableTest, MarksWhatTandemImplements) {
  for (const char* name : {"port",
                           "bind",
                           "protected-mode",
                           "requirepass",
                           "maxclients",
                           "maxmemory",
                           "maxmemory-policy",
                           "maxmemory-samples",
                           "proto-max-bulk-len",
                           "client-query-buffer-limit",
                           "databases",
                           "loglevel",
                           "logfile",
                           "timeout",
                           "hz",
                           "slowlog-log-slower-than",
                           "slowlog-max-len",
                           "enable-debug-command",
                           "lfu-log-factor",
                           "lfu-decay-time",
                           "tcp-backlog",
                           "tcp-keepalive",
                           "dir",
                           "user",
                           "aclfile",
                           "acllog-max-len",
                           "acl-pubsub-default",
                           "activerehashing",
                           "notify-keyspace-events",
                           "client-output-buffer-limit",  // the pubsub class
                           "hash-max-listpack-entries",
                           "hash-max-listpack-value",
                           "list-max-listpack-size",
                           "set-max-intset-entries",
                           "zset-max-listpack-entries",
                           "zset-max-listpack-value",
                           "hll-sparse-max-bytes",
                           "appendonly",
                           "save",
                           "dbfilename",
                           "appendfsync",
                           "rdbcompression",
                           "replica-read-only",
                           "replicaof"}) {
    EXPECT_TRUE(FindDirective(name)->Has(kImplemented)) << name;
  }
  // Accepted and shown, but nothing acts on them (yet).
  for (const char* name : {"daemonize", "rename-command", "list-compress-depth"}) {
    EXPECT_FALSE(FindDirective(name)->Has(kImplemented)) << name;
  }
}

TEST(DirectiveTableTest, ManyArgumentDirectives) {
  for (const char* name :
       {"save", "bind", "client-output-buffer-limit", "oom-score-adj-values",
        "latency-tracking-info-percentiles", "replicaof", "shutdown-on-sigint"}) {
    EXPECT_TRUE(TakesManyArguments(*FindDirective(name))) << name;
  }
  for (const char* name : {"port", "notify-keyspace-events", "dir", "maxmemory-policy"}) {
    EXPECT_FALSE(TakesManyArguments(*FindDirective(name))) << name;
  }
}

}  // namespace
}  // namespace tandem::config
