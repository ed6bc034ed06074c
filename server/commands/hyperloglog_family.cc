// HyperLogLog commands: PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST. The values are plain
// strings in Redis's HLL format (server/store/hyperloglog.h); a handler copies the value, edits the
// copy and writes it back into the entry in place, keeping any TTL.

#include <cstring>
#include <random>
#include <string>

#include "server/base/ascii_case.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/config/keyspace_events.h"
#include "server/store/eviction.h"
#include "server/store/hyperloglog.h"

namespace tandem::commands {
namespace {

namespace hll = store::hll;

constexpr std::string_view kNoSuchHll = "ERR The specified key does not exist";
constexpr std::string_view kNotSparse = "ERR HLL encoding is not sparse";

// Checks that `e` holds an HLL, replying WRONGTYPE (one of Redis's two texts) when it does not.
bool CheckHll(Context& ctx, const store::Entry* e) {
  if (!e->is_string()) {
    ctx.Error(errors::kWrongType);
    return false;
  }
  if (!hll::IsHll(e->string_value())) {
    ctx.Error(errors::kNotHll);
    return false;
  }
  return true;
}

// The HLL under `key` for a read (counts a hit or miss). Null when absent, and also after an error
// reply (ctx.failed tells the two apart).
store::Entry* LookupHll(Context& ctx, std::string_view key) {
  store::Entry* e = ctx.Lookup(key);
  return e != nullptr && CheckHll(ctx, e) ? e : nullptr;
}

// The HLL under `key` for a write that reads it first (Redis's lookupKeyWrite: access data
// refreshed, no hit/miss counted). Null as above.
store::Entry* FindHllForUpdate(Context& ctx, std::string_view key) {
  store::Entry* e = ctx.Find(key);
  if (e == nullptr || !CheckHll(ctx, e)) return nullptr;
  store::TouchEntry(e, ctx.keyspace().eviction(), ctx.now_ms);
  return e;
}

// Replaces the bytes of the string entry `e` with `value`, keeping its TTL; returns the entry (its
// block may move). Redis edits an HLL as a raw (not embedded) string, so OBJECT ENCODING reports
// "raw" afterwards.
store::Entry* WriteBack(Context& ctx, store::Entry* e, const std::string& value) {
  e = ctx.db().ResizeString(e, value.size());
  std::memcpy(e->mutable_string_data(), value.data(), value.size());
  e->set_raw_encoding();
  return e;
}

// Adds `key`, which must be absent, holding `value`.
void AddHll(Context& ctx, std::string_view key, const std::string& value) {
  store::Entry* e = store::Entry::NewString(key, value, false);
  e->set_raw_encoding();
  ctx.db().Add(e);
  ctx.keyspace().InitAccess(e, ctx.now_ms);
}

size_t SparseMaxBytes(Context& ctx) {
  return static_cast<size_t>(ctx.server.config.GetInt("hll-sparse-max-bytes"));
}

// PFADD key [element ...]: 1 when the key was created or a register grew.
void PfAdd(Context& ctx) {
  std::string_view key = ctx.argv[1];
  store::Entry* e = FindHllForUpdate(ctx, key);
  if (ctx.failed) return;
  int64_t updated = 0;
  std::string value;
  if (e == nullptr) {
    value = hll::NewSparse();
    ++updated;
  } else {
    value = std::string(e->string_value());
  }
  size_t sparse_max = SparseMaxBytes(ctx);
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    hll::Update u = hll::Add(&value, ctx.argv[i], sparse_max);
    if (u == hll::Update::kChanged) ++updated;
    if (u == hll::Update::kCorrupt) {
      // Redis edits in place, so the registers set before the bad opcode was met stay set.
      if (e != nullptr && updated > 0) WriteBack(ctx, e, value);
      return ctx.Error(errors::kInvalidHll);
    }
  }
  if (updated > 0) {
    hll::InvalidateCache(value.data());
    if (e == nullptr) {
      AddHll(ctx, key, value);
    } else {
      WriteBack(ctx, e, value);
    }
    ctx.Touched(key);
    ctx.Notify(config::keyspace_event::kString, "pfadd", key);
    ctx.Dirty(updated);
  }
  ctx.reply().Integer(updated > 0 ? 1 : 0);
}

// PFCOUNT of several keys: the estimate of their union; no key is changed.
void PfCountUnion(Context& ctx) {
  hll::Registers max{};
  for (size_t i = 1; i < ctx.argv.size(); ++i) {
    store::Entry* e = LookupHll(ctx, ctx.argv[i]);
    if (ctx.failed) return;
    if (e == nullptr) continue;  // a missing key counts as an empty HLL
    if (!hll::MergeInto(e->string_value(), &max)) return ctx.Error(errors::kInvalidHll);
  }
  ctx.reply().Integer(static_cast<int64_t>(hll::Count(max)));
}

// PFCOUNT key [key ...]. With one key the estimate is cached in the value's header: refreshing a
// stale cache changes the value, so it counts as a write (Redis propagates it) although the
// command is flagged readonly.
void PfCount(Context& ctx) {
  if (ctx.argv.size() > 2) return PfCountUnion(ctx);
  std::string_view key = ctx.argv[1];
  store::Entry* e = LookupHll(ctx, key);
  if (e == nullptr) {
    if (!ctx.failed) ctx.reply().Integer(0);
    return;
  }
  e->set_raw_encoding();
  std::optional<uint64_t> card = hll::CachedCardinality(e->string_value());
  if (!card) {
    card = hll::Count(e->string_value());
    if (!card) return ctx.Error(errors::kInvalidHll);
    hll::StoreCardinality(e->mutable_string_data(), *card);
    ctx.Touched(key);
    ctx.Dirty();
  }
  ctx.reply().Integer(static_cast<int64_t>(*card));
}

// PFMERGE destkey [sourcekey ...]: the destination (also a source) gets the register maxima. It
// becomes dense when any input is; otherwise the maxima are set one by one into its sparse value.
void PfMerge(Context& ctx) {
  hll::Registers max{};
  bool any_dense = false;
  for (size_t i = 1; i < ctx.argv.size(); ++i) {
    store::Entry* e = LookupHll(ctx, ctx.argv[i]);
    if (ctx.failed) return;
    if (e == nullptr) continue;
    if (hll::EncodingOf(e->string_value()) == hll::Encoding::kDense) any_dense = true;
    if (!hll::MergeInto(e->string_value(), &max)) return ctx.Error(errors::kInvalidHll);
  }

  std::string_view key = ctx.argv[1];
  store::Entry* e = ctx.Find(key);  // already checked as a source
  if (e != nullptr) store::TouchEntry(e, ctx.keyspace().eviction(), ctx.now_ms);
  std::string value = e != nullptr ? std::string(e->string_value()) : hll::NewSparse();
  if (any_dense && !hll::ToDense(&value)) return ctx.Error(errors::kInvalidHll);
  size_t sparse_max = SparseMaxBytes(ctx);
  for (int i = 0; i < hll::kRegisters; ++i) {
    if (max[i] != 0) (void)hll::SetRegister(&value, i, max[i], sparse_max);
  }
  hll::InvalidateCache(value.data());
  if (e == nullptr) {
    AddHll(ctx, key, value);
  } else {
    WriteBack(ctx, e, value);
  }
  ctx.Touched(key);
  // Redis 7.0 announces a merge as "pfadd" (a mass add of elements).
  ctx.Notify(config::keyspace_event::kString, "pfadd", key);
  ctx.Dirty();
  ctx.reply().SimpleString("OK");
}

// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key. Converting to dense counts as a write (so that it
// propagates) but, as in Redis, does not signal the key.
void PfDebug(Context& ctx) {
  std::string_view sub = ctx.argv[1];
  store::Entry* e = ctx.Find(ctx.argv[2]);
  if (e == nullptr) return ctx.Error(kNoSuchHll);
  if (!CheckHll(ctx, e)) return;
  store::TouchEntry(e, ctx.keyspace().eviction(), ctx.now_ms);
  e->set_raw_encoding();

  // Makes the value dense; false after the error reply when its sparse body is malformed.
  bool converted = false;
  auto to_dense = [&]() {
    if (hll::EncodingOf(e->string_value()) == hll::Encoding::kDense) return true;
    std::string value(e->string_value());
    if (!hll::ToDense(&value)) {
      ctx.Error(errors::kInvalidHll);
      return false;
    }
    e = WriteBack(ctx, e, value);
    ctx.Dirty();
    converted = true;
    return true;
  };

  if (base::EqualsIgnoreCase(sub, "getreg")) {
    if (!to_dense()) return;
    ctx.reply().ArrayHeader(hll::kRegisters);
    for (int i = 0; i < hll::kRegisters; ++i) {
      ctx.reply().Integer(hll::DenseRegister(e->string_value(), i));
    }
  } else if (base::EqualsIgnoreCase(sub, "decode")) {
    if (hll::EncodingOf(e->string_value()) != hll::Encoding::kSparse) {
      return ctx.Error(kNotSparse);
    }
    ctx.reply().Bulk(hll::DecodeSparse(e->string_value()));
  } else if (base::EqualsIgnoreCase(sub, "encoding")) {
    bool dense = hll::EncodingOf(e->string_value()) == hll::Encoding::kDense;
    ctx.reply().SimpleString(dense ? "dense" : "sparse");
  } else if (base::EqualsIgnoreCase(sub, "todense")) {
    if (!to_dense()) return;
    ctx.reply().Integer(converted ? 1 : 0);
  } else {
    ctx.Error("ERR Unknown PFDEBUG subcommand '" + std::string(sub) + "'");
  }
}

void PfSelfTest(Context& ctx) {
  std::string failure = hll::SelfTest(std::random_device{}(), SparseMaxBytes(ctx));
  if (!failure.empty()) return ctx.Error(failure);
  ctx.reply().SimpleString("OK");
}

}  // namespace

