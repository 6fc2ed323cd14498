#include "store/database.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "store/codec.h"
#include "store/schema.h"

namespace ct::store {
namespace internal {

Error SqliteError(sqlite3* db, int rc, std::string_view context) {
  // Extended codes (SQLITE_BUSY_SNAPSHOT...) share the primary code's low
  // byte.
  const int primary = rc & 0xff;
  const ErrorKind kind = (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
                             ? ErrorKind::kBusy
                             : ErrorKind::kIo;
  std::string message = "database: ";
  message += context;
  message += ": ";
  // sqlite3_errmsg describes the latest failure on that connection; when
  // there is none (or no connection) the generic text of the code is all we
  // have.
  if (db != nullptr && sqlite3_errcode(db) != SQLITE_OK) {
    message += sqlite3_errmsg(db);
  } else {
    message += sqlite3_errstr(rc);
  }
  return Error{kind, std::move(message)};
}

// Compiled statements of one connection, one idle statement per SQL text.
// Thread-safe because a Statement may be destroyed on another thread than
// the one that prepared it. The texts are few and fixed (the repositories'
// queries, a handful of list filters); past kMaxTexts a new text is not
// kept, so SQL built from data could never grow the cache without bound.
class StatementCache {
 public:
  struct Taken {
    sqlite3_stmt* stmt = nullptr;      // nullptr: prepare one
    const std::string* key = nullptr;  // nullptr: do not keep it
  };

  Taken Take(std::string_view sql) {
    std::lock_guard lock(mutex_);
    if (closed_) return {};
    auto it = idle_.find(sql);
    if (it == idle_.end()) {
      if (idle_.size() >= kMaxTexts) return {};
      it = idle_.emplace(std::string(sql), nullptr).first;
    }
    return {std::exchange(it->second, nullptr), &it->first};
  }

  // Keeps `stmt`, reset and unbound (a statement left mid-step would hold
  // its read transaction open), unless one for the text is idle already.
  void Return(sqlite3_stmt* stmt, const std::string& key) {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    std::lock_guard lock(mutex_);
    auto it = idle_.find(key);
    if (closed_ || it == idle_.end() || it->second != nullptr) {
      sqlite3_finalize(stmt);
      return;
    }
    it->second = stmt;
  }

  // Before the connection closes; statements returned later are finalized.
  void Close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    // The texts stay: Statements still out hold pointers to them.
    for (auto& [text, stmt] : idle_)
      if (stmt != nullptr) sqlite3_finalize(std::exchange(stmt, nullptr));
  }

 private:
  static constexpr size_t kMaxTexts = 256;

  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };

  std::mutex mutex_;
  bool closed_ = false;
  // Node keys are stable: Statements hold pointers to them.
  std::unordered_map<std::string, sqlite3_stmt*, Hash, std::equal_to<>> idle_;
};

}  // namespace internal

// ---- Database --------------------------------------------------------------

Database::Database(sqlite3* db)
    : db_(db), cache_(std::make_shared<internal::StatementCache>()) {}

void Database::Close() {
  if (cache_) cache_->Close();
  // close_v2 defers the close until the last Statement is finalized, so a
  // Statement that outlives its Database stays safe to destroy.
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), cache_(std::move(other.cache_)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    Close();
    db_ = std::exchange(other.db_, nullptr);
    cache_ = std::move(other.cache_);
  }
  return *this;
}

Database::~Database() { Close(); }

Result<void> Database::Exec(std::string_view sql) {
  // sqlite3_exec needs a NUL-terminated string.
  const std::string text(sql);
  char* errmsg = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &errmsg);
  sqlite3_free(errmsg);  // sqlite3_errmsg(db_) carries the same text.
  if (rc != SQLITE_OK)
    return std::unexpected(internal::SqliteError(db_, rc, "exec"));
  return {};
}

Result<Statement> Database::Prepare(std::string_view sql) {
  internal::StatementCache::Taken taken;
  if (cache_) taken = cache_->Take(sql);
  if (taken.stmt != nullptr)
    return Statement(db_, taken.stmt, cache_, taken.key);
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(),
                                    static_cast<int>(sql.size()), &stmt, &tail);
  if (rc != SQLITE_OK) {
    return std::unexpected(internal::SqliteError(db_, rc, "prepare"));
  }
  // Not kept when refused below: the text is wrong, not worth a slot.
  Statement statement(db_, stmt, nullptr, nullptr);
  // A second statement in `sql` would silently never run: a bug, refused.
  const std::string_view rest(tail, sql.data() + sql.size() - tail);
  if (stmt == nullptr ||
      rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    return Fail(ErrorKind::kInternal,
                "database: prepare: expected exactly one SQL statement");
  }
  if (taken.key != nullptr) {
    statement.cache_ = cache_;
    statement.key_ = taken.key;
  }
  return statement;
}

