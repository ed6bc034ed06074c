// libFuzzer target for rdb::LoadSnapshot: arbitrary bytes as an RDB file, loaded into a fresh
// Keyspace. Checks, besides the sanitizers' own: a failure is kCorruption and names an offset; a
// file that loads is written back by WriteSnapshot and loads again to the same number of keys in
// every database and the same function libraries.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/rdb/snapshot.h"

namespace {

using tandem::rdb::LoadSnapshot;
using tandem::rdb::SnapshotLoadOptions;
using tandem::store::Keyspace;

constexpr int kDatabases = 16;

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  SnapshotLoadOptions options;
  options.now_ms = 1'700'000'000'000;
  options.drop_expired = false;  // every key loaded comes back: the counts must match
  Keyspace keyspace(kDatabases, 1);
  auto loaded = LoadSnapshot(input, keyspace, options);
  if (!loaded.ok()) {
    Check(loaded.status().code() == tandem::base::Status::Code::kCorruption);
    Check(loaded.status().message().find("offset") != std::string::npos);
    return 0;
  }
  Check(loaded->bytes <= size);

  std::string written;
  tandem::rdb::SnapshotAux aux;
  aux.redis_version = "7.0.15";
  auto status = tandem::rdb::WriteSnapshot(keyspace, loaded->function_codes, aux, {},
                                           [&](std::string_view chunk) {
                                             written.append(chunk);
                                             return tandem::base::Status::Ok();
                                           });
  Check(status.ok());
  Keyspace again(kDatabases, 2);
  auto reloaded = LoadSnapshot(written, again, options);
  Check(reloaded.ok());
  Check(reloaded->bytes == written.size());
  Check(reloaded->keys_loaded == loaded->keys_loaded);
  Check(reloaded->function_codes == loaded->function_codes);
  for (int db = 0; db < kDatabases; ++db) {
    Check(again.db(db).size() == keyspace.db(db).size());
    Check(again.db(db).expires() == keyspace.db(db).expires());
  }
  return 0;
}
