// Database: one SQLite connection (RAII over sqlite3*). Copying is deleted;
// moving is allowed so that Open() can return by value. What works on it
// comes with it: Statement (store/statement.h), Transaction
// (store/transaction.h) and DeferredSync (store/deferred_sync.h).
#ifndef CYBERTROC_STORE_DATABASE_H_
#define CYBERTROC_STORE_DATABASE_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "store/deferred_sync.h"
#include "store/statement.h"
#include "store/transaction.h"

namespace ct::store {

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

}  // namespace ct::store

#endif  // CYBERTROC_STORE_DATABASE_H_
