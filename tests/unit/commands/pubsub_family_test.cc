#include <algorithm>

#include "server/commands/client_info.h"
#include "server/commands/config_hooks.h"
#include "server/config/keyspace_events.h"
#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands::testing {
namespace {

using Type = resp::Reply::Type;

// A transport whose output buffer is the client's whole output string (nothing is ever sent), for
// the output-buffer-limit tests.
class UndrainedConnection final : public ClientConnection {
 public:
  explicit UndrainedConnection(const std::string* out) : out_(out) {}
  void CloseAfterReply() override { close_after_reply = true; }
  void CloseNow() override { close_now = true; }
  void Resume() override {}
  void ResumeServed() override {}
  void Flush() override { ++flushes; }
  std::string PeerAddress() const override { return "127.0.0.1:40001"; }
  std::string LocalAddress() const override { return "127.0.0.1:6379"; }
  int Fd() const override { return 9; }
  size_t QueryBufferSize() const override { return 0; }
  size_t QueryBufferFree() const override { return 0; }
  size_t OutputBufferSize() const override { return out_->size(); }
  void SetAuthenticated(bool) override {}

  bool close_after_reply = false;
  bool close_now = false;
  int flushes = 0;

 private:
  const std::string* out_;
};

class PubsubFamilyTest : public CommandTest {
 protected:
  PubsubFamilyTest() : sub_(AddClient(&sub_conn_, &sub_out_)) {}

  // Runs argv for `client` and returns every reply it produced (subscribe commands send several).
  std::vector<resp::Reply> RunAll(Client& client, std::string& out,
                                  const std::vector<std::string>& argv) {
    out.clear();
    std::vector<std::string_view> views(argv.begin(), argv.end());
    dispatcher_.Execute(client, views);
    return Parse(out);
  }

  // Every reply in `out`, which it consumes.
  static std::vector<resp::Reply> Parse(std::string& out) {
    std::vector<resp::Reply> replies;
    resp::ReplyParser parser;
    size_t pos = 0;
    while (pos < out.size()) {
      resp::Reply reply;
      size_t consumed = 0;
      EXPECT_EQ(parser.Parse(std::string_view(out).substr(pos), &consumed, &reply),
                resp::ParseResult::kCommand);
      if (consumed == 0) break;
      pos += consumed;
      replies.push_back(std::move(reply));
    }
    out.clear();
    return replies;
  }

  std::vector<resp::Reply> Sub(const std::vector<std::string>& argv) {
    return RunAll(*sub_, sub_out_, argv);
  }

  RecordingConnection sub_conn_;
  std::string sub_out_;
  Client* sub_;
};

// [kind, name, count] as a RESP2 array (or RESP3 push when `push`).
void ExpectTriple(const resp::Reply& r, std::string_view kind, std::string_view name, int64_t count,
                  bool push = false) {
  ASSERT_EQ(r.type, push ? Type::kPush : Type::kArray);
  ASSERT_EQ(r.elements.size(), 3u);
  EXPECT_EQ(r.elements[0].str, kind);
  EXPECT_EQ(r.elements[1].str, name);
  EXPECT_EQ(r.elements[2].integer, count);
}

TEST_F(PubsubFamilyTest, SubscribeConfirmsEachChannelWithTheTotalCount) {
  auto replies = Sub({"SUBSCRIBE", "a", "b", "a"});
  ASSERT_EQ(replies.size(), 3u);
  ExpectTriple(replies[0], "subscribe", "a", 1);
  ExpectTriple(replies[1], "subscribe", "b", 2);
  ExpectTriple(replies[2], "subscribe", "a", 2);
  replies = Sub({"PSUBSCRIBE", "n*"});
  ASSERT_EQ(replies.size(), 1u);
  ExpectTriple(replies[0], "psubscribe", "n*", 3);
  EXPECT_EQ(sub_->pubsub_channels, 2u);
  EXPECT_EQ(sub_->pubsub_patterns, 1u);
  EXPECT_TRUE(sub_->subscribed());
}

TEST_F(PubsubFamilyTest, PublishDeliversMessagesAndPmessages) {
  Sub({"SUBSCRIBE", "news"});
  Sub({"PSUBSCRIBE", "n*", "x*"});
  EXPECT_EQ(Run({"PUBLISH", "news", "hi"}).integer, 2);
  auto got = Parse(sub_out_);
  ASSERT_EQ(got.size(), 2u);
  ASSERT_EQ(got[0].elements.size(), 3u);
  EXPECT_EQ(got[0].elements[0].str, "message");
  EXPECT_EQ(got[0].elements[1].str, "news");
  EXPECT_EQ(got[0].elements[2].str, "hi");
  ASSERT_EQ(got[1].elements.size(), 4u);
  EXPECT_EQ(got[1].elements[0].str, "pmessage");
  EXPECT_EQ(got[1].elements[1].str, "n*");
  EXPECT_EQ(got[1].elements[2].str, "news");
  EXPECT_EQ(got[1].elements[3].str, "hi");
  EXPECT_EQ(Run({"PUBLISH", "other", "x"}).integer, 0);
  EXPECT_TRUE(sub_out_.empty());
}

TEST_F(PubsubFamilyTest, Resp3MessagesArePushes) {
  RunAll(*sub_, sub_out_, {"HELLO", "3"});
  auto replies = Sub({"SUBSCRIBE", "c"});
  ASSERT_EQ(replies.size(), 1u);
  ExpectTriple(replies[0], "subscribe", "c", 1, /*push=*/true);
  EXPECT_EQ(Run({"PUBLISH", "c", "m"}).integer, 1);
  EXPECT_EQ(sub_out_, ">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n");
  // RESP3 clients keep every command while subscribed.
  replies = Sub({"SET", "k", "v"});
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].str, "OK");
  replies = Sub({"PING"});
  EXPECT_EQ(replies[0].str, "PONG");
}

