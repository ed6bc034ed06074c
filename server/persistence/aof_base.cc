#include "server/persistence/aof_base.h"

#include <chrono>
#include <span>
#include <string_view>
#include <thread>

#include "server/base/double_format.h"
#include "server/resp/argv_encoder.h"
#include "server/store/hash_object.h"
#include "server/store/list_object.h"
#include "server/store/set_object.h"
#include "server/store/zset_object.h"

namespace tandem::persistence {
namespace {

constexpr size_t kItemsPerCommand = 64;  // Redis's AOF_REWRITE_ITEMS_PER_CMD
constexpr size_t kChunk = 64 * 1024;

// Buffers commands and hands them to the sink in chunks.
class CommandOut {
 public:
  explicit CommandOut(const rdb::SnapshotSink& sink) : sink_(sink) {}
  base::Status Add(std::span<const std::string_view> argv) {
    resp::EncodeCommand(argv, &buf_);
    return buf_.size() >= kChunk ? Drain() : base::Status::Ok();
  }
  base::Status Drain() {
    if (buf_.empty()) return base::Status::Ok();
    base::Status st = sink_(buf_);
    buf_.clear();
    return st;
  }

 private:
  const rdb::SnapshotSink& sink_;
  std::string buf_;
};

// Emits "<verb> key item..." commands of at most kItemsPerCommand items (each item one or two
// arguments).
class Batcher {
 public:
  Batcher(CommandOut& out, std::string_view verb, std::string_view key) : out_(out) {
    argv_ = {verb, key};
  }
  // Views must stay valid until Flush or the next Add call that fills the batch.
  base::Status Add(std::string a, std::string b = {}, bool pair = false) {
    storage_.push_back(std::move(a));
    if (pair) storage_.push_back(std::move(b));
    if (++items_ == kItemsPerCommand) return Flush();
    return base::Status::Ok();
  }
  base::Status Flush() {
    if (items_ == 0) return base::Status::Ok();
    std::vector<std::string_view> argv = argv_;
    for (const std::string& s : storage_) argv.push_back(s);
    storage_.clear();
    items_ = 0;
    return out_.Add(argv);
  }

 private:
  CommandOut& out_;
  std::vector<std::string_view> argv_;
  std::vector<std::string> storage_;
  size_t items_ = 0;
};

base::Status WriteValue(CommandOut& out, const store::Entry& e) {
  std::string_view key = e.key();
  switch (e.type()) {
    case store::ValueType::kString: {
      std::string_view argv[] = {"SET", key, e.string_value()};
      return out.Add(argv);
    }
    case store::ValueType::kList: {
      const auto& list = static_cast<const store::ListObject&>(*e.object());
      Batcher b(out, "RPUSH", key);
      for (auto pos = list.Front(); !pos.done(); list.Next(&pos)) {
        if (base::Status st = b.Add(std::string(list.Get(pos))); !st.ok()) return st;
      }
      return b.Flush();
    }
    case store::ValueType::kSet: {
      const auto& set = static_cast<const store::SetObject&>(*e.object());
      Batcher b(out, "SADD", key);
      base::Status st;
      set.ForEach([&](std::string_view member) {
        if (st.ok()) st = b.Add(std::string(member));
      });
      return st.ok() ? b.Flush() : st;
    }
    case store::ValueType::kZSet: {
      const auto& zset = static_cast<const store::ZSetObject&>(*e.object());
      Batcher b(out, "ZADD", key);
      base::Status st;
      zset.ForEach([&](std::string_view member, double score) {
        char buf[base::kFormatDoubleBufferSize];
        st = b.Add(std::string(buf, base::FormatDouble(score, buf)), std::string(member), true);
        return st.ok();
      });
      return st.ok() ? b.Flush() : st;
    }
    case store::ValueType::kHash: {
      const auto& hash = static_cast<const store::HashObject&>(*e.object());
      Batcher b(out, "HMSET", key);
      base::Status st;
      hash.ForEach([&](std::string_view field, std::string_view value) {
        if (st.ok()) st = b.Add(std::string(field), std::string(value), true);
      });
      return st.ok() ? b.Flush() : st;
    }
    case store::ValueType::kStream:
      return base::Status::Error(base::Status::Code::kInternal,
                                 "stream keys need aof-use-rdb-preamble yes in Tandem");
  }
  return base::Status::Ok();
}

base::Status WriteRespBase(const AofBaseInput& input, const rdb::SnapshotSink& sink) {
  CommandOut out(sink);
  for (const std::string& code : input.function_codes) {
    std::string_view argv[] = {"FUNCTION", "LOAD", code};
    if (base::Status st = out.Add(argv); !st.ok()) return st;
  }
  const store::Keyspace& ks = *input.keyspace;
  for (int db = 0; db < ks.database_count(); ++db) {
    if (ks.db(db).size() == 0) continue;
    std::string index = std::to_string(db);
    std::string_view select[] = {"SELECT", index};
    base::Status st = out.Add(select);
    ks.db(db).ForEach([&](store::Entry* e) {
      if (!st.ok()) return;
      // rdb-key-save-delay slows rewrites down too, as in Redis (a test knob).
      if (input.rdb_options.key_save_delay_us > 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(input.rdb_options.key_save_delay_us));
      }
      st = WriteValue(out, *e);
      if (st.ok() && e->has_expire()) {
        std::string when = std::to_string(e->expire_ms());
        std::string_view argv[] = {"PEXPIREAT", e->key(), when};
        st = out.Add(argv);
      }
    });
    if (!st.ok()) return st;
  }
  return out.Drain();
}

}  // namespace

base::Status WriteAofBase(const AofBaseInput& input, const rdb::SnapshotSink& sink) {
  if (!input.rdb) return WriteRespBase(input, sink);
  rdb::SnapshotAux aux = input.aux;
  aux.aof_base = true;
  return rdb::WriteSnapshot(*input.keyspace, input.function_codes, aux, input.rdb_options, sink);
}

}  // namespace tandem::persistence
