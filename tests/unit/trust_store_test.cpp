// Trust in the store: the migration that lets a deal be delivered as a
// file and a ledger row pass commission on ('share'), the moderators list,
// reputation facts counted per key (links included) and ratings once.
#include <gtest/gtest.h>

#include "store/database.h"
#include "store/deal_repo.h"
#include "store/history_repo.h"
#include "store/moderator_repo.h"
#include "store/records.h"
#include "store/reputation_repo.h"

namespace ct::store {
namespace {

core::Time At(int64_t s) { return core::Time(std::chrono::seconds(s)); }
constexpr int64_t kT0 = 1801396800;  // 2027-01-31T12:00:00Z

class TrustStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(":memory:");
    ASSERT_TRUE(db) << db.error().message;
    db_.emplace(std::move(*db));
  }
  core::Deal Deal(const std::string& id, const std::string& delivery) {
    core::Deal d;
    d.id = id;
    d.case_name = "sale";
    d.state = "completed";
    d.lang = "en";
    d.delivery = delivery;
    d.created = d.state_entered = At(kT0);
    d.parties = {{"seller", "alice@example.org", {}, {}, {}, {}, 0},
                 {"buyer", "bob@example.org", {}, {}, {}, {}, 0}};
    return d;
  }
  Database& db() { return *db_; }
  std::optional<Database> db_;
};

TEST_F(TrustStoreTest, DigitalDeliveryAndShareRowsAreAllowedNothingElse) {
  EXPECT_TRUE(DealRepo(db()).Insert(Deal("CT-00000001", "digital")));
  EXPECT_FALSE(DealRepo(db()).Insert(Deal("CT-00000002", "pigeon")));
  auto loaded = DealRepo(db()).Load("CT-00000001");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->delivery, "digital");
  LedgerRecord row{.id = 0,
                   .deal_id = "CT-00000001",
                   .at = At(kT0),
                   .kind = "share",
                   .role = "referrer",
                   .amount = core::Money::FromMinor(50),
                   .reason = "referral",
                   .reference = "",
                   .event_id = 0};
  EXPECT_TRUE(HistoryRepo(db()).AppendLedger(row));
  row.kind = "gift";
  EXPECT_FALSE(HistoryRepo(db()).AppendLedger(row));
}

TEST_F(TrustStoreTest, ModeratorsListedReplacedRemoved) {
  ModeratorRepo mods(db());
  ASSERT_TRUE(mods.Put({"mod@example.org", "AB12", 500, "fr", At(kT0)}));
  ASSERT_TRUE(mods.Put({"mod@example.org", "AB12", 250, "en", At(kT0)}));
  auto found = mods.Find("mod@example.org");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->fee_bp, 250);
  EXPECT_EQ((*found)->lang, "en");
  EXPECT_EQ(*mods.Remove("mod@example.org"), true);
  EXPECT_EQ(*mods.Remove("mod@example.org"), false);
  EXPECT_TRUE(mods.All()->empty());
}

TEST_F(TrustStoreTest, FactsCountOncePerDealAndFollowLinkedKeys) {
  ASSERT_TRUE(DealRepo(db()).Insert(Deal("CT-00000001", "post")));
  ASSERT_TRUE(DealRepo(db()).Insert(Deal("CT-00000002", "post")));
  ReputationRepo rep(db());
  for (const char* kind : {"funded", "completed", "completed"})
    ASSERT_TRUE(rep.AddFact(
        {"CT-00000001", "bob@example.org", "OLD", "buyer", kind, At(kT0)}));
  ASSERT_TRUE(rep.AddFact({"CT-00000002", "bob@example.org", "NEW", "buyer",
                           "funded", At(kT0 + 86400 * 40)}));
  ASSERT_TRUE(rep.AddFact({"CT-00000002", "bob@example.org", "NEW", "buyer",
                           "refunded", At(kT0 + 86400 * 41)}));
  EXPECT_EQ(**rep.DealFingerprint("CT-00000001", "bob@example.org"), "OLD");

  auto fresh = rep.Summarize({"NEW"}, "bob@example.org");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->funded, 1);
  EXPECT_EQ(fresh->completed, 0);
  EXPECT_EQ(fresh->returned, 1);

  ASSERT_TRUE(rep.Link("OLD", "NEW", At(kT0)));
  auto keys = rep.LinkedKeys("NEW");
  ASSERT_TRUE(keys);
  EXPECT_EQ(*keys, (std::vector<std::string>{"NEW", "OLD"}));
  auto linked = rep.Summarize(*keys, "bob@example.org");
  EXPECT_EQ(linked->funded, 2);
  EXPECT_EQ(linked->completed, 1);
  EXPECT_EQ(linked->completed_as_buyer, 1);
  EXPECT_EQ(linked->since, At(kT0));
}

TEST_F(TrustStoreTest, EachPartyRatesADealOnce) {
  ASSERT_TRUE(DealRepo(db()).Insert(Deal("CT-00000001", "post")));
  ReputationRepo rep(db());
  RatingRecord r{"CT-00000001", "buyer", "BOB",  "alice@example.org",
                 "ALICE",       1,       "fine", At(kT0)};
  EXPECT_EQ(*rep.AddRating(r), true);
  r.score = -1;
  EXPECT_EQ(*rep.AddRating(r), false);
  auto s = rep.Summarize({"ALICE"}, "alice@example.org");
  EXPECT_EQ(s->plus, 1);
  EXPECT_EQ(s->minus, 0);
  EXPECT_EQ(rep.RatingsOf("CT-00000001")->size(), 1u);
}

}  // namespace
}  // namespace ct::store
