// IBAN (ISO 13616, ISO 7064 mod 97-10) and BIC (ISO 9362) checks, with the
// standard's own examples.
#include "money/iban.h"

#include <gtest/gtest.h>

namespace ct::money {
namespace {

TEST(IbanTest, StandardExamplesAreValid) {
  // ISO 13616-1 and the SWIFT IBAN registry's examples.
  for (const char* iban :
       {"GB82WEST12345698765432", "FR1420041010050500013M02606",
        "DE89370400440532013000", "BE68539007547034", "NL91ABNA0417164300",
        "CH9300762011623852957", "IT60X0542811101000000123456",
        "ES9121000418450200051332", "AT611904300234573201",
        "LU280019400644750000", "MC5811222000010123456789030",
        "NO9386011117947", "MT84MALT011000012345MTLCAST001S",
        "SE4550000000058398257466", "PL61109010140000071219812874",
        "FR7630006000011234567890189"}) {
    SCOPED_TRACE(iban);
    EXPECT_TRUE(Mod97Valid(iban));
    auto parsed = ParseIban(iban);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->electronic(), iban);
  }
}

TEST(IbanTest, PrintedFormIsRead) {
  auto iban = ParseIban("  fr76 3000 6000 0112 3456 7890 189 ");
  ASSERT_TRUE(iban) << iban.error().message;
  EXPECT_EQ(iban->electronic(), "FR7630006000011234567890189");
  EXPECT_EQ(iban->Grouped(), "FR76 3000 6000 0112 3456 7890 189");
  EXPECT_EQ(iban->Masked(), "FR76 **** **** 0189");
  EXPECT_EQ(iban->country(), "FR");
  // As phones and some banks print it: no-break spaces, an IBAN prefix.
  auto nbsp = ParseIban(
      "IBAN GB82\xC2\xA0WEST\xE2\x80\xAF"
      "1234 5698 7654 32");
  ASSERT_TRUE(nbsp) << nbsp.error().message;
  EXPECT_EQ(nbsp->electronic(), "GB82WEST12345698765432");
}

TEST(IbanTest, BadIbansAreRefusedWithTheReason) {
  struct Case {
    const char* text;
    const char* why;
  };
  for (const Case& c : {
           Case{"GB82WEST12345698765433", "check digits"},  // last digit
           Case{"GB28WEST12345698765432", "check digits"},  // check digits
           Case{"FR763000600001123456789018", "27 characters, not 26"},
           Case{"XX82WEST12345698765432", "no IBAN country XX"},
           Case{"GB82-WEST_1234", "only letters and digits"},
           Case{"", "empty"},
           Case{"1234WEST12345698765432", "country code"},
           Case{"FR76 3000 6000 0112 3456 7890 189 0000 0000 0000",
                "at most 34"},
       }) {
    SCOPED_TRACE(c.text);
    auto iban = ParseIban(c.text);
    ASSERT_FALSE(iban);
    EXPECT_EQ(iban.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(iban.error().message.find(c.why), std::string::npos)
        << iban.error().message;
  }
}

TEST(IbanTest, HugeInputIsNotEchoedWhole) {
  const std::string huge(100000, '9');
  auto iban = ParseIban(huge);
  ASSERT_FALSE(iban);
  EXPECT_LT(iban.error().message.size(), 200u);
}

TEST(IbanTest, Bic) {
  EXPECT_EQ(ParseBic("AGRIFRPP").value_or(""), "AGRIFRPP");
  EXPECT_EQ(ParseBic("deut de ff 500").value_or(""), "DEUTDEFF500");
  EXPECT_EQ(ParseBic("BHBLDEHHXXX").value_or(""), "BHBLDEHHXXX");
  for (const char* bad : {"AGRIFRP", "AGRIFRPP8", "1GRIFRPP", "AGRI1RPP",
                          "AGRIFRP!", "", "AGRIFRPP88888"}) {
    SCOPED_TRACE(bad);
    auto bic = ParseBic(bad);
    ASSERT_FALSE(bic);
    EXPECT_EQ(bic.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(bic.error().message.find("not a valid BIC"), std::string::npos);
  }
}

}  // namespace
}  // namespace ct::money
