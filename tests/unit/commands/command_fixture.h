#pragma once
// In-process command tests: a ServerState with a manual clock and one client whose transport only
// records what commands asked of it. Run({"SET", "k", "v"}) executes through the real dispatcher
// and returns the parsed reply.

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/clock.h"
#include "server/commands/client.h"
#include "server/commands/dispatcher.h"
#include "server/commands/server_state.h"
#include "server/config/config.h"
#include "server/config/keyspace_events.h"
#include "server/resp/reply_parser.h"

namespace tandem::commands::testing {

class RecordingConnection final : public ClientConnection {
 public:
  void CloseAfterReply() override { close_requested = true; }
  void Resume() override { ++resumes; }
  void ResumeServed() override { ++served; }
  void Flush() override {}
  std::string PeerAddress() const override { return "127.0.0.1:40000"; }
  std::string LocalAddress() const override { return "127.0.0.1:6379"; }
  int Fd() const override { return 8; }
  size_t QueryBufferSize() const override { return 0; }
  size_t QueryBufferFree() const override { return 0; }
  size_t OutputBufferSize() const override { return 0; }
  void SetAuthenticated(bool a) override { authenticated = a; }

  bool close_requested = false;
  int resumes = 0;
  int served = 0;
  bool authenticated = true;
};

class CommandTest : public ::testing::Test {
 protected:
  CommandTest()
      : state_(config_, clock_, 42), dispatcher_(state_), client_(AddClient(&conn_, &out_)) {}

  // Executes argv for the default client and returns its single reply.
  resp::Reply Run(std::vector<std::string> argv) { return RunAs(*client_, out_, argv); }

  // The reply a client received since `out` was last cleared (a blocked client served later),
  // which is then cleared.
  static resp::Reply Received(std::string& out) {
    resp::ReplyParser parser;
    resp::Reply reply;
    size_t consumed = 0;
    EXPECT_EQ(parser.Parse(out, &consumed, &reply), resp::ParseResult::kCommand) << out;
    out.clear();
    return reply;
  }

  resp::Reply RunAs(Client& client, std::string& out, const std::vector<std::string>& argv) {
    std::vector<std::string_view> views(argv.begin(), argv.end());
    out.clear();
    last_result_ = dispatcher_.Execute(client, views);
    resp::Reply reply;
    if (out.empty()) return reply;
    resp::ReplyParser parser;
    size_t consumed = 0;
    EXPECT_EQ(parser.Parse(out, &consumed, &reply), resp::ParseResult::kCommand) << out;
    EXPECT_EQ(consumed, out.size()) << "more than one reply: " << out;
    return reply;
  }

  // The reply exactly as sent (RESP2 unless HELLO changed it), e.g. to tell a null bulk from a null
  // array.
  std::string Wire(std::vector<std::string> argv) {
    Run(std::move(argv));
    return out_;
  }

  // Whether `argv` breaks a transaction that WATCHes `key` (the handler called ctx.Touched).
  bool WatchBrokenBy(const std::vector<std::string>& argv, const std::string& key) {
    state_.watches.Watch(*client_, 0, key, true);
    Run(argv);
    bool broken = state_.watches.Broken(*client_, [](int, std::string_view) { return false; });
    state_.watches.UnwatchAll(*client_);
    return broken;
  }

  // Enables every keyspace event class and subscribes a second client to all key events;
  // Events() then returns the "event key" lines published since the last call. The setting is
  // made directly: this fixture does not install the config hooks that CONFIG SET would run.
  void WatchEvents() {
    state_.notify_keyspace_events =
        config::keyspace_event::kKeyevent | config::keyspace_event::kAll;
    events_client_ = AddClient(&events_conn_, &events_out_);
    resp::Reply r = RunAs(*events_client_, events_out_, {"PSUBSCRIBE", "__keyevent@0__:*"});
    EXPECT_NE(r.type, resp::Reply::Type::kError) << r.str;
    events_out_.clear();
  }
  std::vector<std::string> Events() {
    std::vector<std::string> events;
    std::string_view rest = events_out_;
    while (!rest.empty()) {
      resp::ReplyParser parser;
      resp::Reply msg;
      size_t consumed = 0;
      if (parser.Parse(rest, &consumed, &msg) != resp::ParseResult::kCommand) break;
      rest.remove_prefix(consumed);
      std::string channel = msg.elements[2].str;
      events.push_back(channel.substr(channel.find(':') + 1) + " " + msg.elements[3].str);
    }
    events_out_.clear();
    return events;
  }

  // A further client (for CLIENT KILL, MONITOR, pause tests).
  Client* AddClient(RecordingConnection* conn, std::string* out) {
    auto client = std::make_unique<Client>(state_.next_client_id++, conn, out, clock_.NowMs());
    client->user = &state_.acl.default_user();
    client->authenticated = state_.acl.DefaultUserNeedsNoAuth();
    state_.clients.emplace(client->id(), client.get());
    clients_.push_back(std::move(client));
    return clients_.back().get();
  }

  config::Config config_;
  base::ManualClock clock_;
  ServerState state_;
  Dispatcher dispatcher_;
  RecordingConnection conn_;
  std::string out_;
  std::vector<std::unique_ptr<Client>> clients_;
  Client* client_;
  DispatchResult last_result_ = DispatchResult::kDone;
  // The WatchEvents() subscriber.
  RecordingConnection events_conn_;
  std::string events_out_;
  Client* events_client_ = nullptr;
};

// Reply matchers kept short: tests compare type and text directly.
inline bool IsError(const resp::Reply& r, std::string_view text) {
  return r.type == resp::Reply::Type::kError && r.str == text;
}

}  // namespace tandem::commands::testing
