#include "server/commands/config_hooks.h"

#include <algorithm>
#include <string>

#include "server/store/entry.h"
#include "server/store/eviction.h"

namespace tandem::commands {
namespace {

// Registers `apply` for `name` and runs it once with the current value.
void Hook(ServerState& server, std::string_view name,
          std::function<void(const std::string& value)> apply) {
  apply(server.config.GetString(name));
  server.config.OnChange(name, [apply = std::move(apply)](const std::string& value) {
    apply(value);
    return base::Status::Ok();
  });
}

}  // namespace

void InstallConfigHooks(ServerState& server) {
  config::Config& config = server.config;
  store::EvictionConfig& eviction = server.keyspace.eviction();
  HotSettings& settings = server.settings;

  Hook(server, "maxmemory",
       [&](const std::string&) { settings.maxmemory = config.GetInt("maxmemory"); });
  Hook(server, "maxmemory-policy", [&](const std::string& value) {
    // The config module accepts only valid policy names.
    eviction.policy =
        store::ParseEvictionPolicy(value).value_or(store::EvictionPolicy::kNoEviction);
  });
  Hook(server, "maxmemory-samples", [&](const std::string&) {
    eviction.samples = static_cast<int>(config.GetInt("maxmemory-samples"));
  });
  Hook(server, "lfu-log-factor", [&](const std::string&) {
    eviction.lfu_log_factor = static_cast<int>(config.GetInt("lfu-log-factor"));
  });
  Hook(server, "lfu-decay-time", [&](const std::string&) {
    eviction.lfu_decay_time = static_cast<int>(config.GetInt("lfu-decay-time"));
  });
  Hook(server, "slowlog-log-slower-than", [&](const std::string&) {
    settings.slowlog_log_slower_than = config.GetInt("slowlog-log-slower-than");
  });
  Hook(server, "slowlog-max-len", [&](const std::string&) {
    settings.slowlog_max_len = static_cast<size_t>(config.GetInt("slowlog-max-len"));
  });
  Hook(server, "proto-max-bulk-len", [&](const std::string&) {
    settings.proto_max_bulk_len =
        std::min(config.GetInt("proto-max-bulk-len"), store::kMaxKeyLength);
  });
  Hook(server, "replica-read-only", [&](const std::string&) {
    settings.replica_read_only = config.GetBool("replica-read-only");
  });
  Hook(server, "replica-serve-stale-data", [&](const std::string&) {
    settings.replica_serve_stale_data = config.GetBool("replica-serve-stale-data");
  });
  Hook(server, "client-output-buffer-limit", [&](const std::string&) {
    server.pubsub.set_output_limit(config.ClientOutputBufferLimits().pubsub);
  });
  Hook(server, "notify-keyspace-events", [&](const std::string&) {
    server.notify_keyspace_events = static_cast<int>(config.GetInt("notify-keyspace-events"));
  });
  Hook(server, "requirepass", [&](const std::string& value) { server.acl.SetRequirePass(value); });
  Hook(server, "acllog-max-len", [&](const std::string&) {
    server.acl.log().set_max_len(static_cast<size_t>(config.GetInt("acllog-max-len")));
  });
  Hook(server, "acl-pubsub-default", [&](const std::string& value) {
    server.acl.set_pubsub_default_all(value == "allchannels");
  });

  // Like Redis, CONFIG REWRITE states every user, default included, unless an ACL file holds them.
  config.SetRewriteSource("user", [&server]() {
    std::vector<std::string> lines;
    if (!server.config.GetString("aclfile").empty()) return lines;
    for (const auto& [name, user] : server.acl.users()) lines.push_back(server.acl.Describe(*user));
    return lines;
  });
}

base::Status LoadAclUsers(ServerState& server) {
  const std::string& aclfile = server.config.GetString("aclfile");
  const std::vector<std::vector<std::string>>& user_lines = server.config.FileOnlyLines("user");
  if (!aclfile.empty() && !user_lines.empty()) {
    return base::Status::InvalidArgument(
        "Configuring Redis with users defined in redis.conf and at the same setting an ACL file "
        "path is invalid. This setup is very likely to lead to configuration errors and security "
        "holes, please define either an ACL file or declare users directly in your redis.conf, "
        "but not both.");
  }
  for (const std::vector<std::string>& args : user_lines) {
    base::Status status = server.acl.LoadUserDirective(args);
    if (!status.ok()) return status;
  }
  if (aclfile.empty()) return base::Status::Ok();
  base::Status status = server.acl.LoadAclFile(aclfile);
  if (!status.ok()) {
    return base::Status::InvalidArgument("Aborting Redis startup because of ACL errors: " +
                                         status.message());
  }
  return base::Status::Ok();
}

}  // namespace tandem::commands
