// Table-driven tests of both shipped rules files through the engine.
#include "core/engine.h"

#include <gtest/gtest.h>

#include "test_rules.h"

namespace ct::core {
namespace {

using ct::testing::M;

const Time kT0 = *ParseIsoTime("2027-01-31T12:00:00Z");

Offer SaleOffer() {
  Offer o;
  o.id = "CT-7K3QX9A2";
  o.emails = {{"seller", "alice@example.test"}, {"buyer", "bob@example.test"}};
  o.terms = {{"price", M(2500)}, {"shipping", M(500)}};
  o.texts = {{"item", "Kind of Blue, CD"}};
  o.lang = "en";
  return o;
}

Offer ExchangeOffer() {
  Offer o;
  o.id = "CT-EXCH0001";
  o.emails = {{"a", "alice@example.test"}, {"b", "bob@example.test"}};
  o.terms = {{"value", M(2000)}};
  o.texts = {{"give", "Kind of Blue"}, {"take", "A Love Supreme"}};
  o.delivery = "hand";
  o.lang = "fr";
  return o;
}

// A line of a scenario: who sends which code (with arguments).
struct Say {
  std::string actor;
  int code;
  std::string arg_role = "";  // 21: depositor
  int64_t amount = 0;         // 21
  std::map<std::string, Money> split = {};
  int days = 0;
};

class Driver {
 public:
  Driver(const CaseRules& rules, Offer offer) : rules_(rules) {
    deal_ = *NewDeal(rules_, policy_, offer, now_);
  }
  // Applies and expects acceptance.
  Outcome Ok(const Say& s) {
    auto r = Step(rules_, policy_, deal_, Cmd(s), now_);
    if (auto* refusal = std::get_if<Refusal>(&r)) {
      ADD_FAILURE() << s.actor << " " << s.code
                    << " refused: " << refusal->reason;
      return {deal_, {}};
    }
    auto out = std::get<Outcome>(r);
    deal_ = out.deal;
    return out;
  }
  Refusal No(const Say& s) {
    auto r = Step(rules_, policy_, deal_, Cmd(s), now_);
    if (auto* out = std::get_if<Outcome>(&r)) {
      ADD_FAILURE() << s.actor << " " << s.code << " accepted, now "
                    << out->deal.state;
      return {};
    }
    return std::get<Refusal>(r);
  }
  Outcome Timeout() {
    now_ = *deal_.deadline;
    return Ok({"timer", code::kTimeout});
  }
  Deal& deal() { return deal_; }
  Policy& policy() { return policy_; }
  Time& now() { return now_; }

