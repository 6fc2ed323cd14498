// store::DeferredSync and Database::SyncWal (fewer fsyncs): while a
// deferral lives, commits are not synced one by one (synchronous = NORMAL),
// yet they survive the process dying; Finish() syncs once and gives FULL
// back, and so does the destructor of an unfinished deferral. Also
// InboxRepo::KnownSender and Retried, which the inbound pipeline uses.
#include "store/deferred_sync.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/deal.h"
#include "store/database.h"
#include "store/deal_repo.h"
#include "store/inbox_repo.h"
#include "store/key_repo.h"
#include "store/records.h"
#include "store/transaction.h"

namespace ct::store {
namespace {

class DeferredSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "ct-sync-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path() const { return dir_ + "/ct.db"; }

  static int Synchronous(Database& db) {
    auto st = db.Prepare("PRAGMA synchronous");
    EXPECT_TRUE(st.has_value());
    auto row = st->Step();
    EXPECT_TRUE(row.has_value() && *row);
    return static_cast<int>(st->ColumnInt(0));
  }

  static InboxRecord Message(const std::string& uid) {
    InboxRecord m;
    m.source = "maildir:///test";
    m.server_uid = uid;
    m.message_id = "<" + uid + "@example.test>";
    m.digest = "digest-" + uid;
    m.raw = "From: a@example.test\r\n\r\nhello\r\n";
    return m;
  }

  static void Store(Database& db, const std::string& uid) {
    auto tx = Transaction::Begin(db);
    ASSERT_TRUE(tx.has_value()) << tx.error().message;
    bool duplicate = false;
    ASSERT_TRUE(InboxRepo(db).Store(Message(uid), &duplicate).has_value());
    ASSERT_TRUE(tx->Commit().has_value());
  }

  std::string dir_;
};

constexpr int kNormal = 1;
constexpr int kFull = 2;

TEST_F(DeferredSyncTest, FinishSyncsAndGivesFullBack) {
  auto db = Database::Open(Path());
  ASSERT_TRUE(db.has_value()) << db.error().message;
  EXPECT_EQ(Synchronous(*db), kFull);
  {
    auto deferred = DeferredSync::Begin(*db);
    ASSERT_TRUE(deferred.has_value()) << deferred.error().message;
    EXPECT_EQ(Synchronous(*db), kNormal);
    Store(*db, "1");
    ASSERT_TRUE(deferred->Sync().has_value());
    EXPECT_EQ(Synchronous(*db), kNormal) << "Sync() keeps deferring";
    Store(*db, "2");
    auto finished = deferred->Finish();
    ASSERT_TRUE(finished.has_value()) << finished.error().message;
    EXPECT_EQ(Synchronous(*db), kFull);
  }
  EXPECT_EQ(Synchronous(*db), kFull);
  auto pending = InboxRepo(*db).Pending();
  ASSERT_TRUE(pending.has_value());
  EXPECT_EQ(pending->size(), 2u);
}

TEST_F(DeferredSyncTest, AnUnfinishedDeferralGivesFullBack) {
  auto db = Database::Open(Path());
  ASSERT_TRUE(db.has_value()) << db.error().message;
  {
    auto deferred = DeferredSync::Begin(*db);
    ASSERT_TRUE(deferred.has_value());
    Store(*db, "1");
  }  // an error path: no Finish()
  EXPECT_EQ(Synchronous(*db), kFull);
}

TEST_F(DeferredSyncTest, SyncWalWithoutLogOrInMemoryIsFine) {
  auto memory = Database::Open(":memory:");
  ASSERT_TRUE(memory.has_value());
  EXPECT_TRUE(memory->SyncWal().has_value());
  auto file = Database::Open(Path());
  ASSERT_TRUE(file.has_value());
  EXPECT_TRUE(file->SyncWal().has_value()) << "nothing written yet";
}

// What deferring gives up is durability across a power cut, never across
// the process dying: a child that commits under a deferral and dies at
// once (no sync, no close) leaves its rows to the next process.
TEST_F(DeferredSyncTest, CommitsUnderDeferralSurviveTheProcessDying) {
  { ASSERT_TRUE(Database::Open(Path()).has_value()); }
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto db = Database::Open(Path());
    if (!db) std::_Exit(3);
    auto deferred = DeferredSync::Begin(*db);
    if (!deferred) std::_Exit(4);
    for (const char* uid : {"1", "2", "3"}) {
      auto tx = Transaction::Begin(*db);
      bool duplicate = false;
      if (!tx || !InboxRepo(*db).Store(Message(uid), &duplicate) ||
          !tx->Commit())
        std::_Exit(5);
    }
    std::_Exit(137);  // as CYBERTROC_CRASH_AT does
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 137);
  auto db = Database::Open(Path());
  ASSERT_TRUE(db.has_value()) << db.error().message;
  auto pending = InboxRepo(*db).Pending();
  ASSERT_TRUE(pending.has_value());
  EXPECT_EQ(pending->size(), 3u);
}

TEST_F(DeferredSyncTest, RetriedListsPendingMessagesWithAnUnfinishedAttempt) {
  auto db = Database::Open(Path());
  ASSERT_TRUE(db.has_value());
  for (const char* uid : {"1", "2", "3"}) Store(*db, uid);
  InboxRepo inbox(*db);
  auto ids = inbox.Pending();
  ASSERT_TRUE(ids.has_value());
  ASSERT_EQ(ids->size(), 3u);
  ASSERT_TRUE(inbox.SetAttempts((*ids)[1], 1, "the run stopped").has_value());
  ASSERT_TRUE(inbox.SetAttempts((*ids)[2], 2, "boom").has_value());
  ASSERT_TRUE(inbox.SetStatus((*ids)[2], "quarantined", "x", "").has_value());
  auto retried = inbox.Retried();
  ASSERT_TRUE(retried.has_value());
  EXPECT_EQ(*retried, std::vector<int64_t>{(*ids)[1]});
}

TEST_F(DeferredSyncTest, KnownSenderIsABindingOrAParty) {
  auto db = Database::Open(Path());
  ASSERT_TRUE(db.has_value());
  BindingRecord binding;
  binding.email = "bound@example.test";
  binding.fingerprint = "0123456789ABCDEF0123456789ABCDEF01234567";
  binding.how = "tofu";
  ASSERT_TRUE(KeyRepo(*db).Bind(binding).has_value());
  core::Deal deal;
  deal.id = "CT-TEST0001";
  deal.case_name = "sale";
  deal.state = "offered";
  deal.lang = "en";
  deal.delivery = "post";
  for (const char* role : {"seller", "buyer"}) {
    core::PartyState party;
    party.role = role;
    party.email =
        party.role == "seller" ? "party@example.test" : "bound@example.test";
    deal.parties.push_back(party);
  }
  ASSERT_TRUE(DealRepo(*db).Insert(deal).has_value());
  InboxRepo inbox(*db);
  EXPECT_EQ(inbox.KnownSender("bound@example.test"), true);
  EXPECT_EQ(inbox.KnownSender("Bound@Example.TEST"), true);
  EXPECT_EQ(inbox.KnownSender("party@example.test"), true);
  EXPECT_EQ(inbox.KnownSender("PARTY@example.test"), true);
  EXPECT_EQ(inbox.KnownSender("stranger@example.net"), false);
  EXPECT_EQ(inbox.KnownSender(""), false);
}

}  // namespace
}  // namespace ct::store
