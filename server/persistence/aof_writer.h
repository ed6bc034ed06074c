#pragma once
// AofWriter: turns the propagated effects into the bytes of an incremental AOF file: each command
// a RESP array of bulk strings, preceded by "SELECT <db>" whenever its database differs from the
// previous command's (and before the first command of each file). MULTI and EXEC (db -1) need no
// SELECT.
//
// Owner: AofManager; server thread only.

#include <span>
#include <string>
#include <string_view>

#include "server/commands/propagation.h"

namespace tandem::persistence {

class AofWriter final : public commands::Propagator {
 public:
  void Propagate(int db, std::span<const std::string_view> argv) override;

  // The bytes not yet written to the file.
  std::string& buffer() { return buffer_; }
  // The next command starts with SELECT (a new file was opened).
  void ForgetSelectedDb() { selected_db_ = -1; }

 private:
  std::string buffer_;
  int selected_db_ = -1;
};

}  // namespace tandem::persistence
