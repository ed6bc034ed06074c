#include "server/scripting/lua_cmsgpack.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

// Written from the MessagePack specification (github.com/msgpack/msgpack/blob/master/spec.md).
// Lua errors unwind with longjmp, so no frame below a call that can raise one owns an object with
// a destructor: decoding keeps only pointers and raises its errors at the top; packing records
// stack overflow instead of raising it, and raises only once its std::string is gone (short of
// Lua running out of memory).

namespace tandem::scripting {
namespace {

// Tables nested deeper than this are packed as nil (Redis's limit).
constexpr int kMaxNesting = 16;

constexpr char kTooManyValues[] =
    "too many return values at once; use unpack_one or unpack_limit instead.";

// True when n is an integer that int64_t holds (so -0.0 counts as 0; NaN and inf do not).
bool IsInt64(double n) { return n >= -0x1p63 && n < 0x1p63 && n == std::trunc(n); }

void AppendBigEndian(std::string& out, uint64_t v, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

// The smallest encoding: unsigned forms for non-negative values, signed forms for negative ones.
void PackInteger(std::string& out, int64_t v) {
  if (v >= 0) {
    const auto u = static_cast<uint64_t>(v);
    if (u <= 0x7f) {
      out.push_back(static_cast<char>(u));  // positive fixint
    } else if (u <= 0xff) {
      out.push_back('\xcc');
      AppendBigEndian(out, u, 1);
    } else if (u <= 0xffff) {
      out.push_back('\xcd');
      AppendBigEndian(out, u, 2);
    } else if (u <= 0xffffffff) {
      out.push_back('\xce');
      AppendBigEndian(out, u, 4);
    } else {
      out.push_back('\xcf');
      AppendBigEndian(out, u, 8);
    }
    return;
  }
  const auto bits = static_cast<uint64_t>(v);
  if (v >= -32) {
    out.push_back(static_cast<char>(bits & 0xff));  // negative fixint
  } else if (v >= INT8_MIN) {
    out.push_back('\xd0');
    AppendBigEndian(out, bits, 1);
  } else if (v >= INT16_MIN) {
    out.push_back('\xd1');
    AppendBigEndian(out, bits, 2);
  } else if (v >= INT32_MIN) {
    out.push_back('\xd2');
    AppendBigEndian(out, bits, 4);
  } else {
    out.push_back('\xd3');
    AppendBigEndian(out, bits, 8);
  }
}

// float32 when the value survives the round trip (inf does, NaN never), float64 otherwise.
void PackFloat(std::string& out, double d) {
  const auto f = static_cast<float>(d);
  if (static_cast<double>(f) == d) {
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof(bits));
    out.push_back('\xca');
    AppendBigEndian(out, bits, 4);
  } else {
    uint64_t bits;
    std::memcpy(&bits, &d, sizeof(bits));
    out.push_back('\xcb');
    AppendBigEndian(out, bits, 8);
  }
}

void PackNumber(std::string& out, double n) {
  if (IsInt64(n)) {
    PackInteger(out, static_cast<int64_t>(n));
  } else {
    PackFloat(out, n);
  }
}

void PackString(std::string& out, const char* s, size_t len) {
  if (len < 32) {
    out.push_back(static_cast<char>(0xa0 | len));
  } else if (len <= 0xff) {
    out.push_back('\xd9');
    AppendBigEndian(out, len, 1);
  } else if (len <= 0xffff) {
    out.push_back('\xda');
    AppendBigEndian(out, len, 2);
  } else {
    out.push_back('\xdb');
    AppendBigEndian(out, len, 4);
  }
  out.append(s, len);
}

// fix_tag is the fixarray/fixmap tag; the 16- and 32-bit forms follow it at wide_tag and +1.
void PackContainerHeader(std::string& out, size_t n, unsigned char fix_tag,
                         unsigned char wide_tag) {
  if (n < 16) {
    out.push_back(static_cast<char>(fix_tag | n));
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(wide_tag));
    AppendBigEndian(out, n, 2);
  } else {
    out.push_back(static_cast<char>(wide_tag + 1));
    AppendBigEndian(out, n, 4);
  }
}

// A table is an array when its keys are exactly 1..n (no holes); the empty table is an array.
// Returns the number of entries and sets *is_array.
size_t CountEntries(lua_State* L, int table, bool* is_array) {
  size_t count = 0;
  double max_key = 0;
  *is_array = true;
  lua_pushnil(L);
  while (lua_next(L, table) != 0) {
    lua_pop(L, 1);
    ++count;
    if (lua_type(L, -1) == LUA_TNUMBER) {
      const double k = lua_tonumber(L, -1);
      if (k > 0 && IsInt64(k)) {
        if (k > max_key) max_key = k;
        continue;
      }
    }
    *is_array = false;
  }
  if (*is_array && max_key != static_cast<double>(count)) *is_array = false;
  return count;
}

// Packs one Lua value into `out`. Running out of Lua stack is recorded in `overflow` (with the
// text Redis's check reports at that point) rather than raised, so that `out` can be freed first.
class Packer {
 public:
  explicit Packer(lua_State* L) : L_(L) {}

