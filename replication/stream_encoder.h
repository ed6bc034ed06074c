#pragma once
// StreamEncoder: turns the propagated writes into the replication stream's bytes: RESP2 multibulk
// commands, with `SELECT <db>` emitted before a command whose database differs from the stream's
// (docs/replication.md, "the command stream").
//
// Owner: replication::Replication; server thread only.

#include <span>
#include <string>
#include <string_view>

namespace tandem::replication {

class StreamEncoder {
 public:
  // Appends `argv` to `out`, preceded by SELECT when `db` (>= 0) differs from the selected one;
  // db -1 (MULTI, EXEC, PING, REPLCONF GETACK) never selects.
  void Encode(int db, std::span<const std::string_view> argv, std::string& out);
  // The next command with a database selects it (a new full sync, a promotion): Redis's
  // slaveseldb = -1.
  void ForgetDb() { selected_db_ = -1; }
  int selected_db() const { return selected_db_; }

 private:
  int selected_db_ = -1;
};

}  // namespace tandem::replication
