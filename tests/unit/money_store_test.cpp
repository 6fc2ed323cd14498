// The tables of the money rails: payout accounts (one active and one
// pending per address, only the status changes, nothing deleted), bank
// entries (each once), and outgoing mail attachments (byte-exact).
#include <gtest/gtest.h>

#include "store/account_repo.h"
#include "store/bank_entry_repo.h"
#include "store/database.h"
#include "store/outbox_repo.h"
#include "store/records.h"

namespace ct::store {
namespace {

core::Time T(int64_t s) { return core::Time(std::chrono::seconds(s)); }

class MoneyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(":memory:");
    ASSERT_TRUE(db) << db.error().message;
    db_.emplace(std::move(*db));
  }
  PayoutAccountRecord Account(const std::string& status, int64_t effective) {
    return {0,          "Alice@Example.test",
            "ABCD",     "FR7630006000011234567890189",
            "AGRIFRPP", "Alice",
            T(1),       T(effective),
            status,     "<m1@example.test>"};
  }
  std::optional<Database> db_;
};

TEST_F(MoneyStoreTest, OneActiveAndOnePendingPerAddress) {
  AccountRepo repo(*db_);
  auto first = repo.Insert(Account("active", 1));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_FALSE(repo.Insert(Account("active", 1)));  // a second active
  auto pending = repo.Insert(Account("pending", 100));
  ASSERT_TRUE(pending);
  EXPECT_FALSE(repo.Insert(Account("pending", 200)));
  auto active = repo.Active("alice@example.test");
  ASSERT_TRUE(active && *active);
  EXPECT_EQ((*active)->email, "alice@example.test");
  EXPECT_EQ((*active)->iban, "FR7630006000011234567890189");
  EXPECT_EQ(repo.Due(T(99)).value().size(), 0u);
  ASSERT_EQ(repo.Due(T(100)).value().size(), 1u);
  EXPECT_EQ(repo.Current().value().size(), 2u);
  ASSERT_TRUE(repo.SetStatus(*first, "replaced"));
  ASSERT_TRUE(repo.SetStatus(*pending, "active"));
  EXPECT_EQ(repo.Active("alice@example.test").value()->id, *pending);
  EXPECT_FALSE(repo.Pending("alice@example.test").value());
  EXPECT_EQ(repo.SetStatus(999, "active").error().kind, ErrorKind::kNotFound);
}

TEST_F(MoneyStoreTest, AnAccountIsNeverRewrittenOrDeleted) {
  AccountRepo repo(*db_);
  ASSERT_TRUE(repo.Insert(Account("active", 1)));
  EXPECT_FALSE(db_->Exec("UPDATE payout_accounts SET iban = 'GB82WEST1'"));
  EXPECT_FALSE(db_->Exec("DELETE FROM payout_accounts"));
  EXPECT_FALSE(db_->Exec("UPDATE payout_accounts SET status = 'gone'"));
  EXPECT_EQ(repo.Active("alice@example.test").value()->iban,
            "FR7630006000011234567890189");
}

TEST_F(MoneyStoreTest, BankEntryRecordedOnce) {
  ASSERT_TRUE(db_->Exec(
      "INSERT INTO deals (id, case_name, state, lang, delivery, funded, "
      "paid_in, paid_out, created, state_entered, reminders_fired, updated) "
      "VALUES ('CT-7K3QX9A2', 'sale', 'awaiting_deposits', 'en', 'post', 0, "
      "0, 0, 1, 1, 0, 1);"
      "INSERT INTO events (deal_id, at, code, actor, actor_email, from_state, "
      "to_state, refused, detail, message_ref) VALUES ('CT-7K3QX9A2', 1, 21, "
      "'operator', '', 'a', 'a', 0, '', 'cli')"));
  BankEntryRepo repo(*db_);
  BankEntryRecord e{
      "FR76:REF1", "REF1", "CT-7K3QX9A2", "buyer", core::Money::FromMinor(6025),
      T(5),        1};
  ASSERT_TRUE(repo.Insert(e));
  auto again = repo.Insert(e);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::kRefused);
  auto found = repo.Find("FR76:REF1");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->amount.ToString(), "60.25");
  EXPECT_FALSE(repo.Find("other").value());
  EXPECT_FALSE(db_->Exec("DELETE FROM bank_entries"));
}

TEST_F(MoneyStoreTest, AttachmentsTravelWithTheirMessage) {
  OutboxRepo outbox(*db_);
  OutboxRecord plain;
  plain.to_email = "bob@example.test";
  plain.next_attempt = T(1);
  ASSERT_TRUE(outbox.Enqueue(plain));
  OutboxRecord with = plain;
  const std::string png("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 17);
  with.attachments = {{"epc-qr.png", "image/png", png}};
  ASSERT_TRUE(outbox.Enqueue(with));
  ASSERT_TRUE(outbox.Enqueue(plain));
  auto due = outbox.Due(T(2));
  ASSERT_TRUE(due) << due.error().message;
  ASSERT_EQ(due->size(), 3u);
  EXPECT_TRUE((*due)[0].attachments.empty());
  ASSERT_EQ((*due)[1].attachments.size(), 1u);
  EXPECT_EQ((*due)[1].attachments[0].data, png);
  EXPECT_EQ((*due)[1].attachments[0].filename, "epc-qr.png");
  EXPECT_TRUE((*due)[2].attachments.empty());
  // A page that starts after it does not see it.
  auto later = outbox.Due(T(2), (*due)[1].id);
  ASSERT_TRUE(later);
  ASSERT_EQ(later->size(), 1u);
  EXPECT_TRUE((*later)[0].attachments.empty());
}

}  // namespace
}  // namespace ct::store
