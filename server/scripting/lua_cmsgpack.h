#pragma once
// The `cmsgpack` Lua library that Redis exposes to scripts: MessagePack encoding of Lua values.
//
//   cmsgpack.pack(v1, ...)                -> the concatenated encodings of every argument
//   cmsgpack.unpack(s)                    -> every object decoded from s
//   cmsgpack.unpack_one(s [, offset])     -> next_offset, one object
//   cmsgpack.unpack_limit(s, n [, offset])-> next_offset, up to n objects (n = 0: all of them)
//
// Offsets are 0-based byte positions; next_offset is -1 once s is used up. Behaviour (integer vs
// float32 vs float64 numbers, array vs map tables, the nesting limit of 16 tables, error texts,
// stack limits) matches redis-server 7.0's scripts byte for byte; see lua_cmsgpack.cc.

struct lua_State;

namespace tandem::scripting {

// Creates the table `cmsgpack` (with Redis's _NAME/_VERSION/_COPYRIGHT/_DESCRIPTION strings),
// stores it as a global and leaves it on the stack, like a luaopen_ function. Returns 1.
int OpenCmsgpack(lua_State* L);

}  // namespace tandem::scripting
