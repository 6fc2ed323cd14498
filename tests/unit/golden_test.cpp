// Golden texts: every notification the shipped rules emit, rendered from the
// shipped templates in English and French, compared with the files under
// tests/golden/<lang>/<script>.txt.
//
// Each script (tests/support/golden_script.h) drives one fixed deal (fixed
// id, addresses, amounts and times: the deal starts 2027-01-31T12:00:00Z)
// through the real engine (core::Step), and renders each notification of
// each step exactly as the outbox does (app/outbox.cpp: recipient role and
// address, confirmation to the actor, the command, from/to state, payouts
// with addresses). A file
// holds every message of one step, one block per recipient, in the order the
// engine emitted them. Replies that are not engine steps (refusal, help,
// unsigned, delivery_failed) are rendered as app/replies.cpp and
// app/sender.cpp do.
//
// After changing a template, the rules or the context on purpose:
//
//     CT_UPDATE_GOLDEN=1 build/golden_test
//     git diff tests/golden            # read every change before committing
//
// rewrites the files (and deletes files no script produces any more). Without
// the variable a difference fails the test and prints the first differing
// line.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/reputation.h"
#include "golden_script.h"
#include "notify/render.h"
#include "rules/loader.h"

namespace ct {
namespace {

namespace fs = std::filesystem;
using core::Money;

const std::string kSource = CT_TEST_SOURCE_DIR;
const fs::path kGoldenDir = fs::path(kSource) / "tests" / "golden";

bool Updating() {
  const char* v = std::getenv("CT_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Where the first difference between two texts is, for a readable failure.
std::string FirstDifference(const std::string& want, const std::string& got) {
  std::istringstream a(want), b(got);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool ha = static_cast<bool>(std::getline(a, la));
    const bool hb = static_cast<bool>(std::getline(b, lb));
    if (!ha && !hb) return "texts differ only in line ends";
    if (!ha || !hb || la != lb) {
      return "line " + std::to_string(line) +
             ":\n  golden: " + (ha ? la : "<end of file>") +
             "\n  actual: " + (hb ? lb : "<end of file>");
    }
  }
}

using namespace golden;  // NOLINT: the scripts are the tests' vocabulary

class GoldenTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto book = rules::LoadDir(kSource + "/rules");
    ASSERT_TRUE(book) << book.error().message;
    book_ = std::move(*book);
  }

  Script New(const std::string& case_name, const std::string& name) {
    auto rules = book_.Find(case_name);
    EXPECT_TRUE(rules);
    return Script(**rules, renderer_, GetParam(), name, files_, used_);
  }

  // A sale funded at T0+3h (seller 30.25 with a reference, buyer 60.25
  // without), with the messages of every step on the way.
  void FundedSale(Script& s, bool record) {
    s.Quiet(!record);
    s.Offer(SaleOffer(), 0);
    s.Do("11-accepted", Cmd(core::code::kAccept, "buyer"), 1);
    s.Do("21-deposit-seller", Deposit("seller", 3025, "VIR-2027-001"), 2);
    s.Do("21-deposit-buyer-funded", Deposit("buyer", 6025, ""), 3);
    s.Quiet(false);
  }

