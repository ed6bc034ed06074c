#pragma once
// In-process command tests: a ServerState with a manual clock and one client whose transport only
// records what commands asked of it. Run({"SET", "k", "v"}) executes through the real dispatcher
// and returns the parsed reply.

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/clock.h"
#include "server/commands/client.h"
#include "server/commands/dispatcher.h"
#include "server/commands/server_state.h"
#include "server/config/config.h"
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
};

// Reply matchers kept short: tests compare type and text directly.
inline bool IsError(const resp::Reply& r, std::string_view text) {
  return r.type == resp::Reply::Type::kError && r.str == text;
}

}  // namespace tandem::commands::testing
