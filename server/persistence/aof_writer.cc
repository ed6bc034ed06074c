#include "server/persistence/aof_writer.h"

#include "server/resp/argv_encoder.h"

namespace tandem::persistence {

void AofWriter::Propagate(int db, std::span<const std::string_view> argv) {
  if (db >= 0 && db != selected_db_) {
    std::string index = std::to_string(db);
    resp::EncodeCommand({"SELECT", index}, &buffer_);
    selected_db_ = db;
  }
  resp::EncodeCommand(argv, &buffer_);
}

}  // namespace tandem::persistence