  void Sales() {
    {
      Script s = New("sale", "sale-completed");
      FundedSale(s, true);
      s.Do("92-extension-requested", Extend("seller", 3), 4);
      s.Do("92-deadline-extended", Extend("buyer", 3), 5);
      s.Do("40-shipped",
           Cmd(core::code::kShipped, "seller", "Colissimo 6A12345678901"), 6);
      // delivery_days 30 from T0+6h: the 7-day reminder at day 23.
      s.Timer("reminder", 6 + 23 * 24 + 1, core::code::kReminder);
      s.Do("00-status", Cmd(core::code::kStatus, "buyer"), 6 + 23 * 24 + 2);
      s.Refused("refused-40-by-buyer", Cmd(core::code::kShipped, "buyer"),
                6 + 23 * 24 + 3);
      s.Do("61-completed", Cmd(core::code::kSatisfied, "buyer"),
           6 + 23 * 24 + 4);
    }
    {
      Script s = New("sale", "sale-refunded");
      FundedSale(s, false);
      s.Quiet(true);
      s.Do("40-shipped", Cmd(core::code::kShipped, "seller"), 4);
      s.Quiet(false);
      s.Do("62-return-requested",
           Cmd(core::code::kNotSatisfied, "buyer", "rayé, saute à la piste 2"),
           5);
      s.Do("81-return-shipped",
           Cmd(core::code::kReturnShipped, "buyer", "La Poste 8R00112233"), 6);
      s.Do("101-refunded", Cmd(core::code::kReturnAccepted, "seller"), 7);
    }
    {
      Script s = New("sale", "sale-return-rejected");
      FundedSale(s, false);
      s.Quiet(true);
      s.Do("40-shipped", Cmd(core::code::kShipped, "seller"), 4);
      s.Do("62-return-requested", Cmd(core::code::kNotSatisfied, "buyer"), 5);
      s.Do("81-return-shipped", Cmd(core::code::kReturnShipped, "buyer"), 6);
      s.Quiet(false);
      s.Do("102-disputed",
           Cmd(core::code::kReturnRejected, "seller", "pochette déchirée"), 7);
    }
    {
      Script s = New("sale", "sale-settled");
      FundedSale(s, false);
      s.Quiet(true);
      s.Do("40-shipped", Cmd(core::code::kShipped, "seller"), 4);
      s.Quiet(false);
      s.Do("63-disputed", Cmd(core::code::kNotReceived, "buyer"), 5);
      s.Do("90-proposal",
           Split(core::code::kPropose, "seller",
                 {{"seller", M(3000)}, {"buyer", M(6000)}}),
           6);
      s.Do("91-settled", Cmd(core::code::kAcceptProposal, "buyer"), 7);
    }
    {
      Script s = New("sale", "sale-expired");
      FundedSale(s, false);
      s.Quiet(true);
      s.Do("40-shipped", Cmd(core::code::kShipped, "seller"), 4);
      s.Do("63-disputed", Cmd(core::code::kNotReceived, "buyer"), 5);
      s.Quiet(false);
      s.Do("90-proposal",
           Split(core::code::kPropose, "buyer",
                 {{"seller", M(2000)}, {"buyer", M(7000)}}),
           6);
      // dispute_max_days 366 from T0+5h.
      s.Timer("timeout-expired", 5 + 366 * 24, core::code::kTimeout);
      s.Timer("timeout-expired-alert", 5 + 373 * 24, core::code::kTimeout);
      s.Do("resolve-settled",
           Split(core::code::kResolve, core::kOperatorRole,
                 {{"seller", M(4500)}, {"buyer", M(4500)}}),
           5 + 374 * 24);
    }
    {
      Script s = New("sale", "sale-declined");
      s.Quiet(true);
      s.Offer(SaleOffer(), 0);
      s.Quiet(false);
      s.Do("12-declined", Cmd(core::code::kDecline, "buyer"), 1);
    }
    {
      Script s = New("sale", "sale-withdrawn");
      s.Quiet(true);
      s.Offer(SaleOffer(), 0);
      s.Do("11-accepted", Cmd(core::code::kAccept, "buyer"), 1);
      s.Do("21-deposit-seller", Deposit("seller", 3025, ""), 2);
      s.Quiet(false);
      s.Do("13-withdrawn", Cmd(core::code::kWithdraw, "buyer"), 3);
    }
    {
      // Issue 13: the buyer has not paid; the reminder says where to pay.
      Script s = New("sale", "sale-unpaid");
      s.Quiet(true);
      s.Offer(SaleOffer(), 0);
      s.Do("11-accepted", Cmd(core::code::kAccept, "buyer"), 1);
      s.Do("21-deposit-seller", Deposit("seller", 3025, ""), 2);
      s.Quiet(false);
      // deposit_days 7 from T0+1h: the 1-day reminder, to the buyer only.
      s.Timer("reminder", 1 + 6 * 24 + 1, core::code::kReminder);
    }
    {
      Script s = New("sale", "sale-not-shipped");
      FundedSale(s, false);
      // ship_days 7 from T0+3h.
      s.Timer("timeout-cancelled", 3 + 7 * 24, core::code::kTimeout);
    }
    {
      Script s = New("sale", "sale-hand");
      s.Quiet(true);
      s.Offer(SaleOffer("hand"), 0);
      s.Do("11-accepted", Cmd(core::code::kAccept, "buyer"), 1);
      s.Do("21-deposit-seller", Deposit("seller", 3025, ""), 2);
      s.Quiet(false);
      s.Do("21-deposit-buyer-funded", Deposit("buyer", 6025, ""), 3);
      s.Do("40-handed-over", Cmd(core::code::kShipped, "seller"), 4);
      s.Do("62-return-requested", Cmd(core::code::kNotSatisfied, "buyer"), 5);
      s.Do("81-handed-back", Cmd(core::code::kReturnShipped, "buyer"), 6);
    }
  }

