#pragma once
// The AOF manifest of Redis 7.0's multi-part AOF: `<appenddirname>/<appendfilename>.manifest`, one
// line per file, "file <name> seq <n> type <b|h|i>\n", the base first, then history, then the
// incremental files in sequence order. A name that needs it is written quoted as sdscatrepr does.
// Files are named `<appendfilename>.<seq>.base.rdb|.aof` and `<appendfilename>.<seq>.incr.aof`.
// Reading follows aofLoadManifestFromFile: '#' lines are comments; each other line splits like
// sdssplitargs into an even number (>= 6) of key/value words (unknown keys are ignored).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/status.h"

namespace tandem::persistence {

enum class AofFileType : char {
  kBase = 'b',     // the snapshot of the last rewrite (at most one, listed first)
  kHistory = 'h',  // superseded by a rewrite, deleted unless aof-disable-auto-gc
  kIncr = 'i',     // writes since the base, replayed in order
};

struct AofFileInfo {
  std::string name;
  int64_t seq = 0;
  AofFileType type = AofFileType::kIncr;
  bool operator==(const AofFileInfo&) const = default;
};

class AofManifest {
 public:
  // Parses a manifest's text. Errors carry Redis's reason and where:
  // "Invalid AOF manifest file format (line 2: 'file x seq')". An empty text fails.
  static base::StatusOr<AofManifest> Parse(std::string_view text);
  // The file's text, as Redis writes it.
  std::string Format() const;

  const std::optional<AofFileInfo>& base() const { return base_; }
  const std::vector<AofFileInfo>& incrs() const { return incrs_; }
  const std::vector<AofFileInfo>& history() const { return history_; }
  bool empty() const { return !base_ && incrs_.empty(); }

  // Names a new base (".base.rdb" when `rdb`, else ".base.aof") with the next base sequence number
  // and turns the current base, if any, into history. Returns the new name.
  const std::string& NewBase(std::string_view prefix, bool rdb);
  // Appends a new incremental file with the next incr sequence number. Returns its name.
  const std::string& NewIncr(std::string_view prefix);
  // The last incremental file, creating one when there is none.
  const std::string& LastIncr(std::string_view prefix);
  // After a rewrite: every incremental file but the last `keep` becomes history.
  void MarkIncrsAsHistory(size_t keep);
  // Forgets the history entries (their files are deleted by the caller).
  void ClearHistory() { history_.clear(); }

 private:
  std::optional<AofFileInfo> base_;
  std::vector<AofFileInfo> incrs_;
  std::vector<AofFileInfo> history_;
  int64_t base_seq_ = 0;  // the highest base sequence number used
  int64_t incr_seq_ = 0;  // the highest incr sequence number used
};

// The manifest's file name: "<appendfilename>.manifest".
std::string AofManifestName(std::string_view prefix);

}  // namespace tandem::persistence
