// The marketplace (docs/protocol.md "Listings") end to end through the real
// mail system: the
// parties' clear-signed mail is delivered into the escrow's INBOX on
// Dovecot, `cybertroc run` fetches it over IMAP and sends its signed,
// encrypted replies over SMTP through OpenSMTPD into the parties' maildirs.
//
// (1) alice lists a sale, bob searches and finds it, bob and carol say they
// are interested, alice locks it to bob: the deal runs to completion and the
// listing closes. (2) The same up to the lock, then bob declines: the
// listing opens again and is found again. And a stranger's unsigned
// interest gets no answer and reaches nobody.
//
// Skips when servers.sh, gpg.sh or sign.sh exit 77.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "mail_suite.h"

namespace {

using namespace cttest;

class MarketMailTest : public MailSuite<MarketMailTest> {
 public:
  static constexpr const char* kWorldLabel = "market";

 protected:
  void SetUp() override {
    MailSuite::SetUp();
    if (Stopped()) return;
    for (const char* user : {"alice", "bob", "carol", "operator"})
      world_->Empty(user);
    mail_subject_ = "market";
    Configure();
  }

  // One `run`: `applied` messages applied, nothing refused; mail delivered.
  void Run(int applied, int quarantined = 0) {
    RunAndDeliver(applied, 0, quarantined);
  }

  // Every message in USER's maildir whose subject holds `marker`, opened
  // with USER's key; each must be signed by the escrow and encrypted.
  std::vector<Received> MailOf(const std::string& user,
                               const std::string& marker) {
    return EscrowMailOf(user, marker, /*encrypted=*/true);
  }

  std::string ListingState(const std::string& id) {
    Cmd show = Ct({"listing", id, "--json"});
    EXPECT_EQ(show.status, 0) << show.All();
    return JsonString(show.out, "state");
  }