void RegisterHyperLogLogCommands(CommandTable& table) {
  constexpr std::string_view kGroup = "hyperloglog";
  table.Register({
      {"pfadd", -2, kWrite | kDenyOom | kFast, 1, 1, 1, kAclHyperLogLog, PfAdd, kGroup,
       "Adds the specified elements to the specified HyperLogLog.", "2.8.9", "RW INSERT"},
      // Readonly, but the key spec is RW: refreshing the cached estimate rewrites the value.
      {"pfcount", -2, kReadonly, 1, -1, 1, kAclHyperLogLog, PfCount, kGroup,
       "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).",
       "2.8.9", "RW ACCESS"},
      // Two key specs in Redis (dest RW ACCESS INSERT, sources RO ACCESS); the row holds dest's.
      {"pfmerge", -2, kWrite | kDenyOom, 1, -1, 1, kAclHyperLogLog, PfMerge, kGroup,
       "Merge N different HyperLogLogs into a single one.", "2.8.9", "RW ACCESS INSERT"},
      {"pfdebug", 3, kWrite | kDenyOom | kAdmin, 2, 2, 1, kAclHyperLogLog, PfDebug, kGroup,
       "Internal commands for debugging HyperLogLog values", "2.8.9", "RW ACCESS"},
      {"pfselftest", 1, kAdmin, 0, 0, 0, kAclHyperLogLog, PfSelfTest, kGroup,
       "An internal command for testing HyperLogLog values", "2.8.9"},
  });
}

}  // namespace tandem::commands
