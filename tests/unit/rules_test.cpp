// The loader refuses rules files with a mistake and names it.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "rules/loader.h"
#include "test_rules.h"

namespace ct::rules {
namespace {

std::string SaleText() {
  std::ifstream in(std::string(CT_TEST_SOURCE_DIR) + "/rules/sale.toml");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

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
      {"timeout = \"cancelled\"\nwaits_for = [\"seller\", \"buyer\"]",
       "timeout = \"completed\"\nwaits_for = [\"seller\", \"buyer\"]",
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

TEST(RulesTest, TemplateNamesCoverEveryNotification) {
  auto names = ct::testing::ShippedRules().TemplateNames();
  for (const char* n : {"accepted", "deposit_request", "funded", "completed",
                        "refunded", "settled", "cancelled", "expired_alert",
                        "reminder", "payout_instructions", "refusal"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
}

}  // namespace
}  // namespace ct::rules
