#include "server/app/server.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <random>
#include <sstream>

#include "server/app/admission.h"
#include "server/app/connection.h"
#include "server/app/logging.h"
#include "server/commands/info.h"
#include "server/persistence/aof_loader.h"

namespace tandem::app {
namespace asio = boost::asio;

namespace {

uint64_t RandomSeed() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

std::vector<std::string> SplitWords(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

}  // namespace

Server::Server(config::Config& config)
    : config_(config),
      state_(config, clock_, RandomSeed()),
      dispatcher_(state_),
      aof_(state_, child_),
      cron_timer_(io_),
      block_timer_(io_),
      signals_(io_, SIGTERM, SIGINT) {
  state_.control = this;
  state_.snapshots = &snapshots_;
  state_.aof = &aof_;
  child_.set_on_running_changed(
      [this](bool running) { state_.keyspace.set_copy_on_write_friendly(running); });
}

base::Status Server::LoadPersistedData() {
  if (config_.GetBool("appendonly")) return base::Status::Ok();
  return snapshots_.LoadAtStart();
}

void Server::WaitForSignal() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    spdlog::warn("Received {} scheduling shutdown...", signo == SIGINT ? "SIGINT" : "SIGTERM");
    if (!snapshots_.PrepareShutdown(false, false, false).ok()) {
      spdlog::warn(
          "SIGTERM received but errors trying to shut down the server, check the logs for more "
          "information");
      WaitForSignal();
      return;
    }
    RequestShutdown();
  });
}

base::Status Server::LoadAndOpenAof() {
  if (!config_.GetBool("appendonly")) return base::Status::Ok();
  persistence::AofLoadOptions options{config_.GetString("appenddirname"),
                                      config_.GetString("appendfilename"),
                                      config_.GetBool("aof-load-truncated")};
  int64_t start_us = clock_.NowUs();
  auto loaded = persistence::LoadAof(options, state_, dispatcher_);
  if (!loaded.ok()) return loaded.status();
  if (!loaded->manifest.empty()) {
    spdlog::info("DB loaded from append only file: {:.3f} seconds",
                 static_cast<double>(clock_.NowUs() - start_us) / 1e6);
  }
  return aof_.Open(std::move(loaded->manifest), loaded->total_size, loaded->base_size);
}

void Server::FlushAofForExit() { aof_.FlushAndSyncForExit(); }

void Server::RefreshSessionSettings() {
  session_settings_.query_buffer_limit =
      static_cast<size_t>(config_.GetInt("client-query-buffer-limit"));
  session_settings_.proto_max_bulk_len = state_.settings.proto_max_bulk_len;
  session_settings_.tcp_keepalive_s = static_cast<int>(config_.GetInt("tcp-keepalive"));
  session_settings_.total_bytes_read = &state_.stats.net_input_bytes;
  session_settings_.total_bytes_written = &state_.stats.net_output_bytes;
  session_settings_.before_write = [this] {
    aof_.FlushBeforeReplies();
    replication_.FlushBeforeReplies();
  };
}

base::Status Server::Start() {
  RefreshSessionSettings();
  // Registered after the command layer's hooks (main installs those first), so that
  // settings.proto_max_bulk_len already holds the new, capped value when this runs.
  for (const char* name : {"client-query-buffer-limit", "proto-max-bulk-len", "tcp-keepalive"}) {
    config_.OnChange(name, [this](const std::string&) {
      RefreshSessionSettings();
      return base::Status::Ok();
    });
  }
  int port = static_cast<int>(config_.GetInt("port"));
  int backlog = static_cast<int>(config_.GetInt("tcp-backlog"));
  for (const std::string& address : SplitWords(config_.GetString("bind"))) {
    auto listener = std::make_unique<net::Listener>(
        io_, [this](asio::ip::tcp::socket s) { OnAccept(std::move(s)); });
    base::Status st = listener->Listen(address, port, backlog);
    if (!st.ok()) {
      // Redis tolerates a missing optional address ("-::1") and a host without IPv6.
      if (!address.empty() && address[0] == '-') continue;
      return st;
    }
    port = listener->port();  // port 0 binds the same ephemeral port on every address
    listeners_.push_back(std::move(listener));
  }
  if (listeners_.empty()) return base::Status::IoError("Failed listening on any address");
  state_.tcp_port = port;
  WaitForSignal();
  ScheduleCron();
  ScheduleBlockTimeouts();
  spdlog::info("Ready to accept connections tcp");
  return base::Status::Ok();
}

void Server::Run() { io_.run(); }

