#include "server/rdb/redis_listpack.h"

namespace tandem::rdb {

void RedisListpackWriter::Append(std::string_view element) {
  entries_.append(element);
  ++count_;
}

void RedisListpackWriter::AppendInteger(int64_t value) { Append(std::to_string(value)); }

std::string RedisListpackWriter::Finish() { return {}; }

base::StatusOr<std::vector<std::string>> DecodeRedisListpack(std::string_view) {
  return base::Status::Error(base::Status::Code::kCorruption, "listpack: not implemented");
}

}  // namespace tandem::rdb
