// The loader refuses rules files with a mistake and names it.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "rules/loader.h"
#include "test_rules.h"

namespace ct::rules {
namespace {

std::string RulesText(const std::string& file) {
  std::ifstream in(std::string(CT_TEST_SOURCE_DIR) + "/rules/" + file);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
std::string SaleText() { return RulesText("sale.toml"); }

// Replaces the first occurrence of `from` (which must exist) by `to`.
std::string Mutate(std::string text, const std::string& from,
                   const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(RulesTest, ShippedRulesLoad) {
  const RuleBook& book = ct::testing::ShippedRules();
  ASSERT_EQ(book.cases.size(), 2u);
  EXPECT_TRUE(book.Find("sale").has_value());
  EXPECT_TRUE(book.Find("exchange").has_value());
  auto missing = book.Find("auction");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message,
            "unknown case 'auction' (known: exchange, sale)");
}

struct Mistake {
  const char* from;
  const char* to;
  const char* expected;  // the message must contain this
};

TEST(RulesTest, MistakesAreNamed) {
  const Mistake kMistakes[] = {
      {"timeout = \"cancelled\"\nwaits_for = [\"buyer\"]",
       "timeout = \"canceled\"\nwaits_for = [\"buyer\"]",
       "sale.toml: states.offered.timeout: unknown state 'canceled'"},
      {"code = 63", "code = 64",
       "transitions[9] (code 64).code: unknown code 64"},
      {"by = [\"buyer\"]\nto = \"awaiting_deposits\"",
       "by = [\"bidder\"]\nto = \"awaiting_deposits\"",
       "(code 11).by: unknown role 'bidder'"},
      {"deadline = \"ship_days\"\n", "",
       "states.funded.deadline: a waiting state needs a deadline"},
      {"deadline = \"ship_days\"", "deadline = \"shipping_days\"",
       "states.funded.deadline: unknown deadline key 'shipping_days'"},
      {"{ to = \"buyer\", amount = \"bond\", reason = \"bond_refund\" },\n]",
       "]", "states.completed.payouts: the final state could hold money"},
      {"settlement = \"return_deposits\"", "",
       "states.cancelled.settlement: a final state must say how money leaves"},
      {"to = \"returning\"", "to = \"disputed\"",
       "states.returning: unreachable from the initial state"},
      {"deadline = \"deposit_days\"\ntimeout = \"cancelled\"",
       "deadline = \"deposit_days\"\ntimeout = \"completed\"",
       "states.completed: pays by formula but can be reached before the deal "
       "is funded"},
      {"partial_timeout = \"cancelled\"", "partial_timeout = \"completed\"",
       "states.completed: pays by formula but can be reached before the deal "
       "is funded"},
      {"seller = \"bond\"", "seller = \"bond + tip\"",
       "deposits.seller: unknown amount 'tip'"},
      {"action = \"propose\"", "action = \"haggle\"",
       "unknown action 'haggle'"},
      {"initiator = \"seller\"", "initiator = \"auctioneer\"",
       "initiator: unknown role 'auctioneer'"},
      {"case = \"sale\"", "case = [\"sale\"]", "case: expected a string"},
      {"[[states]]\nname = \"offered\"", "[[states]\nname = \"offered\"",
       "sale.toml:"},
  };
  for (const auto& m : kMistakes) {
    auto loaded =
        LoadString(Mutate(SaleText(), m.from, m.to), "rules/sale.toml");
    ASSERT_FALSE(loaded.has_value()) << m.expected;
    EXPECT_EQ(loaded.error().kind, ErrorKind::kConfig);
    EXPECT_NE(loaded.error().message.find(m.expected), std::string::npos)
        << "got: " << loaded.error().message << "\nwanted: " << m.expected;
  }
}

// A partial default once let the defaulter keep the other's item.
// Wherever several roles each leave a mark, the file must say where a
// deadline missed by some of them leads, and that must not end the deal
// against the one who performed. The loader refuses such a file, naming
// file, state and key.
TEST(RulesTest, PartialTimeoutIsRequiredAndFair) {
  const std::string kFunded = "partial_timeout = \"disputed\"  # one item on";
  const std::string kReturning =
      "partial_timeout = \"disputed\"  # one item sent back";
  struct Case {
    std::string file, from, to, expected;
  };
  const Case kCases[] = {
      // Missing in the exchange: one item shipped, the other not.
      {"exchange.toml", kFunded, "# one item on",
       "rules/exchange.toml: states.funded.partial_timeout: missing: where "
       "the deal goes when the deadline passes after some but not all of a, "
       "b did 'shipped' (e.g. \"disputed\")"},
      {"exchange.toml", kReturning, "# one item sent back",
       "rules/exchange.toml: states.returning.partial_timeout: missing"},
      // The old behaviour, spelled out, is refused.
      {"exchange.toml", kFunded,
       "partial_timeout = \"cancelled\" # one item on",
       "rules/exchange.toml: states.funded.partial_timeout: 'cancelled' ends "
       "the deal when one party did 'shipped' and another did not: the one "
       "who performed would lose"},
      {"exchange.toml", kReturning,
       "partial_timeout = \"completed\" # one item sent back",
       "states.returning.partial_timeout: 'completed' ends the deal when one "
       "party did 'return_shipped'"},
      // Silence counts as 61, but not as a refund.
      {"exchange.toml", "partial_timeout = \"completed\" # one 61",
       "partial_timeout = \"refunded\" # one 61",
       "states.in_transit.partial_timeout: 'refunded' ends the deal"},
      {"exchange.toml", kFunded, "partial_timeout = \"disputes\" # one item on",
       "states.funded.partial_timeout: unknown state 'disputes'"},
      {"exchange.toml", kFunded, "partial_timeout = \"funded\" # one item on",
       "states.funded.partial_timeout: must leave the state"},
      {"exchange.toml", "waits_mark = \"shipped\"", "waits_mark = \"sent\"",
       "states.funded.waits_mark: no transition from 'funded' sets the mark "
       "'sent'"},
      // A sale's steps are one party's each: nothing to be half done.
      {"sale.toml", "timeout = \"cancelled\"\nwaits_for = [\"seller\"]",
       "timeout = \"cancelled\"\npartial_timeout = \"disputed\"\n"
       "waits_for = [\"seller\"]",
       "rules/sale.toml: states.funded.partial_timeout: only a state where "
       "several roles each leave a mark (waits_mark) can be partly done"},
      // Any case file: a sale where both must send the return back.
      {"sale.toml", "waits_for = [\"buyer\"]\nwaits_mark = \"return_shipped\"",
       "waits_for = [\"seller\", \"buyer\"]\nwaits_mark = "
       "\"return_shipped\"",
       "rules/sale.toml: states.returning.partial_timeout: missing"},
  };
  for (const auto& c : kCases) {
    std::string text = Mutate(RulesText(c.file), c.from, c.to);
    auto loaded = LoadString(text, "rules/" + c.file);
    ASSERT_FALSE(loaded.has_value()) << c.expected;
    EXPECT_EQ(loaded.error().kind, ErrorKind::kConfig);
    EXPECT_NE(loaded.error().message.find(c.expected), std::string::npos)
        << "got: " << loaded.error().message << "\nwanted: " << c.expected;
  }
}

TEST(RulesTest, ShippedRulesNameTheirPartialTimeouts) {
  const core::CaseRules& ex = ct::testing::Exchange();
  const std::map<std::string, std::string> kWanted = {
      {"awaiting_deposits", "cancelled"},
      {"funded", "disputed"},
      {"in_transit", "completed"},
      {"returning", "disputed"},
      {"return_shipped", "refunded"}};
  for (const auto& s : ex.states) {
    auto it = kWanted.find(s.name);
    EXPECT_EQ(s.partial_timeout_to, it == kWanted.end() ? "" : it->second)
        << s.name;
  }
  for (const auto& s : ct::testing::Sale().states)
    EXPECT_EQ(s.partial_timeout_to,
              s.name == "awaiting_deposits" ? "cancelled" : "")
        << s.name;
}

TEST(RulesTest, TemplateNamesCoverEveryNotification) {
  auto names = ct::testing::ShippedRules().TemplateNames();
  for (const char* n :
       {"accepted", "deposit_request", "funded", "completed", "refunded",
        "settled", "cancelled", "expired_alert", "reminder",
        "payout_instructions", "refusal", "partial_default"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
}

// Found by fuzzing (tests/fuzz/rules_fuzz): a factor of 20 digits in a
// formula overflowed int64 while being read (UB), and so did a coefficient
// summed up ("price + price + ...") or multiplied through [amounts] that use
// each other. Each is now an error naming the formula.
TEST(RulesTest, FormulaCoefficientOverflowIsAnError) {
  const Mistake kMistakes[] = {
      {"bond = \"price + bond_shipping\"",
       "bond = \"99999999999999999999 * price\"",
       "amounts.bond: bad amount formula '99999999999999999999 * price': "
       "a factor above 1000"},
      {"bond = \"price + bond_shipping\"",
       "bond = \"1000 * price + 1000 * price\"",
       "'price' more than 1000 times"},
      {"bond = \"price + bond_shipping\"",
       "bond = \"9 * b2\"\nb2 = \"9 * b3\"\nb3 = \"9 * b4\"\n"
       "b4 = \"9 * price\"",
       "amounts.b2: coefficient too large once expanded"},
      {"bond = \"price + bond_shipping\"", "bond = \"999 * bond\"",
       "amounts.bond: circular definition"},
  };
  for (const auto& m : kMistakes) {
    auto loaded =
        LoadString(Mutate(SaleText(), m.from, m.to), "rules/sale.toml");
    ASSERT_FALSE(loaded.has_value()) << m.expected;
    EXPECT_NE(loaded.error().message.find(m.expected), std::string::npos)
        << "got: " << loaded.error().message << "\nwanted: " << m.expected;
  }
}

// Found by reading the expansion the fuzzer exercises: amounts that each use
// all the later ones expand exponentially (2^40 steps here), a hang; now
// bounded, with an error.
TEST(RulesTest, AmountsUsingEachOtherDoNotHang) {
  std::string amounts = "bond = \"price + bond_shipping\"\n";
  for (int i = 0; i < 40; ++i) {
    amounts += "v" + std::to_string(i) + " = \"";
    for (int j = i + 1; j < 40; ++j) amounts += "v" + std::to_string(j) + " - ";
    amounts += "price\"\n";
  }
  auto loaded = LoadString(
      Mutate(SaleText(), "bond = \"price + bond_shipping\"\n", amounts),
      "rules/sale.toml");
  ASSERT_FALSE(loaded.has_value());
  EXPECT_NE(loaded.error().message.find("amounts"), std::string::npos)
      << loaded.error().message;
}

}  // namespace
}  // namespace ct::rules