  // Packs the value on top of the stack and pops it. Functions, userdata and threads pack as nil.
  void Value(int level) {
    if (overflow_ == nullptr) {
      switch (lua_type(L_, -1)) {
        case LUA_TNUMBER:
          PackNumber(out_, lua_tonumber(L_, -1));
          break;
        case LUA_TSTRING: {
          size_t len;
          const char* s = lua_tolstring(L_, -1, &len);
          PackString(out_, s, len);
          break;
        }
        case LUA_TBOOLEAN:
          out_.push_back(lua_toboolean(L_, -1) ? '\xc3' : '\xc2');
          break;
        case LUA_TTABLE:
          if (level < kMaxNesting) {
            Table(level);
          } else {
            out_.push_back('\xc0');
          }
          break;
        default:
          out_.push_back('\xc0');
          break;
      }
    }
    lua_pop(L_, 1);
  }

  const std::string& out() const { return out_; }
  // The luaL_checkstack message of the check that failed, or nullptr.
  const char* overflow() const { return overflow_; }

 private:
  bool Reserve(int slots, const char* where) {
    if (lua_checkstack(L_, slots)) return true;
    overflow_ = where;
    return false;
  }

  // Packs the table on top of the stack (left there).
  void Table(int level) {
    if (!Reserve(2, "in function table_is_an_array")) return;
    const int table = lua_gettop(L_);
    bool is_array;
    const size_t count = CountEntries(L_, table, &is_array);
    if (is_array) {
      PackContainerHeader(out_, count, 0x90, 0xdc);
      for (size_t i = 1; i <= count && overflow_ == nullptr; ++i) {
        lua_rawgeti(L_, table, static_cast<int>(i));
        Value(level + 1);
      }
      return;
    }
    if (!Reserve(3, "in function mp_encode_lua_table_as_map")) return;
    PackContainerHeader(out_, count, 0x80, 0xde);
    lua_pushnil(L_);
    while (lua_next(L_, table) != 0) {
      // Pack a copy of the key: lua_next needs the original untouched.
      lua_pushvalue(L_, -2);
      Value(level + 1);
      Value(level + 1);
      if (overflow_ != nullptr) {
        lua_pop(L_, 1);
        return;
      }
    }
  }

