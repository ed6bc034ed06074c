#include "server/rdb/function_library.h"

namespace tandem::rdb {
namespace {

base::Status Invalid(std::string_view message) {
  return base::Status::InvalidArgument(std::string(message));
}

}  // namespace

base::StatusOr<std::string> ReadPreGaFunctionLibrary(BufferReader& reader) {
  base::StatusOr<std::string> name = reader.ReadString();
  if (!name.ok()) return Invalid("ERR Failed loading library name");
  base::StatusOr<std::string> engine = reader.ReadString();
  if (!engine.ok()) return Invalid("ERR Failed loading engine name");
  base::StatusOr<uint64_t> has_description = reader.ReadLength();
  if (!has_description.ok()) return Invalid("ERR Failed loading library description indicator");
  if (*has_description != 0 && !reader.ReadString().ok()) {
    return Invalid("ERR Failed loading library description");
  }
  base::StatusOr<std::string> blob = reader.ReadString();
  if (!blob.ok()) return Invalid("ERR Failed loading library blob");
  return "#!" + *engine + " name=" + *name + "\n" + *blob;
}

}  // namespace tandem::rdb
