// End to end through the real mail system, as CI runs it (docs/protocol.md,
// docs/money.md):
// the parties' OpenPGP-signed mail (gpg --clearsign, and bob's acceptance
// once from a real neomutt) is delivered into the escrow's INBOX on Dovecot;
// `cybertroc run` fetches it over IMAP, applies it, and sends its signed,
// encrypted notifications over SMTP (STARTTLS + AUTH) through OpenSMTPD,
// which delivers them into the parties' and the operator's maildirs. The
// operator records deposits with `cybertroc deposit`, and once by a mail
// signed with the operator key (code 21).
//
// Scenarios: (A) a sale completed; (B->C) a sale returned and refunded with the
// franchise (62, 81, 101); (E) a dispute (63) settled by 90/91, in French; an
// exchange completed. Each checks that every notification queued for a party or
// the operator arrived exactly once in that maildir, that every received mail
// verifies with plain gpg against the escrow key after decryption with the
// recipient's key, that the bodies carry the amounts of docs/money.md "Worked
// example" (price 25.00, shipping 5.00, commission 2% split, bond including
// shipping), that the operator got the payout instructions, and that `--json
// show` and `--json payouts` agree.
//
// The clock is the real one (CYBERTROC_NOW = now at each command): the
// signatures are made now. Skips when servers.sh, gpg.sh or sign.sh exit 77.
#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <set>
#include <tuple>

#include "mail_suite.h"

namespace {

using namespace cttest;

// A payout as both `show` and `payouts` print it.
using Payout =
    std::tuple<std::string, std::string, std::string>;  // payee, amount, reason

class E2eMailTest : public MailSuite<E2eMailTest> {
 public:
  static constexpr const char* kWorldLabel = "e2e";

 protected:
  void SetUp() override {
    MailSuite::SetUp();
    if (Stopped()) return;
    Configure();
  }

  // The same from a real neomutt (PGP/MIME). False when neomutt cannot
  // run here (sign.sh exit 77): the caller skips.
  bool MailWithNeomutt(const std::string& name, const std::string& body) {
    const fs::path file = NextMailFile();
    if (world_->Neomutt(name, body, file, world_->AutocryptHeader(name),
                        &skip_reason_) == kSkipStatus)
      return false;
    world_->Deliver("escrow", file);
    return true;
  }

  // One `run` that applies `applied` commands, refuses nothing, and whose
  // mail is then delivered.
  void Run(int applied) {
    RunAndDeliver(applied, 0, 0, {"retried", "gave_up"});
  }

  void Deposit(const std::string& id, const std::string& role,
               const std::string& amount, const std::string& ref) {
    Ok({"deposit", id, role, amount, "--ref", ref});
  }

  std::string OnlyDeal() {
    Cmd list = Ct({"--json", "list"});
    EXPECT_EQ(list.status, 0) << list.All();
    const auto ids = JsonFields(ParseJson(list.out), "id");
    EXPECT_EQ(ids.size(), 1u) << list.out;
    if (ids.empty()) return "";
    EXPECT_TRUE(std::regex_match(ids.front(), std::regex("CT-[0-9A-Z]{8}")))
        << list.out;
    return ids.front();
  }

