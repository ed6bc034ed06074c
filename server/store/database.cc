#include "server/store/database.h"

#include <utility>

namespace tandem::store {

void Database::Add(Entry* entry) {
  entry->set_snapshot_bit(snapshot_epoch_);
  table_.Insert(entry);
  if (entry->has_expire()) {
    entry->volatile_index = static_cast<uint32_t>(volatile_.size());
    volatile_.push_back(entry);
  }
}

void Database::Moved(const Entry* old, Entry* fresh) {
  if (old == fresh) return;
  table_.Relink(old, fresh);
  if (fresh->has_expire()) volatile_[fresh->volatile_index] = fresh;
}

void Database::Unindex(Entry* entry) {
  if (!entry->has_expire()) return;
  Entry* last = volatile_.back();
  volatile_[entry->volatile_index] = last;
  last->volatile_index = entry->volatile_index;
  volatile_.pop_back();
}

Entry* Database::SetString(std::string_view key, std::string_view value, bool keep_ttl) {
  Entry* e = table_.Find(key);
  if (e == nullptr) {
    e = Entry::NewString(key, value, false);
    e->set_snapshot_bit(snapshot_epoch_);
    table_.Insert(e);
    return e;
  }
  if (!keep_ttl) Persist(e);
  Entry* fresh = Entry::AssignString(e, value);
  Moved(e, fresh);
  return fresh;
}

Entry* Database::ResizeString(Entry* entry, size_t length) {
  Entry* fresh = Entry::ResizeString(entry, length);
  Moved(entry, fresh);
  return fresh;
}

Entry* Database::SetExpire(Entry* entry, int64_t when_ms) {
  if (!entry->has_expire()) {
    Entry* fresh = Entry::AddExpireSlot(entry);
    table_.Relink(entry, fresh);
    fresh->volatile_index = static_cast<uint32_t>(volatile_.size());
    volatile_.push_back(fresh);
    entry = fresh;
  }
  entry->set_expire_ms(when_ms);
  return entry;
}

bool Database::Persist(Entry* entry) {
  if (!entry->has_expire()) return false;
  Unindex(entry);
  Entry::RemoveExpireSlot(entry);  // in place: the block does not move
  return true;
}

Entry* Database::Detach(std::string_view key) {
  Entry* e = table_.Detach(key);
  if (e != nullptr) Unindex(e);
  return e;
}

bool Database::Delete(std::string_view key) {
  Entry* e = Detach(key);
  if (e == nullptr) return false;
  Entry::Destroy(e);
  return true;
}

void Database::Clear() {
  table_.Clear();
  std::vector<Entry*>().swap(volatile_);
}

void Database::Swap(Database& other) noexcept {
  std::swap(table_, other.table_);
  std::swap(volatile_, other.volatile_);
}

}  // namespace tandem::store
