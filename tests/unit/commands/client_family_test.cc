#include <map>
#include <regex>

#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands::testing {
namespace {

using Type = resp::Reply::Type;

// A transport with its own addresses, so that CLIENT KILL ADDR/LADDR can tell clients apart.
class AddressedConnection final : public ClientConnection {
 public:
  AddressedConnection(std::string peer, std::string local)
      : peer_(std::move(peer)), local_(std::move(local)) {}
  void CloseAfterReply() override { close_requested = true; }
  void Resume() override {}
  void ResumeServed() override {}
  void Flush() override {}
  std::string PeerAddress() const override { return peer_; }
  std::string LocalAddress() const override { return local_; }
  int Fd() const override { return 9; }
  size_t QueryBufferSize() const override { return 0; }
  size_t QueryBufferFree() const override { return 0; }
  size_t OutputBufferSize() const override { return 0; }
  void SetAuthenticated(bool) override {}

  bool close_requested = false;

 private:
  std::string peer_;
  std::string local_;
};

class ClientFamilyTest : public CommandTest {
 protected:
  // A further client on `peer`, connected to `local`.
  Client* Connect(std::string peer, std::string local = "127.0.0.1:6379") {
    connections_.push_back(
        std::make_unique<AddressedConnection>(std::move(peer), std::move(local)));
    outputs_.push_back(std::make_unique<std::string>());
    auto client = std::make_unique<Client>(state_.next_client_id++, connections_.back().get(),
                                           outputs_.back().get(), clock_.NowMs());
    client->user = &state_.acl.default_user();
    client->authenticated = true;
    state_.clients.emplace(client->id(), client.get());
    clients_.push_back(std::move(client));
    return clients_.back().get();
  }
  AddressedConnection& ConnectionOf(size_t i) { return *connections_[i]; }

  static std::vector<std::pair<std::string, std::string>> Fields(std::string_view line) {
    std::vector<std::pair<std::string, std::string>> fields;
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    while (!line.empty()) {
      size_t space = line.find(' ');
      std::string_view field = line.substr(0, space);
      size_t eq = field.find('=');
      fields.emplace_back(std::string(field.substr(0, eq)), std::string(field.substr(eq + 1)));
      line = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    }
    return fields;
  }
  static std::map<std::string, std::string> FieldMap(std::string_view line) {
    auto fields = Fields(line);
    return {fields.begin(), fields.end()};
  }
  std::vector<std::string> ListedIds(const std::string& text) {
    std::vector<std::string> ids;
    for (size_t start = 0; start < text.size();) {
      size_t end = text.find('\n', start);
      ids.push_back(FieldMap(text.substr(start, end - start))["id"]);
      start = end + 1;
    }
    return ids;
  }

  std::vector<std::unique_ptr<AddressedConnection>> connections_;
  std::vector<std::unique_ptr<std::string>> outputs_;
};

TEST_F(ClientFamilyTest, IdSetnameGetname) {
  EXPECT_EQ(Run({"CLIENT", "ID"}).integer, static_cast<int64_t>(client_->id()));
  EXPECT_EQ(Run({"CLIENT", "GETNAME"}).type, Type::kNil);
  EXPECT_EQ(Run({"CLIENT", "SETNAME", "worker-1"}).str, "OK");
  EXPECT_EQ(Run({"CLIENT", "GETNAME"}).str, "worker-1");
  for (std::string bad : {"has space", "new\nline", "tab\t", "bell\x07", "\xe9"}) {
    EXPECT_TRUE(IsError(Run({"CLIENT", "SETNAME", bad}),
                        "ERR Client names cannot contain spaces, newlines or special characters."))
        << bad;
  }
  EXPECT_EQ(client_->name, "worker-1");
  EXPECT_EQ(Run({"CLIENT", "SETNAME", ""}).str, "OK");
  EXPECT_EQ(Run({"CLIENT", "GETNAME"}).type, Type::kNil);
  EXPECT_TRUE(
      IsError(Run({"CLIENT", "ID", "x"}), "ERR wrong number of arguments for 'client|id' command"));
  EXPECT_TRUE(IsError(Run({"CLIENT", "FOO"}), "ERR unknown subcommand 'FOO'. Try CLIENT HELP."));
}

TEST_F(ClientFamilyTest, InfoLineHasRedisFieldsInOrder) {
  Run({"CLIENT", "SETNAME", "lister"});
  Run({"SELECT", "3"});
  clock_.AdvanceMs(2500);
  resp::Reply r = Run({"CLIENT", "INFO"});
  ASSERT_EQ(r.type, Type::kBulk);
  ASSERT_EQ(r.str.back(), '\n');
  std::vector<std::string> names;
  for (const auto& [name, value] : Fields(r.str)) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "id",        "addr",     "laddr",     "fd",   "name", "age",   "idle",
                       "flags",     "db",       "sub",       "psub", "ssub", "multi", "qbuf",
                       "qbuf-free", "argv-mem", "multi-mem", "rbs",  "rbp",  "obl",   "oll",
                       "omem",      "tot-mem",  "events",    "cmd",  "user", "redir", "resp"}));
  auto f = FieldMap(r.str);
  EXPECT_EQ(f["id"], std::to_string(client_->id()));
  EXPECT_EQ(f["addr"], "127.0.0.1:40000");
  EXPECT_EQ(f["laddr"], "127.0.0.1:6379");
  EXPECT_EQ(f["fd"], "8");
  EXPECT_EQ(f["name"], "lister");
  EXPECT_EQ(f["age"], "2");
  EXPECT_EQ(f["idle"], "0");
  EXPECT_EQ(f["flags"], "N");
  EXPECT_EQ(f["db"], "3");
  EXPECT_EQ(f["multi"], "-1");
  EXPECT_EQ(f["argv-mem"], "10");  // "client" + "info"
  EXPECT_EQ(f["cmd"], "client|info");
  EXPECT_EQ(f["user"], "default");
  EXPECT_EQ(f["redir"], "-1");
  EXPECT_EQ(f["resp"], "2");
  EXPECT_GT(std::stoll(f["tot-mem"]), 0);
}