TEST_F(PubsubFamilyTest, UnsubscribeWithoutArgumentsDropsAll) {
  Sub({"SUBSCRIBE", "a", "b"});
  Sub({"PSUBSCRIBE", "p"});
  auto replies = Sub({"UNSUBSCRIBE"});
  ASSERT_EQ(replies.size(), 2u);
  ExpectTriple(replies[0], "unsubscribe", "a", 2);
  ExpectTriple(replies[1], "unsubscribe", "b", 1);
  replies = Sub({"UNSUBSCRIBE"});
  ASSERT_EQ(replies.size(), 1u);
  ASSERT_EQ(replies[0].elements.size(), 3u);
  EXPECT_EQ(replies[0].elements[1].type, Type::kNil);
  EXPECT_EQ(replies[0].elements[2].integer, 1);
  replies = Sub({"PUNSUBSCRIBE", "p", "never"});
  ASSERT_EQ(replies.size(), 2u);
  ExpectTriple(replies[0], "punsubscribe", "p", 0);
  ExpectTriple(replies[1], "punsubscribe", "never", 0);
  EXPECT_FALSE(sub_->subscribed());
  EXPECT_EQ(Run({"PUBSUB", "NUMPAT"}).integer, 0);
  EXPECT_EQ(Run({"PUBSUB", "CHANNELS"}).elements.size(), 0u);
}

TEST_F(PubsubFamilyTest, Resp2SubscribedModeRefusesOtherCommands) {
  Sub({"SUBSCRIBE", "c"});
  auto replies = Sub({"GET", "k"});
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_TRUE(IsError(replies[0],
                      "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / "
                      "QUIT / RESET are allowed in this context"));
  replies = Sub({"PUBSUB", "NUMSUB", "c"});
  EXPECT_EQ(replies[0].str.substr(0, 35), "ERR Can't execute 'pubsub|numsub': ");
  replies = Sub({"PING"});
  ASSERT_EQ(replies[0].type, Type::kArray);
  ASSERT_EQ(replies[0].elements.size(), 2u);
  EXPECT_EQ(replies[0].elements[0].str, "pong");
  EXPECT_EQ(replies[0].elements[1].str, "");
  replies = Sub({"PING", "x"});
  EXPECT_EQ(replies[0].elements[1].str, "x");
  EXPECT_EQ(state_.stats.commands[state_.commands.Find("get")->id].rejected_calls, 1u);
}

