#pragma once
// FUNCTION DUMP / RESTORE payloads (docs: Redis's rdb.h): per library, the opcode
// RDB_OPCODE_FUNCTION2 (245) and the library's code as an RDB string, then the DUMP footer (RDB
// version, CRC64). Payloads written by Redis 7.0 release candidates use RDB_OPCODE_FUNCTION (246):
// library name, engine, a description flag and description, then the code without its shebang.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/status.h"

namespace tandem::commands {

// The payload of libraries whose codes (shebang included) are `codes`.
std::string EncodeFunctionPayload(std::span<const std::string_view> codes);

// The library codes of `payload`. A pre-GA library gets the shebang "#!<engine> name=<name>" put
// back in front of its code. Errors carry Redis's reply text ("ERR DUMP payload version or
// checksum are wrong", "ERR given type is not a function", ...).
base::StatusOr<std::vector<std::string>> DecodeFunctionPayload(std::string_view payload);

}  // namespace tandem::commands
