// Trust in the pure core: moderators (two of three), digital goods, the
// referral share, and the rules-file checks that keep the third role in its
// place. The exhaustive test explores the same variants without scenarios.
#include <gtest/gtest.h>

#include "core/grammar.h"
#include "core/reputation.h"
#include "core/trust_terms.h"
#include "rules/loader.h"
#include "test_rules.h"
#include "util/read_file.h"

namespace ct::core {
namespace {

using ct::testing::M;

const Time kT0 = *ParseIsoTime("2027-01-31T12:00:00Z");
const std::string kDigest(64, 'c');

Offer SaleOffer() {
  Offer o;
  o.id = "CT-7K3QX9A2";
  o.emails = {{"seller", "alice@example.test"}, {"buyer", "bob@example.test"}};
  o.terms = {{"price", M(10000)}, {"shipping", M(0)}};
  o.texts = {{"item", "a photo book, PDF"}};
  o.lang = "en";
  return o;
}

Offer Moderated(Offer o) {
  o.moderator = "mod@example.test";
  o.moderator_fee = {
      .is_percent = true, .basis_points = 500, .fixed = {}};  // 5 %
  return o;
}

// A deal driven through the engine; every step must be accepted unless
// refused with No().
class Scenario {
 public:
  Scenario(Offer offer, Policy policy = Commission10()) : policy_(policy) {
    auto deal = NewDeal(ct::testing::Sale(), policy_, offer, kT0);
    EXPECT_TRUE(deal) << (deal ? "" : deal.error().message);
    if (deal) deal_ = *deal;
  }
  static Policy Commission10() {
    Policy p;
    p.money.commission = {
        .is_percent = true, .basis_points = 1000, .fixed = {}};
    p.money.commission_payer = "seller";
    return p;
  }
  Outcome Ok(const std::string& actor, int code, std::string text = "",
             std::map<std::string, Money> split = {}) {
    auto r = Step(ct::testing::Sale(), policy_, deal_,
                  Cmd(actor, code, text, split), kT0);
    if (auto* no = std::get_if<Refusal>(&r)) {
      ADD_FAILURE() << actor << " " << code << ": " << no->reason;
      return {deal_, {}};
    }
    deal_ = std::get<Outcome>(r).deal;
    return std::get<Outcome>(r);
  }
  Refusal No(const std::string& actor, int code, std::string text = "",
             std::map<std::string, Money> split = {}) {
    auto r = Step(ct::testing::Sale(), policy_, deal_,
                  Cmd(actor, code, text, split), kT0);
    EXPECT_TRUE(std::holds_alternative<Refusal>(r)) << actor << " " << code;
    return std::holds_alternative<Refusal>(r) ? std::get<Refusal>(r)
                                              : Refusal{};
  }
  // Accepted, deposits paid, shipped: the buyer now answers.
  void ToShipped() {
    Ok("buyer", code::kAccept);
    for (const auto& p : Deal().parties) {
      Command c = Cmd("operator", code::kDeposit, "", {});
      c.deposit_role = p.role;
      c.amount = p.due;
      Apply(c);
    }
    Ok("seller", code::kShipped, "https://files.example.test/book.pdf");
  }
  void Apply(const Command& c) {
    auto r = Step(ct::testing::Sale(), policy_, deal_, c, kT0);
    ASSERT_TRUE(std::holds_alternative<Outcome>(r));
    deal_ = std::get<Outcome>(r).deal;
  }
  const core::Deal& Deal() const { return deal_; }

