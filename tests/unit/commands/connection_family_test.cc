#include "tests/unit/commands/command_fixture.h"

namespace tandem::commands::testing {
namespace {

using Type = resp::Reply::Type;

class ConnectionFamilyTest : public CommandTest {};

TEST_F(ConnectionFamilyTest, PingAndEcho) {
  EXPECT_EQ(Run({"PING"}).str, "PONG");
  resp::Reply r = Run({"ping", "hi"});
  EXPECT_EQ(r.type, Type::kBulk);
  EXPECT_EQ(r.str, "hi");
  EXPECT_TRUE(IsError(Run({"PING", "a", "b"}), "ERR wrong number of arguments for 'ping' command"));
  EXPECT_EQ(Run({"ECHO", std::string("a\0b", 3)}).str, std::string("a\0b", 3));
}

TEST_F(ConnectionFamilyTest, SelectValidatesTheIndex) {
  EXPECT_EQ(Run({"SELECT", "3"}).str, "OK");
  EXPECT_EQ(client_->db, 3);
  EXPECT_TRUE(IsError(Run({"SELECT", "16"}), "ERR DB index is out of range"));
  EXPECT_TRUE(IsError(Run({"SELECT", "-1"}), "ERR DB index is out of range"));
  EXPECT_TRUE(IsError(Run({"SELECT", "x"}), "ERR value is not an integer or out of range"));
  EXPECT_EQ(client_->db, 3);
}

TEST_F(ConnectionFamilyTest, UnknownCommandAndArityErrors) {
  EXPECT_TRUE(IsError(Run({"NOPE", "a", "b"}),
                      "ERR unknown command 'NOPE', with args beginning with: 'a' 'b' "));
  EXPECT_TRUE(IsError(Run({"GET"}), "ERR wrong number of arguments for 'get' command"));
  EXPECT_EQ(state_.stats.error_counts["ERR"], 2u);
}

TEST_F(ConnectionFamilyTest, HelloSwitchesProtocolAndRepliesWithAMap) {
  resp::Reply r = Run({"HELLO", "3"});
  ASSERT_EQ(r.type, Type::kMap);
  ASSERT_EQ(r.elements.size(), 14u);
  EXPECT_EQ(r.elements[0].str, "server");
  EXPECT_EQ(r.elements[4].str, "proto");
  EXPECT_EQ(r.elements[5].integer, 3);
  EXPECT_EQ(client_->resp_version(), 3);
  EXPECT_EQ(Run({"GET", "missing"}).type, Type::kNil);
  EXPECT_EQ(out_, "_\r\n");
  EXPECT_TRUE(IsError(Run({"HELLO", "4"}), "NOPROTO unsupported protocol version"));
  EXPECT_TRUE(
      IsError(Run({"HELLO", "x"}), "ERR Protocol version is not an integer or out of range"));
}

TEST_F(ConnectionFamilyTest, RequirePassGatesCommandsUntilAuth) {
  state_.acl.SetRequirePass("secret");
  RecordingConnection conn;
  std::string out;
  Client* c = AddClient(&conn, &out);
  EXPECT_FALSE(c->authenticated);
  EXPECT_TRUE(IsError(RunAs(*c, out, {"GET", "k"}), "NOAUTH Authentication required."));
  EXPECT_TRUE(IsError(RunAs(*c, out, {"AUTH", "wrong"}),
                      "WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(RunAs(*c, out, {"AUTH", "secret"}).str, "OK");
  EXPECT_TRUE(conn.authenticated);
  EXPECT_EQ(RunAs(*c, out, {"GET", "k"}).type, Type::kNil);
}

TEST_F(ConnectionFamilyTest, AuthWithoutPasswordConfigured) {
  EXPECT_TRUE(IsError(Run({"AUTH", "x"}),
                      "ERR AUTH <password> called without any password configured for the "
                      "default user. Are you sure your configuration is correct?"));
}

TEST_F(ConnectionFamilyTest, QuitClosesAfterReplyAndResetRestoresDefaults) {
  Run({"SELECT", "2"});
  Run({"HELLO", "3", "SETNAME", "me"});
  EXPECT_EQ(Run({"RESET"}).str, "RESET");
  EXPECT_EQ(client_->db, 0);
  EXPECT_EQ(client_->resp_version(), 2);
  EXPECT_EQ(client_->name, "");
  EXPECT_EQ(Run({"QUIT"}).str, "OK");
  EXPECT_TRUE(conn_.close_requested);
}

TEST_F(ConnectionFamilyTest, SetAndGetWithOptions) {
  EXPECT_EQ(Run({"SET", "k", "v"}).str, "OK");
  EXPECT_EQ(Run({"GET", "k"}).str, "v");
  EXPECT_EQ(Run({"SET", "k", "w", "NX"}).type, Type::kNil);
  EXPECT_EQ(Run({"SET", "k", "w", "XX", "GET"}).str, "v");
  EXPECT_EQ(Run({"SET", "k", "x", "PX", "100"}).str, "OK");
  clock_.AdvanceMs(99);
  EXPECT_EQ(Run({"GET", "k"}).str, "x");
  clock_.AdvanceMs(1);
  EXPECT_EQ(Run({"GET", "k"}).type, Type::kNil);
  EXPECT_TRUE(
      IsError(Run({"SET", "k", "v", "EX", "0"}), "ERR invalid expire time in 'set' command"));
  EXPECT_TRUE(IsError(Run({"SET", "k", "v", "NX", "XX"}), "ERR syntax error"));
  EXPECT_TRUE(IsError(Run({"SET", "k", "v", "EX", "1", "KEEPTTL"}), "ERR syntax error"));
}

}  // namespace
}  // namespace tandem::commands::testing
