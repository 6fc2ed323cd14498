// Listing mail with real GnuPG keys and a maildir (no mail server): the
// refusals (too many listings, not the lister, not interested, twice, an
// unknown listing, a withdrawn one), hostile search words, a replayed
// interest, and the listing timers of `tick` (reminder 3 days before,
// expiry; a locked listing whose offer lapses after its date expires).
#include <gtest/gtest.h>

#include "maildir_world.h"

namespace {

using namespace cttest;

constexpr std::time_t kT0 = 1800000000;  // 2027-01-15T08:00:00Z
constexpr std::time_t kDay = 86400;

class MarketRulesTest : public KeyWorldSuite<MarketRulesTest> {
 public:
  static constexpr const char* kWorldLabel = "market";

 protected:
  void SetUp() override {
    KeyWorldSuite::SetUp();
    if (Stopped()) return;
    StartInstance("m", "[listings]\nmax_open_per_party = 2\n");
  }

  // NAME signs BODY at `when` and it is delivered; returns the file.
  fs::path Mail(const std::string& name, const std::string& body,
                std::time_t when = kT0) {
    const fs::path file =
        ct_->dir() / ("mail-" + std::to_string(++mails_) + ".eml");
    world_->Clearsign(name, body, file, when, world_->AutocryptHeader(name));
    ct_->Deliver(file);
    return file;
  }

  // One `run` at `now`: how many applied and refused.
  std::pair<long, long> Run(std::time_t now = kT0 + 60) {
    Cmd run = ct_->Run({"--json", "run"}, now);
    EXPECT_EQ(run.status, 0) << run.All();
    return {JsonInt(run.out, "applied"), JsonInt(run.out, "refused")};
  }

  std::string Outcome() {
    auto rows = ct_->Sql("SELECT outcome FROM inbox ORDER BY id DESC LIMIT 1");
    return rows.empty() ? "" : rows.front();
  }

  std::string Post(const std::string& extra = "") {
    // Each post its own text: the same signed text twice is a replay.
    Mail("alice", "CT 05 SALE\nitem: Kind of Blue, CD #" +
                      std::to_string(++posts_) + "\nprice: 25\nshipping: 5\n" +
                      extra);
    EXPECT_EQ(Run(), std::make_pair(1L, 0L)) << Outcome();
    auto ids = ct_->Sql("SELECT id FROM listings ORDER BY created DESC, id");
    return ids.empty() ? "" : ids.front();
  }

  long Sent(const std::string& templates, const std::string& to) {
    return ct_->SqlCount("SELECT count(*) FROM outbox WHERE templates = " +
                         MaildirInstance::SqlText(templates) +
                         " AND to_email = " + MaildirInstance::SqlText(to));
  }

  std::string State(const std::string& id) {
    auto rows = ct_->Sql("SELECT state FROM listings WHERE id = " +
                         MaildirInstance::SqlText(id));
    return rows.empty() ? "" : rows.front();
  }

