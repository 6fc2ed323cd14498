// Database::Open: file creation with private permissions, connection
// settings, then schema migrations (store/schema.cpp).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "store/codec.h"
#include "store/database.h"
#include "store/schema.h"

namespace ct::store {
namespace {

bool IsInMemory(const std::string& path) { return path == ":memory:"; }

Error ErrnoError(const std::string& what, const std::string& path) {
  return Error{ErrorKind::kIo,
               "database: " + what + " " + path + ": " + std::strerror(errno)};
}

// The database holds who owes what to whom: it must never be readable by
// other users. Creating it ourselves fixes the mode before SQLite writes a
// byte (SQLite then gives -wal/-shm the mode of the main file).
Result<void> EnsurePrivateFile(const std::string& path, bool create) {
  const int fd =
      ::open(path.c_str(),
             O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0600);
  if (fd < 0 && errno == ENOENT && !create)
    return Fail(ErrorKind::kNotFound, "database " + path + " does not exist");
  if (fd < 0) return std::unexpected(ErrnoError("cannot open", path));
  // An existing file may have been created with a looser mode.
  const bool chmod_ok = ::fchmod(fd, 0600) == 0;
  const int saved_errno = errno;
  ::close(fd);
  if (!chmod_ok) {
    errno = saved_errno;
    return std::unexpected(ErrnoError("cannot chmod 0600", path));
  }
  return {};
}

// Restricts the mode of every file created while it lives (-wal, -shm,
// journals) in case SQLite's mode inheritance does not apply.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : saved_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(saved_); }
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t saved_;
};

// Runs a PRAGMA that answers with one value and returns that value as text.
Result<std::string> QueryPragma(Database& db, std::string_view sql) {
  Result<Statement> st = db.Prepare(sql);
  CT_TRY(st);
  Result<bool> row = st->Step();
  CT_TRY(row);
  if (!*row) return std::string();
  return st->ColumnText(0);
}

Result<void> Configure(Database& db, bool in_memory) {
  // Set first, so that switching to WAL waits for another process too.
  const int rc = sqlite3_busy_timeout(db.handle(), 10000);
  if (rc != SQLITE_OK) {
    return std::unexpected(
        internal::SqliteError(db.handle(), rc, "busy timeout"));
  }
  CT_TRY(db.Exec("PRAGMA foreign_keys = ON"));
  Result<std::string> fk = QueryPragma(db, "PRAGMA foreign_keys");
  CT_TRY(fk);
  if (*fk != "1") {
    return Fail(ErrorKind::kConfig,
                "database: SQLite lacks foreign key support");
  }
  // WAL lets the CLI read while the daemon writes. An in-memory database
  // answers "memory", which is fine for tests.
  Result<std::string> mode = QueryPragma(db, "PRAGMA journal_mode = WAL");
  CT_TRY(mode);
  if (!in_memory && internal::AsciiLower(*mode) != "wal") {
    return Fail(
        ErrorKind::kIo,
        "database: cannot switch to WAL journal (got \"" + *mode + "\")");
  }
  // FULL: a committed deposit or payout survives a power cut.
  return db.Exec("PRAGMA synchronous = FULL");
}

}  // namespace

Result<Database> Database::Open(const std::string& path, Missing missing) {
  // SQLite reads "" as "a private temporary file": money kept there would
  // vanish at exit, so an empty path can only be a configuration mistake.
  if (path.empty()) return Fail(ErrorKind::kConfig, "database: empty path");
  const bool in_memory = IsInMemory(path);
  ScopedUmask umask_guard(077);
  const bool create = missing == Missing::kCreate;
  if (!in_memory) CT_TRY(EnsurePrivateFile(path, create));

  sqlite3* handle = nullptr;
  // Without kCreate the file was just found: SQLite must not create it
  // either should it vanish in between.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW |
                    (create || in_memory ? SQLITE_OPEN_CREATE : 0);
  const int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
  // Even a failed open may allocate a handle; owning it at once closes it on
  // every path.
  Database db(handle);
  if (rc != SQLITE_OK) {
    return std::unexpected(internal::SqliteError(handle, rc, "open " + path));
  }
  sqlite3_extended_result_codes(handle, 1);
  CT_TRY(Configure(db, in_memory));
  CT_TRY(internal::Migrate(db));
  return db;
}

}  // namespace ct::store