  // Issue 11: a digital sale with a moderator (5 %, from the commission)
  // and a referrer; the file is not as described (62: straight to dispute),
  // the moderator proposes and the buyer accepts.
  void Trust() {
    Script s = New("sale", "sale-moderated-digital");
    core::Offer offer = SaleOffer("digital");
    offer.texts["sha256"] = std::string(64, 'e');
    offer.moderator = "carol@example.test";
    offer.moderator_fee = {
        .is_percent = true, .basis_points = 500, .fixed = {}};
    offer.referrer = "dave@example.test";
    s.Offer(offer, 0);
    s.Quiet(true);
    s.Do("11-accepted", Cmd(core::code::kAccept, "buyer"), 1);
    s.Do("21-deposit-seller", Deposit("seller", 3025, ""), 2);
    s.Do("21-deposit-buyer-funded", Deposit("buyer", 6025, ""), 3);
    s.Quiet(false);
    s.Do("40-shipped",
         Cmd(core::code::kShipped, "seller",
             "https://files.example.test/kind-of-blue.flac"),
         4);
    s.Do("62-digital-rejected",
         Cmd(core::code::kNotSatisfied, "buyer", "the file is truncated"), 5);
    s.Do("90-proposal",
         Split(core::code::kPropose, "moderator",
               {{"seller", M(4000)}, {"buyer", M(5000)}}),
         6);
    s.Do("91-settled", Cmd(core::code::kAcceptProposal, "buyer"), 7);
  }

