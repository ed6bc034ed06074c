#pragma once
// Redis's reverse-binary SCAN cursor over a power-of-two array of buckets. The cursor's bits above
// the mask are incremented from the top bit down, so a bucket of a table of size N covers exactly
// the buckets b and b + N of a table of size 2N: an iteration that continues after the table grew
// or shrank still visits every bucket whose elements were present throughout (after a shrink
// some are visited twice). Pure functions.

#include <cstdint>

namespace tandem::store {

// Reverses the bit order of `v`.
inline uint64_t ReverseBits(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
  v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
  return __builtin_bswap64(v);
}

// The cursor after `cursor` for a table whose bucket index is `cursor & mask`; 0 when the
// iteration is complete.
inline uint64_t NextScanCursor(uint64_t cursor, uint64_t mask) {
  cursor |= ~mask;
  return ReverseBits(ReverseBits(cursor) + 1);
}

}  // namespace tandem::store
