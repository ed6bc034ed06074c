#include "server/rdb/value_codec.h"

#include "server/rdb/rdb_format.h"

namespace tandem::rdb {

void AppendValue(const store::Entry& entry, const WriteOptions&, std::string* out) {
  out->push_back(static_cast<char>(kTypeString));
  AppendString(entry.string_value(), out);
}

bool IsValueType(uint8_t rdb_type) { return rdb_type == kTypeString; }

base::StatusOr<Value> ReadValue(uint8_t rdb_type, BufferReader& in, const ObjectLimits&) {
  if (rdb_type != kTypeString) {
    return base::Status::Error(base::Status::Code::kCorruption, "unknown value type");
  }
  auto s = in.ReadString();
  if (!s.ok()) return s.status();
  return Value{std::move(*s), nullptr};
}

}  // namespace tandem::rdb
