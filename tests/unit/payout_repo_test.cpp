// PayoutRepo: payouts to make, each marked done once.
#include "store/payout_repo.h"

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

TEST_F(StoreTest, PayoutsAreMarkedDoneOnce) {
  InsertDeal(MakeDeal("CT-AAAAAAAA", kT0));
  PayoutRepo payouts(db());
  PayoutRecord payment;
  payment.deal_id = "CT-AAAAAAAA";
  payment.created = At(kT0);
  payment.payee_role = "seller";
  payment.payee_email = "alice@example.org";
  payment.amount = Cents(3000);
  payment.currency = "EUR";
  payment.reason = "payment";
  PayoutRecord bond = payment;
  bond.reason = "bond refund";
  Result<int64_t> first = payouts.Insert(payment);
  Result<int64_t> second = payouts.Insert(bond);
  ASSERT_TRUE(first && second);
  EXPECT_LT(*first, *second);

  Result<PayoutRecord> done = payouts.MarkDone(*first, "VIR-9", At(kT0 + 60));
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->status, "done");
  EXPECT_EQ(done->done_ref, "VIR-9");
  EXPECT_EQ(done->done_at, At(kT0 + 60));

  Result<PayoutRecord> again = payouts.MarkDone(*first, "VIR-10", At(kT0 + 90));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::kRefused);
  EXPECT_EQ(again.error().message, "payout " + std::to_string(*first) +
                                       " is already done (ref VIR-9)");

  Result<PayoutRecord> unknown = payouts.MarkDone(4242, "X", At(kT0));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(unknown.error().message, "unknown payout 4242");

  Result<std::vector<PayoutRecord>> pending = payouts.List(true);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ(pending->at(0).id, *second);
  Result<std::vector<PayoutRecord>> all = payouts.OfDeal("CT-AAAAAAAA");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->at(0).done_ref, "VIR-9");
  EXPECT_EQ(all->at(1).amount, Cents(3000));
  EXPECT_FALSE(all->at(1).done_at.has_value());
}

}  // namespace
}  // namespace ct::store
