#pragma once
// Function libraries in RDB form (docs: Redis's rdb.h), shared by RDB files and FUNCTION DUMP
// payloads: RDB_OPCODE_FUNCTION2 (245) is followed by the library's code as an RDB string;
// RDB_OPCODE_FUNCTION (246), written by Redis 7.0 release candidates, by the library name, the
// engine, a description flag (a length) and the description when it is not 0, then the code
// without its shebang.

#include <string>

#include "server/base/status.h"
#include "server/rdb/rdb_string.h"

namespace tandem::rdb {

// Reads a pre-GA library (after its opcode) and returns its code with the shebang
// "#!<engine> name=<name>" put back in front. Errors carry Redis's reply text
// ("ERR Failed loading library name", ...).
base::StatusOr<std::string> ReadPreGaFunctionLibrary(BufferReader& reader);

}  // namespace tandem::rdb
