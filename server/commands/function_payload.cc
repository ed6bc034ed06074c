#include "server/commands/function_payload.h"

#include "server/rdb/function_library.h"
#include "server/rdb/rdb_string.h"

namespace tandem::commands {
namespace {

constexpr uint8_t kOpcodeFunctionPreGa = 246;  // RDB_OPCODE_FUNCTION
constexpr uint8_t kOpcodeFunction = 245;       // RDB_OPCODE_FUNCTION2

base::Status Invalid(std::string_view message) {
  return base::Status::InvalidArgument(std::string(message));
}

}  // namespace

std::string EncodeFunctionPayload(std::span<const std::string_view> codes) {
  std::string body;
  for (std::string_view code : codes) {
    body.push_back(static_cast<char>(kOpcodeFunction));
    rdb::AppendString(code, &body);
  }
  return rdb::WrapDumpPayload(std::move(body));
}

base::StatusOr<std::vector<std::string>> DecodeFunctionPayload(std::string_view payload) {
  base::StatusOr<std::string_view> body = rdb::UnwrapDumpPayload(payload);
  if (!body.ok()) return Invalid("ERR DUMP payload version or checksum are wrong");
  rdb::BufferReader reader(*body);
  std::vector<std::string> codes;
  while (!reader.at_end()) {
    base::StatusOr<uint8_t> type = reader.ReadByte();
    if (!type.ok()) return Invalid("ERR can not read data type");
    if (*type == kOpcodeFunction) {
      base::StatusOr<std::string> code = reader.ReadString();
      if (!code.ok()) return Invalid("ERR Failed loading library payload");
      codes.push_back(std::move(*code));
    } else if (*type == kOpcodeFunctionPreGa) {
      base::StatusOr<std::string> code = rdb::ReadPreGaFunctionLibrary(reader);
      if (!code.ok()) return code.status();
      codes.push_back(std::move(*code));
    } else {
      return Invalid("ERR given type is not a function");
    }
  }
  return codes;
}

}  // namespace tandem::commands
