#pragma once
// Conversions between command replies and Lua values, as Redis 7.0 does them for scripts (see
// redis-doc docs/interact/programmability/lua-api.md, "Data type conversion").

#include <cstdint>
#include <lua.hpp>

#include "server/resp/reply_builder.h"
#include "server/resp/reply_parser.h"

namespace tandem::scripting {

// Pushes `reply` (what redis.call got) as the Lua value a script sees. `protocol` is the script's
// (redis.setresp): integer -> number, bulk -> string, status -> {ok=s}, error -> {err=s},
// array -> table; null -> false in RESP2, nil in RESP3; RESP3 only: map -> {map={k=v}},
// set -> {set={m=true}}, double -> {double=n}, boolean -> boolean, big number ->
// {big_number=s}, verbatim -> {verbatim_string={format=f, string=s}}.
void PushReply(lua_State* L, const resp::Reply& reply, int protocol);

// Pops the value on top of `L` and writes it to `out` (in the caller's protocol): string -> bulk,
// number -> integer (truncated), true -> 1 and false -> null while the script speaks RESP2
// (booleans under redis.setresp(3)), nil -> null, and tables: {err=s} -> error, {ok=s} -> status,
// {double=n}, {big_number=s}, {verbatim_string=...}, {map=t}, {set=t}, else an array of the
// elements 1..n up to the first nil.
void WriteLuaValue(lua_State* L, resp::ReplyBuilder& out, int script_protocol);

// A Lua number as a reply integer: truncated toward zero, as C's cast on x86-64 gives it (NaN and
// values out of range become INT64_MIN).
int64_t LuaNumberToInteger(lua_Number n);

}  // namespace tandem::scripting
