#include "server/store/snapshot_cursor.h"

#include <utility>

namespace tandem::store {

SnapshotCursor::SnapshotCursor(Keyspace& keyspace, EntryFn fn)
    : keyspace_(keyspace), fn_(std::move(fn)) {
  keyspace_.set_snapshot_epoch(!keyspace_.snapshot_epoch());
  keyspace_.set_snapshot(this);
}

SnapshotCursor::~SnapshotCursor() {
  if (done_) return;
  bool epoch = keyspace_.snapshot_epoch();
  for (int i = 0; i < keyspace_.database_count(); ++i) {
    keyspace_.db(i).ForEach([epoch](Entry* e) { e->set_snapshot_bit(epoch); });
  }
  keyspace_.set_snapshot(nullptr);
}

void SnapshotCursor::Hand(int db, Entry* entry) {
  entry->set_snapshot_bit(keyspace_.snapshot_epoch());
  ++handed_;
  fn_(db, *entry);
}

void SnapshotCursor::Finish() {
  done_ = true;
  keyspace_.set_snapshot(nullptr);
}

bool SnapshotCursor::Step(size_t budget) {
  size_t left = budget;
  while (!done_ && left > 0) {
    if (db_ == keyspace_.database_count()) {
      Finish();
      break;
    }
    bool partial = false;  // the budget ran out inside the bucket: scan it again next time
    uint64_t next = keyspace_.db(db_).Scan(cursor_, [&](Entry* e) {
      if (!Pending(*e)) return;
      if (left == 0) {
        partial = true;
        return;
      }
      --left;
      Hand(db_, e);
    });
    if (partial) break;
    cursor_ = next;
    if (cursor_ == 0) ++db_;
  }
  return done_;
}

void SnapshotCursor::Preserve(int db, std::string_view key) {
  if (done_) return;
  Entry* e = keyspace_.db(db).Find(key);
  if (e != nullptr && Pending(*e)) Hand(db, e);
}

void SnapshotCursor::Drain() {
  while (!Step(SIZE_MAX)) {
  }
}

}  // namespace tandem::store