TEST_F(ClientFamilyTest, InfoAndListAreVerbatimInResp3) {
  Run({"HELLO", "3"});
  resp::Reply r = Run({"CLIENT", "LIST"});
  EXPECT_EQ(r.type, Type::kVerbatim);
  EXPECT_EQ(r.format, "txt");
  EXPECT_EQ(FieldMap(r.str)["resp"], "3");
}

TEST_F(ClientFamilyTest, ListShowsEveryClientAndFilters) {
  Client* other = Connect("127.0.0.1:50000");
  Run({"GET", "k"});
  std::string text = Run({"CLIENT", "LIST"}).str;
  EXPECT_EQ(ListedIds(text),
            (std::vector<std::string>{std::to_string(client_->id()), std::to_string(other->id())}));
  // Other clients show the last command they ran; the caller shows the running one.
  EXPECT_NE(text.find("cmd=client|list"), std::string::npos);
  EXPECT_NE(text.find("cmd=NULL"), std::string::npos);

  EXPECT_EQ(ListedIds(Run({"CLIENT", "LIST", "TYPE", "NORMAL"}).str).size(), 2u);
  EXPECT_EQ(Run({"CLIENT", "LIST", "TYPE", "pubsub"}).str, "");
  EXPECT_EQ(Run({"CLIENT", "LIST", "TYPE", "replica"}).str, "");
  EXPECT_TRUE(IsError(Run({"CLIENT", "LIST", "TYPE", "bogus"}), "ERR Unknown client type 'bogus'"));

  EXPECT_EQ(ListedIds(Run({"CLIENT", "LIST", "ID", std::to_string(other->id()), "0", "999"}).str),
            (std::vector<std::string>{std::to_string(other->id())}));
  EXPECT_TRUE(IsError(Run({"CLIENT", "LIST", "ID", "1", "abc"}), "ERR Invalid client ID"));
  EXPECT_TRUE(IsError(Run({"CLIENT", "LIST", "ID"}), "ERR syntax error"));
  EXPECT_TRUE(IsError(Run({"CLIENT", "LIST", "foo"}), "ERR syntax error"));
}

TEST_F(ClientFamilyTest, KillOldFormByAddress) {
  Client* victim = Connect("10.0.0.1:1234");
  EXPECT_EQ(Run({"CLIENT", "KILL", "10.0.0.1:1234"}).str, "OK");
  EXPECT_TRUE(ConnectionOf(0).close_requested);
  EXPECT_TRUE(victim->flags & kClientCloseASAP);
  EXPECT_TRUE(IsError(Run({"CLIENT", "KILL", "127.0.0.1:1"}), "ERR No such client"));
  EXPECT_TRUE(IsError(Run({"CLIENT", "KILL", "ID"}), "ERR No such client"));
  EXPECT_FALSE(conn_.close_requested);
}

