// Database::Prepare keeps compiled statements and hands them out
// again. A reused statement must behave as a fresh one: no old bindings,
// no half-read rows, no read transaction left open, and one outliving its
// Database must stay safe to destroy.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>

#include "store/database.h"
#include "store/statement.h"

namespace ct::store {
namespace {

namespace fs = std::filesystem;

constexpr char kSelect[] = "SELECT v FROM t WHERE k = ?1";

class StatementCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ =
        fs::temp_directory_path() /
        ("ct-stmt-" +
         std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name() +
         ".db");
    fs::remove(path_);
    db_ = Open();
    ASSERT_TRUE(
        db_->Exec("CREATE TABLE t (k INTEGER, v TEXT) STRICT;"
                  "INSERT INTO t VALUES (1, 'one'), (1, 'uno'),"
                  " (2, 'two');"));
  }
  void TearDown() override {
    db_.reset();
    for (const char* suffix : {"", "-wal", "-shm"})
      fs::remove(path_.string() + suffix);
  }
  std::optional<Database> Open() {
    Result<Database> db = Database::Open(path_.string());
    EXPECT_TRUE(db) << db.error().message;
    return db ? std::optional<Database>(std::move(*db)) : std::nullopt;
  }

  fs::path path_;
  std::optional<Database> db_;
};

TEST_F(StatementCacheTest, AReusedStatementStartsAfresh) {
  {
    Result<Statement> st = db_->Prepare(kSelect);
    ASSERT_TRUE(st);
    st->Bind(1, int64_t{1});
    ASSERT_TRUE(st->Step().value_or(false));  // one of two rows read
  }
  Result<Statement> again = db_->Prepare(kSelect);
  ASSERT_TRUE(again);
  // Unbound: NULL matches nothing. A kept binding would find 'one'.
  EXPECT_FALSE(again->Step().value_or(true));
  again->Reset().Bind(1, int64_t{2});
  ASSERT_TRUE(again->Step().value_or(false));
  EXPECT_EQ(again->ColumnText(0), "two");
}

TEST_F(StatementCacheTest, TwoAtOnceOfOneTextAreTwoStatements) {
  Result<Statement> a = db_->Prepare(kSelect);
  Result<Statement> b = db_->Prepare(kSelect);
  ASSERT_TRUE(a && b);
  a->Bind(1, int64_t{1});
  b->Bind(1, int64_t{2});
  ASSERT_TRUE(a->Step().value_or(false));
  ASSERT_TRUE(b->Step().value_or(false));
  EXPECT_EQ(b->ColumnText(0), "two");
  ASSERT_TRUE(a->Step().value_or(false));  // a's second row, undisturbed
  EXPECT_FALSE(b->Step().value_or(true));
}

// A statement given back mid-read must not keep its read transaction: a
// writer on another connection could then never checkpoint, and a reader
// on this one would see an old snapshot.
TEST_F(StatementCacheTest, AKeptStatementHoldsNoSnapshot) {
  {
    Result<Statement> st = db_->Prepare(kSelect);
    ASSERT_TRUE(st);
    st->Bind(1, int64_t{1});
    ASSERT_TRUE(st->Step().value_or(false));
  }
  std::optional<Database> other = Open();
  ASSERT_TRUE(other->Exec("INSERT INTO t VALUES (3, 'three')"));
  Result<Statement> st = db_->Prepare(kSelect);
  st->Bind(1, int64_t{3});
  ASSERT_TRUE(st->Step().value_or(false)) << "the other connection's row";
  EXPECT_EQ(st->ColumnText(0), "three");
}

TEST_F(StatementCacheTest, AStatementMayOutliveItsDatabase) {
  Result<Statement> st = db_->Prepare(kSelect);
  ASSERT_TRUE(st);
  db_.reset();  // the cache closes; the statement still goes back to it
}

TEST_F(StatementCacheTest, TwoStatementsInOneTextAreStillRefused) {
  for (int i = 0; i < 2; ++i) {
    Result<Statement> st = db_->Prepare("SELECT 1; SELECT 2");
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().kind, ErrorKind::kInternal);
  }
}

}  // namespace
}  // namespace ct::store