  // Checks every message of deal `id` and returns them, by user: each one
  // queued arrived once, signed by the escrow and encrypted to its
  // recipient; replies to mail are auto-replied, the rest auto-generated.
  std::map<std::string, std::vector<Received>> CheckMail(
      const std::string& id) {
    std::map<std::string, std::vector<Received>> by_user;
    EXPECT_EQ(
        ct_->SqlCount("SELECT count(*) FROM outbox WHERE status <> 'sent'"), 0);
    for (const std::string user : {"alice", "bob", "operator"}) {
      SCOPED_TRACE(user);
      const std::string address = user + "@example.test";
      const auto rows = ct_->Sql(
          "SELECT message_id, kind || ':' || templates FROM outbox "
          "WHERE deal_id = " +
          Instance::SqlText(id) +
          " AND to_email = " + Instance::SqlText(address) + " ORDER BY id");
      std::multiset<std::string> queued, received;
      std::map<std::string, std::string> kind;
      for (const auto& row : rows) {
        const std::string message_id = row.substr(0, row.find('|'));
        queued.insert(message_id);
        kind[message_id] = row.substr(row.find('|') + 1);
      }
      auto mail = DealMail(user, id);
      for (const Received& m : mail) {
        SCOPED_TRACE(m.file.string() + " (" + m.subject + ")");
        const std::string message_id = m.top.Get("Message-ID");
        received.insert(message_id);
        EXPECT_EQ(m.problem, "");
        EXPECT_EQ(m.signer, world_->Fpr("escrow"));
        // Encrypted to every recipient whose key the escrow knew then:
        // bob's arrives with his first mail, after the offer is sent to him.
        EXPECT_EQ(m.encrypted,
                  !(user == "bob" && kind[message_id].ends_with(":offer")));
        EXPECT_EQ(m.top.All("From"), std::vector<std::string>{kFrom});
        EXPECT_EQ(m.top.All("To"), std::vector<std::string>{address});
        EXPECT_TRUE(m.subject.starts_with("[" + id + "] ")) << m.subject;
        EXPECT_EQ(m.top.All("X-CyberTroc-Loop"),
                  std::vector<std::string>{"escrow@example.test"});
        const bool notice = kind[message_id].starts_with("notice:");
        EXPECT_EQ(m.top.Get("Auto-Submitted"),
                  notice ? "auto-generated" : "auto-replied");
        if (!notice) {
          EXPECT_FALSE(m.top.Get("In-Reply-To").empty());
        }
        EXPECT_NE(m.text.find(id), std::string::npos);
      }
      EXPECT_FALSE(queued.empty());
      EXPECT_EQ(received, queued) << "every notification once, nothing else";
      by_user[user] = std::move(mail);
    }
    return by_user;
  }

  // The deal is in `state`, holds nothing, and `show` and `payouts` list
  // exactly `expected` for it (same ids too); the parties' keys are bound.
  void CheckDeal(const std::string& id, const std::string& state,
                 const std::multiset<Payout>& expected) {
    Cmd show = Ct({"--json", "show", id});
    ASSERT_EQ(show.status, 0) << show.All();
    const Json deal = ParseJson(show.out);
    ASSERT_TRUE(deal.is_object()) << show.out;
    EXPECT_EQ(JsonField(deal, "state"), state);
    EXPECT_EQ(JsonField(deal, "held"), "0.00");
    std::vector<std::string> bound;  // the parties' bound fingerprints
    for (const Json& party : deal.at("parties")) {
      const std::string fpr = JsonField(party, "fingerprint");
      if (std::regex_match(fpr, std::regex("[0-9A-F]{40}")))
        bound.push_back(fpr);
    }
    EXPECT_EQ(bound, (std::vector<std::string>{world_->Fpr("alice"),
                                               world_->Fpr("bob")}));
    // Each payout of the deal as (id, payee, amount, reason), all pending.
    auto tuples = [&](const Json& list, const std::string& deal_id) {
      std::multiset<
          std::tuple<std::string, std::string, std::string, std::string>>
          out;
      for (const Json& payout : list) {
        if (!deal_id.empty() && JsonField(payout, "deal") != deal_id) continue;
        EXPECT_EQ(JsonField(payout, "status"), "pending");
        out.insert({JsonField(payout, "id"), JsonField(payout, "payee"),
                    JsonField(payout, "amount"), JsonField(payout, "reason")});
      }
      return out;
    };
    const auto in_show = tuples(deal.at("payouts"), "");
    Cmd payouts = Ct({"--json", "payouts"});
    ASSERT_EQ(payouts.status, 0) << payouts.All();
    const Json listed = ParseJson(payouts.out);
    ASSERT_TRUE(listed.is_array()) << payouts.out;
    const auto in_list = tuples(listed, id);
    EXPECT_EQ(in_show, in_list) << show.out << payouts.out;
    std::multiset<Payout> got;
    for (const auto& [pid, payee, amount, reason] : in_show)
      got.insert({payee, amount, reason});
    EXPECT_EQ(got, expected);
  }

