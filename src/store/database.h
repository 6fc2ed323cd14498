// RAII over SQLite: Database owns the sqlite3*, Statement the sqlite3_stmt*,
// Transaction rolls back unless committed. Copying is deleted; moving is
// allowed so that Open() can return by value.
#ifndef CYBERTROC_STORE_DATABASE_H_
#define CYBERTROC_STORE_DATABASE_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ct::store {

class Statement;

namespace internal {
class StatementCache;
}

class Database {
 public:
  // Whether Open may create a missing database file.
  enum class Missing { kCreate, kFail };

  // Opens the database file (with kCreate, creating it 0600 if needed; with
  // kFail, a missing file is a kNotFound error naming it), turns on WAL and
  // foreign keys, sets a busy timeout and migrates the schema to the latest
  // version (PRAGMA user_version). ":memory:" works for tests.
  static Result<Database> Open(const std::string& path,
                               Missing missing = Missing::kCreate);

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  Result<void> Exec(std::string_view sql);
  // One statement. The compiled statement is kept when the Statement is
  // destroyed and handed out again for the same text: compiling SQL was a
  // fifth of a run's own work when measured.
  Result<Statement> Prepare(std::string_view sql);
  int64_t LastInsertId() const;
  int Changes() const;
  sqlite3* handle() const { return db_; }

  // Schema version after migrations.
  Result<int> UserVersion();

  // Makes every transaction committed so far durable, power loss included:
  // one sync of the write-ahead log through SQLite's own file object (which
  // also syncs the directory the first time a new log file is synced). Only
  // needed after commits made while a DeferredSync is alive; without a WAL
  // (":memory:") there is nothing to do.
  Result<void> SyncWal();

 private:
  explicit Database(sqlite3* db);
  void Close();
  sqlite3* db_ = nullptr;
  // Shared with the Statements it handed out, which may outlive it.
  std::shared_ptr<internal::StatementCache> cache_;
};

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binders take 1-based indexes like SQLite; they return *this for chaining.
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view value);
  Statement& BindNull(int index);

  // Result<true> when a row is available, Result<false> when done.
  Result<bool> Step();
  // Runs to completion (for INSERT/UPDATE/DELETE).
  Result<void> Run();
  Statement& Reset();

  int64_t ColumnInt(int col) const;
  std::string ColumnText(int col) const;
  bool ColumnIsNull(int col) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt,
            std::shared_ptr<internal::StatementCache> cache,
            const std::string* key)
      : db_(db), stmt_(stmt), cache_(std::move(cache)), key_(key) {}
  void Release();
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  // Where stmt_ goes back to, under `key_`; none: it is finalized.
  std::shared_ptr<internal::StatementCache> cache_;
  const std::string* key_ = nullptr;
  // First failed Bind since the last Reset (binders cannot return an error
  // themselves); Step() and Run() report it instead of running.
  int bind_error_ = SQLITE_OK;
  int bind_error_index_ = 0;
};

// BEGIN IMMEDIATE on construction (so writers serialise early), ROLLBACK in
// the destructor unless Commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> Begin(Database& db);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  Result<void> Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_ = nullptr;
  bool done_ = false;
};

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

#endif  // CYBERTROC_STORE_DATABASE_H_