int64_t Database::LastInsertId() const {
  return sqlite3_last_insert_rowid(db_);
}

int Database::Changes() const { return sqlite3_changes(db_); }

Result<int> Database::UserVersion() {
  Result<Statement> st = Prepare("PRAGMA user_version");
  CT_TRY(st);
  Result<bool> row = st->Step();
  CT_TRY(row);
  if (!*row)
    return Fail(ErrorKind::kIo,
                "database: PRAGMA user_version returned nothing");
  return static_cast<int>(st->ColumnInt(0));
}

Result<void> Database::SyncWal() {
  // What a commit under synchronous = FULL does to the log, on demand: the
  // log's sqlite3_file, synced by the VFS (fdatasync; on a log file created
  // since it was opened, the directory too). A checkpoint would also sync
  // the log, but only when it can copy frames; one blocked by a reader
  // syncs nothing, so it is no guarantee.
  sqlite3_file* log = nullptr;
  int rc =
      sqlite3_file_control(db_, "main", SQLITE_FCNTL_JOURNAL_POINTER, &log);
  if (rc != SQLITE_OK)
    return std::unexpected(internal::SqliteError(db_, rc, "sync: journal"));
  if (log == nullptr || log->pMethods == nullptr) return {};  // no log open
  rc = log->pMethods->xSync(log, SQLITE_SYNC_NORMAL);
  if (rc != SQLITE_OK)
    return std::unexpected(internal::SqliteError(nullptr, rc, "sync"));
  return {};
}

// ---- Database::Open ---------------------------------------------------------
// File creation with private permissions, connection settings, then schema
// migrations (store/schema.h).

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

Error FutureSchema(int version) {
  return Error{ErrorKind::kConfig,
               "database: schema version " + std::to_string(version) +
                   " is newer than this cybertroc knows (" +
                   std::to_string(internal::LatestSchemaVersion()) +
                   "); upgrade cybertroc"};
}

// Applies the next migration if one is missing; false when up to date.
Result<bool> ApplyNext(Database& db) {
  Result<Transaction> tx = Transaction::Begin(db);
  CT_TRY(tx);
  // Read again under the write lock: another process may have migrated
  // between our first look and BEGIN IMMEDIATE.
  Result<int> version = db.UserVersion();
  CT_TRY(version);
  if (*version > internal::LatestSchemaVersion())
    return std::unexpected(FutureSchema(*version));
  if (*version == internal::LatestSchemaVersion()) return false;
  CT_TRY(db.Exec(internal::MigrationScript(*version)));
  CT_TRY(db.Exec("PRAGMA user_version = " + std::to_string(*version + 1)));
  CT_TRY(tx->Commit());
  return true;
}

// Applies the missing migrations, each in its own transaction together with
// its user_version bump, so a crash leaves a consistent version. kConfig when
// the database was made by a newer cybertroc (user_version > latest).
Result<void> Migrate(Database& db) {
  // A first look without a write lock, so that opening an up-to-date
  // database never waits behind a running daemon.
  Result<int> version = db.UserVersion();
  CT_TRY(version);
  if (*version > internal::LatestSchemaVersion())
    return std::unexpected(FutureSchema(*version));
  if (*version == internal::LatestSchemaVersion()) return {};
  for (;;) {
    Result<bool> applied = ApplyNext(db);
    CT_TRY(applied);
    if (!*applied) return {};
  }
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
  CT_TRY(Migrate(db));
  return db;
}

// ---- Statement -------------------------------------------------------------

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      stmt_(std::exchange(other.stmt_, nullptr)),
      cache_(std::move(other.cache_)),
      key_(std::exchange(other.key_, nullptr)),
      bind_error_(std::exchange(other.bind_error_, SQLITE_OK)),
      bind_error_index_(std::exchange(other.bind_error_index_, 0)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    Release();
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
    cache_ = std::move(other.cache_);
    key_ = std::exchange(other.key_, nullptr);
    bind_error_ = std::exchange(other.bind_error_, SQLITE_OK);
    bind_error_index_ = std::exchange(other.bind_error_index_, 0);
  }
  return *this;
}

Statement::~Statement() { Release(); }

void Statement::Release() {
  if (stmt_ == nullptr) return;
  if (cache_ && key_ != nullptr) {
    cache_->Return(stmt_, *key_);
  } else {
    sqlite3_finalize(stmt_);
  }
  stmt_ = nullptr;
  cache_.reset();
}