TEST_F(PubsubFamilyTest, ResetAndDisconnectDropSubscriptions) {
  Sub({"SUBSCRIBE", "c"});
  Sub({"PSUBSCRIBE", "c*"});
  auto replies = Sub({"RESET"});
  EXPECT_EQ(replies[0].str, "RESET");
  EXPECT_FALSE(sub_->subscribed());
  EXPECT_EQ(Run({"PUBLISH", "c", "m"}).integer, 0);

  Sub({"SUBSCRIBE", "c"});
  state_.RemoveClient(sub_);
  EXPECT_EQ(Run({"PUBLISH", "c", "m"}).integer, 0);
  resp::Reply numsub = Run({"PUBSUB", "NUMSUB", "c"});
  ASSERT_EQ(numsub.elements.size(), 2u);
  EXPECT_EQ(numsub.elements[1].integer, 0);
}

TEST_F(PubsubFamilyTest, PubsubIntrospection) {
  RecordingConnection conn2;
  std::string out2;
  Client* sub2 = AddClient(&conn2, &out2);
  Sub({"SUBSCRIBE", "a.1", "b.1"});
  RunAll(*sub2, out2, {"SUBSCRIBE", "a.1"});
  RunAll(*sub2, out2, {"PSUBSCRIBE", "a.*"});
  Sub({"PSUBSCRIBE", "a.*"});

  resp::Reply channels = Run({"PUBSUB", "CHANNELS"});
  std::vector<std::string> names;
  for (const auto& e : channels.elements) names.push_back(e.str);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"a.1", "b.1"}));
  channels = Run({"PUBSUB", "CHANNELS", "b*"});
  ASSERT_EQ(channels.elements.size(), 1u);
  EXPECT_EQ(channels.elements[0].str, "b.1");

  resp::Reply numsub = Run({"PUBSUB", "NUMSUB", "a.1", "zz"});
  ASSERT_EQ(numsub.elements.size(), 4u);
  EXPECT_EQ(numsub.elements[1].integer, 2);
  EXPECT_EQ(numsub.elements[3].integer, 0);
  EXPECT_EQ(Run({"PUBSUB", "NUMPAT"}).integer, 1);
  EXPECT_EQ(Run({"PUBLISH", "a.1", "m"}).integer, 4);
  EXPECT_EQ(Run({"PUBSUB", "HELP"}).elements.size(), 14u);
  EXPECT_TRUE(IsError(Run({"PUBSUB", "CHANNELS", "a", "b"}),
                      "ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try "
                      "PUBSUB HELP."));

  std::string line;
  AppendClientInfo(*sub_, clock_.NowMs(), nullptr, &line);
  EXPECT_NE(line.find(" flags=P db=0 sub=2 psub=1 ssub=0 "), std::string::npos) << line;
}

TEST_F(PubsubFamilyTest, ShardChannelsAreASeparateNamespace) {
  auto replies = Sub({"SSUBSCRIBE", "s1", "s2"});
  ASSERT_EQ(replies.size(), 2u);
  ExpectTriple(replies[1], "ssubscribe", "s2", 2);
  replies = Sub({"SUBSCRIBE", "s1"});
  ExpectTriple(replies[0], "subscribe", "s1", 1);  // shard channels are counted apart
  EXPECT_EQ(Run({"SPUBLISH", "s1", "m"}).integer, 1);
  auto got = Parse(sub_out_);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].elements[0].str, "smessage");
  EXPECT_EQ(Run({"PUBSUB", "SHARDCHANNELS"}).elements.size(), 2u);
  resp::Reply numsub = Run({"PUBSUB", "SHARDNUMSUB", "s2"});
  EXPECT_EQ(numsub.elements[1].integer, 1);
  replies = Sub({"SUNSUBSCRIBE"});
  ASSERT_EQ(replies.size(), 2u);
  ExpectTriple(replies[1], "sunsubscribe", "s2", 0);
  EXPECT_EQ(sub_->pubsub_shard_channels, 0u);
}

TEST_F(PubsubFamilyTest, ShardChannelsAreCheckedAsChannelsNotKeys) {
  ASSERT_EQ(
      Run({"ACL", "SETUSER", "u", "on", "nopass", "+@all", "resetkeys", "resetchannels", "&ok"})
          .str,
      "OK");
  ASSERT_EQ(Run({"AUTH", "u", "x"}).str, "OK");
  EXPECT_EQ(Run({"SPUBLISH", "ok", "m"}).integer, 0);
  EXPECT_TRUE(IsError(Run({"SPUBLISH", "no", "m"}),
                      "NOPERM this user has no permissions to access one of the channels used "
                      "as arguments"));
}

