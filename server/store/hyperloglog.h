#pragma once
// HyperLogLog values in Redis 7.0's exact byte format, so that GET, DUMP and replication carry the
// same bytes as Redis and PFCOUNT returns the same estimates. An HLL is a plain string:
//
//   "HYLL" | encoding (0 dense, 1 sparse) | 3 zero bytes | cached cardinality (8 bytes, little
//   endian; the top bit of the last byte set = stale) | registers
//
// 16384 registers (P = 14) of 6 bits. Dense: the registers packed from the least significant bit
// of each byte upwards, register i at bit 6*i, 12288 bytes. Sparse: a run-length code of
//   ZERO  00xxxxxx           1..64 zero registers (xxxxxx + 1)
//   XZERO 01xxxxxx yyyyyyyy  1..16384 zero registers (14-bit xxxxxxyyyyyyyy + 1)
//   VAL   1vvvvvxx           1..4 registers (xx + 1) of value 1..32 (vvvvv + 1)
// Sparse values are edited in place exactly as Redis edits them (the split of the covering opcode,
// then a merge of equal adjacent VALs over at most five opcodes), since the bytes depend on the
// order of the updates and not only on the register values. A sparse value becomes dense when a
// register needs more than 32 or the value would grow past hll-sparse-max-bytes.
//
// The estimator is Ertl's improved estimator ("New cardinality estimation algorithms for
// HyperLogLog sketches", arXiv:1702.01284), evaluated in the same floating-point order as Redis.
// Nothing here replies to clients: callers turn kCorrupt into INVALIDOBJ.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tandem::store::hll {

inline constexpr int kPrecision = 14;
inline constexpr int kRegisters = 1 << kPrecision;
inline constexpr int kRegisterBits = 6;
inline constexpr size_t kHeaderSize = 16;
inline constexpr size_t kDenseSize = kHeaderSize + (kRegisters * kRegisterBits + 7) / 8;
// The largest register value a VAL opcode holds.
inline constexpr int kSparseMaxValue = 32;

enum class Encoding : uint8_t { kDense = 0, kSparse = 1 };

// MurmurHash2, 64-bit variant (MurmurHash64A), reading 8-byte words little endian.
uint64_t MurmurHash64A(std::string_view data, uint64_t seed);

// Where an element lands: its register and the register value it proposes (the position of the
// first 1 bit in the hash above the index bits, counting from 1; at most 51).
struct Pattern {
  int index;
  uint8_t count;
};
Pattern PatternOf(std::string_view element);

// A new empty HLL: sparse, one XZERO over every register, cached cardinality 0 (valid).
std::string NewSparse();

// Redis's acceptance test for a string used as an HLL: at least a header, the magic "HYLL", a known
// encoding, and exactly kDenseSize bytes when dense. The sparse body is not checked here.
bool IsHll(std::string_view value);
// Requires IsHll(hll).
Encoding EncodingOf(std::string_view hll);

// The cached cardinality, or nullopt when it is stale. Requires IsHll(hll).
std::optional<uint64_t> CachedCardinality(std::string_view hll);
// Writes a (valid) cached cardinality into the header at `hll`.
void StoreCardinality(char* hll, uint64_t cardinality);
// Marks the cached cardinality stale.
void InvalidateCache(char* hll);

// What an update did.
enum class Update {
  kUnchanged,  // the register already held at least that value
  kChanged,    // a register grew (the cache was invalidated)
  kCorrupt,    // the sparse body is malformed; `hll` may be partly updated, as Redis leaves it
};

// Raises register `index` to `count` if lower. May promote a sparse value to dense (see above).
// Requires IsHll(*hll), 0 <= index < kRegisters, 1 <= count <= 63.
Update SetRegister(std::string* hll, int index, uint8_t count, size_t sparse_max_bytes);
// SetRegister for the element's pattern (PFADD).
Update Add(std::string* hll, std::string_view element, size_t sparse_max_bytes);

// Converts a sparse value to dense, keeping the header's cached cardinality; a no-op when dense.
// False (value untouched) when the sparse body does not cover exactly kRegisters registers.
bool ToDense(std::string* hll);

// One byte per register, for unions.
using Registers = std::array<uint8_t, kRegisters>;
// Raises each (*max)[i] to register i of `hll`. False when a sparse body is malformed (then `max`
// may be partly updated). Requires IsHll(hll).
bool MergeInto(std::string_view hll, Registers* max);

// The estimated cardinality of `hll`, nullopt when a sparse body is malformed. Requires IsHll(hll).
std::optional<uint64_t> Count(std::string_view hll);
// The estimated cardinality of a union built with MergeInto.
uint64_t Count(const Registers& registers);

// Register `index` of a dense value. Requires IsHll(hll) and a dense encoding.
uint8_t DenseRegister(std::string_view hll, int index);

// The sparse opcodes as PFDEBUG DECODE prints them: "Z:<n>" (XZERO), "z:<n>" (ZERO) and
// "v:<value>,<n>" (VAL), separated by spaces. Requires a sparse encoding.
std::string DecodeSparse(std::string_view hll);

// PFSELFTEST: checks the dense register packing with random values, then adds 10 million distinct
// elements to a dense and a sparse HLL side by side, checking at each power of ten that they agree,
// that small ones stay sparse and that the error is within 6 standard errors. Returns the
// TESTFAILED message, or an empty string on success.
std::string SelfTest(uint64_t seed, size_t sparse_max_bytes);

}  // namespace tandem::store::hll
