#pragma once
// The configured encoding limits that shape values loaded from RDB data (RESTORE, RDB files, the
// AOF preamble): list-max-listpack-size, hash-/zset-max-listpack-*, set-max-intset-entries.

#include "server/config/config.h"
#include "server/rdb/value_codec.h"

namespace tandem::commands {

inline rdb::ObjectLimits ObjectLimitsFrom(const config::Config& config) {
  rdb::ObjectLimits limits;
  limits.list_fill = static_cast<int>(config.GetInt("list-max-listpack-size"));
  limits.hash.max_listpack_entries =
      static_cast<size_t>(config.GetInt("hash-max-listpack-entries"));
  limits.hash.max_listpack_value = static_cast<size_t>(config.GetInt("hash-max-listpack-value"));
  limits.set_max_intset_entries = static_cast<size_t>(config.GetInt("set-max-intset-entries"));
  limits.zset.max_listpack_entries =
      static_cast<size_t>(config.GetInt("zset-max-listpack-entries"));
  limits.zset.max_listpack_value = static_cast<size_t>(config.GetInt("zset-max-listpack-value"));
  return limits;
}

}  // namespace tandem::commands
