#include "server/rdb/snapshot.h"

#include <time.h>

#include <cinttypes>
#include <cstdio>
#include <limits>

#include "server/base/number_parse.h"
#include "server/rdb/byte_order.h"
#include "server/rdb/crc64.h"
#include "server/rdb/function_library.h"
#include "server/rdb/rdb_format.h"
#include "server/store/eviction.h"

namespace tandem::rdb {
namespace {

constexpr size_t kSinkChunk = 64 * 1024;
constexpr std::string_view kMagic = "REDIS";

// The module aux value's opcodes (Redis's RDB_MODULE_OPCODE_*).
enum ModuleOpcode : uint64_t {
  kModuleEof = 0,
  kModuleSint = 1,
  kModuleUint = 2,
  kModuleFloat = 3,
  kModuleDouble = 4,
  kModuleString = 5,
};

// Buffers the file's bytes, keeps the running CRC64 and hands ~64 KB chunks to the sink.
class ChunkWriter {
 public:
  explicit ChunkWriter(const SnapshotSink& sink) : sink_(sink) { buffer_.reserve(kSinkChunk * 2); }
  std::string* buffer() { return &buffer_; }
  base::Status MaybeFlush() { return buffer_.size() >= kSinkChunk ? Flush() : base::Status::Ok(); }
  base::Status Flush() {
    if (buffer_.empty()) return base::Status::Ok();
    crc_ = Crc64(crc_, buffer_);
    base::Status status = sink_(buffer_);
    buffer_.clear();
    return status;
  }
  uint64_t crc() const { return crc_; }

 private:
  const SnapshotSink& sink_;
  std::string buffer_;
  uint64_t crc_ = 0;
};

// Aux names and values are strings as Redis writes every string (integers encoded, LZF).
void AppendAux(std::string_view name, std::string_view value, bool compress, std::string* out) {
  out->push_back(static_cast<char>(kOpAux));
  AppendEncodedString(name, compress, out);
  AppendEncodedString(value, compress, out);
}

void SleepMicros(int64_t us) {
  timespec ts{static_cast<time_t>(us / 1'000'000), static_cast<long>((us % 1'000'000) * 1000)};
  while (nanosleep(&ts, &ts) != 0) {
  }
}

base::Status WriteDatabase(int index, const store::Database& db,
                           const SnapshotWriteOptions& options, ChunkWriter& writer) {
  std::string* out = writer.buffer();
  out->push_back(static_cast<char>(kOpSelectDb));
  AppendLength(static_cast<uint64_t>(index), out);
  out->push_back(static_cast<char>(kOpResizeDb));
  AppendLength(db.size(), out);
  AppendLength(db.expires(), out);
  base::Status status;
  db.ForEach([&](const store::Entry* entry) {
    if (!status.ok()) return;
    AppendKey(*entry, options.compress, out);
    if (options.key_save_delay_us > 0) SleepMicros(options.key_save_delay_us);
    status = writer.MaybeFlush();
  });
  return status;
}

// Loading state: the reader and what the next key carries.
class Loader {
 public:
  Loader(std::string_view data, store::Keyspace& keyspace, const SnapshotLoadOptions& options)
      : data_(data), in_(data), keyspace_(keyspace), options_(options) {}

  base::StatusOr<SnapshotLoadResult> Run();

 private:
  base::Status Fail(std::string_view reason) const { return FailAt(in_.position(), reason); }
  base::Status FailAt(size_t offset, std::string_view reason) const {
    return base::Status::Error(
        base::Status::Code::kCorruption,
        "Corrupt RDB at offset " + std::to_string(offset) + ": " + std::string(reason));
  }
  // Prefixes a reader error with the offset.
  base::Status Wrap(const base::Status& status) const { return Fail(status.message()); }
  base::StatusOr<uint64_t> ReadFixed(int bytes);
  base::Status ReadHeader();
  base::Status SkipModuleAux();
  base::Status LoadKey(uint8_t type, size_t offset);
  uint32_t AccessFor(int64_t now_ms) const;

