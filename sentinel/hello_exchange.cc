// Hellos: every 2 s (and at once after a switch) this sentinel publishes, through each server it
// watches for a master, who it is and which address and configuration epoch it holds for that
// master; from the hellos of others it learns the other sentinels, newer epochs, and failovers it
// did not run itself (docs/sentinel.md).

#include <spdlog/spdlog.h>

#include <algorithm>

#include "sentinel/hello.h"
#include "sentinel/instance_link.h"
#include "sentinel/sentinel.h"

namespace tandem::sentinel {
namespace {

constexpr int64_t kHelloPeriodMs = 2'000;

}  // namespace

std::string Sentinel::AnnounceIp(const Instance& via) const {
  if (!config_.announce_ip.empty()) return config_.announce_ip;
  return via.link && via.link->cmd ? via.link->cmd->local_ip() : std::string();
}

int Sentinel::AnnouncePort() const {
  return config_.announce_port != 0 ? config_.announce_port : port();
}

void Sentinel::SendHellos(MonitoredMaster& master, int64_t now) {
  if (now - master.last_hello_sent_ms < kHelloPeriodMs) return;
  master.last_hello_sent_ms = now;
  auto send = [&](Instance& to) {
    if (!to.link || !to.link->cmd_ready) return;
    proto::Hello hello;
    hello.set_sentinel_ip(AnnounceIp(to));
    hello.set_sentinel_port(AnnouncePort());
    hello.set_sentinel_run_id(my_id_);
    hello.set_current_epoch(epochs_.current());
    hello.set_master_name(master.config.name);
    hello.set_master_ip(master.self.host);
    hello.set_master_port(master.self.port);
    hello.set_master_config_epoch(master.config_epoch);
    if (hello.sentinel_ip().empty()) return;
    to.link->cmd->Send({"PUBLISH", kHelloChannel, EncodeHello(hello)}, {});
  };
  send(master.self);
  for (const auto& replica : master.replicas) send(*replica);
  for (const auto& sentinel : master.sentinels) send(*sentinel);
}

void Sentinel::ProcessHello(std::string_view payload, std::string_view via) {
  auto decoded = DecodeHello(payload);
  if (!decoded.ok()) {
    spdlog::debug("Ignoring a hello via {}: {}", via, decoded.status().message());
    return;
  }
  const proto::Hello& hello = decoded.value();
  if (hello.sentinel_run_id() == my_id_) return;
  auto it = std::find_if(masters_.begin(), masters_.end(),
                         [&](const auto& m) { return m->config.name == hello.master_name(); });
  if (it == masters_.end()) return;
  MonitoredMaster& master = **it;
  int64_t now = Now();
  const std::string& host = hello.sentinel_ip();
  int port = static_cast<int>(hello.sentinel_port());
  Instance* sentinel = master.FindSentinel(hello.sentinel_run_id());
  if (!sentinel) {
    // Another run id at the same address is a sentinel that was replaced: forget it. Links to
    // sentinels carry no pub/sub, so this never runs inside the forgotten one's callbacks.
    std::erase_if(master.sentinels, [&](const auto& s) {
      bool replaced = s->host == host && s->port == port;
      if (replaced) master.down_votes.Forget(s->run_id);
      return replaced;
    });
    master.sentinels.push_back(
        std::make_unique<Instance>(InstanceKind::kSentinel, host, port, now));
    sentinel = master.sentinels.back().get();
    sentinel->run_id = hello.sentinel_run_id();
    Event("+sentinel", sentinel, master, "");
    state_dirty_ = true;
  } else if (sentinel->host != host || sentinel->port != port) {
    Event("+sentinel-address-switch", sentinel, master, "");
    CloseLink(*sentinel);
    sentinel->host = host;
    sentinel->port = port;
    state_dirty_ = true;
  }
  sentinel->last_hello_ms = now;
  if (epochs_.Observe(hello.current_epoch())) {
    Publish("+new-epoch", std::to_string(epochs_.current()));
    state_dirty_ = true;
  }
  if (hello.master_config_epoch() <= master.config_epoch) return;
  int master_port = static_cast<int>(hello.master_port());
  if (hello.master_ip() == master.self.host && master_port == master.self.port) {
    master.config_epoch = hello.master_config_epoch();
    state_dirty_ = true;
    return;
  }
  // A failover this sentinel did not run: switch, from the tick.
  if (!master.pending_switch || master.pending_switch->epoch < hello.master_config_epoch()) {
    master.pending_switch = MonitoredMaster::PendingSwitch{
        hello.master_ip(), master_port, hello.master_config_epoch(), sentinel->run_id};
  }
}

void Sentinel::HelloReceived(std::string_view payload) { ProcessHello(payload, "PUBLISH"); }

}  // namespace tandem::sentinel