  std::string skip_reason_;
};

const char kSaleOffer[] =
    "Hello Bob, here is my offer.\n"
    "\n"
    "CT 10 SALE\n"
    "buyer: bob@example.test\n"
    "item: Kind of Blue, CD, mint\n"
    "price: 25,00 EUR\n"
    "shipping: 5.00\n"
    "delivery: post\n";

// (A) The sale of docs/money.md "Worked example", completed: the seller is paid
// 30.00 and both bonds (30.00 each) go back.
TEST_F(E2eMailTest, SaleCompleted) {
  Mail("alice", std::string(kSaleOffer) + "lang: en\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  const std::string id = OnlyDeal();
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(State(id), "offered");

  if (!MailWithNeomutt("bob", id + " 11\n\nThanks, deal!\n"))
    GTEST_SKIP() << skip_reason_;
  ASSERT_NO_FATAL_FAILURE(Run(1));
  EXPECT_EQ(State(id), "awaiting_deposits");

  // The seller's transfer by the command line, the buyer's by a mail
  // signed with the operator key.
  Deposit(id, "seller", "30.25", "VIR-A1");
  Mail("operator", id + " 21 buyer 60.25 ref=VIR-A2\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  EXPECT_EQ(State(id), "funded");

  Mail("alice", id + " 40 Colissimo 6A12345678901\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  Mail("bob", "Arrived safely, thank you!\n" + id + " 61\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));

  CheckDeal(id, "completed",
            {{"seller", "30.00", "payment"},
             {"seller", "30.00", "bond_refund"},
             {"buyer", "30.00", "bond_refund"}});
  auto mail = CheckMail(id);
  const auto& alice = mail["alice"];
  const auto& bob = mail["bob"];
  const auto& op = mail["operator"];
  // Offer, acceptance + deposit request, two deposits, shipping, completion.
  EXPECT_GE(alice.size(), 6u);
  EXPECT_GE(bob.size(), 6u);
  EXPECT_TRUE(AnyHas(alice, "please pay 30.25 EUR"));
  EXPECT_TRUE(AnyHas(alice, "Total due from you: 30.25 EUR"));
  EXPECT_TRUE(AnyHas(bob, "please pay 60.25 EUR"));
  EXPECT_TRUE(AnyHas(bob, "the price (25.00 EUR) and shipping (5.00 EUR)"));
  // The operator hears of the steps where money moves, the parties of all.
  EXPECT_TRUE(AnyHas(alice, "Tracking: Colissimo 6A12345678901"));
  EXPECT_TRUE(AnyHas(bob, "Tracking: Colissimo 6A12345678901"));
  for (const auto* who : {&alice, &bob, &op}) {
    EXPECT_TRUE(AnyHas(*who, "90.00 EUR is now held"));
    EXPECT_TRUE(AnyHas(
        *who, "seller <alice@example.test>: 30.00 EUR (payment of the price)"));
    EXPECT_TRUE(
        AnyHas(*who, "seller <alice@example.test>: 30.00 EUR (bond refund)"));
    EXPECT_TRUE(
        AnyHas(*who, "buyer <bob@example.test>: 30.00 EUR (bond refund)"));
  }
  EXPECT_TRUE(AnyHas(op, "reference VIR-A2"));
  const Received* payouts = WithText(op, "Please make the following");
  ASSERT_NE(payouts, nullptr) << "no payout instructions for the operator";
  EXPECT_NE(payouts->text.find("seller <alice@example.test>  30.00 EUR  "
                               "reason: payment of the price"),
            std::string::npos)
      << payouts->text;
  EXPECT_NE(payouts->text.find(
                "seller <alice@example.test>  30.00 EUR  reason: bond refund"),
            std::string::npos);
  EXPECT_NE(payouts->text.find(
                "buyer <bob@example.test>  30.00 EUR  reason: bond refund"),
            std::string::npos);
  // Payout instructions go to the operator only.
  EXPECT_EQ(WithText(alice, "Please make the following"), nullptr);
  EXPECT_EQ(WithText(bob, "Please make the following"), nullptr);
}

// (B -> C) Not satisfied, returned, return accepted: the buyer gets the
// price and shipping back and the bond minus the 10% franchise, which goes
// to the seller with the seller's bond.
TEST_F(E2eMailTest, SaleReturnedAndRefundedWithTheFranchise) {
  Mail("alice", std::string(kSaleOffer) + "lang: en\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  const std::string id = OnlyDeal();
  ASSERT_FALSE(id.empty());
  Mail("bob", id + " 11\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  Deposit(id, "seller", "30.25", "VIR-B1");
  Deposit(id, "buyer", "60.25", "VIR-B2");
  Mail("alice", id + " 40 Colissimo 6A99\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  EXPECT_EQ(State(id), "shipped");
  Mail("bob", id + " 62 scratched, skips on track 2\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  EXPECT_EQ(State(id), "returning");
  Mail("bob", id + " 81 La Poste 8R00112233\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  EXPECT_EQ(State(id), "return_shipped");
  Mail("alice", id + " 101\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));

  CheckDeal(id, "refunded",
            {{"buyer", "30.00", "refund"},
             {"buyer", "27.50", "bond_refund"},
             {"seller", "30.00", "bond_refund"},
             {"seller", "2.50", "franchise"}});
  auto mail = CheckMail(id);
  for (const std::string user : {"alice", "bob", "operator"}) {
    SCOPED_TRACE(user);
    const auto& got = mail[user];
    if (user != "operator") {  // no money moves at 62 and 81
      EXPECT_TRUE(AnyHas(got, "Reason given: scratched, skips on track 2"));
      EXPECT_TRUE(AnyHas(got, "Tracking: La Poste 8R00112233"));
    }
    EXPECT_TRUE(AnyHas(got, "buyer <bob@example.test>: 30.00 EUR (refund)"));
    EXPECT_TRUE(
        AnyHas(got, "buyer <bob@example.test>: 27.50 EUR (bond refund)"));
    EXPECT_TRUE(
        AnyHas(got, "seller <alice@example.test>: 30.00 EUR (bond refund)"));
    EXPECT_TRUE(AnyHas(
        got, "seller <alice@example.test>: 2.50 EUR (franchise (deductible))"));
  }
  EXPECT_TRUE(AnyHas(mail["bob"], "please pay 60.25 EUR"));
  EXPECT_TRUE(AnyHas(mail["alice"], "please pay 30.25 EUR"));
  const Received* payouts =
      WithText(mail["operator"], "Please make the following");
  ASSERT_NE(payouts, nullptr);
  for (const std::string line :
       {"buyer <bob@example.test>  30.00 EUR  reason: refund",
        "buyer <bob@example.test>  27.50 EUR  reason: bond refund",
        "seller <alice@example.test>  30.00 EUR  reason: bond refund",
        "seller <alice@example.test>  2.50 EUR  reason: franchise "
        "(deductible)"}) {
    EXPECT_NE(payouts->text.find(line), std::string::npos) << line << "\n"
                                                           << payouts->text;
  }
}

// (E) Not received: a dispute, settled by a proposal (90) the other party
// accepts (91). In French: the bodies and subjects are UTF-8.
TEST_F(E2eMailTest, DisputeSettledByProposalInFrench) {
  Mail("alice", std::string(kSaleOffer) + "lang: fr\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  const std::string id = OnlyDeal();
  ASSERT_FALSE(id.empty());
  Mail("bob", id + " 11\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  Deposit(id, "seller", "30.25", "VIR-E1");
  Deposit(id, "buyer", "60.25", "VIR-E2");
  Mail("alice", id + " 40\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  Mail("bob", "Toujours rien reçu.\n" + id + " 63\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  EXPECT_EQ(State(id), "disputed");
  Mail("alice", id + " 90 seller=40,00 buyer=50.00\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  EXPECT_EQ(State(id), "disputed");
  Mail("bob", "D'accord.\n" + id + " 91\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));

  CheckDeal(
      id, "settled",
      {{"seller", "40.00", "settlement"}, {"buyer", "50.00", "settlement"}});
  auto mail = CheckMail(id);
  for (const std::string user : {"alice", "bob", "operator"}) {
    SCOPED_TRACE(user);
    const auto& got = mail[user];
    EXPECT_TRUE(AnyHas(got, "90,00 EUR sont\ndésormais sous séquestre"));
    if (user != "operator") {  // the dispute moves no money
      EXPECT_TRUE(AnyHas(got, "les 90,00 EUR sous séquestre"));
    }
    EXPECT_TRUE(AnyHas(got, "    vendeur : 40,00 EUR\n"));  // the proposal
    EXPECT_TRUE(AnyHas(got, "    acheteur : 50,00 EUR\n"));
    EXPECT_TRUE(AnyHas(
        got, "vendeur <alice@example.test> : 40,00 EUR (règlement convenu)"));
    EXPECT_TRUE(AnyHas(
        got, "acheteur <bob@example.test> : 50,00 EUR (règlement convenu)"));
    // Subjects in French, decoded from RFC 2047.
    EXPECT_TRUE(std::any_of(got.begin(), got.end(), [&](const Received& m) {
      return m.subject == "[" + id + "] Litige réglé : Kind of Blue, CD, mint";
    })) << user;
  }
  EXPECT_TRUE(AnyHas(mail["alice"], "Total dû : 30,25 EUR"));
  EXPECT_TRUE(AnyHas(mail["bob"], "Total dû : 60,25 EUR"));
  const Received* payouts =
      WithText(mail["operator"], "Veuillez\neffectuer les versements");
  ASSERT_NE(payouts, nullptr);
  EXPECT_NE(
      payouts->text.find(
          "vendeur <alice@example.test>  40,00 EUR  motif : règlement convenu"),
      std::string::npos)
      << payouts->text;
  EXPECT_NE(
      payouts->text.find(
          "acheteur <bob@example.test>  50,00 EUR  motif : règlement convenu"),
      std::string::npos);
}

// An exchange (value 20.00): both deposit 20.20, both ship, both confirm;
// both bonds go back.
TEST_F(E2eMailTest, ExchangeCompleted) {
  Mail("alice",
       "CT 10 EXCHANGE\n"
       "with: bob@example.test\n"
       "give: Kind of Blue (CD)\n"
       "take: A Love Supreme (CD)\n"
       "value: 20.00\n"
       "delivery: post\n"
       "lang: en\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  const std::string id = OnlyDeal();
  ASSERT_FALSE(id.empty());
  Mail("bob", id + " 11\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  Deposit(id, "a", "20.20", "VIR-X1");
  Deposit(id, "b", "20.20", "VIR-X2");
  ASSERT_NO_FATAL_FAILURE(Run(0));
  EXPECT_EQ(State(id), "funded");
  Mail("alice", id + " 40 Mondial Relay 42\n");
  Mail("bob", id + " 40\n");
  ASSERT_NO_FATAL_FAILURE(Run(2));
  EXPECT_EQ(State(id), "in_transit");
  Mail("bob", id + " 61\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));
  EXPECT_EQ(State(id), "in_transit");
  Mail("alice", id + " 61\n");
  ASSERT_NO_FATAL_FAILURE(Run(1));

  CheckDeal(id, "completed",
            {{"a", "20.00", "bond_refund"}, {"b", "20.00", "bond_refund"}});
  auto mail = CheckMail(id);
  EXPECT_TRUE(AnyHas(mail["alice"], "please pay 20.20 EUR"));
  EXPECT_TRUE(AnyHas(mail["bob"], "please pay 20.20 EUR"));
  for (const std::string user : {"alice", "bob", "operator"}) {
    SCOPED_TRACE(user);
    EXPECT_TRUE(AnyHas(mail[user], "40.00 EUR is now held"));
    EXPECT_TRUE(AnyHas(mail[user],
                       "party A (made the offer) <alice@example.test>: 20.00 "
                       "EUR (bond refund)"));
    EXPECT_TRUE(AnyHas(mail[user],
                       "party B <bob@example.test>: 20.00 EUR (bond refund)"));
  }
  const Received* payouts =
      WithText(mail["operator"], "Please make the following");
  ASSERT_NE(payouts, nullptr);
  EXPECT_NE(payouts->text.find("party A (made the offer) <alice@example.test>  "
                               "20.00 EUR  reason: bond refund"),
            std::string::npos)
      << payouts->text;
  EXPECT_NE(payouts->text.find(
                "party B <bob@example.test>  20.00 EUR  reason: bond refund"),
            std::string::npos);
}

}  // namespace
