#pragma once
// Bit algorithms on string values, for the bitmap commands (SETBIT, BITCOUNT, BITPOS, BITOP,
// BITFIELD). Pure functions, thread-safe, no RESP.
//
// Bit numbering is Redis's: bit offset 0 is the most significant bit of byte 0, offset 8 the most
// significant bit of byte 1, and so on. Multi-bit fields are read and written most significant bit
// first, so a field on a byte boundary is a big-endian integer.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tandem::store::bits {

// The bit at `offset`; bits past the end of `data` read as 0.
bool GetBit(std::string_view data, uint64_t offset);
// Sets the bit at `offset` (which must be inside `data`) and returns its previous value.
bool SetBit(char* data, uint64_t offset, bool value);

// The number of set bits in `data`.
uint64_t PopCount(std::string_view data);
// The number of set bits among bits first..last (inclusive). Requires first <= last < 8*size.
uint64_t CountBits(std::string_view data, uint64_t first, uint64_t last);
// The offset of the first bit equal to `bit` among bits first..last (inclusive), or -1 when there
// is none. Requires first <= last < 8*size.
int64_t FindBit(std::string_view data, uint64_t first, uint64_t last, bool bit);

// The inclusive range start..end of BITCOUNT/BITPOS over `total` units (bytes or bits): negative
// indexes count from the end, then both ends are clipped to 0..total-1. Nullopt when the clipped
// range is empty (start > end, or total == 0).
struct Range {
  uint64_t first;
  uint64_t last;
};
std::optional<Range> ClipRange(int64_t start, int64_t end, uint64_t total);

// BITOP's operations. kNot takes exactly one source.
enum class BitOp { kAnd, kOr, kXor, kNot };
// The result of `op` over `sources`, each read as if zero-padded to the longest one; its length is
// the longest source's (empty when every source is empty).
std::string Combine(BitOp op, std::span<const std::string_view> sources);

// ---- BITFIELD integers ------------------------------------------------------------------------

// What happens when a BITFIELD write does not fit its field: wrap around (two's complement
// truncation), saturate at the type's limit, or fail (nothing is written).
enum class Overflow { kWrap, kSat, kFail };

// The unsigned value of the `bits`-wide field (1..64) at bit `offset`; bits past the end of `data`
// read as 0.
uint64_t GetUnsignedField(std::string_view data, uint64_t offset, int bits);
// The same field read as a two's complement signed integer.
int64_t GetSignedField(std::string_view data, uint64_t offset, int bits);
// Writes the low `bits` bits (1..64) of `value` to the field at bit `offset`, which must lie
// inside `data`.
void SetField(char* data, uint64_t offset, int bits, uint64_t value);

// value + incr for a signed field of `bits` (1..64): the sum when it fits in the field, otherwise
// what `policy` makes of it (nullopt for kFail). `value` may itself be out of the field's range
// (BITFIELD SET passes the new value with incr 0).
std::optional<int64_t> AddSigned(int64_t value, int64_t incr, int bits, Overflow policy);
// The same for an unsigned field of `bits` (1..63). A `value` above the field's maximum (BITFIELD
// SET of a negative or too large number, as an unsigned 64-bit value) counts as an overflow upward.
std::optional<uint64_t> AddUnsigned(uint64_t value, int64_t incr, int bits, Overflow policy);

}  // namespace tandem::store::bits