Statement& Statement::Bind(int index, int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) {
    bind_error_ = rc;
    bind_error_index_ = index;
  }
  return *this;
}

Statement& Statement::Bind(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies the bytes, so `value` may die after this
  // call. The explicit length keeps embedded NULs.
  const int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(),
                                     SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) {
    bind_error_ = rc;
    bind_error_index_ = index;
  }
  return *this;
}

Statement& Statement::BindNull(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) {
    bind_error_ = rc;
    bind_error_index_ = index;
  }
  return *this;
}

Result<bool> Statement::Step() {
  if (bind_error_ != SQLITE_OK) {
    return std::unexpected(internal::SqliteError(
        nullptr, bind_error_,
        "bind parameter " + std::to_string(bind_error_index_) + " of \"" +
            sqlite3_sql(stmt_) + "\""));
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(internal::SqliteError(db_, rc, "step"));
}

Result<void> Statement::Run() {
  for (;;) {
    Result<bool> row = Step();
    CT_TRY(row);
    if (!*row) return {};
  }
}

Statement& Statement::Reset() {
  // sqlite3_reset repeats the code of the last failed step, which Step()
  // already reported; nothing new to learn from it here.
  sqlite3_reset(stmt_);
  bind_error_ = SQLITE_OK;
  bind_error_index_ = 0;
  return *this;
}

int64_t Statement::ColumnInt(int col) const {
  return sqlite3_column_int64(stmt_, col);
}

std::string Statement::ColumnText(int col) const {
  // Read as a blob: byte-exact for TEXT and BLOB alike (embedded NULs kept).
  // sqlite3_column_bytes must come after sqlite3_column_blob.
  const void* data = sqlite3_column_blob(stmt_, col);
  const int size = sqlite3_column_bytes(stmt_, col);
  if (data == nullptr || size <= 0) return {};
  return std::string(static_cast<const char*>(data), static_cast<size_t>(size));
}

bool Statement::ColumnIsNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

// ---- Transaction -----------------------------------------------------------

Result<Transaction> Transaction::Begin(Database& db) {
  CT_TRY(db.Exec("BEGIN IMMEDIATE"));
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), done_(other.done_) {}

Transaction::~Transaction() {
  if (db_ == nullptr || done_) return;
  // Some errors (SQLITE_FULL, IOERR...) already rolled SQLite back; a second
  // ROLLBACK would only fail. A failed ROLLBACK cannot be returned from a
  // destructor, but it leaves the connection inside a transaction, so the
  // next Begin() fails loudly instead of the error vanishing.
  if (sqlite3_get_autocommit(db_->handle()) == 0) {
    (void)db_->Exec("ROLLBACK");
  }
}

Result<void> Transaction::Commit() {
  if (db_ == nullptr || done_) {
    return Fail(ErrorKind::kInternal,
                "database: commit of a finished transaction");
  }
  // On failure the transaction stays open and the destructor rolls it back.
  CT_TRY(db_->Exec("COMMIT"));
  done_ = true;
  return {};
}

// ---- DeferredSync ----------------------------------------------------------

Result<DeferredSync> DeferredSync::Begin(Database& db) {
  // NORMAL in WAL mode keeps every commit atomic and the database
  // consistent; it only postpones the sync to the next checkpoint (SQLite's
  // "WAL mode is always consistent with synchronous=NORMAL, but does lose
  // durability"). Finish() gives the durability back at the one point where
  // it matters.
  CT_TRY(db.Exec("PRAGMA synchronous = NORMAL"));
  // What was committed before was committed under FULL: already durable.
  return DeferredSync(&db, sqlite3_total_changes64(db.handle()));
}

DeferredSync::DeferredSync(DeferredSync&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), synced_(other.synced_) {}

DeferredSync::~DeferredSync() {
  // A failure cannot be returned from here; the connection then stays at
  // NORMAL, which is still consistent, and Database::Open sets FULL again
  // for the next process.
  if (db_ != nullptr) (void)db_->Exec("PRAGMA synchronous = FULL");
}

Result<void> DeferredSync::Sync() {
  if (db_ == nullptr)
    return Fail(ErrorKind::kInternal, "database: sync of a finished deferral");
  // Rows changed by this connection: none since the last sync, nothing
  // new to make durable.
  const int64_t changes = sqlite3_total_changes64(db_->handle());
  if (changes == synced_) return {};
  CT_TRY(db_->SyncWal());
  synced_ = changes;
  return {};
}

Result<void> DeferredSync::Finish() {
  CT_TRY(Sync());
  CT_TRY(db_->Exec("PRAGMA synchronous = FULL"));
  db_ = nullptr;
  return {};
}

}  // namespace ct::store