  lua_State* L_;
  std::string out_;
  const char* overflow_ = nullptr;
};

// Pushes the packed form of argument i, or returns the stack overflow message (pushing nothing).
const char* PackArgument(lua_State* L, int i) {
  Packer packer(L);
  lua_pushvalue(L, i);
  packer.Value(0);
  if (packer.overflow() != nullptr) return packer.overflow();
  lua_pushlstring(L, packer.out().data(), packer.out().size());
  return nullptr;
}

// Like Redis, packs each argument into its own string on the stack and concatenates them at the
// end, so scripts run out of stack at the same depths.
int Pack(lua_State* L) {
  const int nargs = lua_gettop(L);
  if (nargs == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
  if (!lua_checkstack(L, nargs)) {
    return luaL_argerror(L, 0, "Too many arguments for MessagePack pack.");
  }
  for (int i = 1; i <= nargs; ++i) {
    if (const char* overflow = PackArgument(L, i); overflow != nullptr) {
      return luaL_error(L, "stack overflow (%s)", overflow);
    }
  }
  lua_concat(L, nargs);
  return 1;
}

// Decoding. The stack checks and their messages reproduce where Redis runs out of Lua stack
// (LUAI_MAXCSTACK slots per C call): every value checks for one slot, every array for one more.

enum class DecodeError { kNone, kEof, kBadFormat };

struct Cursor {
  const unsigned char* p;
  size_t left;
  DecodeError error;
};

bool Need(Cursor& c, size_t n) {
  if (c.left < n) {
    c.error = DecodeError::kEof;
    return false;
  }
  return true;
}

// Reads an n-byte big-endian unsigned value (the caller has checked Need(c, n)).
uint64_t TakeBigEndian(Cursor& c, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | c.p[i];
  c.p += n;
  c.left -= n;
  return v;
}

void DecodeValue(lua_State* L, Cursor& c);

void DecodeArray(lua_State* L, Cursor& c, size_t n) {
  lua_newtable(L);
  luaL_checkstack(L, 1, "in function mp_decode_to_lua_array");
  for (size_t i = 1; i <= n; ++i) {
    lua_pushnumber(L, static_cast<lua_Number>(i));
    DecodeValue(L, c);
    if (c.error != DecodeError::kNone) return;
    lua_settable(L, -3);
  }
}

// A nil or NaN key raises Lua's own "table index is nil/NaN" error, as in Redis.
void DecodeMap(lua_State* L, Cursor& c, size_t n) {
  lua_newtable(L);
  for (size_t i = 0; i < n; ++i) {
    DecodeValue(L, c);
    if (c.error != DecodeError::kNone) return;
    DecodeValue(L, c);
    if (c.error != DecodeError::kNone) return;
    lua_settable(L, -3);
  }
}

void DecodeString(lua_State* L, Cursor& c, size_t len) {
  if (!Need(c, len)) return;
  lua_pushlstring(L, reinterpret_cast<const char*>(c.p), len);
  c.p += len;
  c.left -= len;
}

// Reads the length field of a str/array/map form, then decodes its body.
void DecodeSized(lua_State* L, Cursor& c, int length_bytes,
                 void (*body)(lua_State*, Cursor&, size_t)) {
  if (!Need(c, length_bytes)) return;
  body(L, c, TakeBigEndian(c, length_bytes));
}

// The payload size of the fixed-width number forms; 0 for every other tag.
int NumberWidth(unsigned char tag) {
  if (tag == 0xcc || tag == 0xd0) return 1;
  if (tag == 0xcd || tag == 0xd1) return 2;
  if (tag == 0xce || tag == 0xd2 || tag == 0xca) return 4;
  if (tag == 0xcf || tag == 0xd3 || tag == 0xcb) return 8;
  return 0;
}

// The value of a fixed-width number form. uint64 values above INT64_MAX come out negative, as
// Redis's do.
lua_Number NumberValue(unsigned char tag, uint64_t v) {
  switch (tag) {
    case 0xd0:
      return static_cast<int8_t>(v);
    case 0xd1:
      return static_cast<int16_t>(v);
    case 0xd2:
      return static_cast<int32_t>(v);
    case 0xcf:
    case 0xd3:
      return static_cast<lua_Number>(static_cast<int64_t>(v));
    case 0xca: {
      float f;
      const auto bits = static_cast<uint32_t>(v);
      std::memcpy(&f, &bits, sizeof(f));
      return f;
    }
    case 0xcb: {
      double d;
      std::memcpy(&d, &v, sizeof(d));
      return d;
    }
    default:  // 0xcc, 0xcd, 0xce
      return static_cast<lua_Number>(v);
  }
}

// Pushes the next value, unless c.error is set on return.
void DecodeValue(lua_State* L, Cursor& c) {
  luaL_checkstack(L, 1, kTooManyValues);
  if (!Need(c, 1)) return;
  const unsigned char tag = *c.p++;
  --c.left;
  if (tag <= 0x7f) return lua_pushnumber(L, tag);
  if (tag >= 0xe0) return lua_pushnumber(L, static_cast<int8_t>(tag));
  if ((tag & 0xe0) == 0xa0) return DecodeString(L, c, tag & 0x1f);
  if ((tag & 0xf0) == 0x90) return DecodeArray(L, c, tag & 0x0f);
  if ((tag & 0xf0) == 0x80) return DecodeMap(L, c, tag & 0x0f);
  if (const int width = NumberWidth(tag); width != 0) {
    if (Need(c, width)) lua_pushnumber(L, NumberValue(tag, TakeBigEndian(c, width)));
    return;
  }
  switch (tag) {
    case 0xc0:
      return lua_pushnil(L);
    case 0xc2:
      return lua_pushboolean(L, 0);
    case 0xc3:
      return lua_pushboolean(L, 1);
    case 0xd9:
      return DecodeSized(L, c, 1, DecodeString);
    case 0xda:
      return DecodeSized(L, c, 2, DecodeString);
    case 0xdb:
      return DecodeSized(L, c, 4, DecodeString);
    case 0xdc:
      return DecodeSized(L, c, 2, DecodeArray);
    case 0xdd:
      return DecodeSized(L, c, 4, DecodeArray);
    case 0xde:
      return DecodeSized(L, c, 2, DecodeMap);
    case 0xdf:
      return DecodeSized(L, c, 4, DecodeMap);
    default:  // bin, ext, and the unused 0xc1: Redis's cmsgpack rejects them too
      c.error = DecodeError::kBadFormat;
      return;
  }
}

// Error texts print offsets and lengths as C ints, as Redis does.
int AsCInt(long long v) { return static_cast<int>(static_cast<uint32_t>(v)); }

// Decodes from byte `offset` of argument 1: everything when limit and offset are both 0 (no
// offset returned), else up to `limit` values preceded by the next offset (-1 at the end).
int UnpackFull(lua_State* L, lua_Integer limit, lua_Integer offset) {
  size_t len;
  const char* s = luaL_checklstring(L, 1, &len);
  lua_settop(L, 1);  // Redis returns its results above the input string alone.
  if (offset < 0 || limit < 0) {
    return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.",
                      AsCInt(offset), AsCInt(static_cast<long long>(len)));
  }
  if (static_cast<size_t>(offset) > len) {
    return luaL_error(L, "Start offset %d greater than input length %d.", AsCInt(offset),
                      AsCInt(static_cast<long long>(len)));
  }
  const bool decode_all = limit == 0 && offset == 0;
  Cursor c{reinterpret_cast<const unsigned char*>(s) + offset, len - offset, DecodeError::kNone};
  int count = 0;
  for (; c.left > 0 && (decode_all || count < limit); ++count) {
    DecodeValue(L, c);
    if (c.error == DecodeError::kEof) return luaL_error(L, "Missing bytes in input.");
    if (c.error == DecodeError::kBadFormat) return luaL_error(L, "Bad data format in input.");
  }
  if (decode_all) return count;
  luaL_checkstack(L, 1, "in function mp_unpack_full");
  lua_pushinteger(L, c.left == 0 ? -1 : static_cast<lua_Integer>(len - c.left));
  lua_insert(L, 2);
  return count + 1;
}

int Unpack(lua_State* L) { return UnpackFull(L, 0, 0); }

int UnpackOne(lua_State* L) {
  const lua_Integer offset = luaL_optinteger(L, 2, 0);
  return UnpackFull(L, 1, offset);
}

int UnpackLimit(lua_State* L) {
  const lua_Integer limit = luaL_checkinteger(L, 2);
  const lua_Integer offset = luaL_optinteger(L, 3, 0);
  return UnpackFull(L, limit, offset);
}

const luaL_Reg kFunctions[] = {
    {"pack", Pack},
    {"unpack", Unpack},
    {"unpack_one", UnpackOne},
    {"unpack_limit", UnpackLimit},
    {nullptr, nullptr},
};

void SetField(lua_State* L, const char* name, const char* value) {
  lua_pushstring(L, value);
  lua_setfield(L, -2, name);
}

}  // namespace

int OpenCmsgpack(lua_State* L) {
  luaL_register(L, "cmsgpack", kFunctions);
  // The module strings scripts can read from Redis's build.
  SetField(L, "_NAME", "cmsgpack");
  SetField(L, "_VERSION", "lua-cmsgpack 0.4.0");
  SetField(L, "_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo");
  SetField(L, "_DESCRIPTION", "MessagePack C implementation for Lua");
  return 1;
}

}  // namespace tandem::scripting
