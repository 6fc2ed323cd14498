// The SQLite store's database: migrations (also from the first released
// schema), file permissions, WAL and foreign keys, SQL errors, locks and
// transactions.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "store/database.h"
#include "store/deal_repo.h"
#include "store/inbox_repo.h"
#include "store/key_repo.h"
#include "store/records.h"
#include "store/schema.h"
#include "store/statement.h"
#include "store/transaction.h"
#include "store_fixture.h"

namespace ct::store {
namespace {

using namespace fixture;  // NOLINT: the fixture is the tests' vocabulary

TEST(DatabaseTest, MigrationsAreIdempotentAndSetUserVersion) {
  TempDir dir;
  const std::string path = dir.File("ct.db");
  for (int round = 0; round < 3; ++round) {
    Result<Database> db = Database::Open(path);
    ASSERT_TRUE(db) << db.error().message;
    Result<int> version = db->UserVersion();
    ASSERT_TRUE(version);
    EXPECT_EQ(*version, internal::LatestSchemaVersion());
    EXPECT_GE(*version, 1);
    KeyRepo keys(*db);
    if (round == 0) {
      ASSERT_TRUE(keys.Bind({"a@example.org", "ABCD", At(kT0), "tofu"}));
    }
    // Data written in the first round survives the later opens.
    Result<std::vector<BindingRecord>> all = keys.All();
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), 1u);
  }
}

TEST(DatabaseTest, DatabaseFromTheFutureIsAConfigError) {
  TempDir dir;
  const std::string path = dir.File("ct.db");
  {
    Result<Database> db = Database::Open(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->Exec("PRAGMA user_version = 999"));
  }
  Result<Database> db = Database::Open(path);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().kind, ErrorKind::kConfig);
  EXPECT_NE(db.error().message.find("999"), std::string::npos);
}

TEST(DatabaseTest, FilesArePrivate) {
  TempDir dir;
  const std::string path = dir.File("ct.db");
  Result<Database> db = Database::Open(path);
  ASSERT_TRUE(db) << db.error().message;
  ASSERT_TRUE(KeyRepo(*db).Bind({"a@example.org", "ABCD", At(kT0), "tofu"}));
  EXPECT_EQ(FileMode(path), 0600);
  for (const char* suffix : {"-wal", "-shm"}) {
    const int mode = FileMode(path + suffix);
    if (mode >= 0) {
      EXPECT_EQ(mode & 0077, 0) << suffix;
    }
  }
}

TEST(DatabaseTest, ExistingLooseFileIsMadePrivate) {
  TempDir dir;
  const std::string path = dir.File("ct.db");
  { ASSERT_TRUE(Database::Open(path)); }
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  ASSERT_TRUE(Database::Open(path));
  EXPECT_EQ(FileMode(path), 0600);
}

TEST(DatabaseTest, UsesWalAndForeignKeys) {
  TempDir dir;
  Result<Database> db = Database::Open(dir.File("ct.db"));
  ASSERT_TRUE(db);
  struct Case {
    const char* pragma;
    std::string want;
  };
  for (const Case& c : std::vector<Case>{{"PRAGMA journal_mode", "wal"},
                                         {"PRAGMA foreign_keys", "1"},
                                         {"PRAGMA synchronous", "2"},
                                         {"PRAGMA busy_timeout", "10000"}}) {
    Result<Statement> st = db->Prepare(c.pragma);
    ASSERT_TRUE(st);
    ASSERT_TRUE(st->Step().value_or(false)) << c.pragma;
    EXPECT_EQ(st->ColumnText(0), c.want) << c.pragma;
  }
}

TEST(DatabaseTest, EmptyPathAndUnreachablePathAreErrors) {
  Result<Database> empty = Database::Open("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().kind, ErrorKind::kConfig);
  Result<Database> missing = Database::Open("/nonexistent-dir/x/ct.db");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kIo);
}

TEST_F(StoreTest, SqlErrorsAreReturnedWithSqliteMessage) {
  Result<Statement> bad = db().Prepare("SELEC nothing");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::kIo);
  EXPECT_NE(bad.error().message.find("syntax error"), std::string::npos);

  // A failed bind is reported by the next Step, not lost.
  Result<Statement> st = db().Prepare("SELECT ?1");
  ASSERT_TRUE(st);
  Result<bool> row = st->Bind(2, int64_t{1}).Step();
  ASSERT_FALSE(row);
  EXPECT_EQ(row.error().kind, ErrorKind::kIo);

  EXPECT_FALSE(db().Prepare("SELECT 1; SELECT 2"));
}

