// DeferredSync: commits on a Database (store/database.h) that are synced to
// disk together rather than one by one.
#ifndef CYBERTROC_STORE_DEFERRED_SYNC_H_
#define CYBERTROC_STORE_DEFERRED_SYNC_H_

#include <cstdint>

#include "core/error.h"

namespace ct::store {

class Database;

// While alive, commits on `db` are not synced to disk one by one
// (PRAGMA synchronous = NORMAL in WAL mode): they survive the process dying
// (kill -9, abort), but a power cut or a kernel crash may undo the last of
// them, never part of one. For work that nothing outside the database sees
// until Finish(): Finish() syncs once (Database::SyncWal) and turns the
// per-commit sync back on (FULL, as Database::Open sets it). The destructor
// restores FULL without syncing: the next FULL commit, or SyncWal, syncs
// the log, earlier commits included.
class DeferredSync {
 public:
  static Result<DeferredSync> Begin(Database& db);
  DeferredSync(DeferredSync&& other) noexcept;
  DeferredSync& operator=(DeferredSync&&) = delete;
  DeferredSync(const DeferredSync&) = delete;
  DeferredSync& operator=(const DeferredSync&) = delete;
  ~DeferredSync();

  // Syncs, without ending the deferral (e.g. before acknowledging what was
  // stored so far). Nothing to do when nothing changed since the last sync.
  Result<void> Sync();
  // Syncs and restores FULL.
  Result<void> Finish();

 private:
  DeferredSync(Database* db, int64_t changes) : db_(db), synced_(changes) {}
  Database* db_ = nullptr;
  int64_t synced_ = 0;  // sqlite3_total_changes64 when last synced
};

}  // namespace ct::store

#endif  // CYBERTROC_STORE_DEFERRED_SYNC_H_
