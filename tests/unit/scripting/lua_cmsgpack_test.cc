#include "server/scripting/lua_cmsgpack.h"

#include <gtest/gtest.h>

#include <span>
#include <string>

#include "tests/unit/scripting/snippet_runner.h"

namespace tandem::scripting::testing {
namespace {

// Every expected value below was recorded from redis-server 7.0.15 running the same snippet with
// EVAL (see snippet_runner.h): bytes in hex, values as D prints them, errors without location.

constexpr RecordedCase kPackScalars[] = {
    {R"~(return H(cmsgpack.pack({1, 2, 3})))~", "93010203"},
    {R"~(return H(cmsgpack.pack(1, 2, 3)))~", "010203"},
    {R"~(return H(cmsgpack.pack('a', 'b', {1})))~", "a161a1629101"},
    {R"~(return H(cmsgpack.pack(true, false, nil)))~", "c3c2c0"},
    {R"~(return H(cmsgpack.pack(0, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296)))~",
     "007fcc80ccffcd0100cdffffce00010000ceffffffffcf0000000100000000"},
    {R"~(return H(cmsgpack.pack(-1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649)))~",
     "ffe0d0dfd080d1ff7fd18000d2ffff7fffd280000000d3ffffffff7fffffff"},
    {R"~(return H(cmsgpack.pack(2^53, -2^53, 2^63, -2^63, 2^64, 1e19)))~",
     "cf0020000000000000d3ffe0000000000000ca5f000000d38000000000000000ca5f800000cb43e158e460913d0"
     "0"},
    {R"~(return H(cmsgpack.pack(1.5, 0.1, 0.25, 123456789.25, 1e-45, 3.4028234663852886e38)))~",
     "ca3fc00000cb3fb999999999999aca3e800000cb419d6f3455000000cb3696d601ad376ab9ca7f7fffff"},
    {R"~(return H(cmsgpack.pack(1/0, -1/0)))~", "ca7f800000caff800000"},
    {R"~(local nan = 0/0 return H(cmsgpack.pack(nan)))~", "cbfff8000000000000"},
    {R"~(local zero = 0 return H(cmsgpack.pack(-zero)))~", "00"},
    {R"~(return H(cmsgpack.pack('')))~", "a0"},
    {R"~(return H(cmsgpack.pack('hello')))~", "a568656c6c6f"},
    {R"~(return H(cmsgpack.pack('a\0b')))~", "a3610062"},
    {R"~(return H(cmsgpack.pack(string.rep('x', 31))):sub(1, 6))~", "bf7878"},
    {R"~(return H(cmsgpack.pack(string.rep('x', 32))):sub(1, 6))~", "d92078"},
    {R"~(return H(cmsgpack.pack(string.rep('x', 255))):sub(1, 6))~", "d9ff78"},
    {R"~(return H(cmsgpack.pack(string.rep('x', 256))):sub(1, 8))~", "da010078"},
    {R"~(return H(cmsgpack.pack(string.rep('x', 65535))):sub(1, 8))~", "daffff78"},
    {R"~(return H(cmsgpack.pack(string.rep('x', 65536))):sub(1, 12))~", "db0001000078"},
    {R"~(return #cmsgpack.pack(string.rep('x', 65536)))~", "1:65541"},
};

constexpr RecordedCase kPackTables[] = {
    {R"~(return H(cmsgpack.pack({})))~", "90"},
    {R"~(return H(cmsgpack.pack({a = 1})))~", "81a16101"},
    {R"~(return H(cmsgpack.pack({1, nil, 3})))~", "8201010303"},
    {R"~(return H(cmsgpack.pack({[1] = 1, [3] = 3})))~", "8201010303"},
    {R"~(return H(cmsgpack.pack({[1] = 1, [2] = 2, [4] = 4, [3] = 3})))~", "9401020304"},
    {R"~(return H(cmsgpack.pack({'a', nil})))~", "91a161"},
    {R"~(return H(cmsgpack.pack({[0] = 1})))~", "810001"},
    {R"~(return H(cmsgpack.pack({[-1] = 1})))~", "81ff01"},
    {R"~(return H(cmsgpack.pack({[1.5] = 1})))~", "81ca3fc0000001"},
    {R"~(return H(cmsgpack.pack({[2^40] = 1})))~", "81cf000001000000000001"},
    {R"~(return H(cmsgpack.pack({[2^63] = 1})))~", "81ca5f00000001"},
    {R"~(return H(cmsgpack.pack({[1e300] = 1})))~", "81cb7e37e43c8800759c01"},
    {R"~(return H(cmsgpack.pack({1, 2, x = 3})))~", "8301010202a17803"},
    {R"~(return H(cmsgpack.pack({[true] = false})))~", "81c3c2"},
    {R"~(local t = {} t[{}] = 1 return H(cmsgpack.pack(t)))~", "819001"},
    {R"~(return H(cmsgpack.pack({{1, {2}}, {a = {b = 'c'}}})))~", "929201910281a16181a162a163"},
    {R"~(local t = {} for i = 1, 15 do t[i] = i end return H(cmsgpack.pack(t)):sub(1, 4))~",
     "9f01"},
    {R"~(local t = {} for i = 1, 16 do t[i] = i end return H(cmsgpack.pack(t)):sub(1, 8))~",
     "dc001001"},
    {R"~(local t = {} for i = 1, 65535 do t[i] = 1 end return H(cmsgpack.pack(t)):sub(1, 8))~",
     "dcffff01"},
    {R"~(local t = {} for i = 1, 65536 do t[i] = 1 end return H(cmsgpack.pack(t)):sub(1, 12))~",
     "dd0001000001"},
    {R"~(local t = {} for i = 1, 15 do t['k' .. i] = 1 end return H(cmsgpack.pack(t)):sub(1, 2))~",
     "8f"},
    {R"~(local t = {} for i = 1, 16 do t['k' .. i] = 1 end return H(cmsgpack.pack(t)):sub(1, 6))~",
     "de0010"},
    {R"~(local t = {} for i = 1, 65536 do t['k' .. i] = 1 end return H(cmsgpack.pack(t)):sub(1, 10))~",
     "df00010000"},
    {R"~(local t = {} t[1] = t return H(cmsgpack.pack(t)))~", "91919191919191919191919191919191c0"},
    {R"~(local t = {} local c = t for i = 1, 20 do c[1] = {} c = c[1] end return H(cmsgpack.pack(t)))~",
     "91919191919191919191919191919191c0"},
    {R"~(local t = {} local c = t for i = 1, 20 do c.a = {} c = c.a end return H(cmsgpack.pack(t)))~",
     "81a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a"
     "161c0"},
    {R"~(local t = {} local c = t for i = 1, 15 do c[1] = {} c = c[1] end c[{}] = 1 return H(cmsgpack.pack(t)))~",
     "91919191919191919191919191919181c001"},
    {R"~(return H(cmsgpack.pack(tostring)))~", "c0"},
    {R"~(return H(cmsgpack.pack({tostring, 1})))~", "92c001"},
    {R"~(return H(cmsgpack.pack(coroutine.create(function() end))))~", "c0"},
    {R"~(return H(cmsgpack.pack(setmetatable({1, 2}, {__index = function() return 1 end}))))~",
     "920102"},
};

constexpr RecordedCase kPackErrors[] = {
    {R"~(return cmsgpack.pack())~",
     "ERR bad argument #0 to 'pack' (MessagePack pack needs input.)"},
};

constexpr RecordedCase kUnpack[] = {
    {R"~(return D(cmsgpack.unpack(cmsgpack.pack(1, 2, 'a'))))~", "3:1 2 \"a\""},
    {R"~(return D(cmsgpack.unpack(cmsgpack.pack({1, 2, {a = {true, false}}, 'x', 1.5, 0.1, -7}))))~",
     "1:{1=1,2=2,3={\"a\"={1=true,2=false}},4=\"x\",5=1.5,6=0.10000000000000001,7=-7}"},
    {R"~(return D(cmsgpack.unpack('')))~", "0:"},
    {R"~(return D(cmsgpack.unpack(1)))~", "1:49"},
    {R"~(return D(cmsgpack.unpack('\192')))~", "1:nil"},
    {R"~(return D(cmsgpack.unpack('\194\195')))~", "2:false true"},
    {R"~(return D(cmsgpack.unpack('\127\224\255')))~", "3:127 -32 -1"},
    {R"~(return D(cmsgpack.unpack('\204\255\205\255\255\206\255\255\255\255')))~",
     "3:255 65535 4294967295"},
    {R"~(return D(cmsgpack.unpack('\207\0\0\0\0\0\0\0\5')))~", "1:5"},
    {R"~(return D(cmsgpack.unpack('\207\255\255\255\255\255\255\255\255')))~", "1:-1"},
    {R"~(return D(cmsgpack.unpack('\207\128\0\0\0\0\0\0\0')))~", "1:-9.2233720368547758e+18"},
    {R"~(return D(cmsgpack.unpack('\208\128\209\128\0\210\128\0\0\0')))~",
     "3:-128 -32768 -2147483648"},
    {R"~(return D(cmsgpack.unpack('\211\128\0\0\0\0\0\0\0')))~", "1:-9.2233720368547758e+18"},
    {R"~(return D(cmsgpack.unpack('\211\255\255\255\255\255\255\255\254')))~", "1:-2"},
    {R"~(return D(cmsgpack.unpack('\202\63\192\0\0')))~", "1:1.5"},
    {R"~(return D(cmsgpack.unpack('\202\127\128\0\0')))~", "1:inf"},
    {R"~(return D(cmsgpack.unpack('\203\63\185\153\153\153\153\153\154')))~",
     "1:0.10000000000000001"},
    {R"~(return D(cmsgpack.unpack('\162ab')))~", "1:\"ab\""},
    {R"~(return D(cmsgpack.unpack('\217\1a\218\0\1b\219\0\0\0\1c')))~", "3:\"a\" \"b\" \"c\""},
    {R"~(return D(cmsgpack.unpack('\220\0\1\5')))~", "1:{1=5}"},
    {R"~(return D(cmsgpack.unpack('\221\0\0\0\1\5')))~", "1:{1=5}"},
    {R"~(return D(cmsgpack.unpack('\222\0\1\5\6')))~", "1:{5=6}"},
    {R"~(return D(cmsgpack.unpack('\223\0\0\0\1\5\6')))~", "1:{5=6}"},
    {R"~(return D(cmsgpack.unpack('\147\1\192\3')))~", "1:{1=1,3=3}"},
    {R"~(return D(cmsgpack.unpack('\130\1\192\2\3')))~", "1:{2=3}"},
    {R"~(return D(cmsgpack.unpack('\129\192\1')))~", "ERR table index is nil"},
    {R"~(return D(cmsgpack.unpack('\129\203\127\248\0\0\0\0\0\0\1')))~", "ERR table index is NaN"},
    {R"~(return D(cmsgpack.unpack('\204')))~", "ERR Missing bytes in input."},
    {R"~(return D(cmsgpack.unpack('\145')))~", "ERR Missing bytes in input."},
    {R"~(return D(cmsgpack.unpack('\129\1')))~", "ERR Missing bytes in input."},
    {R"~(return D(cmsgpack.unpack('\162a')))~", "ERR Missing bytes in input."},
    {R"~(return D(cmsgpack.unpack('\219\255\255\255\255a')))~", "ERR Missing bytes in input."},
    {R"~(return D(cmsgpack.unpack('\221\255\255\255\255\1')))~", "ERR Missing bytes in input."},
    {R"~(return D(cmsgpack.unpack('\1\204')))~", "ERR Missing bytes in input."},
    {R"~(return D(cmsgpack.unpack('\193')))~", "ERR Bad data format in input."},
    {R"~(return D(cmsgpack.unpack('\196\0')))~", "ERR Bad data format in input."},
    {R"~(return D(cmsgpack.unpack('\199\0\1')))~", "ERR Bad data format in input."},
    {R"~(return D(cmsgpack.unpack('\212\1\2')))~", "ERR Bad data format in input."},
    {R"~(return D(cmsgpack.unpack('\145\193')))~", "ERR Bad data format in input."},
    {R"~(return D(cmsgpack.unpack()))~",
     "ERR bad argument #1 to 'unpack' (string expected, got no value)"},
    {R"~(return D(cmsgpack.unpack({})))~",
     "ERR bad argument #1 to 'unpack' (string expected, got table)"},
};

constexpr RecordedCase kUnpackOneAndLimit[] = {
    {R"~(return D(cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3))))~", "2:1 1"},
    {R"~(return D(cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 1)))~", "2:2 2"},
    {R"~(return D(cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 2)))~", "2:-1 3"},
    {R"~(return D(cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 3)))~", "1:-1"},
    {R"~(return D(cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 4)))~",
     "ERR Start offset 4 greater than input length 3."},
    {R"~(return D(cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), -1)))~",
     "ERR Invalid request to unpack with offset of -1 and limit of 3."},
    {R"~(return D(cmsgpack.unpack_one('')))~", "1:-1"},
    {R"~(return D(cmsgpack.unpack_one('\1\2', '1')))~", "2:-1 2"},
    {R"~(return D(cmsgpack.unpack_one('\1\2', 1.7)))~", "2:-1 2"},
    {R"~(return D(cmsgpack.unpack_one('\1\2', nil)))~", "2:1 1"},
    {R"~(return D(cmsgpack.unpack_one('\1\2', 'x')))~",
     "ERR bad argument #2 to 'unpack_one' (number expected, got string)"},
    {R"~(return D(cmsgpack.unpack_one('\1', 2^33)))~",
     "ERR Start offset 0 greater than input length 1."},
    {R"~(return D(cmsgpack.unpack_one('\1', 2^31 + 5)))~",
     "ERR Start offset -2147483643 greater than input length 1."},
    {R"~(return D(cmsgpack.unpack_one('\1', -2^31 - 5)))~",
     "ERR Invalid request to unpack with offset of 2147483643 and limit of 1."},
    {R"~(return D(cmsgpack.unpack_one('\1\204', 0)))~", "2:1 1"},
    {R"~(return D(cmsgpack.unpack_one('\1\204', 1)))~", "ERR Missing bytes in input."},
    {R"~(return D(cmsgpack.unpack_one({}, 'x')))~",
     "ERR bad argument #2 to 'unpack_one' (number expected, got string)"},
    {R"~(return D(cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)))~", "3:2 1 2"},
    {R"~(return D(cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0)))~", "3:1 2 3"},
    {R"~(return D(cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 3)))~", "4:-1 1 2 3"},
    {R"~(return D(cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 5)))~", "4:-1 1 2 3"},
    {R"~(return D(cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 1, 1)))~", "2:2 2"},
    {R"~(return D(cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), -1)))~",
     "ERR Invalid request to unpack with offset of 0 and limit of 3."},
    {R"~(return D(cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3))))~",
     "ERR bad argument #2 to 'unpack_limit' (number expected, got no value)"},
    {R"~(return D(cmsgpack.unpack_limit('\1\2', 1.9)))~", "2:1 1"},
    {R"~(return D(cmsgpack.unpack_limit('\1\2', -0.5)))~", "2:1 2"},
    {R"~(return D(cmsgpack.unpack_limit('\1\2', 0, 1)))~", "1:1"},
    {R"~(return D(cmsgpack.unpack_limit('\1\2', 0, 2)))~", "1:-1"},
    {R"~(return D(cmsgpack.unpack_limit('\1\2', 1, 2)))~", "1:-1"},
    {R"~(return D(cmsgpack.unpack_limit('\1\2', 2^32)))~", "3:-1 1 2"},
    {R"~(return D(cmsgpack.unpack_limit('\1\2', -2^32)))~",
     "ERR Invalid request to unpack with offset of 0 and limit of 2."},
    {R"~(return D(cmsgpack.unpack_limit({}, 1, 'x')))~",
     "ERR bad argument #3 to 'unpack_limit' (number expected, got string)"},
};

constexpr RecordedCase kStackLimits[] = {
    {R"~(local t = cmsgpack.unpack(string.rep('\145', 3999) .. '\1') local n = 0 while type(t) == 'table' do t = t[1] n = n + 1 end return n)~",
     "1:3999"},
    {R"~(return D(cmsgpack.unpack(string.rep('\145', 4000) .. '\1')))~",
     "ERR stack overflow (in function mp_decode_to_lua_array)"},
    {R"~(return D(cmsgpack.unpack(string.rep('\129\1', 4000) .. '\1')))~",
     "ERR stack overflow (too many return values at once; use unpack_one or unpack_limit "
     "instead.)"},
    {R"~(return D(cmsgpack.unpack(string.rep('\129\1', 3999) .. '\145\1')))~",
     "ERR stack overflow (in function mp_decode_to_lua_array)"},
    {R"~(return D(cmsgpack.unpack(string.rep('\145', 3999) .. '\129\1\1')))~",
     "ERR stack overflow (too many return values at once; use unpack_one or unpack_limit "
     "instead.)"},
    {R"~(return select('#', cmsgpack.unpack(string.rep('\1', 7999))))~", "1:7999"},
    {R"~(return D(cmsgpack.unpack(string.rep('\1', 8000))))~",
     "ERR stack overflow (too many return values at once; use unpack_one or unpack_limit "
     "instead.)"},
    {R"~(return D(cmsgpack.unpack(string.rep('\1', 7998) .. '\145\1')))~",
     "ERR stack overflow (in function mp_decode_to_lua_array)"},
    {R"~(return D(cmsgpack.unpack(string.rep('\1', 7997) .. '\145\1')))~",
     "ERR stack overflow (too many return values at once; use unpack_one or unpack_limit "
     "instead.)"},
    {R"~(return select('#', cmsgpack.unpack(string.rep('\1', 7996) .. '\129\1\1')))~", "1:7997"},
    {R"~(return D(cmsgpack.unpack(string.rep('\1', 7997) .. '\129\1\1')))~",
     "ERR stack overflow (too many return values at once; use unpack_one or unpack_limit "
     "instead.)"},
    {R"~(return select('#', cmsgpack.unpack_limit(string.rep('\1', 7999), 0, 0)))~", "1:7999"},
    {R"~(return select('#', cmsgpack.unpack_limit(string.rep('\1', 7999), 7998)))~", "1:7999"},
    {R"~(return D(cmsgpack.unpack_limit(string.rep('\1', 7999), 7999)))~",
     "ERR stack overflow (in function mp_unpack_full)"},
    {R"~(return D(cmsgpack.unpack_limit(string.rep('\1', 8000), 0, 0)))~",
     "ERR stack overflow (too many return values at once; use unpack_one or unpack_limit "
     "instead.)"},
    {R"~(return select('#', cmsgpack.unpack_one(string.rep('\145', 3999) .. '\1', 0)))~", "1:2"},
    {R"~(return D(cmsgpack.unpack_one(string.rep('\145', 4000) .. '\1', 0)))~",
     "ERR stack overflow (in function mp_decode_to_lua_array)"},
    {R"~(local t = {} for i = 1, 4000 do t[i] = i end return #cmsgpack.pack(unpack(t)))~",
     "1:11618"},
    {R"~(local t = {} for i = 1, 4001 do t[i] = i end return #cmsgpack.pack(unpack(t)))~",
     "ERR bad argument #0 to 'pack' (Too many arguments for MessagePack pack.)"},
    {R"~(local t = {} for i = 1, 3999 do t[i] = i end t[#t] = {1} return #cmsgpack.pack(unpack(t)))~",
     "1:11614"},
    {R"~(local t = {} for i = 1, 4000 do t[i] = i end t[#t] = {1} return #cmsgpack.pack(unpack(t)))~",
     "ERR stack overflow (in function table_is_an_array)"},
    {R"~(local t = {} for i = 1, 3999 do t[i] = i end t[#t] = {{1}} return #cmsgpack.pack(unpack(t)))~",
     "ERR stack overflow (in function table_is_an_array)"},
    {R"~(local t = {} for i = 1, 3998 do t[i] = i end t[#t] = {a = 1} return #cmsgpack.pack(unpack(t)))~",
     "1:11613"},
    {R"~(local t = {} for i = 1, 3999 do t[i] = i end t[#t] = {a = 1} return #cmsgpack.pack(unpack(t)))~",
     "ERR stack overflow (in function mp_encode_lua_table_as_map)"},
    {R"~(local t = {} for i = 1, 3998 do t[i] = i end t[#t] = {a = {1}} return #cmsgpack.pack(unpack(t)))~",
     "1:11614"},
    {R"~(local t = {} for i = 1, 3997 do t[i] = i end t[#t] = {[{1}] = 1} return #cmsgpack.pack(unpack(t)))~",
     "1:11610"},
    {R"~(local t = {} for i = 1, 3998 do t[i] = i end t[#t] = {[{1}] = 1} return #cmsgpack.pack(unpack(t)))~",
     "ERR stack overflow (in function table_is_an_array)"},
    {R"~(local t = {} for i = 1, 3998 do t[i] = i end t[#t - 1] = {{{{1}}}} return #cmsgpack.pack(unpack(t)))~",
     "1:11614"},
    {R"~(local t = {} for i = 1, 3998 do t[i] = i end t[#t - 1] = {{{{{1}}}}} return #cmsgpack.pack(unpack(t)))~",
     "ERR stack overflow (in function table_is_an_array)"},
    {R"~(local d = {} for i = 1, 20 do d = {d} end local t = {} for i = 1, 3991 do t[i] = i end t[#t] = d return #cmsgpack.pack(unpack(t)))~",
     "1:11605"},
    {R"~(local d = {} for i = 1, 20 do d = {d} end local t = {} for i = 1, 3992 do t[i] = i end t[#t] = d return #cmsgpack.pack(unpack(t)))~",
     "ERR stack overflow (in function table_is_an_array)"},
};

constexpr RecordedCase kModule[] = {
    {R"~(return D(cmsgpack._NAME, cmsgpack._VERSION, cmsgpack._COPYRIGHT, cmsgpack._DESCRIPTION))~",
     "4:\"cmsgpack\" \"lua-cmsgpack 0.4.0\" \"Copyright (C) 2012, Salvatore Sanfilippo\" "
     "\"MessagePack C implementation for Lua\""},
    {R"~(local n = 0 for k in pairs(cmsgpack) do n = n + 1 end return n)~", "1:8"},
};

void ExpectAllMatch(std::span<const RecordedCase> cases) {
  SnippetRunner lua;
  for (const RecordedCase& c : cases) {
    EXPECT_EQ(lua.Run(c.snippet), c.expected) << c.snippet;
  }
}

TEST(LuaCmsgpackTest, OpenLeavesTheModuleOnTheStackAndAsAGlobal) {
  lua_State* L = luaL_newstate();
  luaL_openlibs(L);
  const int top = lua_gettop(L);
  EXPECT_EQ(OpenCmsgpack(L), 1);
  ASSERT_EQ(lua_gettop(L), top + 1);
  EXPECT_TRUE(lua_istable(L, -1));
  lua_getglobal(L, "cmsgpack");
  EXPECT_TRUE(lua_rawequal(L, -1, -2));
  lua_getfield(L, -1, "pack");
  EXPECT_TRUE(lua_iscfunction(L, -1));
  lua_close(L);
}

TEST(LuaCmsgpackTest, RoundTripsNestedValues) {
  SnippetRunner lua;
  EXPECT_EQ(lua.Run("local v = {1, 'two', {x = {true, false}}, 2.5, -300, 2^40} "
                    "return D(cmsgpack.unpack(cmsgpack.pack(v, 'tail')))"),
            "2:{1=1,2=\"two\",3={\"x\"={1=true,2=false}},4=2.5,5=-300,6=1099511627776} \"tail\"");
}

TEST(LuaCmsgpackTest, UnpackOneWalksAStream) {
  SnippetRunner lua;
  EXPECT_EQ(lua.Run("local s = cmsgpack.pack('a', {1}, 3) local out, off = {}, 0 "
                    "while off ~= -1 do local v off, v = cmsgpack.unpack_one(s, off) "
                    "out[#out + 1] = v end return D(unpack(out))"),
            "3:\"a\" {1=1} 3");
}

TEST(LuaCmsgpackTest, PacksScalarsLikeRedis) { ExpectAllMatch(kPackScalars); }
TEST(LuaCmsgpackTest, PacksTablesLikeRedis) { ExpectAllMatch(kPackTables); }
TEST(LuaCmsgpackTest, PackErrorsLikeRedis) { ExpectAllMatch(kPackErrors); }
TEST(LuaCmsgpackTest, UnpacksLikeRedis) { ExpectAllMatch(kUnpack); }
TEST(LuaCmsgpackTest, UnpackOneAndLimitLikeRedis) { ExpectAllMatch(kUnpackOneAndLimit); }
TEST(LuaCmsgpackTest, RunsOutOfStackWhereRedisDoes) { ExpectAllMatch(kStackLimits); }
TEST(LuaCmsgpackTest, ModuleFieldsLikeRedis) { ExpectAllMatch(kModule); }

}  // namespace
}  // namespace tandem::scripting::testing
