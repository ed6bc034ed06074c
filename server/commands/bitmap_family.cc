// Bitmap commands on string values: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and
// BITFIELD_RO. The bit algorithms are in store/bit_ops.h; this file parses arguments, finds and
// grows the strings, replies, and signals the writes.

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/string_access.h"
#include "server/config/keyspace_events.h"
#include "server/store/bit_ops.h"
#include "server/store/eviction.h"

namespace tandem::commands {
namespace {

namespace bits = store::bits;
namespace ke = config::keyspace_event;

constexpr std::string_view kBadOffset = "ERR bit offset is not an integer or out of range";
constexpr std::string_view kBadBitValue = "ERR bit is not an integer or out of range";
constexpr std::string_view kBitNotBinary = "ERR The bit argument must be 1 or 0.";
constexpr std::string_view kNotSingleSource =
    "ERR BITOP NOT must be called with a single source key.";
constexpr std::string_view kBadFieldType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 "
    "is.";
constexpr std::string_view kBadOverflow = "ERR Invalid OVERFLOW type specified";
constexpr std::string_view kReadonlyField = "ERR BITFIELD_RO only supports the GET subcommand";

// A bit offset argument: a non-negative integer whose byte lies below proto-max-bulk-len. For
// BITFIELD (`field_bits` > 0) "#N" means the N-th field of that width. Nullopt after the error.
std::optional<uint64_t> ParseBitOffset(Context& ctx, std::string_view arg, int field_bits = 0) {
  const bool positional = field_bits > 0 && !arg.empty() && arg[0] == '#';
  auto n = base::ParseInt64(positional ? arg.substr(1) : arg);
  int64_t offset = n.value_or(-1);
  if (n && positional && __builtin_mul_overflow(*n, field_bits, &offset)) offset = -1;
  if (offset < 0 || (offset >> 3) >= ctx.server.settings.proto_max_bulk_len) {
    ctx.Error(kBadOffset);
    return std::nullopt;
  }
  return static_cast<uint64_t>(offset);
}

// The string under `key` for a write that reaches bit `max_bit`: created from zero bytes when
// absent, zero-padded when shorter (Redis's lookupStringForBitCommand). Sets *grown when it was
// created or lengthened. Like any in-place edit in Redis, it leaves the value "raw" encoded. Null
// after a WRONGTYPE or too-long error.
store::Entry* StringForBitWrite(Context& ctx, std::string_view key, uint64_t max_bit, bool* grown) {
  const uint64_t length = max_bit / 8 + 1;
  store::Entry* e = ctx.Find(key);
  if (e != nullptr && !e->is_string()) {
    ctx.Error(errors::kWrongType);
    return nullptr;
  }
  // A BITFIELD field may end past the offset limit; the entry's length field is 32 bits.
  if (length > static_cast<uint64_t>(store::kMaxStringLength)) {
    ctx.Error(errors::kStringTooLong);
    return nullptr;
  }
  *grown = e == nullptr || e->string_value().size() < length;
  if (e == nullptr) {
    e = store::Entry::NewString(key, std::string(length, '\0'), false);
    ctx.db().Add(e);
    ctx.keyspace().InitAccess(e, ctx.now_ms);
  } else {
    ctx.keyspace().Touch(e, ctx.now_ms);
    const size_t old = e->string_value().size();
    if (old < length) {
      e = ctx.db().ResizeString(e, length);
      std::memset(e->mutable_string_data() + old, 0, length - old);
    }
  }
  e->set_raw_encoding();
  return e;
}

// What a write to a bitmap tells the rest of the server (SETBIT and BITFIELD).
void SignalSetBit(Context& ctx, std::string_view key, uint64_t changes) {
  ctx.Touched(key);
  ctx.Notify(ke::kString, "setbit", key);
  ctx.Dirty(changes);
}

// ---- Single bits --------------------------------------------------------------------------------

// SETBIT key offset 0|1: replies with the bit's old value.
void SetBit(Context& ctx) {
  std::string_view key = ctx.argv[1];
  auto offset = ParseBitOffset(ctx, ctx.argv[2]);
  if (!offset) return;
  auto value = base::ParseInt64(ctx.argv[3]);
  if (!value || (*value != 0 && *value != 1)) return ctx.Error(kBadBitValue);
  bool grown;
  store::Entry* e = StringForBitWrite(ctx, key, *offset, &grown);
  if (e == nullptr) return;
  const bool old = bits::SetBit(e->mutable_string_data(), *offset, *value == 1);
  // As Redis 7.0: a write that changes nothing is not signalled, notified or counted.
  if (grown || old != (*value == 1)) SignalSetBit(ctx, key, 1);
  ctx.reply().Integer(old);
}

// GETBIT key offset: 0 past the end of the string or when the key is absent.
void GetBit(Context& ctx) {
  auto offset = ParseBitOffset(ctx, ctx.argv[2]);
  if (!offset) return;
  store::Entry* e = LookupString(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  ctx.reply().Integer(e != nullptr && bits::GetBit(e->string_value(), *offset));
}

// ---- Counting and searching ---------------------------------------------------------------------

// The unit word of BITCOUNT and BITPOS: sets *in_bits; false after the syntax error.
bool ParseRangeUnit(Context& ctx, std::string_view word, bool* in_bits) {
  if (base::EqualsIgnoreCase(word, "bit")) {
    *in_bits = true;
  } else if (base::EqualsIgnoreCase(word, "byte")) {
    *in_bits = false;
  } else {
    ctx.Error(errors::kSyntax);
    return false;
  }
  return true;
}

// The range of BITCOUNT/BITPOS as bit offsets into `s`; nullopt when it is empty.
std::optional<bits::Range> BitRange(std::string_view s, int64_t start, int64_t end, bool in_bits) {
  auto range = bits::ClipRange(start, end, in_bits ? s.size() * 8 : s.size());
  if (range && !in_bits) *range = {range->first * 8, range->last * 8 + 7};
  return range;
}

// BITCOUNT key [start end [BYTE|BIT]]. As in Redis 7.0 the key is looked up before the arguments
// are checked: an absent key answers 0 whatever follows it.
void BitCount(Context& ctx) {
  store::Entry* e = LookupString(ctx, ctx.argv[1]);
  if (e == nullptr) {
    if (!ctx.failed) ctx.reply().Integer(0);
    return;
  }
  std::string_view s = e->string_value();
  const size_t argc = ctx.argv.size();
  if (argc == 2) return ctx.reply().Integer(static_cast<int64_t>(bits::PopCount(s)));
  if (argc != 4 && argc != 5) return ctx.Error(errors::kSyntax);
  auto start = base::ParseInt64(ctx.argv[2]);
  if (!start) return ctx.Error(errors::kNotInteger);
  auto end = base::ParseInt64(ctx.argv[3]);
  if (!end) return ctx.Error(errors::kNotInteger);
  bool in_bits = false;
  if (argc == 5 && !ParseRangeUnit(ctx, ctx.argv[4], &in_bits)) return;
  // Two negative indexes in the wrong order count nothing, even where clipping would meet.
  if (*start < 0 && *end < 0 && *start > *end) return ctx.reply().Integer(0);
  auto range = BitRange(s, *start, *end, in_bits);
  if (!range) return ctx.reply().Integer(0);
  ctx.reply().Integer(static_cast<int64_t>(bits::CountBits(s, range->first, range->last)));
}

// BITPOS key bit [start [end [BYTE|BIT]]]: the first bit set (or clear) in the range, or -1.
void BitPos(Context& ctx) {
  auto bit = base::ParseInt64(ctx.argv[2]);
  if (!bit) return ctx.Error(errors::kNotInteger);
  if (*bit != 0 && *bit != 1) return ctx.Error(kBitNotBinary);
  store::Entry* e = LookupString(ctx, ctx.argv[1]);
  if (e == nullptr) {
    // An absent key is an endless run of clear bits (its arguments are not checked).
    if (!ctx.failed) ctx.reply().Integer(*bit == 1 ? -1 : 0);
    return;
  }
  std::string_view s = e->string_value();
  const size_t argc = ctx.argv.size();
  if (argc > 6) return ctx.Error(errors::kSyntax);
  int64_t start = 0, end = -1;
  bool in_bits = false;
  const bool end_given = argc >= 5;
  if (argc >= 4) {
    auto v = base::ParseInt64(ctx.argv[3]);
    if (!v) return ctx.Error(errors::kNotInteger);
    start = *v;
  }
  if (argc == 6 && !ParseRangeUnit(ctx, ctx.argv[5], &in_bits)) return;
  if (end_given) {
    auto v = base::ParseInt64(ctx.argv[4]);
    if (!v) return ctx.Error(errors::kNotInteger);
    end = *v;
  }
  auto range = BitRange(s, start, end, in_bits);
  if (!range) return ctx.reply().Integer(-1);
  int64_t pos = bits::FindBit(s, range->first, range->last, *bit == 1);
  // Without an end the range runs to the end of the string, and the string counts as followed by
  // clear bits: a search for 0 that finds none answers the first bit past the string.
  if (pos < 0 && *bit == 0 && !end_given) pos = static_cast<int64_t>(s.size() * 8);
  ctx.reply().Integer(pos);
}

// ---- BITOP --------------------------------------------------------------------------------------

// BITOP AND|OR|XOR|NOT destkey key [key ...]: absent sources count as empty strings; replies with
// the result's length. An empty result deletes the destination instead of storing it.
void BitOp(Context& ctx) {
  std::string_view name = ctx.argv[1];
  bits::BitOp op;
  if (base::EqualsIgnoreCase(name, "and")) {
    op = bits::BitOp::kAnd;
  } else if (base::EqualsIgnoreCase(name, "or")) {
    op = bits::BitOp::kOr;
  } else if (base::EqualsIgnoreCase(name, "xor")) {
    op = bits::BitOp::kXor;
  } else if (base::EqualsIgnoreCase(name, "not")) {
    op = bits::BitOp::kNot;
  } else {
    return ctx.Error(errors::kSyntax);
  }
  if (op == bits::BitOp::kNot && ctx.argv.size() != 4) return ctx.Error(kNotSingleSource);

  // The views stay valid: looking up one key never moves or frees another key's entry.
  std::vector<std::string_view> sources;
  sources.reserve(ctx.argv.size() - 3);
  for (size_t i = 3; i < ctx.argv.size(); ++i) {
    store::Entry* e = LookupString(ctx, ctx.argv[i]);
    if (ctx.failed) return;
    sources.push_back(e == nullptr ? std::string_view() : e->string_value());
  }
  const std::string result = bits::Combine(op, sources);

  std::string_view dest = ctx.argv[2];
  if (!result.empty()) {
    // Replaces any value of any type, and its TTL, as SET does.
    store::Entry* e = ctx.db().SetString(dest, result, false);
    ctx.keyspace().InitAccess(e, ctx.now_ms);
    e->set_raw_encoding();
    ctx.Touched(dest);
    ctx.Notify(ke::kString, "set", dest);
    ctx.Dirty();
  } else if (store::Entry* old = ctx.Find(dest); old != nullptr) {
    ctx.db().Delete(old);
    ctx.Touched(dest);
    ctx.Notify(ke::kGeneric, "del", dest);
    ctx.Dirty();
  }
  ctx.reply().Integer(static_cast<int64_t>(result.size()));
}

// ---- BITFIELD -----------------------------------------------------------------------------------

// One BITFIELD operation, parsed before any is run.
struct FieldOp {
  enum class Kind { kGet, kSet, kIncrBy };
  Kind kind;
  bool is_signed;
  int bits;         // 1..64 signed, 1..63 unsigned
  uint64_t offset;  // in bits
  int64_t value;    // SET's value or INCRBY's increment
  bits::Overflow overflow;
};

// A field type "i<bits>" (1..64) or "u<bits>" (1..63); false when invalid.
bool ParseFieldType(std::string_view arg, FieldOp* op) {
  if (arg.empty() || (arg[0] != 'i' && arg[0] != 'u')) return false;
  op->is_signed = arg[0] == 'i';
  auto n = base::ParseInt64(arg.substr(1));
  if (!n || *n < 1 || *n > (op->is_signed ? 64 : 63)) return false;
  op->bits = static_cast<int>(*n);
  return true;
}

// Parses the operations from argv[2...]; false after the error reply. Sets *writes when any
// operation writes, and *highest_bit to the last bit a write reaches.
bool ParseFieldOps(Context& ctx, std::vector<FieldOp>* ops, bool* writes, uint64_t* highest_bit) {
  bits::Overflow overflow = bits::Overflow::kWrap;
  const size_t argc = ctx.argv.size();
  for (size_t i = 2; i < argc; ++i) {
    const size_t left = argc - i - 1;
    std::string_view sub = ctx.argv[i];
    FieldOp op{};
    if (base::EqualsIgnoreCase(sub, "get") && left >= 2) {
      op.kind = FieldOp::Kind::kGet;
    } else if (base::EqualsIgnoreCase(sub, "set") && left >= 3) {
      op.kind = FieldOp::Kind::kSet;
    } else if (base::EqualsIgnoreCase(sub, "incrby") && left >= 3) {
      op.kind = FieldOp::Kind::kIncrBy;
    } else if (base::EqualsIgnoreCase(sub, "overflow") && left >= 1) {
      std::string_view policy = ctx.argv[++i];
      if (base::EqualsIgnoreCase(policy, "wrap")) {
        overflow = bits::Overflow::kWrap;
      } else if (base::EqualsIgnoreCase(policy, "sat")) {
        overflow = bits::Overflow::kSat;
      } else if (base::EqualsIgnoreCase(policy, "fail")) {
        overflow = bits::Overflow::kFail;
      } else {
        ctx.Error(kBadOverflow);
        return false;
      }
      continue;
    } else {
      ctx.Error(errors::kSyntax);
      return false;
    }
    if (!ParseFieldType(ctx.argv[i + 1], &op)) {
      ctx.Error(kBadFieldType);
      return false;
    }
    auto offset = ParseBitOffset(ctx, ctx.argv[i + 2], op.bits);
    if (!offset) return false;
    op.offset = *offset;
    op.overflow = overflow;
    if (op.kind != FieldOp::Kind::kGet) {
      *writes = true;
      *highest_bit = std::max(*highest_bit, op.offset + op.bits - 1);
      auto value = base::ParseInt64(ctx.argv[i + 3]);
      if (!value) {
        ctx.Error(errors::kNotInteger);
        return false;
      }
      op.value = *value;
    }
    ops->push_back(op);
    i += op.kind == FieldOp::Kind::kGet ? 2 : 3;
  }
  return true;
}

// Runs one SET or INCRBY on the string in `e`, replying with the old value (SET), the new value
// (INCRBY) or nil (an overflow under FAIL, which writes nothing). True when the write counts as a
// change: it was done and changed the field, or the string was `grown` for this call (Redis 7.0).
bool RunFieldWrite(Context& ctx, store::Entry* e, const FieldOp& op, bool grown) {
  std::string_view s = e->string_value();
  const bool incr = op.kind == FieldOp::Kind::kIncrBy;
  uint64_t old_bits, new_bits;
  int64_t reply_value;
  if (op.is_signed) {
    const int64_t old = bits::GetSignedField(s, op.offset, op.bits);
    auto next = incr ? bits::AddSigned(old, op.value, op.bits, op.overflow)
                     : bits::AddSigned(op.value, 0, op.bits, op.overflow);
    if (!next) {
      ctx.reply().Null();
      return false;
    }
    reply_value = incr ? *next : old;
    old_bits = static_cast<uint64_t>(old);
    new_bits = static_cast<uint64_t>(*next);
  } else {
    const uint64_t old = bits::GetUnsignedField(s, op.offset, op.bits);
    auto next = incr ? bits::AddUnsigned(old, op.value, op.bits, op.overflow)
                     : bits::AddUnsigned(static_cast<uint64_t>(op.value), 0, op.bits, op.overflow);
    if (!next) {
      ctx.reply().Null();
      return false;
    }
    reply_value = static_cast<int64_t>(incr ? *next : old);  // below 2^63: fits
    old_bits = old;
    new_bits = *next;
  }
  ctx.reply().Integer(reply_value);
  bits::SetField(e->mutable_string_data(), op.offset, op.bits, new_bits);
  return grown || old_bits != new_bits;
}

// BITFIELD key [GET type offset | SET type offset value | INCRBY type offset increment |
// OVERFLOW WRAP|SAT|FAIL]...; BITFIELD_RO (readonly_command) allows GET only.
void BitFieldGeneric(Context& ctx, bool readonly_command) {
  std::vector<FieldOp> ops;
  bool writes = false;
  uint64_t highest_bit = 0;
  if (!ParseFieldOps(ctx, &ops, &writes, &highest_bit)) return;
  std::string_view key = ctx.argv[1];
  store::Entry* e;
  bool grown = false;
  if (!writes) {
    e = LookupString(ctx, key);
    if (ctx.failed) return;
  } else {
    if (readonly_command) return ctx.Error(kReadonlyField);
    // As in Redis, the key is created (or padded) even when every write then fails on overflow.
    e = StringForBitWrite(ctx, key, highest_bit, &grown);
    if (e == nullptr) return;
  }
  ctx.reply().ArrayHeader(ops.size());
  uint64_t changes = 0;
  for (const FieldOp& op : ops) {
    if (op.kind != FieldOp::Kind::kGet) {
      if (RunFieldWrite(ctx, e, op, grown)) ++changes;
      continue;
    }
    std::string_view s = e == nullptr ? std::string_view() : e->string_value();
    ctx.reply().Integer(op.is_signed
                            ? bits::GetSignedField(s, op.offset, op.bits)
                            : static_cast<int64_t>(bits::GetUnsignedField(s, op.offset, op.bits)));
  }
  if (changes > 0) SignalSetBit(ctx, key, changes);
}

void BitField(Context& ctx) { BitFieldGeneric(ctx, false); }
void BitFieldRo(Context& ctx) { BitFieldGeneric(ctx, true); }

}  // namespace

void RegisterBitmapCommands(CommandTable& table) {
  constexpr std::string_view kBitmap = "bitmap";
  table.Register({
      {"setbit", 4, kWrite | kDenyOom, 1, 1, 1, kAclBitmap, SetBit, kBitmap,
       "Sets or clears the bit at offset in the string value stored at key", "2.2.0",
       "RW ACCESS UPDATE"},
      {"getbit", 3, kReadonly | kFast, 1, 1, 1, kAclBitmap, GetBit, kBitmap,
       "Returns the bit value at offset in the string value stored at key", "2.2.0", "RO ACCESS"},
      {"bitcount", -2, kReadonly, 1, 1, 1, kAclBitmap, BitCount, kBitmap,
       "Count set bits in a string", "2.6.0", "RO ACCESS"},
      {"bitpos", -3, kReadonly, 1, 1, 1, kAclBitmap, BitPos, kBitmap,
       "Find first bit set or clear in a string", "2.8.7", "RO ACCESS"},
      // Two key specs in Redis (destination OW UPDATE, sources RO ACCESS); key_flags holds the
      // destination's, so ACL asks every key for write permission.
      {"bitop", -4, kWrite | kDenyOom, 2, -1, 1, kAclBitmap, BitOp, kBitmap,
       "Perform bitwise operations between strings", "2.6.0", "OW UPDATE"},
      {"bitfield", -2, kWrite | kDenyOom, 1, 1, 1, kAclBitmap, BitField, kBitmap,
       "Perform arbitrary bitfield integer operations on strings", "3.2.0",
       "RW ACCESS UPDATE VARIABLE_FLAGS"},
      {"bitfield_ro", -2, kReadonly | kFast, 1, 1, 1, kAclBitmap, BitFieldRo, kBitmap,
       "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
       "6.0.0", "RO ACCESS"},
  });
}

}  // namespace tandem::commands
