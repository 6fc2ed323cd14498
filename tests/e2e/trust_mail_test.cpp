// Trust (moderators, referrers, digital goods, reputation) end to end
// through the real mail system (Dovecot, OpenSMTPD,
// real GnuPG), as tests/e2e/e2e_mail_test.cpp does for the base protocol:
//
//  (M) A moderated sale: carol is on the operator's list (`moderators add`,
//      fee 10 %, paid from the held funds, French mail). The buyer says 63;
//      carol proposes a split by signed mail (90) and the buyer accepts it
//      (91): two of three settle. Carol gets the dispute's mail in French,
//      signed by the escrow and encrypted to her; the payouts carry her fee.
//  (D) A digital sale with a referrer: the offer names the file's SHA-256,
//      the seller's 40 says where to fetch it, the buyer's 61 quotes the
//      digest, and on completion 25 % of the commission goes to the
//      referrer as a payout line. Then the buyer rates the seller (70 +,
//      with a comment that is never mailed), asks `CT 00 REPUTATION`, and
//      the seller's next offer shows the buyer her record.
//
// The clock is the real one (signatures are made now). Skips when the
// harness cannot run here (exit 77).
#include <gtest/gtest.h>

#include <ctime>
#include <map>
#include <regex>
#include <set>
#include <tuple>

#include "mail_suite.h"

namespace {

using namespace cttest;

using Payout = std::tuple<std::string, std::string, std::string>;

class TrustMailTest : public MailSuite<TrustMailTest> {
 public:
  static constexpr const char* kWorldLabel = "trust";

 protected:
  // One `run` applying `applied` messages and refusing `refused`.
  void Run(int applied, int refused = 0) { RunAndDeliver(applied, refused, 0); }

  // The escrow learns carol's key and lists her as a moderator.
  void AddModerator(const std::string& fee) {
    Ok({"init"});
    ImportKey("carol");
    Ok({"moderators", "add", "carol@example.test", world_->Fpr("carol"),
        "--fee", fee, "--lang", "fr"});
    Cmd list = Ct({"--json", "moderators", "list"});
    EXPECT_NE(list.out.find("\"fee\": \"" + fee + "\""), std::string::npos)
        << list.out;
  }

  std::vector<std::string> Deals() {
    Cmd list = Ct({"--json", "list"});
    EXPECT_EQ(list.status, 0) << list.All();
    return AllMatches(list.out, R"re("id": "(CT-[0-9A-Z]{8})")re");
  }

  // Every mail in USER's maildir whose subject or text has `marker`,
  // opened with USER's keys.
  std::vector<Received> MailOf(const std::string& user,
                               const std::string& marker) {
    std::vector<Received> mail;
    for (Received& m : AllMailOf(user)) {
      if (m.subject.find(marker) != std::string::npos ||
          m.text.find(marker) != std::string::npos)
        mail.push_back(std::move(m));
    }
    return mail;
  }

  // Each message of deal `id` queued for USER arrived once, signed by the
  // escrow and encrypted to USER.
  void CheckArrived(const std::string& user, const std::string& id) {
    SCOPED_TRACE(user);
    const auto rows = ct_->Sql(
        "SELECT message_id, templates FROM outbox WHERE deal_id = " +
        Instance::SqlText(id) + " AND to_email = " +
        Instance::SqlText(user + "@example.test") + " AND status = 'sent'");
    std::multiset<std::string> queued, received;
    std::map<std::string, std::string> templates;
    for (const auto& row : rows) {
      queued.insert(row.substr(0, row.find('|')));
      templates[row.substr(0, row.find('|'))] = row.substr(row.find('|') + 1);
    }
    for (const Received& m : MailOf(user, "[" + id + "]")) {
      const std::string message_id = m.top.Get("Message-ID");
      received.insert(message_id);
      EXPECT_EQ(m.problem, "");
      EXPECT_EQ(m.signer, world_->Fpr("escrow"));
      // Bob's key arrives with his first mail, after the offer reached him.
      EXPECT_EQ(m.encrypted,
                !(user == "bob" && templates[message_id] == "offer"))
          << m.subject;
    }
    EXPECT_FALSE(queued.empty());
    EXPECT_EQ(received, queued);
  }

