// Sending a backlog once read every queued row, and sorted them, for
// each page of messages it sent (the "next_attempt IS NULL OR ..." test
// defeated the order of outbox_due): quadratic in the backlog. A page of
// due messages must read about a page of rows.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <string>
#include <vector>

#include "sqlite_steps.h"
#include "store/database.h"
#include "store/outbox_repo.h"
#include "store/records.h"

namespace ct::store {
namespace {

constexpr int64_t kT0 = 1790000000;

core::Time At(int64_t seconds) {
  return core::Time(std::chrono::seconds(seconds));
}

class OutboxDueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Database> db = Database::Open(":memory:");
    ASSERT_TRUE(db) << db.error().message;
    db_.emplace(std::move(*db));
  }

  // `count` messages; the first `sent` are sent, every 4th of the others
  // waits for a retry an hour after kT0.
  std::vector<int64_t> Queue(int count, int sent) {
    OutboxRepo outbox(*db_);
    std::vector<int64_t> due;
    for (int i = 0; i < count; ++i) {
      OutboxRecord m;
      m.created = At(kT0);
      m.to_email = "bob@example.org";
      m.kind = "notice";
      m.subject = "s";
      m.body = "b\r\n";
      const bool later = i >= sent && i % 4 == 0;
      if (later) m.next_attempt = At(kT0 + 3600);
      Result<int64_t> id = outbox.Enqueue(m);
      EXPECT_TRUE(id) << id.error().message;
      m.id = *id;
      if (i < sent) {
        m.status = "sent";
        m.attempts = 1;
        m.sent_at = At(kT0);
        EXPECT_TRUE(outbox.Save(m));
      } else if (!later) {
        due.push_back(*id);
      }
    }
    return due;
  }

  std::optional<Database> db_;
};

TEST_F(OutboxDueTest, APageOfDueMessagesReadsAPageNotTheQueue) {
  const std::vector<int64_t> due = Queue(6000, 2000);
  OutboxRepo outbox(*db_);
  const int64_t last = *outbox.LastId();
  int64_t after = 0;
  size_t seen = 0;
  for (int page = 0; page < 5; ++page) {
    ct::testing::SqliteSteps counter(*db_);
    Result<std::vector<OutboxRecord>> rows =
        outbox.Due(At(kT0 + 60), after, last, 10);
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), 10u);
    for (const OutboxRecord& row : *rows) {
      EXPECT_EQ(row.id, due[seen++]) << "due messages in queue order";
      after = row.id;
    }
    // 4,000 queued rows: reading them all takes tens of thousands of
    // steps; a page of 10 (plus the 4 skipped retries) a few hundred.
    EXPECT_LT(counter.vm_steps, 1000) << "page " << page;
  }
}

TEST_F(OutboxDueTest, RetriesBecomeDueAtTheirTime) {
  Queue(8, 0);
  OutboxRepo outbox(*db_);
  EXPECT_EQ(outbox.Due(At(kT0))->size(), 6u);
  EXPECT_EQ(outbox.Due(At(kT0 + 3600))->size(), 8u);
}

}  // namespace
}  // namespace ct::store
