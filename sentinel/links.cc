// The sentinel's connections to the instances it watches: connecting (at most once a second),
// AUTH and CLIENT SETNAME, the hello subscription, and the commands every other part sends
// through them (PING, INFO, the failover's REPLICAOF transaction).

#include <spdlog/spdlog.h>

#include "sentinel/hello.h"
#include "sentinel/instance_link.h"
#include "sentinel/sentinel.h"

namespace tandem::sentinel {
namespace {

constexpr int64_t kReconnectPeriodMs = 1'000;
constexpr int64_t kConnectTimeoutMs = 1'000;

bool IsOk(const base::StatusOr<resp::Reply>& reply) {
  return reply.ok() && reply->type == resp::Reply::Type::kString && reply->str == "OK";
}

// The name to send for `command` (lower case) to `to`: SENTINEL SET rename-command may map it for
// the servers of `master`, never for sentinels.
std::string CommandName(const MonitoredMaster& master, const Instance& to,
                        const std::string& command) {
  if (to.kind == InstanceKind::kSentinel) return command;
  auto it = master.config.renamed_commands.find(command);
  return it == master.config.renamed_commands.end() ? command : it->second;
}

}  // namespace

void Sentinel::ConnectIfNeeded(MonitoredMaster& master, Instance& instance) {
  int64_t now = Now();
  if (instance.link && instance.link->failed) CloseLink(instance);
  if (instance.link || now - instance.link_attempt_ms < kReconnectPeriodMs) return;
  instance.link_attempt_ms = now;
  bool server = instance.kind != InstanceKind::kSentinel;
  auto cmd = net::RespClient::Create(io_);
  std::shared_ptr<net::RespClient> pubsub = server ? net::RespClient::Create(io_) : nullptr;
  // bind-source-addr, as in Redis 7.0: outgoing links leave from that address, so that peers
  // (and firewall rules) see this sentinel at the address it serves on.
  if (const std::string& source = config_.bind_source_addr; !source.empty()) {
    cmd->SetSourceAddress(source);
    if (pubsub) pubsub->SetSourceAddress(source);
  }
  instance.link = std::make_shared<InstanceLink>(cmd, pubsub, now);
  InstanceLink* link = instance.link.get();
  const std::string& user = server ? master.config.auth_user : config_.sentinel_user;
  const std::string& pass = server ? master.config.auth_pass : config_.sentinel_pass;
  std::string prefix = "sentinel-" + my_id_.substr(0, 8);
  auto authenticate = [&user, &pass, prefix, &master, &instance](net::RespClient& client,
                                                                 const char* kind) {
    if (!pass.empty()) {
      if (user.empty()) {
        client.Send({CommandName(master, instance, "auth"), pass}, {});
      } else {
        client.Send({CommandName(master, instance, "auth"), user, pass}, {});
      }
    }
    client.Send({CommandName(master, instance, "client"), "SETNAME", prefix + kind}, {});
  };
  auto on_closed = [link, &instance](base::Status) {
    link->failed = true;
    instance.detector.OnLinkDown();
  };
  cmd->SetOnClosed(on_closed);
  authenticate(*cmd, "-cmd");
  cmd->Connect(instance.host, instance.port, kConnectTimeoutMs,
               [this, link, &master, &instance](base::Status status) {
                 if (!status.ok()) {
                   link->failed = true;
                   instance.detector.OnLinkDown();
                   return;
                 }
                 link->cmd_ready = true;
                 instance.detector.OnLinkUp();
                 OnCommandLinkUp(master, instance);
               });
  if (!pubsub) return;
  pubsub->SetOnClosed(on_closed);
  pubsub->SetOnMessage([this, &instance](const resp::Reply& message) {
    instance.last_pubsub_ms = Now();
    // ["message", channel, payload]
    if (message.elements.size() == 3) {
      ProcessHello(message.elements[2].str, instance.Address());
    }
  });
  authenticate(*pubsub, "-pubsub");
  pubsub->Send({"SUBSCRIBE", kHelloChannel}, {});
  pubsub->Connect(instance.host, instance.port, kConnectTimeoutMs, [link](base::Status status) {
    if (!status.ok()) link->failed = true;
  });
}

void Sentinel::OnCommandLinkUp(MonitoredMaster& master, Instance& instance) {
  SendPing(master, instance);
  if (instance.kind != InstanceKind::kSentinel) SendInfo(master, instance);
}

void Sentinel::CloseLink(Instance& instance) {
  if (!instance.link) return;
  instance.link.reset();
  instance.detector.OnLinkDown();
}

void Sentinel::SendPing(MonitoredMaster& master, Instance& instance) {
  if (!instance.link || !instance.link->cmd_ready) return;
  int64_t now = Now();
  if (instance.last_ping_sent_ms == 0) instance.last_ping_sent_ms = now;
  instance.detector.OnPingSent(now);
  instance.link->cmd->Send(
      {CommandName(master, instance, "ping")},
      [this, &instance](base::StatusOr<resp::Reply> reply) {
        if (!reply.ok()) return;
        int64_t at = Now();
        instance.last_ping_reply_ms = at;
        bool valid = (reply->type == resp::Reply::Type::kString && reply->str == "PONG") ||
                     (reply->type == resp::Reply::Type::kError &&
                      (reply->str.starts_with("LOADING") || reply->str.starts_with("MASTERDOWN")));
        if (!valid) return;
        instance.detector.OnValidReply(at);
        instance.last_ok_ping_ms = at;
        instance.last_ping_sent_ms = 0;
      });
}

void Sentinel::SendInfo(MonitoredMaster& master, Instance& instance) {
  if (!instance.link || !instance.link->cmd_ready) return;
  instance.info_sent_ms = Now();
  instance.link->cmd->Send({CommandName(master, instance, "info")},
                           [this, &master, &instance](base::StatusOr<resp::Reply> reply) {
                             if (!reply.ok() || reply->type != resp::Reply::Type::kBulk) return;
                             OnInfo(master, instance, std::move(reply->str));
                           });
}

void Sentinel::SendReplicaOf(MonitoredMaster& master, Instance& instance, std::string_view host,
                             int port, std::function<void(bool)> done) {
  if (!instance.link || !instance.link->cmd_ready) {
    if (done) done(false);
    return;
  }
  std::string port_text = std::to_string(port);
  std::vector<std::string> replicaof = {CommandName(master, instance, "slaveof")};
  if (host.empty()) {
    replicaof.insert(replicaof.end(), {"NO", "ONE"});
  } else {
    replicaof.insert(replicaof.end(), {std::string(host), port_text});
  }
  std::vector<std::string_view> replicaof_argv(replicaof.begin(), replicaof.end());
  net::RespClient& cmd = *instance.link->cmd;
  cmd.Send({CommandName(master, instance, "multi")}, {});
  cmd.Send(replicaof_argv, {});
  cmd.Send({CommandName(master, instance, "config"), "REWRITE"}, {});
  cmd.Send({CommandName(master, instance, "client"), "KILL", "TYPE", "normal"}, {});
  cmd.Send({CommandName(master, instance, "client"), "KILL", "TYPE", "pubsub"}, {});
  // The callbacks run only while `cmd` is open (RespClient's contract), so it may be captured.
  cmd.Send(
      {CommandName(master, instance, "exec")},
      [client = &cmd, replicaof = std::move(replicaof),
       done = std::move(done)](base::StatusOr<resp::Reply> reply) mutable {
        if (reply.ok() && reply->type == resp::Reply::Type::kArray && !reply->elements.empty()) {
          const resp::Reply& first = reply->elements[0];
          if (done) done(first.type == resp::Reply::Type::kString && first.str == "OK");
          return;
        }
        if (!reply.ok()) {
          if (done) done(false);
          return;
        }
        // A server without MULTI, CONFIG REWRITE or CLIENT KILL refused the transaction:
        // the REPLICAOF alone is what matters.
        std::vector<std::string_view> argv(replicaof.begin(), replicaof.end());
        client->Send(argv, [done = std::move(done)](base::StatusOr<resp::Reply> r) {
          if (done) done(IsOk(r));
        });
      });
}

}  // namespace tandem::sentinel