  int mails_ = 0;
  int posts_ = 0;
};

TEST_F(MarketRulesTest, RefusalsSayWhyAndChangeNothing) {
  const std::string id = Post();
  ASSERT_FALSE(id.empty());
  Post();
  // At most listings.max_open_per_party (2 here) open listings.
  Mail("alice", "CT 05 SALE\nitem: third\nprice: 1\n");
  EXPECT_EQ(Run(), std::make_pair(0L, 1L));
  EXPECT_NE(Outcome().find("you already have 2 open listings"),
            std::string::npos);
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM listings"), 2);

  Mail("bob", id + " 08 bob@example.test\n");      // not the lister
  Mail("alice", id + " 08 carol@example.test\n");  // carol not interested
  Mail("alice", id + " 07\n");                     // own listing
  Mail("bob", "CL-ZZZZZZZZ 07\n");                 // no such listing
  EXPECT_EQ(Run(), std::make_pair(0L, 4L));
  for (const char* why :
       {"only the lister of", "has not said they are interested", "you posted",
        "there is no listing CL-ZZZZZZZZ"})
    EXPECT_EQ(ct_->SqlCount(std::string("SELECT count(*) FROM inbox WHERE "
                                        "status = 'refused' AND outcome LIKE "
                                        "'%") +
                            why + "%'"),
              1)
        << why;
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM deals"), 0);
  EXPECT_EQ(State(id), "open");

  Mail("bob", id + " 07 first\n");
  Mail("bob", id + " 07 again\n");
  EXPECT_EQ(Run(), std::make_pair(1L, 1L));
  EXPECT_NE(Outcome().find("already said you are interested"),
            std::string::npos);
  EXPECT_EQ(Sent("interest_notice", "alice@example.test"), 1);

  Mail("alice", id + " 13\n");
  Mail("carol", id + " 07\n");
  EXPECT_EQ(Run(), std::make_pair(1L, 1L));
  EXPECT_EQ(State(id), "withdrawn");
  EXPECT_NE(Outcome().find(id + " is withdrawn"), std::string::npos);
  EXPECT_EQ(Sent("listing_withdrawn", "alice@example.test"), 1);
}

// Regression: search words that are FTS5 or SQL syntax are plain words.
TEST_F(MarketRulesTest, HostileSearchWordsAreAnsweredLikeOthers) {
  Post("tags: jazz\n");
  Mail("bob", "CT 06 title:jazz \" NEAR( OR * '); DROP TABLE listings; --\n");
  Mail("carol", "CT 06 JAZZ\n");
  EXPECT_EQ(Run(), std::make_pair(2L, 0L));
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM listings"), 1);
  auto bodies = ct_->Sql(
      "SELECT to_email || ':' || substr(subject, 1, 40) FROM outbox WHERE "
      "templates = 'search_results' ORDER BY id");
  EXPECT_EQ(bodies, (std::vector<std::string>{
                        "bob@example.test:Search results (0)",
                        "carol@example.test:Search results (1)"}));
}

// A replayed interest (the same signed mail again) is quarantined: the
// lister hears of it once.
TEST_F(MarketRulesTest, ReplayedInterestIsNotToldTwice) {
  const std::string id = Post();
  const fs::path first = Mail("bob", id + " 07 hello\n");
  EXPECT_EQ(Run(), std::make_pair(1L, 0L));
  const fs::path again = ct_->dir() / "replay.eml";
  WriteFile(again, WithMessageId(ReadFile(first), "<replay@example.test>"));
  ct_->Deliver(again);
  Cmd run = ct_->Run({"--json", "run"}, kT0 + 120);
  EXPECT_EQ(JsonInt(run.out, "quarantined"), 1) << run.All();
  EXPECT_EQ(Sent("interest_notice", "alice@example.test"), 1);
}

TEST_F(MarketRulesTest, TickRemindsThreeDaysBeforeThenExpires) {
  const std::string id = Post("expires: 5\n");
  auto tick = [&](std::time_t now) {
    Cmd t = ct_->Run({"--json", "tick"}, now);
    EXPECT_EQ(t.status, 0) << t.All();
    return std::make_pair(JsonInt(t.out, "listing_reminders"),
                          JsonInt(t.out, "listings_expired"));
  };
  EXPECT_EQ(tick(kT0 + 2 * kDay - 60), std::make_pair(0L, 0L));
  EXPECT_EQ(tick(kT0 + 2 * kDay + 60), std::make_pair(1L, 0L));
  EXPECT_EQ(tick(kT0 + 3 * kDay), std::make_pair(0L, 0L));  // once
  EXPECT_EQ(Sent("listing_expiry_reminder", "alice@example.test"), 1);
  EXPECT_EQ(State(id), "open");
  EXPECT_EQ(tick(kT0 + 5 * kDay + 60), std::make_pair(0L, 1L));
  EXPECT_EQ(tick(kT0 + 6 * kDay), std::make_pair(0L, 0L));
  EXPECT_EQ(State(id), "expired");
  EXPECT_EQ(Sent("listing_expired", "alice@example.test"), 1);
  Cmd listings = ct_->Run({"listings", "--state", "expired"}, kT0 + 6 * kDay);
  EXPECT_NE(listings.out.find(id), std::string::npos) << listings.All();
}

// The offer of a locked listing lapses (offer_days) after the listing's
// date: the listing does not reopen, it expires.
TEST_F(MarketRulesTest, OfferTimeoutAfterTheDateExpiresTheListing) {
  const std::string id = Post("expires: 2\n");
  Mail("bob", id + " 07\n");
  EXPECT_EQ(Run(), std::make_pair(1L, 0L));
  Mail("alice", id + " 08 bob@example.test\n");
  EXPECT_EQ(Run(), std::make_pair(1L, 0L));
  EXPECT_EQ(State(id), "locked");
  // Past the listing's date, a locked listing waits for its deal.
  Cmd early = ct_->Run({"--json", "tick"}, kT0 + 3 * kDay);
  EXPECT_EQ(JsonInt(early.out, "listings_expired"), 0) << early.All();
  EXPECT_EQ(State(id), "locked");
  Cmd lapse = ct_->Run({"--json", "tick"}, kT0 + 8 * kDay);
  EXPECT_EQ(JsonInt(lapse.out, "timeouts"), 1) << lapse.All();
  EXPECT_EQ(State(id), "expired");
  EXPECT_EQ(Sent("listing_expired", "alice@example.test"), 1);
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM deals WHERE state = "
                          "'cancelled'"),
            1);
}

