// Statement: one compiled SQLite statement (RAII over sqlite3_stmt*), as
// Database::Prepare hands it out (store/database.h). Copying is deleted;
// moving is allowed so that Prepare() can return by value.
#ifndef CYBERTROC_STORE_STATEMENT_H_
#define CYBERTROC_STORE_STATEMENT_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "core/error.h"

namespace ct::store {

class Database;

namespace internal {
class StatementCache;
}

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

}  // namespace ct::store

#endif  // CYBERTROC_STORE_STATEMENT_H_
