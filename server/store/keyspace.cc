#include "server/store/keyspace.h"

#include "server/store/snapshot_cursor.h"

namespace tandem::store {
namespace {

constexpr int kExpireSample = 20;         // keys sampled per database per round
constexpr int kExpireRepeatPercent = 10;  // sample again while more than this share expired

}  // namespace

Keyspace::Keyspace(int database_count, uint64_t seed) : rng_(seed) {
  dbs_.reserve(database_count);
  for (int i = 0; i < database_count; ++i) dbs_.emplace_back(seed + static_cast<uint64_t>(i));
}

void Keyspace::NotifyRemoved(int db, std::string_view key, Removal why) {
  if (snapshot_ != nullptr) snapshot_->Preserve(db, key);
  if (on_removed_) on_removed_(db, key, why);
}

void Keyspace::set_snapshot_epoch(bool epoch) {
  epoch_ = epoch;
  for (Database& d : dbs_) d.set_snapshot_epoch(epoch);
}

void Keyspace::ExpireEntry(int db, Entry* entry) {
  NotifyRemoved(db, entry->key(), Removal::kExpired);
  dbs_[db].Delete(entry);
  ++stats_.expired_keys;
}

Entry* Keyspace::Find(int db, std::string_view key, int64_t now_ms) {
  Entry* e = dbs_[db].Find(key);
  if (e != nullptr && expiry_mode_ != ExpiryMode::kKeep && IsExpired(e, now_ms)) {
    if (expiry_mode_ == ExpiryMode::kDelete) ExpireEntry(db, e);
    return nullptr;
  }
  return e;
}

Entry* Keyspace::Lookup(int db, std::string_view key, int64_t now_ms) {
  Entry* e = Find(db, key, now_ms);
  if (e == nullptr) {
    ++stats_.keyspace_misses;
    return nullptr;
  }
  ++stats_.keyspace_hits;
  Touch(e, now_ms);
  return e;
}

void Keyspace::set_copy_on_write_friendly(bool on) {
  cow_friendly_ = on;
  for (Database& d : dbs_) d.set_copy_on_write_friendly(on);
}

Entry* Keyspace::RandomKey(int db, int64_t now_ms) {
  Database& d = dbs_[db];
  // Bounded: when every key is volatile and expired, give up after a while as Redis does.
  for (int tries = 0; tries < 100 && d.size() > 0; ++tries) {
    Entry* e = d.RandomEntry(rng_);
    if (expiry_mode_ == ExpiryMode::kKeep || !IsExpired(e, now_ms)) return e;
    if (expiry_mode_ == ExpiryMode::kDelete) ExpireEntry(db, e);
  }
  return d.size() > 0 ? d.RandomEntry(rng_) : nullptr;
}

void Keyspace::FlushAll() {
  for (Database& d : dbs_) d.Clear();
}

size_t Keyspace::TotalKeys() const {
  size_t n = 0;
  for (const Database& d : dbs_) n += d.size();
  return n;
}

void Keyspace::IncrementalRehash(int64_t budget_us, const std::function<int64_t()>& clock_us) {
  constexpr size_t kBucketsPerStep = 100;
  if (cow_friendly_) return;
  int64_t start = clock_us();
  for (Database& d : dbs_) {
    while (d.Rehash(kBucketsPerStep)) {
      if (clock_us() - start > budget_us) return;
    }
  }
}

size_t Keyspace::ActiveExpireCycle(int64_t now_ms, int64_t budget_us,
                                   const std::function<int64_t()>& clock_us) {
  int64_t start = clock_us();
  size_t deleted = 0, sampled_total = 0, expired_total = 0;
  for (int db = 0; db < database_count(); ++db) {
    Database& d = dbs_[db];
    for (;;) {
      if (d.expires() == 0) break;
      int sample = static_cast<int>(std::min<size_t>(kExpireSample, d.expires()));
      int expired = 0;
      for (int i = 0; i < sample && d.expires() > 0; ++i) {
        Entry* e = d.RandomVolatile(rng_);
        if (e->expire_ms() <= now_ms) {
          ExpireEntry(db, e);
          ++expired;
        }
      }
      sampled_total += sample;
      expired_total += expired;
      deleted += expired;
      if (clock_us() - start > budget_us) {
        ++stats_.expired_time_cap_reached_count;
        break;
      }
      if (expired * 100 <= sample * kExpireRepeatPercent) break;
    }
  }
  if (sampled_total > 0) {
    double current = static_cast<double>(expired_total) / static_cast<double>(sampled_total);
    stats_.expired_stale_perc = current * 0.05 + stats_.expired_stale_perc * 0.95;
  }
  return deleted;
}

}  // namespace tandem::store
