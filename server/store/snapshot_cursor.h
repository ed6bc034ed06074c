#pragma once
// SnapshotCursor: a point-in-time walk of a keyspace that the server keeps changing meanwhile,
// without copying it (the forkless BGSAVE). Starting flips the keyspace's snapshot epoch, which
// makes every entry pending (its snapshot bit differs from the epoch); an entry handed to the
// callback gets the epoch's bit, and so do entries created from then on (Database::Add), so each
// entry present at the start is handed exactly once, with the value it had at the start, provided
// that whoever is about to change or remove an entry calls Preserve(db, key) first. The dispatcher
// does it for a command's keys; Keyspace::NotifyRemoved for expiry and eviction. Commands that
// empty or swap whole databases must Drain() first.
//
// Step walks db 0..n-1 with Database::Scan cursors, which visit every entry present throughout the
// walk (some twice across a resize: the bit dedups).
//
// Owner: the snapshot's driver; one per keyspace at a time (it registers as keyspace.snapshot()
// until done). Server thread only.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "server/store/keyspace.h"

namespace tandem::store {

class SnapshotCursor {
 public:
  // Receives each entry of the snapshot once, as it was when the snapshot started. It must not
  // change the keyspace.
  using EntryFn = std::function<void(int db, const Entry& entry)>;

  // Starts a snapshot of `keyspace` as it is now. The keyspace must have no other snapshot.
  SnapshotCursor(Keyspace& keyspace, EntryFn fn);
  // An unfinished snapshot is aborted: every entry gets the epoch's bit (O(n)), so that the next
  // snapshot starts consistent.
  ~SnapshotCursor();
  SnapshotCursor(const SnapshotCursor&) = delete;
  SnapshotCursor& operator=(const SnapshotCursor&) = delete;

  // Hands up to `budget` (> 0) pending entries to fn. Returns true when the walk is complete; the
  // cursor then unregisters from the keyspace and does nothing more.
  bool Step(size_t budget);
  // Hands the entry under `key` in `db` at once if it is still pending (no expiry check).
  void Preserve(int db, std::string_view key);
  // Hands every remaining entry (FLUSHALL, SWAPDB...).
  void Drain();

  bool done() const { return done_; }
  // Entries handed so far.
  uint64_t handed() const { return handed_; }

 private:
  bool Pending(const Entry& entry) const {
    return entry.snapshot_bit() != keyspace_.snapshot_epoch();
  }
  void Hand(int db, Entry* entry);
  void Finish();

  Keyspace& keyspace_;
  EntryFn fn_;
  int db_ = 0;           // the database being walked
  uint64_t cursor_ = 0;  // its Scan cursor
  uint64_t handed_ = 0;
  bool done_ = false;
};

}  // namespace tandem::store
