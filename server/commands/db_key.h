#pragma once
// The registry key for (database, key): "<db>:<key>". Used by the WATCH and blocking registries,
// which index clients by key across databases.

#include <string>
#include <string_view>

namespace tandem::commands {

inline std::string DbKeyId(int db, std::string_view key) {
  std::string id = std::to_string(db);
  id += ':';
  id += key;
  return id;
}

}  // namespace tandem::commands
