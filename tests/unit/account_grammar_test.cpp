// "CT 03 IBAN" with its optional "bic:" and "name:" lines
// (docs/protocol.md "Where you are paid (CT 03)"): the
// grammar reads them raw; app/accounts/accounts.cpp checks the IBAN and BIC.
#include <gtest/gtest.h>

#include "core/grammar.h"

namespace ct::core {
namespace {

TEST(AccountGrammarTest, ReadsTheAccountAndItsLines) {
  auto p = ParseCommandText(
      "Hello, here is my account.\n"
      "\n"
      "CT 03 FR76 3000 6000 0112 3456 7890 189\n"
      "bic: AGRIFRPP\n"
      "Name:  Alice Martin \n"
      "\n"
      "Thanks!\n",
      "EUR");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->kind, Parsed::Kind::kAccount);
  EXPECT_EQ(p->account.iban, "FR76 3000 6000 0112 3456 7890 189");
  EXPECT_EQ(p->account.bic, "AGRIFRPP");
  EXPECT_EQ(p->account.name, "Alice Martin");
}

TEST(AccountGrammarTest, OptionalLinesAndLooseSpelling) {
  auto p = ParseCommandText("  ct 003 gb82west12345698765432\n", "EUR");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->kind, Parsed::Kind::kAccount);
  EXPECT_EQ(p->account.iban, "gb82west12345698765432");
  EXPECT_EQ(p->account.bic, "");
  EXPECT_EQ(p->account.name, "");
  // Quoted text is not read.
  auto quoted =
      ParseCommandText("> CT 03 FR7630006000011234567890189\n", "EUR");
  ASSERT_TRUE(quoted);
  EXPECT_EQ(quoted->kind, Parsed::Kind::kNone);
}

TEST(AccountGrammarTest, MalformedRequestsAreRefusedWithTheReason) {
  struct Case {
    const char* text;
    const char* why;
  };
  for (const Case& c : {
           Case{"CT 03\n", "expected CT 03 IBAN"},
           Case{"CT 03 FR76\niban: FR76\n", "expected 'bic: …' or 'name: …'"},
           Case{"CT 03 FR76\nbic: AGRIFRPP\nbic: AGRIFRPP\n", "given twice"},
           Case{"CT 03 FR76\nname:\n", "'name' is empty"},
           Case{"CT 03 FR76\nCT-7K3QX9A2 61\n", "expected 'bic: …'"},
           Case{"CT 03 FR76\n\nCT-7K3QX9A2 61\n", "ambiguous"},
           Case{"CT 03 1111111111111111111111111111111111111111111111111111111"
                "1111111111111111\n",
                "too long for an IBAN"},
       }) {
    SCOPED_TRACE(c.text);
    auto p = ParseCommandText(c.text, "EUR");
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(p.error().message.find(c.why), std::string::npos)
        << p.error().message;
  }
}

}  // namespace
}  // namespace ct::core
