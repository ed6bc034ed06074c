#include "sentinel/sentinel.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "sentinel/event_text.h"
#include "sentinel/instance_link.h"
#include "sentinel/run_id.h"
#include "sentinel/state_store.h"

namespace tandem::sentinel {
namespace {

constexpr int64_t kTickMs = 100;

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string NewRunId(std::mt19937_64& random) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(kRunIdSize, '0');
  for (char& c : id) c = kHex[random() % 16];
  return id;
}

}  // namespace

Sentinel::Sentinel(boost::asio::io_context& io, SentinelConfig config, std::string state_path,
                   std::string config_path)
    : io_(io),
      config_(std::move(config)),
      state_path_(std::move(state_path)),
      config_path_(std::move(config_path)),
      timer_(io),
      random_(std::random_device{}()),
      scripts_([this](std::string_view event, const std::string& text) { Publish(event, text); }) {}

Sentinel::~Sentinel() = default;

int64_t Sentinel::Now() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::unique_ptr<MonitoredMaster> Sentinel::NewMaster(MasterConfig config, std::string leader,
                                                     uint64_t leader_epoch) {
  ElectionTiming timing;
  timing.election_timeout_ms = std::min<int64_t>(10'000, config.failover_timeout_ms);
  return std::make_unique<MonitoredMaster>(
      std::move(config), epochs_, my_id_, timing, [this] { return random_(); }, Now(),
      std::move(leader), leader_epoch);
}

base::Status Sentinel::Start() {
  start_ms_ = Now();
  auto loaded = LoadState(state_path_);
  if (!loaded.ok()) return loaded.status();
  // A Redis sentinel.conf's own myid/current-epoch lines seed a first start.
  my_id_ = config_.runtime.myid.empty() ? NewRunId(random_) : config_.runtime.myid;
  epochs_.Observe(config_.runtime.current_epoch);
  if (loaded.value()) {
    my_id_ = loaded.value()->my_id();
    epochs_.Observe(loaded.value()->current_epoch());
  }
  for (const MasterConfig& master : config_.masters) masters_.push_back(NewMaster(master));
  if (loaded.value()) ApplyState(*loaded.value());
  if (base::Status saved = SaveState(state_path_, BuildState()); !saved.ok()) return saved;

  ClientFrontSettings front;
  front.port = config_.port;
  front.bind = config_.bind;
  front.requirepass = config_.requirepass;
  front.start_time_ms = WallMs();
  front_ = std::make_unique<ClientFront>(io_, front, *this);
  if (base::Status listening = front_->Listen(); !listening.ok()) return listening;
  spdlog::info("Sentinel ID is {}", my_id_);
  for (const auto& master : masters_) {
    Event("+monitor", &master->self, *master, "quorum " + std::to_string(master->config.quorum));
  }
  ScheduleTick();
  return base::Status::Ok();
}

void Sentinel::Stop() {
  if (stopped_) return;
  stopped_ = true;
  SaveStateOrLog();
  timer_.cancel();
  if (front_) front_->Stop();
  masters_.clear();
  if (on_stopped_) on_stopped_();
}

void Sentinel::Shutdown() {
  spdlog::warn("User requested shutdown...");
  // Out of the client's callback: Stop() closes that client's session.
  boost::asio::post(io_, [this] { Stop(); });
}

int Sentinel::port() const { return front_ ? front_->port() : 0; }

void Sentinel::ScheduleTick() {
  // Redis re-randomises its timer every tick so sentinels do not act in lockstep.
  timer_.expires_after(std::chrono::milliseconds(kTickMs - 20 + random_() % 40));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    Tick();
    ScheduleTick();
  });
}

void Sentinel::Tick() {
  int64_t wall = WallMs();
  bool was_tilt = tilt_.Active(wall);
  if (tilt_.OnTick(wall)) {
    tilt_since_ms_ = Now();
    if (!was_tilt) Publish("+tilt", "#tilt mode entered");
  }
  bool tilt = tilt_.Active(wall);
  in_tilt_ = tilt;
  if (was_tilt && !tilt) Publish("-tilt", "#tilt mode exited");
  int64_t now = Now();
  ApplyPendingSwitches(now);
  for (const auto& master_ptr : masters_) {
    MonitoredMaster& master = *master_ptr;
    ProbeInstance(master, master.self, now);
    for (const auto& replica : master.replicas) ProbeInstance(master, *replica, now);
    for (const auto& sentinel : master.sentinels) ProbeInstance(master, *sentinel, now);
    SendHellos(master, now);
    if (tilt) continue;
    CheckSubjectivelyDown(master, master.self, now);
    for (const auto& replica : master.replicas) {
      CheckSubjectivelyDown(master, *replica, now);
      CheckRoles(master, *replica, now);
    }
    for (const auto& sentinel : master.sentinels) CheckSubjectivelyDown(master, *sentinel, now);
    CheckRoles(master, master.self, now);
    CheckObjectivelyDown(master, now);
    CheckFailover(master, now);
    AskOtherSentinels(master, now, false);
  }
  if (state_dirty_) SaveStateOrLog();
  scripts_.Poll(now);
}