TEST(DatabaseTest, LockHeldElsewhereIsBusy) {
  TempDir dir;
  const std::string path = dir.File("ct.db");
  Result<Database> first = Database::Open(path);
  Result<Database> second = Database::Open(path);
  ASSERT_TRUE(first && second);
  Result<Transaction> held = Transaction::Begin(*first);
  ASSERT_TRUE(held);
  sqlite3_busy_timeout(second->handle(), 0);  // do not wait 10 s in a test
  Result<Transaction> blocked = Transaction::Begin(*second);
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().kind, ErrorKind::kBusy);
}

TEST_F(StoreTest, TransactionRollsBackUnlessCommitted) {
  {
    Result<Transaction> tx = Transaction::Begin(db());
    ASSERT_TRUE(tx);
    InsertDeal(MakeDeal("CT-AAAAAAAA", kT0));
  }  // no Commit
  EXPECT_EQ(DealRepo(db()).Exists("CT-AAAAAAAA").value_or(true), false);

  {
    Result<Transaction> tx = Transaction::Begin(db());
    ASSERT_TRUE(tx);
    InsertDeal(MakeDeal("CT-BBBBBBBB", kT0));
    Transaction moved(std::move(*tx));  // ownership moves, one commit
    ASSERT_TRUE(moved.Commit());
    EXPECT_FALSE(moved.Commit());
  }
  EXPECT_EQ(DealRepo(db()).Exists("CT-BBBBBBBB").value_or(false), true);
}

// A database made by the first released schema gains the attempt columns
// (zero, empty) and keeps its mail.
TEST(DatabaseTest, VersionOneInboxIsMigrated) {
  TempDir dir;
  const std::string path = dir.File("ct.db");
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    const std::string v1 =
        "CREATE TABLE inbox (id INTEGER PRIMARY KEY AUTOINCREMENT, source "
        "TEXT NOT NULL, server_uid TEXT NOT NULL, message_id TEXT NOT NULL, "
        "digest TEXT NOT NULL, fetched INTEGER NOT NULL, raw BLOB NOT NULL, "
        "status TEXT NOT NULL, outcome TEXT NOT NULL, deal_id TEXT NOT NULL) "
        "STRICT;"
        "CREATE TABLE seen_signatures (digest TEXT PRIMARY KEY NOT NULL, "
        "fingerprint TEXT NOT NULL, made INTEGER NOT NULL, seen INTEGER NOT "
        "NULL, accepted INTEGER NOT NULL DEFAULT 0) STRICT;"
        "CREATE INDEX seen_signatures_key ON seen_signatures(fingerprint, "
        "accepted, made);"
        // What later migrations (v3) change of v1's deals and parties.
        "CREATE TABLE deals (id TEXT PRIMARY KEY NOT NULL, state TEXT NOT "
        "NULL, created INTEGER NOT NULL, deadline INTEGER, reminders_fired "
        "INTEGER NOT NULL) STRICT;"
        "CREATE INDEX deals_state ON deals(state);"
        "CREATE TABLE parties (deal_id TEXT NOT NULL REFERENCES deals(id), "
        "role TEXT NOT NULL, email TEXT NOT NULL COLLATE NOCASE, PRIMARY KEY "
        "(deal_id, role)) STRICT;"
        "CREATE INDEX parties_email ON parties(email);"
        // ... and of its outbox (v4).
        "CREATE TABLE outbox (id INTEGER PRIMARY KEY, status TEXT NOT NULL) "
        "STRICT;"
        "INSERT INTO inbox VALUES (1, 's', '1:1', '<a@x>', 'd', 0, "
        "CAST('x' AS BLOB), 'new', '', '');"
        "PRAGMA user_version = 1;";
    ASSERT_EQ(sqlite3_exec(raw, v1.c_str(), nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(raw);
    sqlite3_close(raw);
  }
  Result<Database> db = Database::Open(path);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(*db->UserVersion(), internal::LatestSchemaVersion());
  Result<InboxRecord> row = InboxRepo(*db).Load(1);
  ASSERT_TRUE(row) << row.error().message;
  EXPECT_EQ(row->message_id, "<a@x>");
  EXPECT_EQ(row->attempts, 0);
  EXPECT_EQ(row->last_error, "");
  Result<Statement> index = db->Prepare(
      "SELECT count(*) FROM sqlite_master WHERE name = "
      "'seen_signatures_key'");
  ASSERT_TRUE(index && index->Step().value_or(false));
  EXPECT_EQ(index->ColumnInt(0), 0);
}

}  // namespace
}  // namespace ct::store
