// Golden texts: every notification the shipped rules emit, rendered from the
// shipped templates in English and French, compared with the files under
// tests/golden/<lang>/<script>.txt.
//
// Each script drives one fixed deal (fixed id, addresses, amounts and times:
// the deal starts 2027-01-31T12:00:00Z) through the real engine
// (core::Step), and renders each notification of each step exactly as the
// outbox does (app/outbox.cpp: recipient role and address, confirmation to
// the actor, the command, from/to state, payouts with addresses). A file
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
#include <variant>
#include <vector>

#include "core/engine.h"
#include "core/time.h"
#include "notify/render.h"
#include "rules/loader.h"

namespace ct {
namespace {

namespace fs = std::filesystem;
using core::Money;

const std::string kSource = CT_TEST_SOURCE_DIR;
const fs::path kGoldenDir = fs::path(kSource) / "tests" / "golden";
constexpr char kId[] = "CT-7K3QX9A2";
constexpr char kOperator[] = "operator@example.test";
constexpr char kT0[] = "2027-01-31T12:00:00Z";

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

Money M(int64_t minor) { return Money::FromMinor(minor); }

core::Time At(int hours) {
  auto t0 = core::ParseIsoTime(kT0);
  EXPECT_TRUE(t0);
  return *t0 + std::chrono::hours(hours);
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

// One deal walked through the engine; every message rendered into `files`.
class Script {
 public:
  Script(const core::CaseRules& rules, const notify::Renderer& renderer,
         std::string lang, std::string name,
         std::map<std::string, std::string>& files, std::set<std::string>& used)
      : rules_(rules),
        renderer_(renderer),
        lang_(std::move(lang)),
        name_(std::move(name)),
        files_(files),
        used_(used) {}

  // NewDeal, then the "offer" notification to each party (as WriteOffer).
  void Offer(const core::Offer& offer_in, int hours) {
    core::Offer offer = offer_in;
    offer.id = kId;
    offer.lang = lang_;
    auto deal = core::NewDeal(rules_, policy_, offer, At(hours));
    ASSERT_TRUE(deal) << deal.error().message;
    deal_ = *deal;
    core::Outcome outcome{deal_, {}};
    outcome.effects.from_state = outcome.effects.to_state = deal_.state;
    for (const auto& p : deal_.parties)
      outcome.effects.notifications.push_back(
          {p.role, {"offer"}, p.role == rules_.initiator});
    core::Command cmd;
    cmd.code = core::code::kOffer;
    cmd.actor = rules_.initiator;
    Emit("10-offer", outcome, cmd);
  }

  // Applies `cmd` (which must be accepted) and renders what it causes.
  void Do(const std::string& step, core::Command cmd, int hours) {
    auto result = core::Step(rules_, policy_, deal_, cmd, At(hours));
    if (auto* refusal = std::get_if<core::Refusal>(&result)) {
      ADD_FAILURE() << name_ << " " << step << ": refused: " << refusal->reason;
      return;
    }
    const auto& outcome = std::get<core::Outcome>(result);
    Emit(step, outcome, cmd);
    deal_ = outcome.deal;
  }

  // The deadline or reminder due at `hours`, which must exist.
  void Timer(const std::string& step, int hours, int expected_code) {
    auto cmd = core::DueTimer(policy_, deal_, At(hours));
    ASSERT_TRUE(cmd) << name_ << " " << step << ": nothing due";
    ASSERT_EQ(cmd->code, expected_code) << name_ << " " << step;
    Do(step, *cmd, hours);
  }

  // A command the engine refuses, answered with "refusal" (app/replies.cpp).
  void Refused(const std::string& step, core::Command cmd, int hours) {
    auto result = core::Step(rules_, policy_, deal_, cmd, At(hours));
    auto* refusal = std::get_if<core::Refusal>(&result);
    ASSERT_NE(refusal, nullptr) << name_ << " " << step << ": accepted";
    notify::MessageInput in;
    in.deal = &deal_;
    in.rules = &rules_;
    in.recipient_role = cmd.actor;
    in.recipient_email = Address(cmd.actor);
    in.to_actor = true;
    in.command = cmd;
    in.reason = refusal->reason;
    in.reason_key = refusal->key;  // as app/replies.cpp passes it on
    in.reason_args = refusal->args;
    Append(step, cmd.actor, in, {"refusal"});
  }

  // While quiet, steps are applied but their messages are not kept (the
  // common beginning of a deal is recorded once, by one script).
  void Quiet(bool quiet) { quiet_ = quiet; }

 private:
  std::string Address(const std::string& role) const {
    if (role == core::kOperatorRole) return kOperator;
    const core::PartyState* p = deal_.Party(role);
    return p ? p->email : "";
  }

  void Emit(const std::string& step, const core::Outcome& outcome,
            const core::Command& cmd) {
    const core::Deal& deal = outcome.deal;
    notify::MessageInput in;
    in.deal = &deal;
    in.rules = &rules_;
    in.command = cmd;
    in.from_state = outcome.effects.from_state;
    in.to_state = outcome.effects.to_state;
    for (const auto& order : outcome.effects.payouts) {
      std::string email = order.payee == core::kOperatorRole
                              ? kOperator
                              : deal.Party(order.payee)->email;
      // As app/outbox.cpp finds them: alice registered her account, bob
      // did not.
      const bool alice = email == "alice@example.test";
      in.payouts.push_back({order.payee, email, order.amount, order.reason,
                            alice ? "DE89 3704 0044 0532 0130 00" : "",
                            alice ? "COBADEFFXXX" : "",
                            alice ? "Alice Martin" : ""});
    }
    // [money] pay_to_* and deposit_instructions as app/outbox.cpp passes
    // them.
    in.pay_to = {"FR76 3000 6000 0112 3456 7890 189", "AGRIFRPP",
                 "CyberTroc Escrow", "Cash: at the office, 3 rue de la Paix.",
                 false};
    EXPECT_FALSE(outcome.effects.notifications.empty())
        << name_ << " " << step << ": no message";
    for (const auto& note : outcome.effects.notifications) {
      in.recipient_role = note.to;
      in.recipient_email = note.to == core::kOperatorRole
                               ? kOperator
                               : deal.Party(note.to)->email;
      in.to_actor = note.to_actor;
      // The EPC QR code goes with what asks for money (app/outbox.cpp).
      in.pay_to.qr = false;
      for (const auto& t : note.templates)
        in.pay_to.qr |= (t == "deposit_request" || t == "deposit_received" ||
                         t == "reminder") &&
                        notify::AsksPayment(in);
      Append(step, note.to, in, note.templates);
    }
  }

  void Append(const std::string& step, const std::string& to,
              const notify::MessageInput& in,
              const std::vector<std::string>& templates) {
    if (quiet_) return;
    auto msg = renderer_.Render(templates, lang_, in);
    ASSERT_TRUE(msg) << msg.error().message;
    std::string names;
    for (const auto& t : templates) {
      names += (names.empty() ? "" : ", ") + t;
      used_.insert(t);
    }
    std::string& file = files_[name_ + "-" + step];
    if (!file.empty()) file += "\n";
    file += "=== to " + to + " <" + in.recipient_email + ">" +
            (in.to_actor ? " (confirmation)" : "") + " [" + names + "]\n";
    file += "Subject: " + msg->subject + "\n\n" + msg->body;
  }

  const core::CaseRules& rules_;
  const notify::Renderer& renderer_;
  std::string lang_;
  std::string name_;
  std::map<std::string, std::string>& files_;
  std::set<std::string>& used_;
  core::Policy policy_;
  core::Deal deal_;
  bool quiet_ = false;
};

core::Command Cmd(int code, const std::string& actor,
                  const std::string& text = "") {
  core::Command c;
  c.code = code;
  c.actor = actor;
  c.text = text;
  return c;
}

core::Command Deposit(const std::string& role, int64_t minor,
                      const std::string& ref) {
  core::Command c = Cmd(core::code::kDeposit, core::kOperatorRole);
  c.deposit_role = role;
  c.amount = M(minor);
  c.reference = ref;
  return c;
}

core::Command Split(int code, const std::string& actor,
                    std::map<std::string, Money> split) {
  core::Command c = Cmd(code, actor);
  c.split = std::move(split);
  return c;
}

core::Command Extend(const std::string& actor, int days) {
  core::Command c = Cmd(core::code::kExtend, actor);
  c.days = days;
  return c;
}

core::Offer SaleOffer(const std::string& delivery = "post") {
  core::Offer o;
  o.emails = {{"seller", "alice@example.test"}, {"buyer", "bob@example.test"}};
  o.terms = {{"price", M(2500)}, {"shipping", M(500)}};
  o.texts = {{"item", "Kind of Blue, CD, mint"}};
  o.delivery = delivery;
  return o;
}

core::Offer ExchangeOffer(const std::string& delivery) {
  core::Offer o;
  o.emails = {{"a", "alice@example.test"}, {"b", "bob@example.test"}};
  o.terms = {{"value", M(2000)}};
  o.texts = {{"give", "Kind of Blue (CD)"}, {"take", "A Love Supreme (CD)"}};
  o.delivery = delivery;
  return o;
}

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
  }

  rules::RuleBook book_;
  notify::Renderer renderer_{kSource + "/templates", "fr"};
  std::map<std::string, std::string> files_;  // script-step -> text
  std::set<std::string> used_;                // template names rendered
};

TEST_P(GoldenTest, EveryMessageMatchesItsGoldenText) {
  Sales();
  Exchanges();
  Replies();
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