TEST_F(ClientFamilyTest, KillFilters) {
  Client* a = Connect("10.0.0.1:1", "127.0.0.1:7000");
  Client* b = Connect("10.0.0.2:2");
  EXPECT_EQ(Run({"CLIENT", "KILL", "ID", std::to_string(a->id())}).integer, 1);
  EXPECT_TRUE(ConnectionOf(0).close_requested);
  EXPECT_FALSE(ConnectionOf(1).close_requested);
  EXPECT_EQ(Run({"CLIENT", "KILL", "ID", "999999"}).integer, 0);
  EXPECT_EQ(Run({"CLIENT", "KILL", "ADDR", "10.0.0.2:2", "TYPE", "normal"}).integer, 1);
  EXPECT_TRUE(ConnectionOf(1).close_requested);
  // `a` is still registered (its connection closes asynchronously) but no longer counted.
  EXPECT_EQ(Run({"CLIENT", "KILL", "LADDR", "127.0.0.1:7000"}).integer, 0);
  EXPECT_EQ(Run({"CLIENT", "KILL", "TYPE", "master"}).integer, 0);
  // SKIPME defaults to yes; with no the caller is counted and closed after the reply.
  EXPECT_EQ(Run({"CLIENT", "KILL", "ADDR", "127.0.0.1:40000"}).integer, 0);
  EXPECT_FALSE(conn_.close_requested);
  EXPECT_EQ(Run({"CLIENT", "KILL", "ADDR", "127.0.0.1:40000", "SKIPME", "no"}).integer, 1);
  EXPECT_EQ(out_, ":1\r\n");
  EXPECT_TRUE(conn_.close_requested);
  EXPECT_FALSE(client_->flags & kClientCloseASAP);
  EXPECT_NE(b, nullptr);
}

TEST_F(ClientFamilyTest, KillByUserAndErrors) {
  std::vector<std::string_view> rules = {"on", ">pw", "+@all", "~*"};
  ASSERT_TRUE(state_.acl.SetUser("alice", rules).ok());
  Client* alice = Connect("10.0.0.3:3");
  alice->user = state_.acl.Find("alice");
  Connect("10.0.0.4:4");
  EXPECT_EQ(Run({"CLIENT", "KILL", "USER", "alice"}).integer, 1);
  EXPECT_TRUE(ConnectionOf(0).close_requested);
  EXPECT_FALSE(ConnectionOf(1).close_requested);
  EXPECT_TRUE(IsError(Run({"CLIENT", "KILL", "USER", "nobody"}), "ERR No such user 'nobody'"));
  EXPECT_TRUE(
      IsError(Run({"CLIENT", "KILL", "ID", "abc"}), "ERR client-id should be greater than 0"));
  EXPECT_TRUE(
      IsError(Run({"CLIENT", "KILL", "ID", "0"}), "ERR client-id should be greater than 0"));
  EXPECT_TRUE(IsError(Run({"CLIENT", "KILL", "TYPE", "bogus"}), "ERR Unknown client type 'bogus'"));
  EXPECT_TRUE(
      IsError(Run({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "maybe"}), "ERR syntax error"));
  EXPECT_TRUE(IsError(Run({"CLIENT", "KILL", "BOGUS", "x"}), "ERR syntax error"));
  EXPECT_TRUE(IsError(Run({"CLIENT", "KILL", "a", "b", "c"}), "ERR syntax error"));
  EXPECT_TRUE(IsError(Run({"CLIENT", "KILL", "MAXAGE", "10"}), "ERR syntax error"));
}

TEST_F(ClientFamilyTest, PauseWriteHoldsWritesUntilUnpause) {
  EXPECT_EQ(Run({"CLIENT", "PAUSE", "5000", "WRITE"}).str, "OK");
  EXPECT_EQ(state_.pause_mode, PauseMode::kWrite);
  EXPECT_EQ(state_.pause_end_ms, clock_.NowMs() + 5000);
  RecordingConnection conn;
  std::string out;
  Client* writer = AddClient(&conn, &out);
  RunAs(*writer, out, {"SET", "k", "v"});
  EXPECT_EQ(last_result_, DispatchResult::kBlocked);
  EXPECT_EQ(RunAs(*writer, out, {"GET", "k"}).type, Type::kNil);
  EXPECT_EQ(Run({"CLIENT", "UNPAUSE"}).str, "OK");
  EXPECT_EQ(state_.pause_mode, PauseMode::kOff);
  EXPECT_EQ(conn.resumes, 1);
}