 private:
  static Command Cmd(const std::string& actor, int code, std::string text,
                     std::map<std::string, Money> split) {
    Command c;
    c.actor = actor;
    c.code = code;
    c.text = std::move(text);
    c.split = std::move(split);
    return c;
  }
  Policy policy_;
  core::Deal deal_;
};

Money Sum(const Effects& fx, LedgerKind kind, const std::string& reason) {
  Money total;
  for (const auto& m : fx.ledger)
    if (m.kind == kind && m.reason == reason) total += m.amount;
  return total;
}

TEST(ModeratorTest, PartyAcceptsTheModeratorsProposal) {
  Scenario run(Moderated(SaleOffer()));
  run.ToShipped();
  run.Ok("buyer", code::kNotReceived);
  ASSERT_EQ(run.Deal().state, "disputed");
  const Money held = run.Deal().Splittable();
  run.Ok("moderator", code::kPropose, "",
         {{"seller", held - M(5000)}, {"buyer", M(5000)}});
  // Its own proposal: one of three is not enough.
  EXPECT_EQ(run.No("moderator", code::kAcceptProposal).reason,
            "you cannot accept your own proposal");
  auto out = run.Ok("seller", code::kAcceptProposal);
  EXPECT_EQ(out.deal.state, "settled");
  EXPECT_EQ(out.deal.Held(), Money());
  // 5 % of the price, passed on from the commission (10 % = 10.00).
  EXPECT_EQ(Sum(out.effects, LedgerKind::kShare, "moderator_fee"), M(500));
  EXPECT_EQ(Sum(out.effects, LedgerKind::kPayout, "settlement"), held);
}

TEST(ModeratorTest, ModeratorAcceptsAPartysProposal) {
  Scenario run(Moderated(SaleOffer()));
  run.ToShipped();
  run.Ok("buyer", code::kNotReceived);
  const Money held = run.Deal().Splittable();
  run.Ok("buyer", code::kPropose, "", {{"seller", M(0)}, {"buyer", held}});
  auto out = run.Ok("moderator", code::kAcceptProposal);
  EXPECT_EQ(out.deal.state, "settled");
  bool moderator_told = false;
  for (const auto& n : out.effects.notifications)
    moderator_told |= n.to == "moderator" && n.to_actor;
  EXPECT_TRUE(moderator_told);
}

TEST(ModeratorTest, FeeFromHeldIsKeptOutOfEverySplit) {
  Policy policy = Scenario::Commission10();
  policy.trust.moderator_fee_from = "held";
  Scenario run(Moderated(SaleOffer()), policy);
  run.ToShipped();
  run.Ok("buyer", code::kNotReceived);
  const Money all = run.Deal().Held();
  EXPECT_EQ(run.Deal().Splittable(), all - M(500));
  run.No("seller", code::kPropose, "", {{"seller", all}, {"buyer", M(0)}});
  run.Ok("seller", code::kPropose, "",
         {{"seller", all - M(500)}, {"buyer", M(0)}});
  auto out = run.Ok("moderator", code::kAcceptProposal);
  EXPECT_EQ(Sum(out.effects, LedgerKind::kPayout, "moderator_fee"), M(500));
  EXPECT_EQ(Sum(out.effects, LedgerKind::kShare, "moderator_fee"), Money());
  EXPECT_EQ(out.deal.Held(), Money());
}

TEST(ModeratorTest, FeeFromCommissionNeverExceedsIt) {
  Scenario run(Moderated(SaleOffer()), Policy{});  // 2 % commission: 2.00
  EXPECT_EQ(run.Deal().amounts.at("moderator_fee"), M(200));
}

TEST(ModeratorTest, OnlyStatusProposeAndAcceptAndOnlyWhenNamed) {
  Scenario moderated(Moderated(SaleOffer()));
  moderated.ToShipped();
  moderated.No("moderator", code::kSatisfied);
  moderated.No("moderator", code::kNotReceived);
  moderated.Ok("moderator", code::kStatus);
  Scenario plain(SaleOffer());
  plain.ToShipped();
  plain.Ok("buyer", code::kNotReceived);
  EXPECT_EQ(plain.No("moderator", code::kStatus).reason,
            "you are not a party of this deal");
}

TEST(ModeratorTest, ModeratorHearsOfTheDispute) {
  Scenario run(Moderated(SaleOffer()));
  run.ToShipped();
  auto out = run.Ok("buyer", code::kNotReceived);
  std::vector<std::string> heard;
  for (const auto& n : out.effects.notifications)
    if (n.to == "moderator") heard = n.templates;
  EXPECT_EQ(heard,
            (std::vector<std::string>{"not_received", "dispute_opened"}));
}

TEST(ModeratorTest, NotAPartyAndNotInACaseWithout) {
  Offer o = Moderated(SaleOffer());
  o.moderator = "bob@example.test";
  auto deal = NewDeal(ct::testing::Sale(), Policy{}, o, kT0);
  ASSERT_FALSE(deal);
  EXPECT_EQ(deal.error().message,
            "moderator: bob@example.test is the buyer of this deal");
}

TEST(DigitalTest, OfferNeedsTheDigestAndOnlyThen) {
  Offer o = SaleOffer();
  o.delivery = "digital";
  EXPECT_FALSE(NewDeal(ct::testing::Sale(), Policy{}, o, kT0));
  o.texts["sha256"] = "abc";
  EXPECT_FALSE(NewDeal(ct::testing::Sale(), Policy{}, o, kT0));
  o.texts["sha256"] = std::string(64, 'A');
  auto deal = NewDeal(ct::testing::Sale(), Policy{}, o, kT0);
  ASSERT_TRUE(deal);
  EXPECT_EQ(deal->texts.at("sha256"), std::string(64, 'a'));
  o.delivery = "post";
  EXPECT_FALSE(NewDeal(ct::testing::Sale(), Policy{}, o, kT0));
}

TEST(DigitalTest, NotSatisfiedOpensADisputeDirectly) {
  Offer o = SaleOffer();
  o.delivery = "digital";
  o.texts["sha256"] = kDigest;
  Scenario run(o);
  run.ToShipped();
  auto out = run.Ok("buyer", code::kNotSatisfied, "corrupt file");
  EXPECT_EQ(out.deal.state, "disputed");
  EXPECT_EQ(out.effects.notifications.front().templates.front(),
            "digital_rejected");
}

TEST(DigitalTest, SatisfiedMayQuoteTheDigest) {
  Offer o = SaleOffer();
  o.delivery = "digital";
  o.texts["sha256"] = kDigest;
  Scenario run(o);
  run.ToShipped();
  Refusal r =
      run.No("buyer", code::kSatisfied, "sha256:" + std::string(64, 'd'));
  EXPECT_EQ(r.key, "digest_mismatch");
  EXPECT_EQ(run.Ok("buyer", code::kSatisfied, "SHA256:" + std::string(64, 'C'))
                .deal.state,
            "completed");
}

TEST(ReferralTest, ShareOfTheCommissionOnCompletionOnly) {
  Offer o = SaleOffer();
  o.referrer = "blog@example.test";
  Scenario done(o);
  done.ToShipped();
  auto out = done.Ok("buyer", code::kSatisfied);
  // 25 % of a 10.00 commission.
  EXPECT_EQ(Sum(out.effects, LedgerKind::kShare, "referral"), M(250));
  bool ordered = false;
  for (const auto& p : out.effects.payouts)
    ordered |= p.payee == kReferrerPayee && p.amount == M(250);
  EXPECT_TRUE(ordered);

  Scenario returned(o);
  returned.ToShipped();
  returned.Ok("buyer", code::kNotSatisfied);
  returned.Ok("buyer", code::kReturnShipped);
  auto refund = returned.Ok("seller", code::kReturnAccepted);
  EXPECT_EQ(refund.deal.state, "refunded");
  EXPECT_EQ(Sum(refund.effects, LedgerKind::kShare, "referral"), Money());
}

// The loader keeps the third role in its place.
std::string SaleText() {
  return *util::ReadFileLimited(
      std::string(CT_TEST_SOURCE_DIR) + "/rules/sale.toml", 1 << 20, "rules");
}

std::string Replace(std::string s, const std::string& from,
                    const std::string& to) {
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(TrustRulesTest, ShippedFilesHaveTheThirdRole) {
  for (const auto* rules : {&ct::testing::Sale(), &ct::testing::Exchange()}) {
    EXPECT_EQ(rules->moderation.role, "moderator");
    EXPECT_EQ(rules->moderation.fee_on, std::vector<std::string>{"settled"});
    EXPECT_EQ(rules->referral_on, std::vector<std::string>{"completed"});
  }
  EXPECT_EQ(ct::testing::Sale().delivery_texts.at("digital"),
            std::vector<std::string>{"sha256"});
}

TEST(TrustRulesTest, ModeratorMayNotEndADealAlone) {
  auto bad = rules::LoadString(
      Replace(SaleText(), "code = 61\nfrom = [\"shipped\"]\nby = [\"buyer\"]",
              "code = 61\nfrom = [\"shipped\"]\nby = [\"buyer\", "
              "\"moderator\"]"),
      "sale.toml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("may only ask the status, propose"),
            std::string::npos)
      << bad.error().message;
}

TEST(TrustRulesTest, NothingWaitsForTheModerator) {
  auto bad = rules::LoadString(
      Replace(SaleText(),
              "waits_for = [\"seller\", \"buyer\"]\non_enter = "
              "[\"dispute_opened\"]",
              "waits_for = [\"seller\", \"buyer\", \"moderator\"]\non_enter "
              "= [\"dispute_opened\"]"),
      "sale.toml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("nothing may wait for the moderator"),
            std::string::npos)
      << bad.error().message;
}

TEST(TrustRulesTest, SplitStatesPayTheFeeAndModesAreKnown) {
  auto no_fee = rules::LoadString(
      Replace(SaleText(), "fee_on = [\"settled\"]", "fee_on = []"),
      "sale.toml");
  ASSERT_FALSE(no_fee);
  EXPECT_NE(no_fee.error().message.find("must pay the moderator's fee"),
            std::string::npos);
  auto bad_mode =
      rules::LoadString(Replace(SaleText(), "delivery = [\"digital\"]",
                                "delivery = [\"pigeon\"]"),
                        "sale.toml");
  ASSERT_FALSE(bad_mode);
  EXPECT_NE(bad_mode.error().message.find("unknown delivery mode 'pigeon'"),
            std::string::npos);
}

TEST(TrustGrammarTest, RatingsReputationAndOfferFields) {
  auto rate = ParseCommandText("CT-7K3QX9A2 70 - arrived broken\n", "EUR");
  ASSERT_TRUE(rate);
  EXPECT_EQ(rate->command.code, code::kRate);
  EXPECT_EQ(rate->command.score, -1);
  EXPECT_EQ(rate->command.text, "arrived broken");
  EXPECT_FALSE(ParseCommandText("CT-7K3QX9A2 70 great\n", "EUR"));
  auto rep = ParseCommandText("CT 00 REPUTATION Bob@Example.test\n", "EUR");
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->kind, Parsed::Kind::kReputation);
  EXPECT_EQ(rep->query, "bob@example.test");
  EXPECT_FALSE(ParseCommandText("CT 00 REPUTATION\n", "EUR"));

  OfferText text{"sale",
                 {{"buyer", "bob@example.test"},
                  {"item", "book"},
                  {"price", "10"},
                  {"delivery", "digital"},
                  {"sha256", kDigest},
                  {"moderator", "Mod@Example.test"},
                  {"referrer", "blog@example.test"}}};
  auto offer =
      OfferFromText(text, ct::testing::Sale(), "alice@example.test", "EUR");
  ASSERT_TRUE(offer) << offer.error().message;
  EXPECT_EQ(offer->moderator, "mod@example.test");
  EXPECT_EQ(offer->referrer, "blog@example.test");
  EXPECT_EQ(offer->texts.at("sha256"), kDigest);
}

// The one-line record shared by the offer, CT 00 REPUTATION, the CLI and,
// later, the marketplace's search results.
TEST(ReputationLineTest, CountsRatingsAndSince) {
  ReputationSummary s;
  s.who = "bob@example.org";
  EXPECT_EQ(FormatReputationLine(s), "bob@example.org: no funded deal yet");
  s.funded = 14;
  s.completed = 12;
  s.returned = 1;
  s.plus = 11;
  s.since = *ParseIsoTime("2026-03-14T09:00:00Z");
  EXPECT_EQ(FormatReputationLine(s),
            "bob@example.org: 12 deals completed, 1 returned, 0 disputes; "
            "11 +, 0 \u2212; since 2026-03");
  s.completed = 1;
  s.disputed = 1;
  s.defaults = 2;
  EXPECT_EQ(FormatReputationLine(s),
            "bob@example.org: 1 deal completed, 1 returned, 1 dispute, 2 "
            "deadlines missed; 11 +, 0 \u2212; since 2026-03");
}

}  // namespace
}  // namespace ct::core