  std::string_view data_;
  BufferReader in_;
  store::Keyspace& keyspace_;
  const SnapshotLoadOptions& options_;
  SnapshotLoadResult result_;
  int version_ = 0;
  int db_ = 0;
  int64_t expire_ms_ = -1;
  int64_t idle_s_ = -1;
  int freq_ = -1;
};

base::StatusOr<uint64_t> Loader::ReadFixed(int bytes) {
  base::StatusOr<std::string_view> raw = in_.ReadRaw(static_cast<size_t>(bytes));
  if (!raw.ok()) return Wrap(raw.status());
  return ReadLittleEndian(*raw);
}

base::Status Loader::ReadHeader() {
  if (data_.size() < 9 || data_.substr(0, 5) != kMagic) {
    return FailAt(0, "Wrong signature trying to load DB from file");
  }
  int version = 0;
  for (char c : data_.substr(5, 4)) {
    if (c < '0' || c > '9') return FailAt(5, "Wrong signature trying to load DB from file");
    version = version * 10 + (c - '0');
  }
  if (version < 1 || version > kRdbVersion) {
    return FailAt(5, "Can't handle RDB format version " + std::to_string(version));
  }
  version_ = version;
  for (int i = 0; i < 9; ++i) (void)in_.ReadByte();
  return base::Status::Ok();
}

// Module aux data: module id, "when" opcode (must be UINT), when, then the value as a sequence of
// typed fields up to the module EOF opcode (Redis's rdbLoadCheckModuleValue reads it the same way).
base::Status Loader::SkipModuleAux() {
  for (int i = 0; i < 3; ++i) {
    base::StatusOr<uint64_t> v = in_.ReadLength();
    if (!v.ok()) return Wrap(v.status());
    if (i == 1 && *v != kModuleUint) return Fail("bad when_opcode");
  }
  for (;;) {
    base::StatusOr<uint64_t> opcode = in_.ReadLength();
    if (!opcode.ok()) return Wrap(opcode.status());
    switch (*opcode) {
      case kModuleEof:
        return base::Status::Ok();
      case kModuleSint:
      case kModuleUint: {
        base::StatusOr<uint64_t> v = in_.ReadLength();
        if (!v.ok()) return Wrap(v.status());
        break;
      }
      case kModuleFloat:
      case kModuleDouble: {
        base::StatusOr<uint64_t> v = ReadFixed(*opcode == kModuleFloat ? 4 : 8);
        if (!v.ok()) return v.status();
        break;
      }
      case kModuleString: {
        base::StatusOr<std::string> s = in_.ReadString();
        if (!s.ok()) return Wrap(s.status());
        break;
      }
      default:
        return Fail("Unknown module opcode " + std::to_string(*opcode));
    }
  }
}

// The access data of a loaded key: from IDLE (LRU policies) or FREQ (LFU policies) when the file
// has them, else a new key's.
uint32_t Loader::AccessFor(int64_t now_ms) const {
  const store::EvictionConfig& eviction = keyspace_.eviction();
  if (store::UsesLfu(eviction.policy)) {
    if (freq_ >= 0) {
      uint32_t minutes = static_cast<uint32_t>(now_ms / 60000) & 0xFFFF;
      return (minutes << 8) | static_cast<uint32_t>(freq_);
    }
  } else if (idle_s_ >= 0 && (eviction.policy == store::EvictionPolicy::kAllKeysLru ||
                              eviction.policy == store::EvictionPolicy::kVolatileLru)) {
    return static_cast<uint32_t>(now_ms / 1000 - idle_s_) & 0xFFFFFF;
  }
  return store::InitialAccess(eviction, now_ms);
}

base::Status Loader::LoadKey(uint8_t type, size_t offset) {
  if (type == kTypeModule || type == kTypeModule2) {
    return FailAt(offset, "module value type " + std::to_string(type) + " can't be loaded");
  }
  if (!IsValueType(type)) return FailAt(offset, "Unknown RDB value type " + std::to_string(type));
  base::StatusOr<std::string> key = in_.ReadString();
  if (!key.ok()) return Wrap(key.status());
  size_t value_offset = in_.position();
  base::StatusOr<Value> value = ReadValue(type, in_, options_.limits);
  if (!value.ok()) return FailAt(value_offset, value.status().message());
  int64_t expire = expire_ms_;
  expire_ms_ = -1;
  if (options_.drop_expired && expire != -1 && expire < options_.now_ms) {
    idle_s_ = freq_ = -1;
    ++result_.keys_expired;
    return base::Status::Ok();
  }
  store::Database& db = keyspace_.db(db_);
  if (key->size() > static_cast<size_t>(store::kMaxKeyLength))
    return FailAt(offset, "key too long");
  if (db.Find(*key) != nullptr) return FailAt(offset, "Duplicate key '" + *key + "' found");
  bool with_expire = expire != -1;
  store::Entry* entry = value->object != nullptr
                            ? store::Entry::NewObject(*key, std::move(value->object), with_expire)
                            : store::Entry::NewString(*key, value->string, with_expire);
  if (with_expire) entry->set_expire_ms(expire);
  entry->set_access(AccessFor(options_.now_ms));
  idle_s_ = freq_ = -1;
  db.Add(entry);
  ++result_.keys_loaded;
  return base::Status::Ok();
}

base::StatusOr<SnapshotLoadResult> Loader::Run() {
  if (base::Status s = ReadHeader(); !s.ok()) return s;
  for (;;) {
    size_t offset = in_.position();
    base::StatusOr<uint8_t> type = in_.ReadByte();
    if (!type.ok()) return Wrap(type.status());
    switch (*type) {
      case kOpEof: {
        size_t end = in_.position();
        if (version_ >= 5) {
          base::StatusOr<uint64_t> expected = ReadFixed(8);
          if (!expected.ok()) return expected.status();
          if (*expected != 0) {
            uint64_t actual = Crc64(0, data_.substr(0, end));
            if (actual != *expected) {
              char text[96];
              std::snprintf(text, sizeof text,
                            "Wrong RDB checksum expected: (%" PRIx64 ") got: (%" PRIx64 ")",
                            *expected, actual);
              return FailAt(end, text);
            }
          }
        }
        result_.bytes = in_.position();
        return std::move(result_);
      }
      case kOpSelectDb: {
        base::StatusOr<uint64_t> db = in_.ReadLength();
        if (!db.ok()) return Wrap(db.status());
        if (*db >= static_cast<uint64_t>(keyspace_.database_count())) {
          return FailAt(offset,
                        "Data file was created with a Redis server configured to handle "
                        "more than " +
                            std::to_string(keyspace_.database_count()) + " databases");
        }
        db_ = static_cast<int>(*db);
        break;
      }
      case kOpResizeDb: {
        base::StatusOr<uint64_t> keys = in_.ReadLength();
        if (!keys.ok()) return Wrap(keys.status());
        base::StatusOr<uint64_t> expires = in_.ReadLength();
        if (!expires.ok()) return Wrap(expires.status());
        // A hint: a key takes at least 3 bytes of the file, which bounds a corrupt one.
        keyspace_.db(db_).Reserve(std::min<uint64_t>(*keys, data_.size() / 3));
        break;
      }
      case kOpExpireTime: {
        base::StatusOr<int64_t> s = in_.ReadSecondTime();
        if (!s.ok()) return Wrap(s.status());
        expire_ms_ = *s * 1000;
        break;
      }
      case kOpExpireTimeMs: {
        base::StatusOr<int64_t> ms = in_.ReadMillisecondTime();
        if (!ms.ok()) return Wrap(ms.status());
        expire_ms_ = *ms;
        break;
      }
      case kOpIdle: {
        base::StatusOr<uint64_t> idle = in_.ReadLength();
        if (!idle.ok()) return Wrap(idle.status());
        idle_s_ = static_cast<int64_t>(*idle & 0xFFFFFF);
        break;
      }
      case kOpFreq: {
        base::StatusOr<uint8_t> freq = in_.ReadByte();
        if (!freq.ok()) return Wrap(freq.status());
        freq_ = *freq;
        break;
      }
      case kOpAux: {
        base::StatusOr<std::string> name = in_.ReadString();
        if (!name.ok()) return Wrap(name.status());
        base::StatusOr<std::string> value = in_.ReadString();
        if (!value.ok()) return Wrap(value.status());
        result_.aux.emplace_back(std::move(*name), std::move(*value));
        break;
      }
      case kOpModuleAux:
        if (base::Status s = SkipModuleAux(); !s.ok()) return s;
        break;
      case kOpFunction2: {
        base::StatusOr<std::string> code = in_.ReadString();
        if (!code.ok()) return Wrap(code.status());
        result_.function_codes.push_back(std::move(*code));
        break;
      }
      case kOpFunctionPreGa: {
        base::StatusOr<std::string> code = ReadPreGaFunctionLibrary(in_);
        if (!code.ok()) return Wrap(code.status());
        result_.function_codes.push_back(std::move(*code));
        break;
      }
      default:
        if (base::Status s = LoadKey(*type, offset); !s.ok()) return s;
    }
  }
}

}  // namespace

void AppendPreamble(const std::vector<std::string>& function_codes, const SnapshotAux& aux,
                    bool compress, std::string* out) {
  char version[8];
  std::snprintf(version, sizeof version, "%04d", kRdbVersion);
  out->append(kMagic);
  out->append(version);
  AppendAux("redis-ver", aux.redis_version, compress, out);
  AppendAux("redis-bits", std::to_string(sizeof(void*) * 8), compress, out);
  AppendAux("ctime", std::to_string(aux.ctime_s), compress, out);
  AppendAux("used-mem", std::to_string(aux.used_mem), compress, out);
  if (!aux.repl_id.empty()) {
    AppendAux("repl-stream-db", std::to_string(aux.repl_stream_db), compress, out);
    AppendAux("repl-id", aux.repl_id, compress, out);
    AppendAux("repl-offset", std::to_string(aux.repl_offset), compress, out);
  }
  AppendAux("aof-base", aux.aof_base ? "1" : "0", compress, out);
  for (const std::string& code : function_codes) {
    out->push_back(static_cast<char>(kOpFunction2));
    AppendEncodedString(code, compress, out);
  }
}

void AppendKey(const store::Entry& entry, bool compress, std::string* out) {
  if (entry.has_expire()) {
    out->push_back(static_cast<char>(kOpExpireTimeMs));
    AppendMillisecondTime(entry.expire_ms(), out);
  }
  AppendKeyAndValue(entry, WriteOptions{.compress = compress}, out);
}

base::Status WriteSnapshot(const store::Keyspace& keyspace,
                           const std::vector<std::string>& function_codes, const SnapshotAux& aux,
                           const SnapshotWriteOptions& options, const SnapshotSink& sink) {
  ChunkWriter writer(sink);
  std::string* out = writer.buffer();
  AppendPreamble(function_codes, aux, options.compress, out);
  for (int i = 0; i < keyspace.database_count(); ++i) {
    const store::Database& db = keyspace.db(i);
    if (db.size() == 0) continue;
    if (base::Status s = WriteDatabase(i, db, options, writer); !s.ok()) return s;
  }
  out->push_back(static_cast<char>(kOpEof));
  if (base::Status s = writer.Flush(); !s.ok()) return s;
  AppendLittleEndian(options.checksum ? writer.crc() : 0, 8, out);
  return writer.Flush();
}

base::StatusOr<SnapshotLoadResult> LoadSnapshot(std::string_view data, store::Keyspace& keyspace,
                                                const SnapshotLoadOptions& options) {
  Loader loader(data, keyspace, options);
  return loader.Run();
}

}  // namespace tandem::rdb
