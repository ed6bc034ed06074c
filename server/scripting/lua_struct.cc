#include "server/scripting/lua_struct.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

#include <algorithm>
#include <bit>
#include <cctype>
#include <climits>
#include <cstdint>
#include <cstring>

// Written from the struct library's documented format language. Lua errors unwind with longjmp,
// so nothing here owns an object with a destructor; pack builds its result in a luaL_Buffer.
//
// Where Redis's C code converts out-of-range doubles to integers (undefined in C), its results are
// those of x86-64's conversion instructions; CvtInt64/CvtUint64 reproduce them so scripts see the
// same bytes.

namespace tandem::scripting {
namespace {

constexpr int kMaxIntSize = 32;  // largest n in "i[n]" / "I[n]"
constexpr int kMaxAlign = 8;     // what "!" alone means: the strictest native alignment

struct Header {
  bool little_endian = std::endian::native == std::endian::little;
  int align = 1;  // 1: no padding
};

// x86-64 cvttsd2si: truncates; NaN and out-of-range values give INT64_MIN.
int64_t CvtInt64(double d) {
  if (d >= -0x1p63 && d < 0x1p63) return static_cast<int64_t>(d);
  return INT64_MIN;
}

// The double -> uint64 sequence x86-64 compilers emit (values >= 2^63 go through a subtraction).
uint64_t CvtUint64(double d) {
  if (d >= 0x1p63) return static_cast<uint64_t>(CvtInt64(d - 0x1p63)) ^ (uint64_t{1} << 63);
  return static_cast<uint64_t>(CvtInt64(d));
}

// Reads the decimal count after an option, or returns `fallback` when there is none.
int ReadCount(lua_State* L, const char** fmt, int fallback) {
  if (!std::isdigit(static_cast<unsigned char>(**fmt))) return fallback;
  int n = 0;
  do {
    const int digit = *(*fmt)++ - '0';
    if (n > (INT_MAX - digit) / 10) luaL_error(L, "integral size overflow");
    n = n * 10 + digit;
  } while (std::isdigit(static_cast<unsigned char>(**fmt)));
  return n;
}

// The byte size of option `opt` (0 for "s", control options and unknown letters), consuming its
// count from *fmt.
size_t OptionSize(lua_State* L, char opt, const char** fmt) {
  switch (opt) {
    case 'B':
    case 'b':
      return sizeof(char);
    case 'H':
    case 'h':
      return sizeof(short);
    case 'L':
    case 'l':
      return sizeof(long);
    case 'T':
      return sizeof(size_t);
    case 'f':
      return sizeof(float);
    case 'd':
      return sizeof(double);
    case 'x':
      return 1;
    case 'c':
      return ReadCount(L, fmt, 1);
    case 'i':
    case 'I': {
      const int n = ReadCount(L, fmt, sizeof(int));
      if (n > kMaxIntSize) {
        luaL_error(L, "integral size %d is larger than limit of %d", n, kMaxIntSize);
      }
      return n;
    }
    default:
      return 0;
  }
}

// Padding before a field of `size` bytes at offset `pos`: fields align to min(size, h.align).
// Sizes that are not powers of two (i3, i12...) keep Redis's arithmetic, odd as it is.
size_t Padding(size_t pos, const Header& h, char opt, size_t size) {
  if (size <= 1 || opt == 'c') return 0;
  const size_t align = std::min(size, static_cast<size_t>(h.align));
  return (align - (pos & (align - 1))) & (align - 1);
}

// Applies " ", "<", ">" or "!n"; anything else is an invalid option.
void ApplyControl(lua_State* L, char opt, const char** fmt, Header* h) {
  switch (opt) {
    case ' ':
      return;
    case '>':
      h->little_endian = false;
      return;
    case '<':
      h->little_endian = true;
      return;
    case '!': {
      const int align = ReadCount(L, fmt, kMaxAlign);
      if (!std::has_single_bit(static_cast<unsigned>(align))) {
        luaL_error(L, "alignment %d is not a power of 2", align);
      }
      h->align = align;
      return;
    }
    default:
      luaL_argerror(L, 1, lua_pushfstring(L, "invalid format option '%c'", opt));
  }
}

// Copies `size` bytes between the machine's order and the header's.
void CopyOrdered(char* dst, const char* src, size_t size, const Header& h) {
  const bool native_little = std::endian::native == std::endian::little;
  if (h.little_endian == native_little) {
    std::memcpy(dst, src, size);
  } else {
    std::reverse_copy(src, src + size, dst);
  }
}

// Writes the low bytes of the number (two's complement); fields wider than 8 bytes get zeros.
void PutInteger(lua_State* L, luaL_Buffer* b, int arg, const Header& h, size_t size) {
  const lua_Number n = luaL_checknumber(L, arg);
  uint64_t value = n < 0 ? static_cast<uint64_t>(CvtInt64(n)) : CvtUint64(n);
  char bytes[kMaxIntSize];
  for (size_t i = 0; i < size; ++i) {
    bytes[h.little_endian ? i : size - 1 - i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  luaL_addlstring(b, bytes, size);
}

// Reads an integer field. Only its 8 least significant bytes count, and the sign bit is taken
// from bit (size*8 - 1) mod 64, as Redis's 64-bit shift does on x86-64.
lua_Number GetInteger(const unsigned char* p, const Header& h, bool is_signed, size_t size) {
  uint64_t v = 0;
  for (size_t i = 0; i < size; ++i) v = (v << 8) | p[h.little_endian ? size - 1 - i : i];
  if (!is_signed) return static_cast<lua_Number>(v);
  const uint64_t mask = ~uint64_t{0} << ((size * 8 - 1) & 63);
  if (v & mask) v |= mask;
  return static_cast<lua_Number>(static_cast<int64_t>(v));
}

int Pack(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  Header h;
  int arg = 2;
  size_t total = 0;
  // Redis pushes a nil between the arguments and the buffer, so a missing argument right after
  // the last one reads as nil ("got nil"), not as "no value".
  lua_pushnil(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  while (*fmt != '\0') {
    const char opt = *fmt++;
    size_t size = OptionSize(L, opt, &fmt);
    const size_t padding = Padding(total, h, opt, size);
    for (size_t i = 0; i < padding; ++i) luaL_addchar(&b, '\0');
    total += padding;
    switch (opt) {
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'l':
      case 'L':
      case 'T':
      case 'i':
      case 'I':
        PutInteger(L, &b, arg++, h, size);
        break;
      case 'x':
        luaL_addchar(&b, '\0');
        break;
      case 'f': {
        const auto f = static_cast<float>(luaL_checknumber(L, arg++));
        char bytes[sizeof(f)];
        CopyOrdered(bytes, reinterpret_cast<const char*>(&f), sizeof(f), h);
        luaL_addlstring(&b, bytes, sizeof(f));
        break;
      }
      case 'd': {
        const double d = luaL_checknumber(L, arg++);
        char bytes[sizeof(d)];
        CopyOrdered(bytes, reinterpret_cast<const char*>(&d), sizeof(d), h);
        luaL_addlstring(&b, bytes, sizeof(d));
        break;
      }
      case 'c': {
        size_t len;
        const char* s = luaL_checklstring(L, arg++, &len);
        if (size == 0) size = len;
        // Redis names the argument after the string's in this one message.
        luaL_argcheck(L, len >= size, arg, "string too short");
        luaL_addlstring(&b, s, size);
        break;
      }
      case 's': {
        size_t len;
        const char* s = luaL_checklstring(L, arg++, &len);
        luaL_addlstring(&b, s, len);
        luaL_addchar(&b, '\0');
        size = len + 1;
        break;
      }
      default:
        ApplyControl(L, opt, &fmt, &h);
    }
    total += size;
  }
  luaL_pushresult(&b);
  return 1;
}

int Unpack(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  size_t len;
  const char* data = luaL_checklstring(L, 2, &len);
  const auto* bytes = reinterpret_cast<const unsigned char*>(data);
  // A negative position wraps to a huge one and fails the length checks below, as in Redis.
  const auto start = static_cast<size_t>(luaL_optinteger(L, 3, 1));
  luaL_argcheck(L, start > 0, 3, "offset must be 1 or greater");
  size_t pos = start - 1;
  Header h;
  int results = 0;
  while (*fmt != '\0') {
    const char opt = *fmt++;
    size_t size = OptionSize(L, opt, &fmt);
    pos += Padding(pos, h, opt, size);
    luaL_argcheck(L, size <= len && pos <= len - size, 2, "data string too short");
    luaL_checkstack(L, 2, "too many results");
    switch (opt) {
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'l':
      case 'L':
      case 'T':
      case 'i':
      case 'I': {
        const bool is_signed = std::islower(static_cast<unsigned char>(opt)) != 0;
        lua_pushnumber(L, GetInteger(bytes + pos, h, is_signed, size));
        ++results;
        break;
      }
      case 'x':
        break;
      case 'f': {
        float f;
        CopyOrdered(reinterpret_cast<char*>(&f), data + pos, sizeof(f), h);
        lua_pushnumber(L, f);
        ++results;
        break;
      }
      case 'd': {
        double d;
        CopyOrdered(reinterpret_cast<char*>(&d), data + pos, sizeof(d), h);
        lua_pushnumber(L, d);
        ++results;
        break;
      }
      case 'c':
        if (size == 0) {
          // "c0" takes its length from the value just read, which it replaces.
          if (results == 0 || !lua_isnumber(L, -1)) {
            luaL_error(L, "format 'c0' needs a previous size");
          }
          size = CvtUint64(lua_tonumber(L, -1));
          lua_pop(L, 1);
          --results;
          luaL_argcheck(L, size <= len && pos <= len - size, 2, "data string too short");
        }
        lua_pushlstring(L, data + pos, size);
        ++results;
        break;
      case 's': {
        const void* end = std::memchr(data + pos, '\0', len - pos);
        if (end == nullptr) luaL_error(L, "unfinished string in data");
        size = static_cast<const char*>(end) - (data + pos);
        lua_pushlstring(L, data + pos, size);
        ++results;
        ++size;  // the terminator
        break;
      }
      default:
        ApplyControl(L, opt, &fmt, &h);
    }
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos + 1));
  return results + 1;
}

int Size(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  Header h;
  size_t pos = 0;
  while (*fmt != '\0') {
    const char opt = *fmt++;
    const size_t size = OptionSize(L, opt, &fmt);
    pos += Padding(pos, h, opt, size);
    if (opt == 's') {
      luaL_argerror(L, 1, "option 's' has no fixed size");
    } else if (opt == 'c' && size == 0) {
      luaL_argerror(L, 1, "option 'c0' has no fixed size");
    }
    // Unlike pack and unpack, size ignores unknown letters and digits.
    if (!std::isalnum(static_cast<unsigned char>(opt))) ApplyControl(L, opt, &fmt, &h);
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos));
  return 1;
}

const luaL_Reg kFunctions[] = {
    {"pack", Pack},
    {"unpack", Unpack},
    {"size", Size},
    {nullptr, nullptr},
};

}  // namespace

int OpenStruct(lua_State* L) {
  luaL_register(L, "struct", kFunctions);
  return 1;
}

}  // namespace tandem::scripting
