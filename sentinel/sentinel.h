#pragma once
// Sentinel: the monitoring and failover engine of tandem-sentinel (docs/sentinel.md). It keeps a
// MonitoredMaster per `sentinel monitor` name, opens links to each primary, its replicas and the
// other sentinels, and on a timer tick (about every 100 ms, randomised) probes them (PING, INFO,
// hellos, is-master-down-by-addr), judges SDOWN/ODOWN, runs leader elections and failovers, and
// serves the SENTINEL commands through the ClientFront. Everything it learns that must survive a
// restart goes to the state file (state_store.h), saved before any reply or action depends on it.
//
// Structural changes (a master switching to a new address, forgetting instances) happen only in
// the tick or in client commands, never inside a link's reply callback, so a callback never sees
// its own instance disappear under it.
//
// Owner: main; sentinel thread only (one io_context).

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "proto/sentinel.pb.h"
#include "sentinel/client_front.h"
#include "sentinel/election.h"
#include "sentinel/monitored_master.h"
#include "sentinel/script_runner.h"
#include "sentinel/sentinel_config.h"
#include "sentinel/tilt.h"
#include "server/base/status.h"
#include "server/net/asio.h"

namespace tandem::sentinel {

// SENTINEL SIMULATE-FAILURE flags (Redis's values): exit(99) right after winning an election, or
// right after seeing the promoted replica take the role.
inline constexpr uint32_t kCrashAfterElection = 1;
inline constexpr uint32_t kCrashAfterPromotion = 2;

class Sentinel final : public ClientFrontHost {
 public:
  // `state_path`: the state file, loaded by Start(). `config` has been validated.
  Sentinel(boost::asio::io_context& io, SentinelConfig config, std::string state_path,
           std::string config_path);
  ~Sentinel() override;

  // Loads the state file (a corrupt one fails start-up), listens, starts the tick. On failure
  // nothing is left running.
  base::Status Start();
  // Saves the state and stops everything; the io_context then runs out of work once the
  // on-stopped callback has released what else the caller keeps waiting (signal handlers).
  void Stop();
  void SetOnStopped(std::function<void()> fn) { on_stopped_ = std::move(fn); }

  // ClientFrontHost.
  void SentinelCommand(std::span<const std::string_view> args, resp::ReplyBuilder& out) override;
  std::string InfoSentinelSection() override;
  std::vector<std::string> MasterNames() override;
  void HelloReceived(std::string_view payload) override;
  const std::string& RunId() override { return my_id_; }
  void Shutdown() override;

  int port() const;

 private:
  friend class SentinelCommands;

  // Tick (sentinel.cc).
  void ScheduleTick();
  void Tick();
  int64_t Now() const;
  // Logs and publishes an event: "<instance's EventText> <extra>" for an instance event, `extra`
  // alone when `instance` is null (+tilt, +new-epoch, +switch-master).
  // at Redis's level for `type` (event_text.h).
  void Event(std::string_view type, const Instance* instance, const MonitoredMaster& master,
             std::string_view extra);
  void Publish(std::string_view type, const std::string& text);
  void SaveStateOrLog();
  void ApplyState(const proto::SentinelState& state);
  proto::SentinelState BuildState() const;
  std::unique_ptr<MonitoredMaster> NewMaster(MasterConfig config, std::string leader = {},
                                             uint64_t leader_epoch = 0);

  // Links (links.cc).
  void ConnectIfNeeded(MonitoredMaster& master, Instance& instance);
  void OnCommandLinkUp(MonitoredMaster& master, Instance& instance);
  void SendPing(MonitoredMaster& master, Instance& instance);
  void SendInfo(MonitoredMaster& master, Instance& instance);
  void CloseLink(Instance& instance);
  // Sends MULTI, REPLICAOF host port (or NO ONE when host is empty), CONFIG REWRITE, CLIENT KILL
  // TYPE normal and pubsub, EXEC; on a refused transaction, a plain REPLICAOF. `done` gets
  // whether the REPLICAOF was accepted.
  void SendReplicaOf(MonitoredMaster& master, Instance& instance, std::string_view host, int port,
                     std::function<void(bool)> done);

