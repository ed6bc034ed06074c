#include "server/scripting/lua_convert.h"

#include <string>
#include <string_view>

namespace tandem::scripting {
namespace {

using Type = resp::Reply::Type;

void PushString(lua_State* L, std::string_view s) { lua_pushlstring(L, s.data(), s.size()); }

// The string field `name` of the table on top, or nullopt-like empty view with *found false.
bool RawStringField(lua_State* L, const char* name, std::string* out) {
  lua_pushstring(L, name);
  lua_rawget(L, -2);
  bool found = lua_type(L, -1) == LUA_TSTRING;
  if (found) {
    size_t len = 0;
    const char* s = lua_tolstring(L, -1, &len);
    out->assign(s, len);
  }
  lua_pop(L, 1);
  return found;
}

// Status and big number texts must stay on one line.
std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return s;
}

// Writes the table on top (not popped). Returns after one reply.
void WriteTable(lua_State* L, resp::ReplyBuilder& out, int script_protocol) {
  std::string text;
  if (RawStringField(L, "err", &text)) return out.Error(text);
  if (RawStringField(L, "ok", &text)) return out.SimpleString(OneLine(std::move(text)));

  lua_pushstring(L, "double");
  lua_rawget(L, -2);
  if (lua_type(L, -1) == LUA_TNUMBER) {
    out.Double(lua_tonumber(L, -1));
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 1);

  if (RawStringField(L, "big_number", &text)) return out.BigNumber(OneLine(std::move(text)));

  lua_pushstring(L, "verbatim_string");
  lua_rawget(L, -2);
  if (lua_istable(L, -1)) {
    std::string format;
    if (RawStringField(L, "format", &format) && RawStringField(L, "string", &text)) {
      lua_pop(L, 1);
      return out.Verbatim(text, format);
    }
  }
  lua_pop(L, 1);

  for (const char* aggregate : {"map", "set"}) {
    lua_pushstring(L, aggregate);
    lua_rawget(L, -2);
    if (!lua_istable(L, -1)) {
      lua_pop(L, 1);
      continue;
    }
    bool is_map = aggregate[0] == 'm';
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
      lua_pop(L, 1);
      ++n;
    }
    is_map ? out.MapHeader(n) : out.SetHeader(n);
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
      if (is_map) {
        lua_pushvalue(L, -2);
        WriteLuaValue(L, out, script_protocol);  // the key
        WriteLuaValue(L, out, script_protocol);  // the value
      } else {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        WriteLuaValue(L, out, script_protocol);
      }
    }
    lua_pop(L, 1);
    return;
  }

  size_t n = 0;
  while (true) {
    lua_rawgeti(L, -1, static_cast<int>(n + 1));
    bool end = lua_isnil(L, -1);
    lua_pop(L, 1);
    if (end) break;
    ++n;
  }
  out.ArrayHeader(n);
  for (size_t i = 1; i <= n; ++i) {
    lua_rawgeti(L, -1, static_cast<int>(i));
    WriteLuaValue(L, out, script_protocol);
  }
}

}  // namespace

int64_t LuaNumberToInteger(lua_Number n) {
  // 2^63 as a double; [-2^63, 2^63) is what fits.
  constexpr double kLimit = 9223372036854775808.0;
  if (!(n >= -kLimit && n < kLimit)) return INT64_MIN;
  return static_cast<int64_t>(n);
}

void PushReply(lua_State* L, const resp::Reply& reply, int protocol) {
  luaL_checkstack(L, 4, "reached lua stack limit");
  switch (reply.type) {
    case Type::kInteger:
      lua_pushnumber(L, static_cast<lua_Number>(reply.integer));
      return;
    case Type::kBulk:
      PushString(L, reply.str);
      return;
    case Type::kString:
    case Type::kError:
      lua_createtable(L, 0, 1);
      PushString(L, reply.str);
      lua_setfield(L, -2, reply.type == Type::kString ? "ok" : "err");
      return;
    case Type::kNil:
      protocol == 2 ? lua_pushboolean(L, 0) : lua_pushnil(L);
      return;
    case Type::kBool:
      lua_pushboolean(L, reply.integer != 0);
      return;
    case Type::kDouble:
      lua_createtable(L, 0, 1);
      lua_pushnumber(L, reply.dbl);
      lua_setfield(L, -2, "double");
      return;
    case Type::kBigNumber:
      lua_createtable(L, 0, 1);
      PushString(L, reply.str);
      lua_setfield(L, -2, "big_number");
      return;
    case Type::kVerbatim:
      lua_createtable(L, 0, 1);
      lua_createtable(L, 0, 2);
      PushString(L, reply.format);
      lua_setfield(L, -2, "format");
      PushString(L, reply.str);
      lua_setfield(L, -2, "string");
      lua_setfield(L, -2, "verbatim_string");
      return;
    case Type::kArray:
    case Type::kPush:
      lua_createtable(L, static_cast<int>(reply.elements.size()), 0);
      for (size_t i = 0; i < reply.elements.size(); ++i) {
        PushReply(L, reply.elements[i], protocol);
        lua_rawseti(L, -2, static_cast<int>(i + 1));
      }
      return;
    case Type::kMap:
    case Type::kSet: {
      bool is_map = reply.type == Type::kMap;
      lua_createtable(L, 0, 1);
      lua_createtable(L, 0, static_cast<int>(reply.elements.size()));
      for (size_t i = 0; i < reply.elements.size(); i += is_map ? 2 : 1) {
        PushReply(L, reply.elements[i], protocol);
        if (is_map && i + 1 < reply.elements.size()) {
          PushReply(L, reply.elements[i + 1], protocol);
        } else {
          lua_pushboolean(L, 1);
        }
        // A nil key (a RESP3 null) cannot be stored: Lua would raise.
        if (lua_isnil(L, -2)) {
          lua_pop(L, 2);
        } else {
          lua_rawset(L, -3);
        }
      }
      lua_setfield(L, -2, is_map ? "map" : "set");
      return;
    }
  }
  lua_pushnil(L);
}

void WriteLuaValue(lua_State* L, resp::ReplyBuilder& out, int script_protocol) {
  switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
      size_t len = 0;
      const char* s = lua_tolstring(L, -1, &len);
      out.Bulk(std::string_view(s, len));
      break;
    }
    case LUA_TBOOLEAN:
      if (script_protocol == 2) {
        lua_toboolean(L, -1) ? out.Integer(1) : out.Null();
      } else {
        out.Bool(lua_toboolean(L, -1) != 0);
      }
      break;
    case LUA_TNUMBER:
      out.Integer(LuaNumberToInteger(lua_tonumber(L, -1)));
      break;
    case LUA_TTABLE:
      // Each nesting level needs a few slots; a table that contains itself ends here.
      if (!lua_checkstack(L, 4)) {
        out.Error("ERR reached lua stack limit");
      } else {
        WriteTable(L, out, script_protocol);
      }
      break;
    default:
      out.Null();
  }
  lua_pop(L, 1);
}

}  // namespace tandem::scripting
