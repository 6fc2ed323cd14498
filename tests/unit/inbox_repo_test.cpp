// InboxRepo: incoming mail stored byte for byte, duplicates, attempts and
// the quarantine.
#include "store/inbox_repo.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/records.h"
#include "store/schema.h"
#include "store/statement.h"
#include "store_fixture.h"

namespace ct::store {
namespace {

using namespace fixture;  // NOLINT: the fixture is the tests' vocabulary

InboxRecord MakeMessage(const std::string& uid, const std::string& mid,
                        const std::string& digest) {
  InboxRecord m;
  m.source = "imaps://escrow@mail.example.org/INBOX";
  m.server_uid = uid;
  m.message_id = mid;
  m.digest = digest;
  m.fetched = At(kT0);
  m.raw = "From: bob@example.org\r\nSubject: x\r\n\r\nbody\r\n";
  return m;
}

TEST_F(StoreTest, InboxRawIsByteExact) {
  InboxRepo inbox(db());
  InboxRecord m = MakeMessage("1:7", "<a@x>", "d1");
  // Latin-1 bytes, NULs inside and at the end, CRLF, bytes invalid in UTF-8.
  static constexpr char kRaw[] =
      "Subject: \xE9t\xE9\r\n\r\nNUL\0in\0body\r\n\xFF\xFE\r\n.\r\n";
  m.raw.assign(kRaw, sizeof(kRaw));  // keeps the literal's final NUL too
  bool duplicate = true;
  Result<int64_t> id = inbox.Store(m, &duplicate);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_FALSE(duplicate);
  Result<InboxRecord> loaded = inbox.Load(*id);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->raw, m.raw);
  EXPECT_EQ(loaded->raw.size(), 37u);
  EXPECT_EQ(loaded->status, "new");
  Result<Statement> type = db().Prepare("SELECT typeof(raw) FROM inbox");
  ASSERT_TRUE(type && type->Step().value_or(false));
  EXPECT_EQ(type->ColumnText(0), "blob");
}

TEST_F(StoreTest, InboxDetectsDuplicates) {
  InboxRepo inbox(db());
  bool duplicate = true;
  Result<int64_t> first =
      inbox.Store(MakeMessage("1:7", "<a@x>", "d1"), &duplicate);
  ASSERT_TRUE(first);
  EXPECT_FALSE(duplicate);
  struct Case {
    const char* name;
    InboxRecord message;
    bool want_duplicate;
  };
  for (const Case& c : std::vector<Case>{
           {"same mid and digest", MakeMessage("1:8", "<a@x>", "d1"), true},
           {"same server uid", MakeMessage("1:7", "<b@x>", "d2"), true},
           {"same mid, other bytes", MakeMessage("1:9", "<a@x>", "d3"), false},
           {"no uid twice (maildir moved)", MakeMessage("", "<c@x>", "d4"),
            false},
           {"no uid, new mail", MakeMessage("", "<d@x>", "d5"), false},
       }) {
    Result<int64_t> id = inbox.Store(c.message, &duplicate);
    ASSERT_TRUE(id) << c.name << ": " << id.error().message;
    EXPECT_EQ(duplicate, c.want_duplicate) << c.name;
    if (c.want_duplicate) {
      EXPECT_EQ(*id, *first) << c.name;
    }
  }
  EXPECT_TRUE(inbox.Store(MakeMessage("", "<c@x>", "d4"), nullptr));

  Result<std::vector<int64_t>> pending = inbox.Pending();
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->size(), 4u);
  ASSERT_TRUE(inbox.SetStatus(*first, "processed", "accepted 61", ""));
  EXPECT_EQ(inbox.Pending()->size(), 3u);
  EXPECT_FALSE(inbox.SetStatus(*first, "eaten", "", ""));
  Result<void> missing = inbox.SetStatus(999, "processed", "", "");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  Result<std::optional<InboxRecord>> by_mid = inbox.FindByMessageId("<a@x>");
  ASSERT_TRUE(by_mid && by_mid->has_value());
  EXPECT_EQ((*by_mid)->id, *first);
  EXPECT_EQ((*by_mid)->outcome, "accepted 61");
}

TEST_F(StoreTest, InboxCountsAttemptsAndKeepsTheLastError) {
  InboxRepo inbox(db());
  Result<int64_t> id = inbox.Store(MakeMessage("1:7", "<a@x>", "d1"), nullptr);
  ASSERT_TRUE(id);
  EXPECT_EQ(inbox.Load(*id)->attempts, 0);
  EXPECT_EQ(inbox.Load(*id)->last_error, "");
  ASSERT_TRUE(inbox.SetAttempts(*id, 1, "out of memory"));
  ASSERT_TRUE(inbox.SetAttempts(*id, 2, "the run stopped"));
  Result<InboxRecord> row = inbox.Load(*id);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->attempts, 2);
  EXPECT_EQ(row->last_error, "the run stopped");
  EXPECT_EQ(row->status, "new");
  // An outcome supersedes the unfinished attempt's error; the count stays.
  ASSERT_TRUE(inbox.SetStatus(*id, "processed", "00 by seller", ""));
  row = inbox.Load(*id);
  EXPECT_EQ(row->attempts, 2);
  EXPECT_EQ(row->last_error, "");
  EXPECT_FALSE(inbox.SetAttempts(*id, -1, ""));  // CHECK (attempts >= 0)
  Result<void> missing = inbox.SetAttempts(999, 1, "");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
}

TEST_F(StoreTest, QuarantineKeepsRefusedMail) {
  InboxRepo inbox(db());
  Result<int64_t> id = inbox.Store(MakeMessage("1:7", "<a@x>", "d1"), nullptr);
  ASSERT_TRUE(id);
  ASSERT_TRUE(inbox.SetStatus(*id, "quarantined", "unsigned", "CT-AAAAAAAA"));
  Result<int64_t> q = inbox.Quarantine(
      {0, *id, "<a@x>", "eve@example.org", "unsigned", At(kT0)});
  ASSERT_TRUE(q) << q.error().message;
  EXPECT_FALSE(inbox.Quarantine({0, 777, "<z@x>", "", "unsigned", At(kT0)}));
  Result<std::vector<QuarantineRecord>> all = inbox.Quarantined();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->at(0).inbox_id, *id);
  EXPECT_EQ(all->at(0).from_addr, "eve@example.org");
  EXPECT_EQ(inbox.OfDeal("CT-AAAAAAAA")->size(), 1u);
}

}  // namespace
}  // namespace ct::store