void Server::RequestShutdown() {
  if (state_.script.running) {
    // SHUTDOWN NOSAVE is the only way out of a script that wrote: the script never returns to the
    // event loop, so exit from here, as Redis does.
    spdlog::warn("User requested shutdown while a script was running, exiting now");
    FlushAofForExit();
    spdlog::shutdown();
    std::_Exit(0);
  }
  asio::post(io_, [this] {
    spdlog::warn("User requested shutdown...");
    FlushAofForExit();
    for (auto& l : listeners_) l->Stop();
    spdlog::warn("Tandem is now ready to exit, bye bye...");
    io_.stop();
  });
}

void Server::ProcessEventsWhileBusy() {
  // Nested polling is supported by Asio. The timers skip their work while a script runs (as Redis
  // runs no time events then), so only network events and posted handlers are served.
  io_.poll();
}

void Server::Defer(std::function<void()> fn, int64_t delay_us) {
  if (delay_us <= 0) {
    asio::post(io_, std::move(fn));
    return;
  }
  auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::microseconds(delay_us));
  timer->async_wait([timer, fn = std::move(fn)](const boost::system::error_code& ec) {
    if (!ec) fn();
  });
}

void Server::OnAccept(asio::ip::tcp::socket socket) {
  boost::system::error_code ec;
  auto remote = socket.remote_endpoint(ec);
  if (ec) return;
  AdmissionInput in{config_.GetBool("protected-mode"), state_.acl.DefaultUserNeedsNoAuth(),
                    remote.address(), state_.clients.size(),
                    static_cast<size_t>(config_.GetInt("maxclients"))};
  if (auto error = AdmissionError(in)) {
    ++state_.stats.rejected_connections;
    std::string reply = "-" + std::string(*error) + "\r\n";
    asio::write(socket, asio::buffer(reply), ec);  // best effort, as Redis does
    socket.close(ec);
    return;
  }
  auto session = std::make_shared<net::Session>(std::move(socket), session_settings_);
  session->Start(std::make_unique<Connection>(*session, state_, dispatcher_));
}

void Server::ScheduleCron() {
  int hz = std::clamp(static_cast<int>(config_.GetInt("hz")), 1, 500);
  cron_timer_.expires_after(std::chrono::milliseconds(1000 / hz));
  cron_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    Cron();
    ScheduleCron();
  });
}

void Server::ScheduleBlockTimeouts() {
  block_timer_.expires_after(std::chrono::milliseconds(10));
  block_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    if (state_.blocking.blocked_clients() > 0 && !state_.script.running) {
      state_.blocking.ExpireTimeouts(clock_.NowMs());
    }
    ScheduleBlockTimeouts();
  });
}

void Server::Cron() {
  if (state_.script.running) return;  // the keyspace is the script's until it returns
  int64_t now_ms = clock_.NowMs();
  int hz = std::clamp(static_cast<int>(config_.GetInt("hz")), 1, 500);
  // Active expiry may use up to 25% of each cron period, as Redis's slow cycle.
  int64_t budget_us = 1'000'000 / hz / 4;
  // A replica's keys expire when its master's DELs arrive; nothing expires while writes are paused.
  if (state_.active_expire_enabled && !state_.repl.replica &&
      state_.pause_mode == commands::PauseMode::kOff) {
    state_.keyspace.ActiveExpireCycle(now_ms, budget_us, [this] { return clock_.NowUs(); });
  }
  if (config_.GetBool("activerehashing")) {
    state_.keyspace.IncrementalRehash(1000, [this] { return clock_.NowUs(); });  // 1 ms, as Redis
  }
  snapshots_.Cron();
  commands::UpdateMemoryPeak(state_);
  state_.EndPauseIfDue(now_ms, false);
  CloseIdleClients(now_ms);
  aof_.Cron();
  replication_.Cron(now_ms);
  SetLogRole(state_.repl.replica ? 'S' : 'M');
  if (now_ms - last_sample_ms_ >= 1000) {
    uint64_t ops = state_.stats.total_commands_processed;
    state_.stats.instantaneous_ops_per_sec =
        last_sample_ms_ == 0 ? 0 : (ops - ops_at_last_sample_) * 1000 / (now_ms - last_sample_ms_);
    ops_at_last_sample_ = ops;
    last_sample_ms_ = now_ms;
  }
}

void Server::CloseIdleClients(int64_t now_ms) {
  int64_t timeout_s = config_.GetInt("timeout");
  if (timeout_s <= 0) return;
  for (auto& [id, client] : state_.clients) {
    // As Redis: monitors and clients in a blocking command (their own timeout applies) stay.
    // Replication links have repl-timeout instead.
    constexpr uint32_t kExempt =
        commands::kClientMonitor | commands::kClientReplica | commands::kClientMaster;
    if ((client->flags & kExempt) || state_.blocking.IsBlocked(*client)) continue;
    if (now_ms - client->last_interaction_ms() > timeout_s * 1000) {
      client->connection().CloseAfterReply();
    }
  }
}

}  // namespace tandem::app