TEST_F(PubsubFamilyTest, KeyspaceNotificationsReachPatternSubscribers) {
  Sub({"PSUBSCRIBE", "__key*__:*"});
  state_.notify_keyspace_events = config::keyspace_event::kKeyspace |
                                  config::keyspace_event::kKeyevent |
                                  config::keyspace_event::kGeneric;
  state_.NotifyKeyspaceEvent(config::keyspace_event::kGeneric, "del", "k", 0);
  auto got = Parse(sub_out_);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].elements[2].str, "__keyspace@0__:k");
  EXPECT_EQ(got[0].elements[3].str, "del");
  EXPECT_EQ(got[1].elements[2].str, "__keyevent@0__:del");
  EXPECT_EQ(got[1].elements[3].str, "k");
}

class PubsubOutputLimitTest : public PubsubFamilyTest {
 protected:
  // A subscriber to "c" on an UndrainedConnection (AddClient takes RecordingConnections only).
  PubsubOutputLimitTest() : slow_conn_(&slow_out_) {
    clients_.push_back(
        std::make_unique<Client>(state_.next_client_id++, &slow_conn_, &slow_out_, clock_.NowMs()));
    slow_ = clients_.back().get();
    slow_->user = &state_.acl.default_user();
    slow_->authenticated = true;
    state_.clients.emplace(slow_->id(), slow_);
    RunAll(*slow_, slow_out_, {"SUBSCRIBE", "c"});
  }

  std::string slow_out_;
  UndrainedConnection slow_conn_;
  Client* slow_ = nullptr;
};

TEST_F(PubsubOutputLimitTest, HardLimitClosesTheSubscriberAtOnce) {
  state_.pubsub.set_output_limit({1000, 0, 0});
  std::string payload(600, 'x');
  EXPECT_EQ(Run({"PUBLISH", "c", payload}).integer, 1);
  EXPECT_FALSE(slow_conn_.close_now);
  EXPECT_EQ(slow_conn_.flushes, 1);
  EXPECT_EQ(Run({"PUBLISH", "c", payload}).integer, 1);
  EXPECT_TRUE(slow_conn_.close_now);
  EXPECT_TRUE(slow_->flags & kClientCloseASAP);
  // Nothing more is queued for a closing client.
  size_t size = slow_out_.size();
  Run({"PUBLISH", "c", payload});
  EXPECT_EQ(slow_out_.size(), size);
}

TEST_F(PubsubOutputLimitTest, SoftLimitMustLastLongerThanItsSeconds) {
  state_.pubsub.set_output_limit({0, 1000, 2});
  std::string payload(1200, 'x');
  Run({"PUBLISH", "c", payload});  // over the soft limit from now
  clock_.AdvanceMs(2000);
  Run({"PUBLISH", "c", "y"});
  EXPECT_FALSE(slow_conn_.close_now);
  clock_.AdvanceMs(1);
  Run({"PUBLISH", "c", "y"});
  EXPECT_TRUE(slow_conn_.close_now);
}

TEST_F(PubsubOutputLimitTest, DroppingBelowTheSoftLimitRestartsItsTimer) {
  state_.pubsub.set_output_limit({0, 1000, 2});
  Run({"PUBLISH", "c", std::string(1200, 'x')});
  clock_.AdvanceMs(1500);
  slow_out_.clear();  // the peer read everything
  Run({"PUBLISH", "c", "y"});
  Run({"PUBLISH", "c", std::string(1200, 'x')});
  clock_.AdvanceMs(1500);
  Run({"PUBLISH", "c", "y"});
  EXPECT_FALSE(slow_conn_.close_now);
}

TEST_F(PubsubOutputLimitTest, ConfigDirectiveSetsThePubsubClass) {
  InstallConfigHooks(state_);
  ASSERT_EQ(Run({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 500 0 0"}).str, "OK");
  Run({"PUBLISH", "c", std::string(600, 'x')});
  EXPECT_TRUE(slow_conn_.close_now);
}

}  // namespace
}  // namespace tandem::commands::testing
