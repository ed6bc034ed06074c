#pragma once
// Runs Lua snippets in a bare Lua 5.1 state with the cmsgpack and struct libraries loaded, and
// returns their results as text, so tests can compare them with what redis-server's EVAL gave for
// the same snippet (recorded by running kSnippetPrelude + "return R(function() <snippet> end)").

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
}

#include <string>
#include <string_view>

#include "server/scripting/lua_cmsgpack.h"
#include "server/scripting/lua_struct.h"

namespace tandem::scripting::testing {

// D: values as text (count, then each value; table keys sorted). H: hex. R: f's result as a
// string, or "ERR " and the error without its "chunk:line: " prefix.
inline constexpr std::string_view kSnippetPrelude = R"lua(
local function D(...)
  local function d(v)
    local t = type(v)
    if t == 'string' then return string.format('%q', v) end
    if t == 'number' then return string.format('%.17g', v) end
    if t ~= 'table' then return tostring(v) end
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return d(a) < d(b) end)
    local out = {}
    for _, k in ipairs(keys) do out[#out + 1] = d(k) .. '=' .. d(v[k]) end
    return '{' .. table.concat(out, ',') .. '}'
  end
  local out = {}
  for i = 1, select('#', ...) do out[i] = d((select(i, ...))) end
  return select('#', ...) .. ':' .. table.concat(out, ' ')
end
local function H(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end
local function R(f)
  local ok, res = pcall(f)
  if ok then return type(res) == 'string' and res or D(res) end
  return 'ERR ' .. (tostring(res):gsub('^[%w_]+:%d+: ', ''))
end
)lua";

// A snippet and the text redis-server 7.0.15 returned for it.
struct RecordedCase {
  const char* snippet;
  std::string_view expected;
};

class SnippetRunner {
 public:
  SnippetRunner() : L_(luaL_newstate()) {
    luaL_openlibs(L_);
    OpenCmsgpack(L_);
    OpenStruct(L_);
    lua_settop(L_, 0);
  }
  ~SnippetRunner() { lua_close(L_); }
  SnippetRunner(const SnippetRunner&) = delete;
  SnippetRunner& operator=(const SnippetRunner&) = delete;

  lua_State* state() { return L_; }

  // The snippet's result as R formats it, or "LUA FAILURE: ..." if the chunk itself fails.
  std::string Run(std::string_view snippet) {
    std::string chunk(kSnippetPrelude);
    chunk += "\nreturn R(function() ";
    chunk += snippet;
    chunk += " end)";
    if (luaL_loadbuffer(L_, chunk.data(), chunk.size(), "=test") != 0 ||
        lua_pcall(L_, 0, 1, 0) != 0) {
      std::string error = "LUA FAILURE: ";
      error += lua_tostring(L_, -1);
      lua_settop(L_, 0);
      return error;
    }
    size_t len = 0;
    const char* s = lua_tolstring(L_, -1, &len);
    std::string result = s == nullptr ? "(not a string)" : std::string(s, len);
    lua_settop(L_, 0);
    return result;
  }

 private:
  lua_State* L_;
};

}  // namespace tandem::scripting::testing