  // `show --json`'s payouts of deal `id`, as (payee, amount, reason).
  std::multiset<Payout> Payouts(const std::string& id) {
    Cmd show = Ct({"--json", "show", id});
    EXPECT_EQ(JsonString(show.out, "held"), "0.00") << show.out;
    const std::string json = show.out.substr(show.out.find("\"payouts\":"));
    const std::regex re(
        R"re("payee": "([^"]*)",[^{}]*?"amount": "([^"]*)",[^{}]*?"reason": "([^"]*)")re");
    std::multiset<Payout> out;
    for (auto it = std::sregex_iterator(json.begin(), json.end(), re);
         it != std::sregex_iterator(); ++it)
      out.insert({(*it)[1], (*it)[2], (*it)[3]});
    return out;
  }
};

// (M) Two of three: the moderator's proposal accepted by the buyer.
TEST_F(TrustMailTest, ModeratedDisputeSettledTwoOfThree) {
  Configure("[moderation]\nfee_from = held\n");
  ASSERT_NO_FATAL_FAILURE(AddModerator("10.00%"));
  Mail("alice",
       "CT 10 SALE\nbuyer: bob@example.test\nitem: Kind of Blue, CD\n"
       "price: 25.00\nshipping: 5.00\nmoderator: carol@example.test\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  const auto ids = Deals();
  ASSERT_EQ(ids.size(), 1u);
  const std::string id = ids.front();
  // The offer names the moderator and its fee (10 % of 25.00).
  const auto offer = MailOf("bob", "[" + id + "]");
  ASSERT_EQ(offer.size(), 1u);
  EXPECT_NE(offer[0].text.find("Moderator: carol@example.test (fee 2.50 EUR"),
            std::string::npos)
      << offer[0].text;

  Mail("bob", id + " 11\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  Ok({"deposit", id, "seller", "30.25", "--ref", "VIR-S"});
  Ok({"deposit", id, "buyer", "60.25", "--ref", "VIR-B"});
  Mail("alice", id + " 40 Colissimo 6A12345678901\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  Mail("bob", id + " 63\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  EXPECT_EQ(State(id), "disputed");

  // Held 90.00; the moderator's 2.50 is kept out of the split: 87.50.
  EXPECT_EQ(MailOf("bob", "where X + Y is exactly 87.50 EUR").size(), 1u);
  Mail("carol", id + " 90 seller=37.50 buyer=50.00\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  Mail("bob", id + " 91\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  EXPECT_EQ(State(id), "settled");
  EXPECT_EQ(Payouts(id),
            (std::multiset<Payout>{{"seller", "37.50", "settlement"},
                                   {"buyer", "50.00", "settlement"},
                                   {"moderator", "2.50", "moderator_fee"}}));
  Cmd show = Ct({"--json", "show", id});
  EXPECT_NE(show.out.find("\"email\": \"carol@example.test\""),
            std::string::npos);
  EXPECT_NE(show.out.find("\"fee_from\": \"held\""), std::string::npos);

  // Carol heard of the dispute, the proposal and the settlement, in French.
  CheckArrived("carol", id);
  const auto carol = MailOf("carol", "[" + id + "]");
  const bool french = std::any_of(carol.begin(), carol.end(), [](auto& m) {
    return m.subject.find("Litige") != std::string::npos;
  });
  EXPECT_TRUE(french);
  CheckArrived("bob", id);
  CheckArrived("alice", id);
}

// (D) A digital sale, its referral payout, a rating and the reputation.
TEST_F(TrustMailTest, DigitalSaleWithReferralPayout) {
  Configure("[money]\ncommission = 10%\nreferral_share = 25%\n");
  const std::string digest(
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  const std::string offer_text =
      "CT 10 SALE\nbuyer: bob@example.test\nitem: Jazz photo book, PDF\n"
      "price: 20.00\ndelivery: digital\nsha256: " +
      digest + "\nreferrer: carol@example.test\n";
  Mail("alice", offer_text);
  ASSERT_NO_FATAL_FAILURE(Run(1));
  const std::string id = Deals().at(0);
  Mail("bob", id + " 11\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  // Commission 10 % of 20.00, split: 1.00 each.
  Ok({"deposit", id, "seller", "21.00", "--ref", "VIR-S"});
  Ok({"deposit", id, "buyer", "41.00", "--ref", "VIR-B"});
  Mail("alice", id + " 40 https://files.example.test/jazz.pdf\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  const auto shipped = MailOf("bob", "https://files.example.test/jazz.pdf");
  ASSERT_EQ(shipped.size(), 1u);
  EXPECT_NE(shipped[0].text.find("Where to fetch it"), std::string::npos);
  EXPECT_NE(shipped[0].text.find(digest), std::string::npos);

  Mail("bob", id + " 61 sha256:" + digest + "\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  EXPECT_EQ(State(id), "completed");
  EXPECT_EQ(Payouts(id),
            (std::multiset<Payout>{{"seller", "20.00", "payment"},
                                   {"seller", "20.00", "bond_refund"},
                                   {"buyer", "20.00", "bond_refund"},
                                   {"referrer", "0.50", "referral"}}));
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM payouts WHERE payee_email = "
                          "'carol@example.test' AND reason = 'referral'"),
            1);
  CheckArrived("alice", id);
  CheckArrived("bob", id);

  // The buyer rates the seller once; the comment stays with the escrow.
  const std::string comment = "exactly the promised scans";
  Mail("bob", id + " 70 + " + comment + "\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  Mail("bob", id + " 70 -\n");
  ASSERT_NO_FATAL_FAILURE(Run(0, 1));
  EXPECT_TRUE(MailOf("alice", comment).empty());
  EXPECT_EQ(MailOf("bob", "Rating recorded").size(), 1u);

  const std::string line =
      "alice@example.test: 1 deal completed, 0 returned, 0 disputes; 1 +, "
      "0 \u2212; since " +
      IsoTime(std::time(nullptr)).substr(0, 7);
  Mail("bob", "CT 00 REPUTATION alice@example.test\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  EXPECT_EQ(MailOf("bob", line).size(), 1u);
  Cmd rep = Ct({"reputation", "alice@example.test", "--json"});
  ASSERT_EQ(rep.status, 0) << rep.All();
  EXPECT_NE(rep.out.find("\"line\": \"" + line + "\""), std::string::npos)
      << rep.out;
  EXPECT_NE(rep.out.find(comment), std::string::npos) << "operator sees it";

  // Her next offer shows bob her record.
  Mail("alice",
       "CT 10 SALE\nbuyer: bob@example.test\nitem: Another book\n"
       "price: 10.00\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  std::string second;
  for (const auto& d : Deals())
    if (d != id) second = d;
  ASSERT_FALSE(second.empty());
  const auto offer = MailOf("bob", "[" + second + "]");
  ASSERT_EQ(offer.size(), 1u);
  EXPECT_NE(offer[0].text.find(line), std::string::npos) << offer[0].text;
}

}  // namespace
