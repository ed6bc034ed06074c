#include "server/scripting/lua_convert.h"

#include <gtest/gtest.h>

#include <string>

namespace tandem::scripting {
namespace {

class LuaConvertTest : public ::testing::Test {
 protected:
  LuaConvertTest() : L(luaL_newstate()) { luaL_openlibs(L); }
  ~LuaConvertTest() override { lua_close(L); }

  // The reply the Lua expression `expr` turns into, for a client speaking `client_protocol`
  // while the script speaks `script_protocol`.
  std::string Write(const std::string& expr, int client_protocol = 2, int script_protocol = 2) {
    EXPECT_EQ(luaL_dostring(L, ("return " + expr).c_str()), 0) << lua_tostring(L, -1);
    std::string out;
    resp::ReplyBuilder builder(out, client_protocol);
    WriteLuaValue(L, builder, script_protocol);
    EXPECT_EQ(lua_gettop(L), 0);
    return out;
  }

  // Converts the wire reply `wire` for a script speaking `protocol`, stores it in global v and
  // returns what the Lua expression `check` makes of it.
  std::string Read(const std::string& wire, int protocol, const std::string& check) {
    resp::ReplyParser parser;
    resp::Reply reply;
    size_t consumed = 0;
    EXPECT_EQ(parser.Parse(wire, &consumed, &reply), resp::ParseResult::kCommand) << wire;
    PushReply(L, reply, protocol);
    lua_setglobal(L, "v");
    EXPECT_EQ(luaL_dostring(L, ("return tostring(" + check + ")").c_str()), 0)
        << lua_tostring(L, -1);
    std::string result = lua_tostring(L, -1);
    lua_settop(L, 0);
    return result;
  }

  lua_State* L;
};

TEST_F(LuaConvertTest, LuaToResp2) {
  EXPECT_EQ(Write("'x'"), "$1\r\nx\r\n");
  EXPECT_EQ(Write("3.99"), ":3\r\n");
  EXPECT_EQ(Write("-3.99"), ":-3\r\n");
  EXPECT_EQ(Write("2^63"), ":-9223372036854775808\r\n");
  EXPECT_EQ(Write("0/0"), ":-9223372036854775808\r\n");
  EXPECT_EQ(Write("true"), ":1\r\n");
  EXPECT_EQ(Write("false"), "$-1\r\n");
  EXPECT_EQ(Write("nil"), "$-1\r\n");
  EXPECT_EQ(Write("{1, 2, 'x', nil, 5}"), "*3\r\n:1\r\n:2\r\n$1\r\nx\r\n");
  EXPECT_EQ(Write("{ok='fine'}"), "+fine\r\n");
  EXPECT_EQ(Write("{ok='a\\r\\nb'}"), "+a  b\r\n");
  EXPECT_EQ(Write("{ok=5}"), "*0\r\n");
  EXPECT_EQ(Write("{err='MY bad'}"), "-MY bad\r\n");
  EXPECT_EQ(Write("{1, {err='x'}, {ok='y'}}"), "*3\r\n:1\r\n-x\r\n+y\r\n");
  EXPECT_EQ(Write("{double=1.5}"), "$3\r\n1.5\r\n");
  EXPECT_EQ(Write("{double='x'}"), "*0\r\n");
  EXPECT_EQ(Write("{map={a=1}}"), "*2\r\n$1\r\na\r\n:1\r\n");
  EXPECT_EQ(Write("{set={a=true}}"), "*1\r\n$1\r\na\r\n");
  EXPECT_EQ(Write("{big_number='123'}"), "$3\r\n123\r\n");
  EXPECT_EQ(Write("{verbatim_string={format='txt', string='abc'}}"), "$3\r\nabc\r\n");
  // A script speaking RESP3 returns booleans, which a RESP2 client reads as 1 and 0.
  EXPECT_EQ(Write("false", 2, 3), ":0\r\n");
}

TEST_F(LuaConvertTest, LuaToResp3) {
  EXPECT_EQ(Write("{map={a=1}}", 3), "%1\r\n$1\r\na\r\n:1\r\n");
  EXPECT_EQ(Write("{set={a=true}}", 3), "~1\r\n$1\r\na\r\n");
  EXPECT_EQ(Write("{double=1.5}", 3), ",1.5\r\n");
  EXPECT_EQ(Write("{big_number='123'}", 3), "(123\r\n");
  EXPECT_EQ(Write("{verbatim_string={format='txt', string='abc'}}", 3), "=7\r\ntxt:abc\r\n");
  EXPECT_EQ(Write("true", 3), ":1\r\n");  // the script still speaks RESP2
  EXPECT_EQ(Write("false", 3), "_\r\n");
  EXPECT_EQ(Write("true", 3, 3), "#t\r\n");
  EXPECT_EQ(Write("false", 3, 3), "#f\r\n");
  EXPECT_EQ(Write("{map={a={1,2}}, 'x'}", 3), "%1\r\n$1\r\na\r\n*2\r\n:1\r\n:2\r\n");
}

TEST_F(LuaConvertTest, SelfReferenceStopsAtTheStackLimit) {
  std::string out = Write("(function() local t = {} t[1] = t return t end)()");
  EXPECT_TRUE(out.starts_with("*1\r\n*1\r\n"));
  EXPECT_TRUE(out.ends_with("-ERR reached lua stack limit\r\n"));
}

TEST_F(LuaConvertTest, Resp2ToLua) {
  EXPECT_EQ(Read(":42\r\n", 2, "v + 1"), "43");
  EXPECT_EQ(Read("$3\r\nabc\r\n", 2, "v"), "abc");
  EXPECT_EQ(Read("+OK\r\n", 2, "v.ok"), "OK");
  EXPECT_EQ(Read("-ERR bad\r\n", 2, "v.err"), "ERR bad");
  EXPECT_EQ(Read("$-1\r\n", 2, "v"), "false");
  EXPECT_EQ(Read("*-1\r\n", 2, "v"), "false");
  EXPECT_EQ(Read("*3\r\n:1\r\n$1\r\nx\r\n*1\r\n:2\r\n", 2, "v[1] .. v[2] .. v[3][1] .. #v"),
            "1x23");
}

TEST_F(LuaConvertTest, Resp3ToLua) {
  EXPECT_EQ(Read("_\r\n", 3, "v"), "nil");
  EXPECT_EQ(Read("#t\r\n", 3, "v"), "true");
  EXPECT_EQ(Read("#f\r\n", 3, "v"), "false");
  EXPECT_EQ(Read(",1.5\r\n", 3, "v.double"), "1.5");
  EXPECT_EQ(Read("(123\r\n", 3, "v.big_number"), "123");
  EXPECT_EQ(Read("=7\r\ntxt:abc\r\n", 3, "v.verbatim_string.format .. v.verbatim_string.string"),
            "txtabc");
  EXPECT_EQ(Read("%1\r\n$1\r\na\r\n:1\r\n", 3, "v.map.a"), "1");
  EXPECT_EQ(Read("~2\r\n$1\r\na\r\n$1\r\nb\r\n", 3, "v.set.a and v.set.b"), "true");
}

}  // namespace
}  // namespace tandem::scripting