  void Exchanges() {
    {
      Script s = New("exchange", "exchange-completed");
      s.Offer(ExchangeOffer("post"), 0);
      s.Do("11-accepted", Cmd(core::code::kAccept, "b"), 1);
      s.Do("21-deposit-a", Deposit("a", 2020, "VIR-2027-003"), 2);
      s.Do("21-deposit-b-funded", Deposit("b", 2020, "VIR-2027-004"), 3);
      s.Do("40-shipped-a", Cmd(core::code::kShipped, "a", "Mondial Relay 42"),
           4);
      s.Do("40-shipped-b-in-transit", Cmd(core::code::kShipped, "b"), 5);
      s.Do("61-satisfied-a", Cmd(core::code::kSatisfied, "a"), 6);
      s.Do("61-satisfied-b-completed", Cmd(core::code::kSatisfied, "b"), 7);
    }
    {
      Script s = New("exchange", "exchange-refunded");
      s.Offer(ExchangeOffer("hand"), 0);
      s.Do("11-accepted", Cmd(core::code::kAccept, "b"), 1);
      s.Do("21-deposit-a", Deposit("a", 2020, ""), 2);
      s.Do("21-deposit-b-funded", Deposit("b", 2020, ""), 3);
      s.Do("40-handed-over-a", Cmd(core::code::kShipped, "a"), 4);
      s.Do("40-handed-over-b-in-transit", Cmd(core::code::kShipped, "b"), 5);
      s.Do("62-return-requested",
           Cmd(core::code::kNotSatisfied, "b", "pas la bonne édition"), 6);
      s.Do("81-handed-back-a", Cmd(core::code::kReturnShipped, "a"), 7);
      s.Do("81-handed-back-b", Cmd(core::code::kReturnShipped, "b"), 8);
      s.Do("101-return-accepted-a", Cmd(core::code::kReturnAccepted, "a"), 9);
      s.Do("101-refunded", Cmd(core::code::kReturnAccepted, "b"), 10);
    }
    {
      Script s = New("exchange", "exchange-settled");
      s.Quiet(true);
      s.Offer(ExchangeOffer("post"), 0);
      s.Do("11-accepted", Cmd(core::code::kAccept, "b"), 1);
      s.Do("21-deposit-a", Deposit("a", 2020, ""), 2);
      s.Do("21-deposit-b-funded", Deposit("b", 2020, ""), 3);
      s.Do("40-shipped-a", Cmd(core::code::kShipped, "a"), 4);
      s.Do("40-shipped-b", Cmd(core::code::kShipped, "b"), 5);
      s.Quiet(false);
      s.Do("63-disputed", Cmd(core::code::kNotReceived, "a"), 6);
      s.Do("90-proposal",
           Split(core::code::kPropose, "b", {{"a", M(2500)}, {"b", M(1500)}}),
           7);
      s.Do("91-settled", Cmd(core::code::kAcceptProposal, "a"), 8);
    }
    {
      // Issue 8.3: b ships, a never does; the ship deadline sends the deal
      // to dispute, and everybody is told who shipped and who did not.
      Script s = New("exchange", "exchange-one-shipped");
      s.Quiet(true);
      s.Offer(ExchangeOffer("post"), 0);
      s.Do("11-accepted", Cmd(core::code::kAccept, "b"), 1);
      s.Do("21-deposit-a", Deposit("a", 2020, ""), 2);
      s.Do("21-deposit-b-funded", Deposit("b", 2020, ""), 3);
      s.Quiet(false);
      s.Do("40-shipped-b",
           Cmd(core::code::kShipped, "b", "Colissimo 6A12345678901"), 4);
      s.Do("00-status", Cmd(core::code::kStatus, "b"), 5);
      // ship_days 7 from T0+3h: the 1-day reminder, to a only.
      s.Timer("reminder", 3 + 6 * 24 + 1, core::code::kReminder);
      s.Timer("timeout-disputed", 3 + 7 * 24, core::code::kTimeout);
    }
    {
      // Issue 8.3: both parcels must go back; a sends hers, b keeps his.
      Script s = New("exchange", "exchange-one-returned");
      s.Quiet(true);
      s.Offer(ExchangeOffer("hand"), 0);
      s.Do("11-accepted", Cmd(core::code::kAccept, "b"), 1);
      s.Do("21-deposit-a", Deposit("a", 2020, ""), 2);
      s.Do("21-deposit-b-funded", Deposit("b", 2020, ""), 3);
      s.Do("40-handed-over-a", Cmd(core::code::kShipped, "a"), 4);
      s.Do("40-handed-over-b", Cmd(core::code::kShipped, "b"), 5);
      s.Do("62-return-requested", Cmd(core::code::kNotSatisfied, "a"), 6);
      s.Quiet(false);
      s.Do("81-handed-back-a", Cmd(core::code::kReturnShipped, "a"), 7);
      // return_ship_days 14 from T0+6h: the 7-day reminder, to b only.
      s.Timer("reminder", 6 + 7 * 24 + 1, core::code::kReminder);
      s.Timer("timeout-disputed", 6 + 14 * 24, core::code::kTimeout);
    }
  }