TEST_F(ClientFamilyTest, PauseNeverShortensOrWeakens) {
  EXPECT_EQ(Run({"CLIENT", "PAUSE", "1000"}).str, "OK");
  EXPECT_EQ(state_.pause_mode, PauseMode::kAll);
  state_.pause_mode = PauseMode::kOff;  // let the next commands through
  EXPECT_EQ(Run({"CLIENT", "PAUSE", "1000", "write"}).str, "OK");
  EXPECT_EQ(Run({"CLIENT", "PAUSE", "10", "all"}).str, "OK");
  EXPECT_EQ(state_.pause_mode, PauseMode::kAll);
  EXPECT_EQ(state_.pause_end_ms, clock_.NowMs() + 1000);
  state_.EndPauseIfDue(clock_.NowMs(), true);
}

TEST_F(ClientFamilyTest, PauseErrors) {
  EXPECT_TRUE(
      IsError(Run({"CLIENT", "PAUSE", "abc"}), "ERR timeout is not an integer or out of range"));
  EXPECT_TRUE(IsError(Run({"CLIENT", "PAUSE", "-1"}), "ERR timeout is negative"));
  EXPECT_TRUE(
      IsError(Run({"CLIENT", "PAUSE", "9223372036854775807"}), "ERR timeout is out of range"));
  EXPECT_TRUE(IsError(Run({"CLIENT", "PAUSE", "100", "BOGUS"}),
                      "ERR CLIENT PAUSE mode must be WRITE or ALL"));
  EXPECT_TRUE(IsError(Run({"CLIENT", "pause", "10", "write", "x"}),
                      "ERR unknown subcommand or wrong number of arguments for 'pause'. Try "
                      "CLIENT HELP."));
  EXPECT_EQ(state_.pause_mode, PauseMode::kOff);
  EXPECT_EQ(Run({"CLIENT", "UNPAUSE"}).str, "OK");
}

TEST_F(ClientFamilyTest, ReplyModes) {
  Run({"CLIENT", "REPLY", "OFF"});
  EXPECT_EQ(out_, "");
  EXPECT_TRUE(client_->flags & kClientReplyOff);
  // SKIP does nothing while replies are off.
  Run({"CLIENT", "REPLY", "SKIP"});
  EXPECT_FALSE(client_->flags & kClientReplySkipNext);
  EXPECT_EQ(Run({"CLIENT", "REPLY", "ON"}).str, "OK");
  EXPECT_FALSE(client_->flags & kClientReplyOff);
  Run({"CLIENT", "REPLY", "skip"});
  EXPECT_EQ(out_, "");
  EXPECT_TRUE(client_->flags & kClientReplySkipNext);
  client_->flags = 0;
  EXPECT_TRUE(IsError(Run({"CLIENT", "REPLY", "MAYBE"}), "ERR syntax error"));
}

TEST_F(ClientFamilyTest, NoEvictSetsTheFlag) {
  EXPECT_EQ(Run({"CLIENT", "NO-EVICT", "on"}).str, "OK");
  EXPECT_EQ(FieldMap(Run({"CLIENT", "INFO"}).str)["flags"], "e");
  EXPECT_EQ(Run({"CLIENT", "NO-EVICT", "OFF"}).str, "OK");
  EXPECT_EQ(FieldMap(Run({"CLIENT", "INFO"}).str)["flags"], "N");
  EXPECT_TRUE(IsError(Run({"CLIENT", "NO-EVICT", "maybe"}), "ERR syntax error"));
}

TEST_F(ClientFamilyTest, TrackingIsOff) {
  EXPECT_EQ(Run({"CLIENT", "GETREDIR"}).integer, -1);
  resp::Reply r = Run({"CLIENT", "TRACKINGINFO"});
  ASSERT_EQ(r.elements.size(), 6u);
  EXPECT_EQ(r.elements[0].str, "flags");
  ASSERT_EQ(r.elements[1].elements.size(), 1u);
  EXPECT_EQ(r.elements[1].elements[0].str, "off");
  EXPECT_EQ(r.elements[3].integer, -1);
  EXPECT_EQ(r.elements[5].elements.size(), 0u);
  Run({"HELLO", "3"});
  r = Run({"CLIENT", "TRACKINGINFO"});
  EXPECT_EQ(r.type, Type::kMap);
  EXPECT_EQ(r.elements[1].type, Type::kSet);
}

TEST_F(ClientFamilyTest, Help) {
  resp::Reply r = Run({"CLIENT", "HELP"});
  ASSERT_GT(r.elements.size(), 3u);
  EXPECT_EQ(r.elements[0].type, Type::kString);
  EXPECT_EQ(r.elements[0].str, "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_EQ(r.elements.back().str, "    Prints this help.");
}

}  // namespace
}  // namespace tandem::commands::testing