  // Probes and what they teach (probes.cc).
  void ProbeInstance(MonitoredMaster& master, Instance& instance, int64_t now);
  void OnInfo(MonitoredMaster& master, Instance& instance, std::string text);
  void OnInfoAsReplica(MonitoredMaster& master, Instance& instance);
  void CheckRoles(MonitoredMaster& master, Instance& instance, int64_t now);
  Instance* AddReplica(MonitoredMaster& master, std::string host, int port);

  // Hellos (hello_exchange.cc).
  void SendHellos(MonitoredMaster& master, int64_t now);
  void ProcessHello(std::string_view payload, std::string_view via);
  std::string AnnounceIp(const Instance& via) const;
  int AnnouncePort() const;

  // Detection (detection.cc).
  void CheckSubjectivelyDown(MonitoredMaster& master, Instance& instance, int64_t now);
  void CheckObjectivelyDown(MonitoredMaster& master, int64_t now);
  void AskOtherSentinels(MonitoredMaster& master, int64_t now, bool force);
  void IsMasterDownByAddr(std::span<const std::string_view> args, resp::ReplyBuilder& out);

  // Failover (failover_run.cc).
  void CheckFailover(MonitoredMaster& master, int64_t now);
  bool StartFailover(MonitoredMaster& master, int64_t now, bool forced);
  void AbortFailover(MonitoredMaster& master, std::string_view why, int64_t now);
  void SetFailoverState(MonitoredMaster& master, FailoverState state, int64_t now);
  void RunFailoverStep(MonitoredMaster& master, int64_t now);
  void SelectReplicaStep(MonitoredMaster& master, int64_t now);
  // True when every usable replica reported its offset after the primary went SDOWN, or after
  // a short wait for that (asking them meanwhile).
  bool WaitForFinalOffsets(MonitoredMaster& master, int64_t now);
  // Promotes master.promoted: REPLICAOF NO ONE, or for a manual failover of a reachable primary
  // FAILOVER TO sent to the primary.
  void SendPromotion(MonitoredMaster& master, int64_t now);
  void ReconfReplicasStep(MonitoredMaster& master, int64_t now);
  // Makes `host:port` (promoted by this sentinel, `leading`, or learned from a hello with
  // `epoch`) the master's address: +switch-master, the client-reconfig-script, replicas
  // rebuilt, the old address kept as a replica.
  void SwitchMaster(MonitoredMaster& master, const std::string& host, int port, uint64_t epoch,
                    bool leading, int64_t now);
  void ApplyPendingSwitches(int64_t now);
  void SimulateCrash(uint32_t flag);

  // SENTINEL RESET: forgets the replicas, sentinels and failover of `master` (sentinel_command.cc).
  void ResetMaster(MonitoredMaster& master);
  // Reconnects to the master and its replicas (after SENTINEL SET auth-pass/auth-user).
  void ResetLinks(MonitoredMaster& master);

  boost::asio::io_context& io_;
  SentinelConfig config_;
  std::string state_path_;
  std::string config_path_;
  std::string my_id_;
  EpochState epochs_;
  std::vector<std::unique_ptr<MonitoredMaster>> masters_;
  std::unique_ptr<ClientFront> front_;
  boost::asio::steady_timer timer_;
  std::mt19937_64 random_;
  TiltDetector tilt_;
  int64_t tilt_since_ms_ = 0;  // when TILT was last entered, on Now()'s clock
  ScriptRunner scripts_;
  int64_t start_ms_ = 0;
  int64_t last_tick_wall_ms_ = 0;
  uint32_t simulate_failure_flags_ = 0;
  bool in_tilt_ = false;  // TILT in force for this tick
  bool stopped_ = false;
  std::function<void()> on_stopped_;
  bool state_dirty_ = false;
};

}  // namespace tandem::sentinel