  // Mail that is not an engine step.
  void Replies() {
    const std::string lang = GetParam();
    auto one = [&](const std::string& name, const std::string& tmpl,
                   notify::MessageInput in) {
      auto msg = renderer_.Render({tmpl}, lang, in);
      ASSERT_TRUE(msg) << msg.error().message;
      used_.insert(tmpl);
      files_[name] = "=== to " + in.recipient_role + " <" + in.recipient_email +
                     "> [" + tmpl + "]\nSubject: " + msg->subject + "\n\n" +
                     msg->body;
    };
    notify::MessageInput help;
    help.recipient_email = "carol@example.test";
    help.to_actor = true;
    one("reply-help", "help", help);
    notify::MessageInput unsigned_mail;
    unsigned_mail.recipient_email = "bob@example.test";
    unsigned_mail.to_actor = true;
    unsigned_mail.reason = "the message is not signed";  // as verify says
    one("reply-unsigned", "unsigned", unsigned_mail);
    // app/sender.cpp TellOperator: about no deal, the reason says it all.
    notify::MessageInput failed;
    failed.recipient_role = core::kOperatorRole;
    failed.recipient_email = kOperator;
    failed.reason =
        "to bob@example.test (\"[CT-7K3QX9A2] Deal funded\"), queued "
        "2027-01-31 12:00 UTC, 9 attempts; last error: smtp://127.0.0.1:25: "
        "connection refused";
    one("reply-delivery-failed", "delivery_failed", failed);
    // app/accounts.cpp: the answers to "CT 03" and the notice of a change.
    notify::MessageInput account;
    account.recipient_email = "bob@example.test";
    account.to_actor = true;
    account.account = {"FR76 **** **** 0189",
                       "",
                       "Bob Martin",
                       "AGRIFRPP",
                       "0123456789ABCDEF0123456789ABCDEF01234567",
                       "2027-01-31 12:00 UTC",
                       48,
                       kOperator};
    one("reply-account-registered", "account_registered", account);
    account.account.old_masked = "FR76 **** **** 0189";
    account.account.masked = "DE89 **** **** 3000";
    account.account.holder.clear();
    account.account.bic.clear();
    account.account.effective = "2027-02-02 12:00 UTC";
    one("reply-account-change-pending", "account_change_pending", account);
    account.to_actor = false;
    one("reply-account-changed", "account_changed", account);
    // app/process.cpp ApplyRating and ApplyReputation (issue 11).
    auto rules = book_.Find("sale");
    ASSERT_TRUE(rules);
    core::Offer offer = SaleOffer();
    offer.id = kId;
    offer.lang = lang;
    auto deal = core::NewDeal(**rules, core::Policy{}, offer, At(0));
    ASSERT_TRUE(deal);
    notify::MessageInput rated;
    rated.deal = &*deal;
    rated.rules = *rules;
    rated.recipient_role = "buyer";
    rated.recipient_email = "bob@example.test";
    rated.to_actor = true;
    rated.command.code = core::code::kRate;
    rated.command.actor = "buyer";
    rated.command.score = 1;
    one("reply-rated", "rated", rated);
    core::ReputationSummary record;
    record.who = "alice@example.test";
    record.funded = 14;
    record.completed = 12;
    record.returned = 1;
    record.plus = 11;
    record.since = *core::ParseIsoTime("2026-03-14T09:00:00Z");
    notify::MessageInput asked;
    asked.recipient_email = "bob@example.test";
    asked.to_actor = true;
    asked.reputation = &record;
    one("reply-reputation", "reputation", asked);
  }

  // Listing mail (app/listing_mail.cpp, app/listings.cpp): one fixed sale
  // listing and one exchange listing, each template once.
  void Listings() {
    const std::string lang = GetParam();
    core::Listing sale;
    sale.id = "CL-4M2ZK8PD";
    sale.case_name = "sale";
    sale.lister = "alice@example.test";
    sale.title = "Kind of Blue, CD, mint";
    sale.tags = "jazz miles davis";
    sale.amount = Money::FromMinor(2500);
    sale.shipping = Money::FromMinor(500);
    sale.lang = lang;
    sale.created = *core::ParseIsoTime(kT0);
    sale.expires = sale.created + core::Days(30);
    core::Listing swap = sale;
    swap.id = "CL-9P4RT7B1";
    swap.case_name = "exchange";
    swap.title = "Kind of Blue (CD)";
    swap.wants = "any Coltrane LP";
    swap.tags = "";
    swap.amount = Money::FromMinor(2000);
    swap.delivery = "hand";
    auto one = [&](const std::string& name, const std::string& tmpl,
                   const std::string& to, const notify::ListingInput& li) {
      notify::MessageInput in;
      in.recipient_email = to;
      in.listing_input = &li;
      auto msg = renderer_.Render({tmpl}, lang, in);
      ASSERT_TRUE(msg) << msg.error().message;
      used_.insert(tmpl);
      files_[name] = "=== to <" + to + "> [" + tmpl +
                     "]\nSubject: " + msg->subject + "\n\n" + msg->body;
    };
    notify::ListingInput about_sale{&sale, "", "", "", {}, "", {}};
    notify::ListingInput about_swap{&swap, "", "", "", {}, "", {}};
    const std::string alice = "alice@example.test";
    one("listing-05-posted-sale", "listing_posted", alice, about_sale);
    one("listing-05-posted-exchange", "listing_posted", alice, about_swap);
    core::ReputationSummary record;  // issue 11: the lister's, no address
    record.funded = 4;
    record.completed = 3;
    record.disputed = 1;
    record.plus = 3;
    record.since = *core::ParseIsoTime("2026-03-14T09:00:00Z");
    notify::ListingInput search{nullptr,
                                "",
                                "",
                                "blue max: 40",
                                {sale, swap},
                                "",
                                {record, core::ReputationSummary{}}};
    one("listing-06-search", "search_results", "bob@example.test", search);
    notify::ListingInput none{nullptr, "", "", "harpsichord", {}, "", {}};
    one("listing-06-search-none", "search_results", "bob@example.test", none);
    notify::ListingInput interest{
        &sale, "bob@example.test", "Still available?", "", {}, "", {}};
    one("listing-07-interest-sent", "interest_sent", "bob@example.test",
        interest);
    one("listing-07-interest-notice", "interest_notice", alice, interest);
    one("listing-08-taken", "listing_taken", "carol@example.test", about_sale);
    notify::ListingInput ended{&sale, "", "", "", {}, kId, {}};
    one("listing-deal-declined-reopened", "listing_reopened", alice, ended);
    one("listing-deal-completed-closed", "listing_closed", alice, ended);
    one("listing-13-withdrawn", "listing_withdrawn", alice, about_sale);
    one("listing-expiry-reminder", "listing_expiry_reminder", alice,
        about_sale);
    one("listing-expired", "listing_expired", alice, about_sale);
  }

