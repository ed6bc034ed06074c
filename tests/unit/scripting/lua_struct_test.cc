#include "server/scripting/lua_struct.h"

#include <gtest/gtest.h>

#include <span>
#include <string>

#include "tests/unit/scripting/snippet_runner.h"

namespace tandem::scripting::testing {
namespace {

// Every expected value below was recorded from redis-server 7.0.15 (x86-64) running the same
// snippet with EVAL (see snippet_runner.h): bytes in hex, values as D prints them, errors without
// their location.

constexpr RecordedCase kPackIntegers[] = {
    {R"~(return H(struct.pack('>i', 1)))~", "00000001"},
    {R"~(return H(struct.pack('<i', 1)))~", "01000000"},
    {R"~(return H(struct.pack('i', -2)))~", "feffffff"},
    {R"~(return H(struct.pack('bBhHlLT', -1, 255, -2, 65535, -3, 4, 5)))~",
     "fffffefffffffdffffffffffffff04000000000000000500000000000000"},
    {R"~(return H(struct.pack('>bBhHlLT', -1, 255, -2, 65535, -3, 4, 5)))~",
     "fffffffefffffffffffffffffffd00000000000000040000000000000005"},
    {R"~(return H(struct.pack('>i3', -2)))~", "fffffe"},
    {R"~(return H(struct.pack('<I3', 2^24 - 1)))~", "ffffff"},
    {R"~(return H(struct.pack('>i16', -2)))~", "0000000000000000fffffffffffffffe"},
    {R"~(return H(struct.pack('<i16', -2)))~", "feffffffffffffff0000000000000000"},
    {R"~(return H(struct.pack('>I16', 2)))~", "00000000000000000000000000000002"},
    {R"~(return H(struct.pack('>i33', 1)))~", "ERR integral size 33 is larger than limit of 32"},
    {R"~(return H(struct.pack('>I32', 1)))~",
     "0000000000000000000000000000000000000000000000000000000000000001"},
    {R"~(return H(struct.pack('>i0', 1)))~", ""},
    {R"~(return H(struct.pack('i0 b', 1, 2)))~", "02"},
    {R"~(return H(struct.pack('i99999999999', 1)))~", "ERR integral size overflow"},
    {R"~(return H(struct.pack('i2147483647', 1)))~",
     "ERR integral size 2147483647 is larger than limit of 32"},
    {R"~(return H(struct.pack('c2147483648', 1)))~", "ERR integral size overflow"},
    {R"~(return H(struct.pack('b', 1.7)))~", "01"},
    {R"~(return H(struct.pack('b', -0.5)))~", "00"},
    {R"~(return H(struct.pack('b', 300)))~", "2c"},
    {R"~(return H(struct.pack('B', -1)))~", "ff"},
    {R"~(return H(struct.pack('I', -1)))~", "ffffffff"},
    {R"~(return H(struct.pack('>h', 40000)))~", "9c40"},
    {R"~(return H(struct.pack('>h', -40000)))~", "63c0"},
    {R"~(return H(struct.pack('>I4', 2^32 + 5)))~", "00000005"},
    {R"~(return H(struct.pack('i8', 2^63)))~", "0000000000000080"},
    {R"~(return H(struct.pack('I8', 2^63 + 2^62)))~", "00000000000000c0"},
    {R"~(return H(struct.pack('I8', 2^64)))~", "0000000000000000"},
    {R"~(return H(struct.pack('I8', 0/0)))~", "0000000000000080"},
    {R"~(return H(struct.pack('i8', -2^64)))~", "0000000000000080"},
    {R"~(return H(struct.pack('I8', 1/0)))~", "0000000000000000"},
    {R"~(return H(struct.pack('I8', -1/0)))~", "0000000000000080"},
    {R"~(return H(struct.pack('<i', '12')))~", "0c000000"},
};

constexpr RecordedCase kPackFloatsAndStrings[] = {
    {R"~(return H(struct.pack('fd', 1.5, 0.1)))~", "0000c03f9a9999999999b93f"},
    {R"~(return H(struct.pack('>fd', 1.5, 0.1)))~", "3fc000003fb999999999999a"},
    {R"~(return H(struct.pack('<f', 1e300)))~", "0000807f"},
    {R"~(return H(struct.pack('<f', -1e-50)))~", "00000080"},
    {R"~(return H(struct.pack('<d', 1/0)))~", "000000000000f07f"},
    {R"~(return H(struct.pack('s', 'ab')))~", "616200"},
    {R"~(return H(struct.pack('s', 'a\0b')))~", "61006200"},
    {R"~(return H(struct.pack('s', 12)))~", "313200"},
    {R"~(return H(struct.pack('c', 'ab')))~", "61"},
    {R"~(return H(struct.pack('c', 1)))~", "31"},
    {R"~(return H(struct.pack('c3', 'ab')))~", "ERR bad argument #3 to 'pack' (string too short)"},
    {R"~(return H(struct.pack('b c3', 1, 'ab')))~",
     "ERR bad argument #4 to 'pack' (string too short)"},
    {R"~(return H(struct.pack('c0', 'abc')))~", "616263"},
    {R"~(return H(struct.pack('c0', 'a\0b')))~", "610062"},
    {R"~(return H(struct.pack('c2', 'abc')))~", "6162"},
    {R"~(return H(struct.pack('c0', '')))~", ""},
    {R"~(return H(struct.pack('x')))~", "00"},
    {R"~(return H(struct.pack('xbx', 7)))~", "000700"},
    {R"~(return H(struct.pack('  b  ', 7)))~", "07"},
    {R"~(return H(struct.pack('<>i', 1)))~", "00000001"},
    {R"~(return H(struct.pack('><i', 1)))~", "01000000"},
    {R"~(return H(struct.pack('>i<i', 1, 1)))~", "0000000101000000"},
    {R"~(return H(struct.pack('')))~", ""},
    {R"~(return H(struct.pack('', 1)))~", ""},
};

constexpr RecordedCase kPackAlignment[] = {
    {R"~(return H(struct.pack('!4 b i', 1, 2)))~", "0100000002000000"},
    {R"~(return H(struct.pack('!b d', 1, 2)))~", "01000000000000000000000000000040"},
    {R"~(return H(struct.pack('!b i', 1, 2)))~", "0100000002000000"},
    {R"~(return H(struct.pack('! b i16', 1, 2)))~",
     "010000000000000002000000000000000000000000000000"},
    {R"~(return H(struct.pack('!16 b d', 1, 2)))~", "01000000000000000000000000000040"},
    {R"~(return H(struct.pack('!2 b d', 1, 2)))~", "01000000000000000040"},
    {R"~(return H(struct.pack('!1 b d', 1, 2)))~", "010000000000000040"},
    {R"~(return H(struct.pack('!16 b i16', 1, 2)))~",
     "0100000000000000000000000000000002000000000000000000000000000000"},
    {R"~(return H(struct.pack('!16 b i12', 1, 2)))~",
     "010000000000000000000000020000000000000000000000"},
    {R"~(return H(struct.pack('!4 b i3', 1, 2)))~", "010000020000"},
    {R"~(return H(struct.pack('!8 bb i3 b i6', 1, 2, 3, 4, 5)))~", "010203000004050000000000"},
    {R"~(return H(struct.pack('!4 b c3', 1, 'abc')))~", "01616263"},
    {R"~(return H(struct.pack('!4 b s', 1, 'abc')))~", "0161626300"},
    {R"~(return H(struct.pack('!4 b x i', 1, 2)))~", "0100000002000000"},
    {R"~(return H(struct.pack('!4 x h', 1)))~", "00000100"},
    {R"~(return H(struct.pack('!4 s i', 'a', 1)))~", "6100000001000000"},
    {R"~(return H(struct.pack('!4 c0 i', 'a', 1)))~", "6100000001000000"},
    {R"~(return H(struct.pack('!4 b c0 i', 1, 'ab', 3)))~", "0161620003000000"},
    {R"~(return H(struct.pack('!8 b T', 1, 3)))~", "01000000000000000300000000000000"},
    {R"~(return H(struct.pack('<!8 b l', 1, -3)))~", "0100000000000000fdffffffffffffff"},
    {R"~(return H(struct.pack('b!4 b i', 1, 2, 3)))~", "0102000003000000"},
};

constexpr RecordedCase kPackErrors[] = {
    {R"~(return H(struct.pack('!3 b i', 1, 2)))~", "ERR alignment 3 is not a power of 2"},
    {R"~(return H(struct.pack('!0 b', 1)))~", "ERR alignment 0 is not a power of 2"},
    {R"~(return H(struct.pack('!99999999999 b', 1)))~", "ERR integral size overflow"},
    {R"~(return H(struct.pack('q')))~",
     "ERR bad argument #1 to 'pack' (invalid format option 'q')"},
    {R"~(return H(struct.pack('=')))~",
     "ERR bad argument #1 to 'pack' (invalid format option '=')"},
    {R"~(return H(struct.pack('b3', 1)))~",
     "ERR bad argument #1 to 'pack' (invalid format option '3')"},
    {R"~(return H(struct.pack('b\t', 1)))~",
     "ERR bad argument #1 to 'pack' (invalid format option '\011')"},
    {R"~(return H(struct.pack('b\200', 1)))~",
     "ERR bad argument #1 to 'pack' (invalid format option '\310')"},
    {R"~(return H(struct.pack('i')))~", "ERR bad argument #2 to 'pack' (number expected, got nil)"},
    {R"~(return H(struct.pack('i', 'x')))~",
     "ERR bad argument #2 to 'pack' (number expected, got string)"},
    {R"~(return H(struct.pack('ii')))~",
     "ERR bad argument #2 to 'pack' (number expected, got nil)"},
    {R"~(return H(struct.pack('bbb', 1)))~",
     "ERR bad argument #3 to 'pack' (number expected, got nil)"},
    {R"~(return H(struct.pack('i', {})))~",
     "ERR bad argument #2 to 'pack' (number expected, got table)"},
    {R"~(return H(struct.pack('s')))~", "ERR bad argument #2 to 'pack' (string expected, got nil)"},
    {R"~(return H(struct.pack()))~",
     "ERR bad argument #1 to 'pack' (string expected, got no value)"},
    {R"~(return H(struct.pack({})))~",
     "ERR bad argument #1 to 'pack' (string expected, got table)"},
    {R"~(return H(struct.pack('a\0b', 1)))~",
     "ERR bad argument #1 to 'pack' (invalid format option 'a')"},
};

constexpr RecordedCase kUnpackIntegers[] = {
    {R"~(return D(struct.unpack('>i', '\0\0\0\1')))~", "2:1 5"},
    {R"~(return D(struct.unpack('<i', '\255\255\255\255')))~", "2:-1 5"},
    {R"~(return D(struct.unpack('<I', '\255\255\255\255')))~", "2:4294967295 5"},
    {R"~(return D(struct.unpack('bBhH', '\255\255\254\255\254\255')))~", "5:-1 255 -2 65534 7"},
    {R"~(return D(struct.unpack('>bBhH', '\255\255\255\254\255\254')))~", "5:-1 255 -2 65534 7"},
    {R"~(return D(struct.unpack('lLT', string.rep('\255', 16) .. '\1' .. string.rep('\0', 7))))~",
     "4:-1 1.8446744073709552e+19 1 25"},
    {R"~(return D(struct.unpack('<i3', '\254\255\255')))~", "2:-2 4"},
    {R"~(return D(struct.unpack('<I3', '\254\255\255')))~", "2:16777214 4"},
    {R"~(return D(struct.unpack('>i3', '\128\0\0')))~", "2:-8388608 4"},
    {R"~(return D(struct.unpack('<i16', '\254\255\255\255\255\255\255\255\0\0\0\0\0\0\0\0')))~",
     "2:-2 17"},
    {R"~(return D(struct.unpack('<i16', '\254\255\255\255\255\255\255\255\255\255\255\255\255\255\255\255')))~",
     "2:-2 17"},
    {R"~(return D(struct.unpack('>i16', '\1\2\3\4\5\6\7\8\9\10\11\12\13\14\15\16')))~",
     "2:6.5134524249499622e+17 17"},
    {R"~(return D(struct.unpack('>i16', '\1\2\3\4\5\6\7\8\255\10\11\12\13\14\15\16')))~",
     "2:-69230697884283120 17"},
    {R"~(return D(struct.unpack('<i9', '\1\2\3\4\5\6\7\8\255')))~", "2:-127 10"},
    {R"~(return D(struct.unpack('<i9', '\1\2\3\4\5\6\7\8\127')))~", "2:-127 10"},
    {R"~(return D(struct.unpack('<I9', '\1\2\3\4\5\6\7\8\255')))~", "2:5.784376957523072e+17 10"},
    {R"~(return D(struct.unpack('<i12', '\1\2\3\4\5\6\7\8\9\10\11\12')))~", "2:-2080177663 13"},
    {R"~(return D(struct.unpack('<i8', '\255\255\255\255\255\255\255\127')))~",
     "2:9.2233720368547758e+18 9"},
    {R"~(return D(struct.unpack('<i8', '\0\0\0\0\0\0\0\128')))~", "2:-9.2233720368547758e+18 9"},
    {R"~(return D(struct.unpack('<I8', '\255\255\255\255\255\255\255\255')))~",
     "2:1.8446744073709552e+19 9"},
    {R"~(return D(struct.unpack('<i0', 'abc')))~", "2:0 1"},
    {R"~(return D(struct.unpack('<I0', 'abc')))~", "2:0 1"},
};

constexpr RecordedCase kUnpackFloatsAndStrings[] = {
    {R"~(return D(struct.unpack('fd', struct.pack('fd', 1.5, 0.1))))~",
     "3:1.5 0.10000000000000001 13"},
    {R"~(return D(struct.unpack('>fd', struct.pack('>fd', -2.25, 1e300))))~",
     "3:-2.25 1.0000000000000001e+300 13"},
    {R"~(return D(struct.unpack('>f', '\63\192\0\0')))~", "2:1.5 5"},
    {R"~(return D(struct.unpack('<f', '\0\0\192\127')))~", "2:nan 5"},
    {R"~(return D(struct.unpack('>d', '\63\248\0\0\0\0\0\0')))~", "2:1.5 9"},
    {R"~(return D(struct.unpack('s', 'ab\0cd')))~", "2:\"ab\" 4"},
    {R"~(return D(struct.unpack('ss', 'ab\0\0')))~", "3:\"ab\" \"\" 5"},
    {R"~(return D(struct.unpack('s', 'ab')))~", "ERR unfinished string in data"},
    {R"~(return D(struct.unpack('c2', 'abc')))~", "2:\"ab\" 3"},
    {R"~(return D(struct.unpack('c', 'abc')))~", "2:\"a\" 2"},
    {R"~(return D(struct.unpack('c0', 'abc')))~", "ERR format 'c0' needs a previous size"},
    {R"~(return D(struct.unpack('b c0', '\2abc')))~", "2:\"ab\" 4"},
    {R"~(return D(struct.unpack('b c0', '\0abc')))~", "2:\"\" 2"},
    {R"~(return D(struct.unpack('b c0', '\5abc')))~",
     "ERR bad argument #2 to 'unpack' (data string too short)"},
    {R"~(return D(struct.unpack('b c0', '\255abc')))~",
     "ERR bad argument #2 to 'unpack' (data string too short)"},
    {R"~(return D(struct.unpack('s c0', '2\0abc')))~", "2:\"ab\" 5"},
    {R"~(return D(struct.unpack('s c0', 'x\0abc')))~", "ERR format 'c0' needs a previous size"},
    {R"~(return D(struct.unpack('s c0', '1.5\0abc')))~", "2:\"a\" 6"},
    {R"~(return D(struct.unpack('s c0', '-0.5\0abc')))~", "2:\"\" 6"},
    {R"~(return D(struct.unpack('s c0', '1e300\0abc')))~", "2:\"\" 7"},
    {R"~(return D(struct.unpack('b c0 b', '\1abc')))~", "3:\"a\" 98 4"},
    {R"~(return D(struct.unpack('b c0 s', '\1abc\0')))~", "3:\"a\" \"bc\" 6"},
    {R"~(return D(struct.unpack('b b c0', '\1\2abc')))~", "3:1 \"ab\" 5"},
};

constexpr RecordedCase kUnpackPositions[] = {
    {R"~(return D(struct.unpack('x', 'a')))~", "1:2"},
    {R"~(return D(struct.unpack('xxb', 'abc')))~", "2:99 4"},
    {R"~(return D(struct.unpack('i', 1234)))~", "2:875770417 5"},
    {R"~(return D(struct.unpack('!4 b i', '\1\0\0\0\2\0\0\0')))~", "3:1 2 9"},
    {R"~(return D(struct.unpack('!4 b i', '\0\1\0\0\0\2\0\0\0', 2)))~", "3:1 512 9"},
    {R"~(return D(struct.unpack('!4 b i3 h', '\1\0\0\2\0\0\0\3\0')))~", "4:1 2 768 9"},
    {R"~(return D(struct.unpack('i', 'abc')))~",
     "ERR bad argument #2 to 'unpack' (data string too short)"},
    {R"~(return D(struct.unpack('i', 'abcd', 2)))~",
     "ERR bad argument #2 to 'unpack' (data string too short)"},
    {R"~(return D(struct.unpack('i', 'abcde', 2)))~", "2:1701077858 6"},
    {R"~(return D(struct.unpack('i', 'abcde', 2.9)))~", "2:1701077858 6"},
    {R"~(return D(struct.unpack('i', 'abcde', '2')))~", "2:1701077858 6"},
    {R"~(return D(struct.unpack('i', 'abcd', '2x')))~",
     "ERR bad argument #3 to 'unpack' (number expected, got string)"},
    {R"~(return D(struct.unpack('b', 'abcd', 0)))~",
     "ERR bad argument #3 to 'unpack' (offset must be 1 or greater)"},
    {R"~(return D(struct.unpack('b', 'abcd', -1)))~",
     "ERR bad argument #2 to 'unpack' (data string too short)"},
    {R"~(return D(struct.unpack('h', 'abcd', -1)))~",
     "ERR bad argument #2 to 'unpack' (data string too short)"},
    {R"~(return D(struct.unpack('i', 'abcd', -3)))~",
     "ERR bad argument #2 to 'unpack' (data string too short)"},
    {R"~(return D(struct.unpack('b', 'abcd', 4)))~", "2:100 5"},
    {R"~(return D(struct.unpack('b', 'abcd', 5)))~",
     "ERR bad argument #2 to 'unpack' (data string too short)"},
    {R"~(return D(struct.unpack('x', 'abcd', 5)))~",
     "ERR bad argument #2 to 'unpack' (data string too short)"},
    {R"~(return D(struct.unpack('', 'abcd', 5)))~", "1:5"},
    {R"~(return D(struct.unpack('', 'abcd', 100)))~", "1:100"},
    {R"~(return D(struct.unpack('', 'abcd', -1)))~", "1:-1"},
    {R"~(return D(struct.unpack('b', '\1', 1, 2)))~", "2:1 2"},
    {R"~(return D(struct.unpack('z', 'a')))~",
     "ERR bad argument #1 to 'unpack' (invalid format option 'z')"},
    {R"~(return D(struct.unpack('b3', '\1')))~",
     "ERR bad argument #1 to 'unpack' (invalid format option '3')"},
    {R"~(return D(struct.unpack('!3', '')))~", "ERR alignment 3 is not a power of 2"},
    {R"~(return D(struct.unpack('i33', '')))~", "ERR integral size 33 is larger than limit of 32"},
    {R"~(return D(struct.unpack('b')))~",
     "ERR bad argument #2 to 'unpack' (string expected, got no value)"},
    {R"~(return D(struct.unpack()))~",
     "ERR bad argument #1 to 'unpack' (string expected, got no value)"},
    {R"~(return select('#', struct.unpack(string.rep('b', 7997), string.rep('\1', 9000))))~",
     "1:7998"},
    {R"~(return D(struct.unpack(string.rep('b', 7998), string.rep('\1', 9000))))~",
     "ERR stack overflow (too many results)"},
    {R"~(return select('#', struct.unpack(string.rep('b', 7996), string.rep('\1', 9000), 1)))~",
     "1:7997"},
    {R"~(return D(struct.unpack(string.rep('b', 7997), string.rep('\1', 9000), 1)))~",
     "ERR stack overflow (too many results)"},
    {R"~(return select('#', struct.unpack(string.rep('x', 9000) .. 'b', string.rep('\1', 9001))))~",
     "1:2"},
};

constexpr RecordedCase kSize[] = {
    {R"~(return D(struct.size('bhi')))~", "1:7"},
    {R"~(return D(struct.size('!bhid')))~", "1:16"},
    {R"~(return D(struct.size('lLTfd')))~", "1:36"},
    {R"~(return D(struct.size('c3')))~", "1:3"},
    {R"~(return D(struct.size('x!4 x b i')))~", "1:8"},
    {R"~(return D(struct.size('!4 b i3')))~", "1:6"},
    {R"~(return D(struct.size('i16 I7')))~", "1:23"},
    {R"~(return D(struct.size('')))~", "1:0"},
    {R"~(return D(struct.size('q')))~", "1:0"},
    {R"~(return D(struct.size('b3')))~", "1:1"},
    {R"~(return D(struct.size('c2147483647c2147483647')))~", "1:4294967294"},
    {R"~(return D(struct.size('s')))~",
     "ERR bad argument #1 to 'size' (option 's' has no fixed size)"},
    {R"~(return D(struct.size('c0')))~",
     "ERR bad argument #1 to 'size' (option 'c0' has no fixed size)"},
    {R"~(return D(struct.size('bc0')))~",
     "ERR bad argument #1 to 'size' (option 'c0' has no fixed size)"},
    {R"~(return D(struct.size('i33')))~", "ERR integral size 33 is larger than limit of 32"},
    {R"~(return D(struct.size('c3000000000')))~", "ERR integral size overflow"},
    {R"~(return D(struct.size('=')))~",
     "ERR bad argument #1 to 'size' (invalid format option '=')"},
    {R"~(return D(struct.size('b\128')))~",
     "ERR bad argument #1 to 'size' (invalid format option '\200')"},
    {R"~(return D(struct.size('!6')))~", "ERR alignment 6 is not a power of 2"},
    {R"~(return D(struct.size()))~",
     "ERR bad argument #1 to 'size' (string expected, got no value)"},
    {R"~(local n = 0 for k in pairs(struct) do n = n + 1 end return n)~", "1:3"},
};

void ExpectAllMatch(std::span<const RecordedCase> cases) {
  SnippetRunner lua;
  for (const RecordedCase& c : cases) {
    EXPECT_EQ(lua.Run(c.snippet), c.expected) << c.snippet;
  }
}

TEST(LuaStructTest, OpenLeavesTheModuleOnTheStackAndAsAGlobal) {
  lua_State* L = luaL_newstate();
  luaL_openlibs(L);
  const int top = lua_gettop(L);
  EXPECT_EQ(OpenStruct(L), 1);
  ASSERT_EQ(lua_gettop(L), top + 1);
  EXPECT_TRUE(lua_istable(L, -1));
  lua_getglobal(L, "struct");
  EXPECT_TRUE(lua_rawequal(L, -1, -2));
  lua_getfield(L, -1, "unpack");
  EXPECT_TRUE(lua_iscfunction(L, -1));
  lua_close(L);
}

TEST(LuaStructTest, RoundTripsARecord) {
  SnippetRunner lua;
  EXPECT_EQ(lua.Run("local fmt = '>!4 b H i l s b c0 d' "
                    "local s = struct.pack(fmt, -5, 60000, -70000, 2^40, 'name', 3, 'raw', 0.5) "
                    "return D(#s, struct.unpack(fmt, s))"),
            "9:36 -5 60000 -70000 1099511627776 \"name\" \"raw\" 0.5 37");
}

TEST(LuaStructTest, SizeMatchesWhatPackWrites) {
  SnippetRunner lua;
  EXPECT_EQ(lua.Run("return D(struct.size('!4 b h i d'), #struct.pack('!4 b h i d', 1, 2, 3, 4))"),
            "2:16 16");
}

TEST(LuaStructTest, PacksIntegersLikeRedis) { ExpectAllMatch(kPackIntegers); }
TEST(LuaStructTest, PacksFloatsAndStringsLikeRedis) { ExpectAllMatch(kPackFloatsAndStrings); }
TEST(LuaStructTest, AlignsLikeRedis) { ExpectAllMatch(kPackAlignment); }
TEST(LuaStructTest, PackErrorsLikeRedis) { ExpectAllMatch(kPackErrors); }
TEST(LuaStructTest, UnpacksIntegersLikeRedis) { ExpectAllMatch(kUnpackIntegers); }
TEST(LuaStructTest, UnpacksFloatsAndStringsLikeRedis) { ExpectAllMatch(kUnpackFloatsAndStrings); }
TEST(LuaStructTest, UnpackPositionsLikeRedis) { ExpectAllMatch(kUnpackPositions); }
TEST(LuaStructTest, SizesLikeRedis) { ExpectAllMatch(kSize); }

}  // namespace
}  // namespace tandem::scripting::testing
