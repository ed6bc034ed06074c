#pragma once
// Redis's intset byte format, the RDB_TYPE_SET_INTSET payload: u32 encoding (bytes per value: 2,
// 4 or 8), u32 length, then `length` distinct values in ascending order, all little-endian. The
// store's IntSet keeps exactly this layout, so writing is store::IntSet::blob(); this file reads.

#include <cstdint>
#include <string_view>
#include <vector>

#include "server/base/status.h"

namespace tandem::rdb {

// The values of an intset blob, ascending. Fails with kCorruption when the encoding is not 2/4/8,
// the size does not match the length, the set is empty, or values are not strictly ascending.
base::StatusOr<std::vector<int64_t>> DecodeIntsetBlob(std::string_view blob);

}  // namespace tandem::rdb