  rules::RuleBook book_;
  notify::Renderer renderer_{kSource + "/templates", "fr"};
  std::map<std::string, std::string> files_;  // script-step -> text
  std::set<std::string> used_;                // template names rendered
};

TEST_P(GoldenTest, EveryMessageMatchesItsGoldenText) {
  Sales();
  Exchanges();
  Trust();
  Replies();
  Listings();
  ASSERT_FALSE(HasFailure());
  const fs::path dir = kGoldenDir / GetParam();

  // Every template of the language is exercised by some script.
  for (const auto& entry :
       fs::directory_iterator(kSource + "/templates/" + GetParam())) {
    const std::string name = entry.path().stem().string();
    if (entry.path().extension() != ".mustache" || name.starts_with("_"))
      continue;
    EXPECT_TRUE(used_.contains(name))
        << name << ".mustache is rendered by no golden script: add a step";
  }

  if (Updating()) {
    fs::create_directories(dir);
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (!files_.contains(entry.path().stem().string()))
        fs::remove(entry.path());
    }
    for (const auto& [name, text] : files_)
      std::ofstream(dir / (name + ".txt"), std::ios::binary) << text;
    std::cerr << "golden: wrote " << files_.size() << " files in " << dir
              << "\n";
    return;
  }

  ASSERT_TRUE(fs::is_directory(dir))
      << dir << " missing: run with CT_UPDATE_GOLDEN=1 to create it";
  std::set<std::string> on_disk;
  for (const auto& entry : fs::directory_iterator(dir))
    on_disk.insert(entry.path().stem().string());
  for (const auto& [name, text] : files_) {
    const fs::path path = dir / (name + ".txt");
    if (!on_disk.contains(name)) {
      ADD_FAILURE() << path << " missing (CT_UPDATE_GOLDEN=1 writes it)";
      continue;
    }
    const std::string golden = ReadFile(path);
    EXPECT_TRUE(golden == text)
        << path << " differs from the rendered text (CT_UPDATE_GOLDEN=1 "
        << "rewrites it; review the diff)\n"
        << FirstDifference(golden, text);
  }
  for (const auto& name : on_disk) {
    EXPECT_TRUE(files_.contains(name))
        << (dir / (name + ".txt")) << " is produced by no script: remove it";
  }
}

// Properties every rendered text has, whatever the wording.
TEST_P(GoldenTest, TextsAreWellFormed) {
  Sales();
  Exchanges();
  Trust();
  Replies();
  for (const auto& [name, text] : files_) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      EXPECT_EQ(line.find('\r'), std::string::npos) << name;
      // No mustache tag left unrendered, no placeholder of an empty key.
      EXPECT_EQ(line.find("{{"), std::string::npos) << name << ": " << line;
      EXPECT_EQ(line.find("  EUR"), std::string::npos) << name << ": " << line;
      // A command shown to type must not miss its deal id ("show  ").
      if (auto at = line.find("cybertroc "); at != std::string::npos) {
        EXPECT_EQ(line.find("  ", at), std::string::npos)
            << name << ": a command with an empty argument: " << line;
      }
      if (line.starts_with("Subject: ")) {
        EXPECT_TRUE(line.starts_with("Subject: [CT-7K3QX9A2] ") ||
                    name.starts_with("reply-"))
            << name << ": " << line;
      }
    }
    // Every message about the deal names it in its body too.
    if (!name.starts_with("reply-")) {
      EXPECT_NE(text.find(kId), std::string::npos) << name;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Languages, GoldenTest, ::testing::Values("en", "fr"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace ct
