// OutboxRepo: the queue of mail to send and the reply rate count.
#include "store/outbox_repo.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/database.h"
#include "store/records.h"
#include "store/schema.h"
#include "store_fixture.h"

namespace ct::store {
namespace {

using namespace fixture;  // NOLINT: the fixture is the tests' vocabulary

TEST_F(StoreTest, OutboxQueueSaveAndRateCount) {
  InsertDeal(MakeDeal("CT-AAAAAAAA", kT0));
  OutboxRepo outbox(db());
  OutboxRecord reply;
  reply.deal_id = "CT-AAAAAAAA";
  reply.created = At(kT0);
  reply.to_email = "bob@example.org";
  reply.kind = "refusal";
  reply.subject = "[CT-AAAAAAAA] refused";
  reply.body = "Bonjour,\r\n";
  OutboxRecord help = reply;
  help.deal_id = "";  // no deal: stored as NULL
  help.to_email = "Bob@Example.org";
  help.next_attempt = At(kT0 + 600);
  OutboxRecord notice = reply;
  notice.kind = "notice";
  OutboxRecord confirmation = reply;  // not capped: only refusals are
  confirmation.kind = "reply";
  confirmation.next_attempt = At(kT0 + 900);
  for (OutboxRecord* m : {&reply, &help, &notice, &confirmation}) {
    Result<int64_t> id = outbox.Enqueue(*m);
    ASSERT_TRUE(id) << id.error().message;
    m->id = *id;
  }
  EXPECT_EQ(outbox.CountReplies("BOB@example.org", At(kT0)).value_or(-1), 2);
  EXPECT_EQ(outbox.CountReplies("bob@example.org", At(kT0 + 1)).value_or(-1),
            0);
  EXPECT_EQ(outbox.Due(At(kT0))->size(), 2u);
  EXPECT_EQ(outbox.Due(At(kT0 + 600))->size(), 3u);

  reply.status = "sent";
  reply.attempts = 1;
  reply.sent_at = At(kT0 + 5);
  reply.message_id = "<ct.1@example.org>";
  ASSERT_TRUE(outbox.Save(reply));
  Result<std::vector<OutboxRecord>> of_deal = outbox.OfDeal("CT-AAAAAAAA");
  ASSERT_TRUE(of_deal);
  ASSERT_EQ(of_deal->size(), 3u);  // help has no deal
  EXPECT_EQ(of_deal->at(0).status, "sent");
  EXPECT_EQ(of_deal->at(0).sent_at, At(kT0 + 5));
  EXPECT_EQ(of_deal->at(0).message_id, "<ct.1@example.org>");
  EXPECT_EQ(of_deal->at(0).body, "Bonjour,\r\n");
  EXPECT_EQ(outbox.Due(At(kT0 + 600))->size(), 2u);

  OutboxRecord ghost = reply;
  ghost.id = 999;
  Result<void> saved = outbox.Save(ghost);
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().kind, ErrorKind::kNotFound);
}

}  // namespace
}  // namespace ct::store