// A deal of a lock that ends unfunded in other ways (the lister withdraws
// the offer; the deposits never come) opens the listing again.
TEST_F(MarketRulesTest, WithdrawnOfferOrMissingDepositsReopenTheListing) {
  const std::string id = Post();
  Mail("bob", id + " 07\n");
  Mail("carol", id + " 07\n");
  EXPECT_EQ(Run(), std::make_pair(2L, 0L));
  Mail("alice", id + " 08 bob@example.test\n");
  EXPECT_EQ(Run(), std::make_pair(1L, 0L));
  auto deal = ct_->Sql("SELECT deal_id FROM listings WHERE id = " +
                       MaildirInstance::SqlText(id));
  ASSERT_EQ(deal.size(), 1u);
  // The listing itself cannot be withdrawn while locked: the offer can.
  Mail("alice", id + " 13\n", kT0 + 100);
  EXPECT_EQ(Run(kT0 + 160), std::make_pair(0L, 1L));
  EXPECT_NE(Outcome().find(deal.front() + " 13"), std::string::npos);
  Mail("alice", deal.front() + " 13\n", kT0 + 200);
  EXPECT_EQ(Run(kT0 + 260), std::make_pair(1L, 0L));
  EXPECT_EQ(State(id), "open");
  EXPECT_EQ(Sent("listing_reopened", "alice@example.test"), 1);

  Mail("alice", id + " 08 carol@example.test\n", kT0 + 300);
  EXPECT_EQ(Run(kT0 + 360), std::make_pair(1L, 0L));
  auto second = ct_->Sql("SELECT deal_id FROM listings WHERE id = " +
                         MaildirInstance::SqlText(id));
  ASSERT_EQ(second.size(), 1u);
  Mail("carol", second.front() + " 11\n", kT0 + 400);
  EXPECT_EQ(Run(kT0 + 460), std::make_pair(1L, 0L));
  EXPECT_EQ(State(id), "locked");
  Cmd lapse = ct_->Run({"--json", "tick"}, kT0 + 8 * kDay);  // deposit_days 7
  EXPECT_EQ(JsonInt(lapse.out, "timeouts"), 1) << lapse.All();
  EXPECT_EQ(State(id), "open");
  EXPECT_EQ(Sent("listing_reopened", "alice@example.test"), 2);
  Cmd show = ct_->Run({"--json", "listing", id}, kT0 + 8 * kDay);
  EXPECT_EQ(AllMatches(show.out, R"re("(CT-[0-9A-Z]{8})")re"),
            (std::vector<std::string>{deal.front(), second.front()}))
      << show.All();
}

}  // namespace
