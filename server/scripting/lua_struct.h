#pragma once
// The `struct` Lua library that Redis exposes to scripts: packing Lua values into binary records,
// in the format language of Roberto Ierusalimschy's struct library.
//
//   struct.pack(fmt, v1, ...)     -> the packed string
//   struct.unpack(fmt, s [, pos]) -> the values read from s at 1-based pos, then the next pos
//   struct.size(fmt)              -> the packed size of a fixed-size format
//
// Format: ">" big endian, "<" little endian (the default is the machine's), "!n" align fields to
// at most n bytes ("!" alone: 8; the default is no alignment), " " ignored, "x" a zero byte,
// "b"/"B" signed/unsigned char, "h"/"H" short, "l"/"L" long, "T" size_t, "i[n]"/"I[n]" an n-byte
// integer (default 4, at most 32), "f" float, "d" double, "c[n]" n raw bytes ("c0": the whole
// string when packing, the length read just before when unpacking), "s" a zero-terminated string.
// Results and error texts match redis-server 7.0 on x86-64 byte for byte; see lua_struct.cc.

struct lua_State;

namespace tandem::scripting {

// Creates the table `struct` (pack, unpack, size), stores it as a global and leaves it on the
// stack, like a luaopen_ function. Returns 1.
int OpenStruct(lua_State* L);

}  // namespace tandem::scripting