void Sentinel::Event(std::string_view type, const Instance* instance, const MonitoredMaster& master,
                     std::string_view extra) {
  std::string text = instance ? EventText(*instance, master, extra) : std::string(extra);
  if (!master.config.notification_script.empty() && RunsNotificationScript(type)) {
    scripts_.Schedule(master.config.notification_script, {std::string(type), text});
  }
  Publish(type, text);
}

void Sentinel::Publish(std::string_view type, const std::string& text) {
  EventLevel level = EventLevelOf(type);
  switch (level) {
    case EventLevel::kDebug:
      spdlog::trace("{} {}", type, text);
      return;
    case EventLevel::kVerbose:
      spdlog::debug("{} {}", type, text);
      break;
    case EventLevel::kNotice:
      spdlog::info("{} {}", type, text);
      break;
    case EventLevel::kWarning:
      spdlog::warn("{} {}", type, text);
      break;
  }
  if (front_ && level != EventLevel::kVerbose) front_->Publish(type, text);
}

void Sentinel::SaveStateOrLog() {
  state_dirty_ = false;
  if (base::Status saved = SaveState(state_path_, BuildState()); !saved.ok()) {
    spdlog::warn("WARNING: Sentinel was not able to save its state: {}", saved.message());
  }
}

proto::SentinelState Sentinel::BuildState() const {
  proto::SentinelState state;
  state.set_my_id(my_id_);
  state.set_current_epoch(epochs_.current());
  for (const auto& master : masters_) {
    proto::MonitoredMaster* out = state.add_masters();
    out->set_name(master->config.name);
    out->set_config_epoch(master->config_epoch);
    out->set_host(master->self.host);
    out->set_port(master->self.port);
    out->set_leader(master->election.leader());
    out->set_leader_epoch(master->election.leader_epoch());
    for (const auto& replica : master->replicas) {
      proto::KnownReplica* r = out->add_replicas();
      r->set_host(replica->host);
      r->set_port(replica->port);
    }
    for (const auto& sentinel : master->sentinels) {
      if (sentinel->run_id.empty()) continue;
      proto::KnownSentinel* s = out->add_sentinels();
      s->set_run_id(sentinel->run_id);
      s->set_host(sentinel->host);
      s->set_port(sentinel->port);
    }
  }
  return state;
}

void Sentinel::ApplyState(const proto::SentinelState& state) {
  for (const proto::MonitoredMaster& saved : state.masters()) {
    auto it = std::find_if(masters_.begin(), masters_.end(),
                           [&](const auto& m) { return m->config.name == saved.name(); });
    // A master no longer in the config file is not monitored any more.
    if (it == masters_.end()) continue;
    MasterConfig config = (*it)->config;
    // The address learned from failovers wins over the file's first address, unless the operator
    // pointed the file at another primary since (then the saved history is about another one).
    bool same_origin = saved.config_epoch() > 0 || (saved.host() == config.host &&
                                                    static_cast<int>(saved.port()) == config.port);
    if (!same_origin) continue;
    config.host = saved.host();
    config.port = static_cast<int>(saved.port());
    auto master = NewMaster(config, saved.leader(), saved.leader_epoch());
    master->config_epoch = saved.config_epoch();
    for (const proto::KnownReplica& replica : saved.replicas()) {
      AddReplica(*master, replica.host(), static_cast<int>(replica.port()));
    }
    for (const proto::KnownSentinel& known : saved.sentinels()) {
      auto sentinel = std::make_unique<Instance>(InstanceKind::kSentinel, known.host(),
                                                 static_cast<int>(known.port()), Now());
      sentinel->run_id = known.run_id();
      master->sentinels.push_back(std::move(sentinel));
    }
    epochs_.Observe(saved.config_epoch());
    *it = std::move(master);
  }
}

std::vector<std::string> Sentinel::MasterNames() {
  std::vector<std::string> names;
  for (const auto& master : masters_) names.push_back(master->config.name);
  return names;
}

}  // namespace tandem::sentinel