  // alice lists; bob searches and finds it; bob and carol are interested;
  // alice locks it to bob. Returns {listing, deal}.
  std::pair<std::string, std::string> ListFindInterestLock() {
    Mail("alice",
         "Selling a record.\n\nCT 05 SALE\nitem: Kind of Blue, CD, mint\n"
         "price: 25,00 EUR\nshipping: 5.00\ndelivery: post\nlang: en\n"
         "tags: jazz miles davis\n");
    Run(1);
    Cmd open = Ct({"--json", "listings", "--state", "open"});
    const auto ids = AllMatches(open.out, R"re("id": "(CL-[0-9A-Z]{8})")re");
    EXPECT_EQ(ids.size(), 1u) << open.out;
    if (ids.size() != 1) return {};
    const std::string id = ids.front();
    EXPECT_TRUE(AnyHas(MailOf("alice", id), "\"" + id + " 13\""));

    Mail("bob", "CT 06 kind blue max: 40 case: sale\n");
    Run(1);
    auto found = MailOf("bob", "Search results");
    EXPECT_EQ(found.size(), 1u);
    EXPECT_TRUE(AnyHas(found, "interested? send:  " + id + " 07"));
    // The lister's record (docs/protocol.md "Reputation"), never the
    // lister's address.
    EXPECT_TRUE(AnyHas(found, "    lister: no funded deal yet"));
    EXPECT_FALSE(AnyHas(found, "alice@example.test"));
    EXPECT_TRUE(AnyHas(found, "price 25.00 EUR + shipping 5.00 EUR"));

    Mail("bob", id + " 07 Is it still available? I can pay at once.\n");
    Mail("carol", id + " 07\n");
    Run(2);
    const auto notices = MailOf("alice", "Someone is interested: " + id);
    EXPECT_EQ(notices.size(), 2u);
    EXPECT_TRUE(AnyHas(notices, "bob@example.test is interested"));
    EXPECT_TRUE(AnyHas(notices, "Is it still available? I can pay at once."));
    EXPECT_TRUE(AnyHas(notices, id + " 08 carol@example.test"));
    EXPECT_FALSE(AnyHas(notices, world_->Fpr("bob")));  // never the key
    EXPECT_EQ(MailOf("carol", "Interest sent: " + id).size(), 1u);

    Mail("alice", id + " 08 bob@example.test\n");
    Run(1);
    EXPECT_EQ(ListingState(id), "locked");
    Cmd listing = Ct({"--json", "listing", id});
    const std::string deal = JsonString(listing.out, "deal");
    EXPECT_TRUE(deal.starts_with("CT-")) << listing.out;
    EXPECT_EQ(JsonString(listing.out, "locked_to"), "bob@example.test");
    EXPECT_EQ(MailOf("carol", "Listing taken: " + id).size(), 1u);
    EXPECT_EQ(MailOf("bob", "Listing taken").size(), 0u);
    EXPECT_TRUE(AnyHas(MailOf("bob", "[" + deal + "]"), deal + " 11"));
    // The deal is the one a code 10 would open, and says where it came from.
    Cmd show = Ct({"--json", "show", deal});
    EXPECT_EQ(JsonString(show.out, "state"), "offered");
    EXPECT_EQ(JsonString(show.out, "listing"), id);
    EXPECT_EQ(
        JsonField(ParseJson(show.out).value("texts", Json::object()), "item"),
        "Kind of Blue, CD, mint")
        << show.out;
    EXPECT_NE(Ct({"show", deal}).out.find("Listing   " + id),
              std::string::npos);
    // Locked: it has left the search.
    Mail("carol", "CT 06 blue\n");
    Run(1);
    EXPECT_TRUE(
        AnyHas(MailOf("carol", "Search results"), "No open listing matches"));
    return {id, deal};
  }
};

TEST_F(MarketMailTest, ListedFoundLockedDealCompletedListingClosed) {
  const auto [id, deal] = ListFindInterestLock();
  ASSERT_FALSE(deal.empty());
  Mail("bob", deal + " 11\n");
  Run(1);
  ASSERT_EQ(Ct({"deposit", deal, "seller", "30.25", "--ref", "V1"}).status, 0);
  ASSERT_EQ(Ct({"deposit", deal, "buyer", "60.25", "--ref", "V2"}).status, 0);
  EXPECT_EQ(ListingState(id), "locked");  // funded: stays locked till the end
  Mail("alice", deal + " 40 Colissimo 6A12345678901\n");
  Run(1);
  Mail("bob", deal + " 61\n");
  Run(1);
  EXPECT_EQ(State(deal), "completed");
  EXPECT_EQ(ListingState(id), "closed");
  EXPECT_TRUE(
      AnyHas(MailOf("alice", "Listing " + id + " closed"), "Deal " + deal));
  Cmd closed = Ct({"--json", "listings", "--state", "closed"});
  EXPECT_NE(closed.out.find(id), std::string::npos) << closed.out;
  EXPECT_EQ(Ct({"--json", "listings", "--state", "open"}).out.find(id),
            std::string::npos);
  // alice's next listing shows the completed deal in her record.
  Mail("alice", "CT 05 SALE\nitem: A Love Supreme, LP\nprice: 30.00\n");
  Run(1);
  Mail("carol", "CT 06 supreme\n");
  Run(1);
  std::vector<Received> found;  // carol's earlier search found nothing
  for (auto& m : MailOf("carol", "Search results"))
    if (m.text.find("A Love Supreme") != std::string::npos)
      found.push_back(std::move(m));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(AnyHas(
      found, "    lister: 1 deal completed, 0 returned, 0 disputes; 0 +, 0 "))
      << found.front().text;
  EXPECT_FALSE(AnyHas(found, "alice@example.test"));
}

TEST_F(MarketMailTest, DealDeclinedListingReopens) {
  const auto [id, deal] = ListFindInterestLock();
  ASSERT_FALSE(deal.empty());
  Mail("bob", deal + " 12\n");
  Run(1);
  EXPECT_EQ(State(deal), "cancelled");
  EXPECT_EQ(ListingState(id), "open");
  EXPECT_TRUE(
      AnyHas(MailOf("alice", "Listing " + id + " open again"), "Deal " + deal));
  // Back in the search; alice may lock it to carol now.
  Mail("carol", "CT 06 miles\n");
  Run(1);
  const auto found = MailOf("carol", "Search results");
  EXPECT_TRUE(AnyHas(found, id + " 07"));
  Mail("alice", id + " 08 carol@example.test\n");
  Run(1);
  EXPECT_EQ(ListingState(id), "locked");
  Cmd listing = Ct({"--json", "listing", id});
  EXPECT_EQ(JsonString(listing.out, "locked_to"), "carol@example.test");
  EXPECT_EQ(AllMatches(listing.out, R"re("(CT-[0-9A-Z]{8})")re").size(), 3u)
      << "current deal, and both deals in its history: " << listing.out;
}

// A stranger's interest follows the backscatter rules: unsigned mail from
// an unknown address is quarantined, answered to nobody, told to nobody.
TEST_F(MarketMailTest, StrangersUnsignedInterestGetsNoAnswer) {
  Mail("alice",
       "CT 05 EXCHANGE\ngive: Kind of Blue (CD)\nwants: any Coltrane LP\n"
       "value: 20\ndelivery: hand\n");
  Run(1);
  const auto ids = AllMatches(Ct({"--json", "listings"}).out,
                              R"re("id": "(CL-[0-9A-Z]{8})")re");
  ASSERT_EQ(ids.size(), 1u);
  const fs::path file = work_ / "stranger.eml";
  WriteFile(file, ToCrlf("From: stranger@elsewhere.test\n"
                         "To: escrow@example.test\n"
                         "Subject: hi\nMessage-ID: <s1@elsewhere.test>\n"
                         "Date: Fri, 27 Nov 2026 10:00:00 +0000\n\n" +
                         ids.front() + " 07 me!\n"));
  world_->Deliver("escrow", file);
  Run(0, 1);
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM outbox WHERE to_email = "
                          "'stranger@elsewhere.test'"),
            0);
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM listing_interest"), 0);
  EXPECT_TRUE(MailOf("alice", "Someone is interested").empty());
}

}  // namespace
