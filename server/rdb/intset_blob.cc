#include "server/rdb/intset_blob.h"

#include "server/rdb/byte_order.h"

namespace tandem::rdb {
namespace {

base::Status Corrupt(std::string what) {
  return base::Status::Error(base::Status::Code::kCorruption, "intset: " + std::move(what));
}

}  // namespace

base::StatusOr<std::vector<int64_t>> DecodeIntsetBlob(std::string_view blob) {
  if (blob.size() < 8) return Corrupt("blob shorter than its header");
  uint64_t width = ReadLittleEndian(blob.substr(0, 4));
  uint64_t count = ReadLittleEndian(blob.substr(4, 4));
  if (width != 2 && width != 4 && width != 8) return Corrupt("bad encoding");
  if ((blob.size() - 8) % width != 0 || (blob.size() - 8) / width != count) {
    return Corrupt("size does not match the length");
  }
  if (count == 0) return Corrupt("empty set");
  std::vector<int64_t> values;
  values.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    uint64_t raw = ReadLittleEndian(blob.substr(8 + i * width, width));
    int64_t v = width == 2   ? static_cast<int16_t>(raw)
                : width == 4 ? static_cast<int32_t>(raw)
                             : static_cast<int64_t>(raw);
    if (!values.empty() && v <= values.back()) return Corrupt("values not strictly ascending");
    values.push_back(v);
  }
  return values;
}

}  // namespace tandem::rdb