 private:
  static Command Cmd(const Say& s) {
    Command c;
    c.actor = s.actor;
    c.code = s.code;
    c.deposit_role = s.arg_role;
    c.amount = M(s.amount);
    c.split = s.split;
    c.days = s.days;
    return c;
  }
  const CaseRules& rules_;
  Policy policy_;
  Time now_ = kT0;
  Deal deal_;
};

std::map<std::string, int64_t> PaidTo(const Effects& fx) {
  std::map<std::string, int64_t> out;
  for (const auto& p : fx.payouts)
    out[p.payee + ":" + p.reason] += p.amount.minor();
  return out;
}

TEST(EngineTest, SpecWorkedExampleDeposits) {
  Driver d(ct::testing::Sale(), SaleOffer());
  EXPECT_EQ(d.deal().Party("seller")->due, M(3025));
  EXPECT_EQ(d.deal().Party("buyer")->due, M(6025));
  d.Ok({"buyer", 11});
  EXPECT_EQ(d.deal().state, "awaiting_deposits");
  d.Ok({"operator", 21, "seller", 3025});
  EXPECT_EQ(d.deal().state, "awaiting_deposits");
  auto out = d.Ok({"operator", 21, "buyer", 6025});
  EXPECT_EQ(d.deal().state, "funded");
  EXPECT_TRUE(d.deal().funded);
  EXPECT_EQ(d.deal().Held(), M(9000));
}

Driver FundedSale() {
  Driver d(ct::testing::Sale(), SaleOffer());
  d.Ok({"buyer", 11});
  d.Ok({"operator", 21, "seller", 3025});
  d.Ok({"operator", 21, "buyer", 6025});
  return d;
}

TEST(EngineTest, SaleCompletedPaysSellerAndRefundsBonds) {
  Driver d = FundedSale();
  d.Ok({"seller", 40});
  auto out = d.Ok({"buyer", 61});
  EXPECT_EQ(d.deal().state, "completed");
  EXPECT_EQ(PaidTo(out.effects),
            (std::map<std::string, int64_t>{{"seller:payment", 3000},
                                            {"seller:bond_refund", 3000},
                                            {"buyer:bond_refund", 3000}}));
  EXPECT_EQ(d.deal().Held(), M(0));
}

TEST(EngineTest, RefundAfterReturnAcceptedTakesFranchise) {
  Driver d = FundedSale();
  d.Ok({"seller", 40});
  d.Ok({"buyer", 62});
  EXPECT_EQ(d.deal().state, "returning");
  d.Ok({"buyer", 81});
  EXPECT_EQ(d.deal().state, "return_shipped");
  auto out = d.Ok({"seller", 101});
  EXPECT_EQ(d.deal().state, "refunded");
  EXPECT_EQ(PaidTo(out.effects),
            (std::map<std::string, int64_t>{{"buyer:refund", 3000},
                                            {"buyer:bond_refund", 2750},
                                            {"seller:bond_refund", 3000},
                                            {"seller:franchise", 250}}));
}

TEST(EngineTest, DisputeSettledByProposal) {
  Driver d = FundedSale();
  d.Ok({"seller", 40});
  d.Ok({"buyer", 63});
  EXPECT_EQ(d.deal().state, "disputed");
  auto bad =
      d.No({"seller", 90, "", 0, {{"seller", M(3000)}, {"buyer", M(4550)}}});
  EXPECT_NE(bad.reason.find("(proposed, held): 75.50, 90.00"),
            std::string::npos)
      << bad.reason;
  d.Ok({"seller", 90, "", 0, {{"seller", M(4450)}, {"buyer", M(4550)}}});
  EXPECT_NE(d.No({"seller", 91}).reason.find("own proposal"),
            std::string::npos);
  auto out = d.Ok({"buyer", 91});
  EXPECT_EQ(d.deal().state, "settled");
  EXPECT_EQ(PaidTo(out.effects),
            (std::map<std::string, int64_t>{{"seller:settlement", 4450},
                                            {"buyer:settlement", 4550}}));
}

TEST(EngineTest, ExcessDepositIsPaidBack) {
  Driver d(ct::testing::Sale(), SaleOffer());
  d.Ok({"buyer", 11});
  d.Ok({"operator", 21, "seller", 2000});  // short
  EXPECT_EQ(d.deal().state, "awaiting_deposits");
  d.Ok({"operator", 21, "seller", 2000});  // now 40.00 of 30.25
  d.Ok({"operator", 21, "buyer", 6025});
  EXPECT_EQ(d.deal().state, "funded");
  d.Ok({"seller", 40});
  auto out = d.Ok({"buyer", 61});
  EXPECT_EQ(PaidTo(out.effects)["seller:excess"], 975);
}

TEST(EngineTest, CancelledBeforeFundingRefundsEveryDepositInFull) {
  Driver d(ct::testing::Sale(), SaleOffer());
  d.Ok({"buyer", 11});
  d.Ok({"operator", 21, "buyer", 1000});
  auto out = d.Ok({"seller", 13});
  EXPECT_EQ(d.deal().state, "cancelled");
  EXPECT_EQ(PaidTo(out.effects),
            (std::map<std::string, int64_t>{{"buyer:refund", 1000}}));
}

TEST(EngineTest, ShipDeadlineCancelsAndKeepsCommission) {
  Driver d = FundedSale();
  auto out = d.Timeout();
  EXPECT_EQ(d.deal().state, "cancelled");
  EXPECT_EQ(PaidTo(out.effects),
            (std::map<std::string, int64_t>{{"seller:refund", 3000},
                                            {"buyer:refund", 6000}}));
}

struct TimeoutCase {
  std::vector<Say> path;
  std::string waiting;
  std::string after;
};

TEST(EngineTest, EveryDeadlineHasItsDefaultOutcome) {
  const TimeoutCase kCases[] = {
      {{}, "offered", "cancelled"},
      {{{"buyer", 11}}, "awaiting_deposits", "cancelled"},
      {{{"seller", 40}}, "shipped", "completed"},
      {{{"seller", 40}, {"buyer", 62}}, "returning", "completed"},
      {{{"seller", 40}, {"buyer", 62}, {"buyer", 81}},
       "return_shipped",
       "refunded"},
      {{{"seller", 40}, {"buyer", 63}}, "disputed", "expired"},
  };
  for (const auto& c : kCases) {
    Driver d = c.path.empty() || c.path[0].code == 11
                   ? Driver(ct::testing::Sale(), SaleOffer())
                   : FundedSale();
    for (const auto& s : c.path) d.Ok(s);
    ASSERT_EQ(d.deal().state, c.waiting);
    d.Timeout();
    EXPECT_EQ(d.deal().state, c.after) << c.waiting;
  }
}

TEST(EngineTest, ExpiredDealIsReAlertedAndResolvedByOperator) {
  Driver d = FundedSale();
  d.Ok({"seller", 40});
  d.Ok({"buyer", 63});
  d.Timeout();
  ASSERT_EQ(d.deal().state, "expired");
  auto alert = d.Timeout();
  EXPECT_EQ(d.deal().state, "expired");
  ASSERT_EQ(alert.effects.notifications.size(), 1u);
  EXPECT_EQ(alert.effects.notifications[0].to, "operator");
  EXPECT_EQ(alert.effects.notifications[0].templates[0], "expired_alert");
  auto out = d.Ok({"operator",
                   code::kResolve,
                   "",
                   0,
                   {{"seller", M(0)}, {"buyer", M(9000)}}});
  EXPECT_EQ(d.deal().state, "settled");
  EXPECT_EQ(PaidTo(out.effects)["buyer:settlement"], 9000);
}

TEST(EngineTest, RefusalsSayWhyAndWhatIsAllowed) {
  Driver d = FundedSale();
  auto r = d.No({"buyer", 40});
  EXPECT_EQ(r.reason, "only the seller may send 40 now");
  EXPECT_EQ(r.allowed, (std::vector<int>{0, 92}));
  r = d.No({"buyer", 61});
  EXPECT_EQ(r.reason, "code 61 cannot be sent while the deal is funded");
  r = d.No({"seller", 21, "seller", 100});
  EXPECT_EQ(r.reason, "only the operator may send 21 now");
  d.Ok({"seller", 40});
  r = d.No({"seller", 40});
  EXPECT_NE(r.reason.find("cannot be sent while the deal is shipped"),
            std::string::npos);
  d.Ok({"buyer", 61});
  r = d.No({"buyer", 62});
  EXPECT_EQ(r.reason, "the deal is closed (completed)");
  d.Ok({"buyer", 0});  // status still answers
}

TEST(EngineTest, JointExtensionMovesTheDeadline) {
  Driver d = FundedSale();
  Time before = *d.deal().deadline;
  auto first = d.Ok({"seller", 92, "", 0, {}, 5});
  EXPECT_FALSE(first.effects.deadline_extended);
  d.Ok({"buyer", 92, "", 0, {}, 3});  // different N: not yet
  EXPECT_EQ(*d.deal().deadline, before);
  auto agreed = d.Ok({"seller", 92, "", 0, {}, 3});
  EXPECT_TRUE(agreed.effects.deadline_extended);
  EXPECT_EQ(*d.deal().deadline, before + Days(3));
  EXPECT_EQ(agreed.effects.notifications[0].templates,
            std::vector<std::string>{"deadline_extended"});
}

TEST(EngineTest, RemindersFireOnceEachAndOnlyTheLatest) {
  Driver d = FundedSale();  // ship deadline in 7 days: 7-day mark passed
  EXPECT_FALSE(DueTimer(d.policy(), d.deal(), d.now()).has_value());
  d.now() = *d.deal().deadline - Days(1);
  auto cmd = DueTimer(d.policy(), d.deal(), d.now());
  ASSERT_TRUE(cmd.has_value());
  EXPECT_EQ(cmd->code, code::kReminder);
  auto out = d.Ok({"timer", code::kReminder});
  ASSERT_EQ(out.effects.notifications.size(), 1u);
  EXPECT_EQ(out.effects.notifications[0].to, "seller");
  EXPECT_FALSE(DueTimer(d.policy(), d.deal(), d.now()).has_value());
  d.No({"timer", code::kReminder});
  d.now() = *d.deal().deadline;
  EXPECT_EQ(DueTimer(d.policy(), d.deal(), d.now())->code, code::kTimeout);
}

TEST(EngineTest, ExchangeNeedsBothParties) {
  Driver d(ct::testing::Exchange(), ExchangeOffer());
  EXPECT_EQ(d.deal().Party("a")->due, M(2020));  // 2% of 20.00 split
  EXPECT_EQ(d.deal().Party("b")->due, M(2020));
  d.Ok({"b", 11});
  d.Ok({"operator", 21, "a", 2020});
  d.Ok({"operator", 21, "b", 2020});
  EXPECT_EQ(d.deal().Held(), M(4000));
  d.Ok({"a", 40});
  EXPECT_EQ(d.deal().state, "funded");
  d.No({"a", 40});
  d.Ok({"b", 40});
  EXPECT_EQ(d.deal().state, "in_transit");
  d.Ok({"b", 61});
  EXPECT_EQ(d.deal().state, "in_transit");
  auto out = d.Ok({"a", 61});
  EXPECT_EQ(d.deal().state, "completed");
  EXPECT_EQ(PaidTo(out.effects),
            (std::map<std::string, int64_t>{{"a:bond_refund", 2000},
                                            {"b:bond_refund", 2000}}));
}

TEST(EngineTest, ExchangeReturnSendsFranchiseToOperator) {
  Driver d(ct::testing::Exchange(), ExchangeOffer());
  d.Ok({"b", 11});
  d.Ok({"operator", 21, "a", 2020});
  d.Ok({"operator", 21, "b", 2020});
  d.Ok({"a", 40});
  d.Ok({"b", 40});
  d.Ok({"a", 62});
  EXPECT_EQ(d.deal().state, "returning");
  d.Ok({"a", 81});
  d.Ok({"b", 81});
  d.Ok({"a", 101});
  auto out = d.Ok({"b", 101});
  EXPECT_EQ(d.deal().state, "refunded");
  EXPECT_EQ(PaidTo(out.effects),
            (std::map<std::string, int64_t>{{"a:bond_refund", 1800},
                                            {"b:bond_refund", 1800},
                                            {"operator:franchise", 400}}));
}

Driver FundedExchange() {
  Driver d(ct::testing::Exchange(), ExchangeOffer());
  d.Ok({"b", 11});
  d.Ok({"operator", 21, "a", 2020});
  d.Ok({"operator", 21, "b", 2020});
  return d;
}

bool Told(const Effects& fx, const std::string& to, const std::string& tmpl) {
  for (const auto& n : fx.notifications)
    if (n.to == to && std::find(n.templates.begin(), n.templates.end(), tmpl) !=
                          n.templates.end())
      return true;
  return false;
}

// Party a sent 40, b never shipped. The ship deadline once cancelled the deal
// and refunded both bonds: b kept a's item and got his bond back.
TEST(EngineTest, ExchangeOneShippedTimeoutGoesToDispute) {
  Driver d = FundedExchange();
  d.Ok({"a", 40});
  ASSERT_EQ(d.deal().state, "funded");
  EXPECT_TRUE(
      ProgressIn(ct::testing::Exchange(), d.deal(), "funded").Partial());
  EXPECT_EQ(DeadlineOutcome(ct::testing::Exchange(), d.deal()), "disputed");
  EXPECT_TRUE(PartialDefaultPending(ct::testing::Exchange(), d.deal()));
  EXPECT_EQ(WaitingFor(ct::testing::Exchange(), d.deal()),
            std::vector<std::string>{"b"});
  auto out = d.Timeout();
  EXPECT_EQ(d.deal().state, "disputed");
  EXPECT_TRUE(out.effects.payouts.empty()) << "funds stay blocked";
  EXPECT_EQ(d.deal().Held(), M(4000));
  for (const char* who : {"a", "b", "operator"}) {
    EXPECT_TRUE(Told(out.effects, who, "partial_default")) << who;
    EXPECT_TRUE(Told(out.effects, who, "dispute_opened")) << who;
  }
  EXPECT_FALSE(Told(out.effects, "a", "deadline_passed"));
  // The marks say who performed, for the notice and `show`.
  EXPECT_TRUE(d.deal().Party("a")->marks.contains("shipped"));
  EXPECT_FALSE(d.deal().Party("b")->marks.contains("shipped"));
}

// In `returning` a sent her item back (81), b did not. The deadline once
// completed the deal and refunded the bonds: a lost her item.
TEST(EngineTest, ExchangeOneReturnedTimeoutGoesToDispute) {
  Driver d = FundedExchange();
  d.Ok({"a", 40});
  d.Ok({"b", 40});
  d.Ok({"b", 62});
  d.Ok({"a", 81});
  ASSERT_EQ(d.deal().state, "returning");
  auto out = d.Timeout();
  EXPECT_EQ(d.deal().state, "disputed");
  EXPECT_TRUE(out.effects.payouts.empty());
  EXPECT_EQ(d.deal().Held(), M(4000));
  EXPECT_TRUE(Told(out.effects, "operator", "partial_default"));
}

// What silence already means is kept where nothing was half performed.
TEST(EngineTest, ExchangeTimeoutsWithoutPartialPerformance) {
  struct Case {
    std::vector<Say> path;
    std::string waiting, after;
  };
  const Case kCases[] = {
      // Nobody shipped: cancelled, held funds back.
      {{}, "funded", "cancelled"},
      // Nobody returned: each keeps what it got.
      {{{"a", 40}, {"b", 40}, {"a", 62}}, "returning", "completed"},
      // One 61, one silent: silence is acceptance, both accepted.
      {{{"a", 40}, {"b", 40}, {"a", 61}}, "in_transit", "completed"},
      // One 101, one silent: silence accepts the return.
      {{{"a", 40}, {"b", 40}, {"a", 62}, {"a", 81}, {"b", 81}, {"b", 101}},
       "return_shipped",
       "refunded"},
  };
  for (const auto& c : kCases) {
    Driver d = FundedExchange();
    for (const auto& s : c.path) d.Ok(s);
    ASSERT_EQ(d.deal().state, c.waiting);
    EXPECT_FALSE(PartialDefaultPending(ct::testing::Exchange(), d.deal()));
    auto out = d.Timeout();
    EXPECT_EQ(d.deal().state, c.after) << c.waiting;
    EXPECT_TRUE(Told(out.effects, "a", "deadline_passed")) << c.waiting;
  }
  // Deposits: one paid, the other not: cancelled, each deposit back in full.
  Driver d(ct::testing::Exchange(), ExchangeOffer());
  d.Ok({"b", 11});
  d.Ok({"operator", 21, "a", 2020});
  auto out = d.Timeout();
  EXPECT_EQ(d.deal().state, "cancelled");
  EXPECT_EQ(PaidTo(out.effects),
            (std::map<std::string, int64_t>{{"a:refund", 2020}}));
}

// The reminder before a partly performed deadline goes to the one who has
// not acted, and only to him.
TEST(EngineTest, ExchangeReminderGoesToTheOneWhoHasNotShipped) {
  Driver d = FundedExchange();
  d.Ok({"b", 40});
  d.now() = *d.deal().deadline - Days(1);
  auto out = d.Ok({"timer", code::kReminder});
  ASSERT_EQ(out.effects.notifications.size(), 1u);
  EXPECT_EQ(out.effects.notifications[0].to, "a");
  EXPECT_EQ(out.effects.notifications[0].templates,
            std::vector<std::string>{"reminder"});
}

TEST(EngineTest, CommissionPayerAndOddCent) {
  Policy p;
  p.money.commission = *ParseRate("2%", "EUR");
  Offer o = SaleOffer();
  o.terms["price"] = M(2525);  // 2% = 50.5 -> 51 cents; split 26 / 25
  auto deal = NewDeal(ct::testing::Sale(), p, o, kT0);
  ASSERT_TRUE(deal.has_value());
  EXPECT_EQ(deal->Party("seller")->commission, M(26));  // initiator
  EXPECT_EQ(deal->Party("buyer")->commission, M(25));
  p.money.commission_payer = "buyer";
  deal = NewDeal(ct::testing::Sale(), p, o, kT0);
  EXPECT_EQ(deal->Party("buyer")->commission, M(51));
  EXPECT_EQ(deal->Party("seller")->commission, M(0));
  p.money.bond_includes_shipping = false;
  p.money.commission = *ParseRate("1.50", "EUR");
  deal = NewDeal(ct::testing::Sale(), p, o, kT0);
  EXPECT_EQ(deal->Party("seller")->due, M(2525));
  EXPECT_EQ(deal->Party("buyer")->due, M(2525 + 2525 + 500 + 150));
}

TEST(EngineTest, BadOffersAreRefused) {
  Policy p;
  Offer o = SaleOffer();
  o.emails["buyer"] = o.emails["seller"];
  EXPECT_FALSE(NewDeal(ct::testing::Sale(), p, o, kT0).has_value());
  o = SaleOffer();
  o.terms.erase("price");
  EXPECT_FALSE(NewDeal(ct::testing::Sale(), p, o, kT0).has_value());
  o = SaleOffer();
  o.delivery = "drone";
  EXPECT_FALSE(NewDeal(ct::testing::Sale(), p, o, kT0).has_value());
  o = SaleOffer();
  o.texts.clear();
  EXPECT_FALSE(NewDeal(ct::testing::Sale(), p, o, kT0).has_value());
}

TEST(EngineTest, FranchiseNeverExceedsTheBond) {
  Policy p;
  p.money.franchise = *ParseRate("500.00", "EUR");
  auto deal = NewDeal(ct::testing::Sale(), p, SaleOffer(), kT0);
  EXPECT_EQ(deal->amounts.at("franchise"), M(3000));
}

}  // namespace
}  // namespace ct::core
