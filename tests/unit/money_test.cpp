#include "core/money.h"

#include <gtest/gtest.h>

namespace ct::core {
namespace {

struct ParseCase {
  const char* text;
  int64_t minor;  // -1: must be refused
};

TEST(MoneyTest, ParsesAsSpecSays) {
  const ParseCase kCases[] = {
      {"25,00 EUR", 2500},
      {"25.00", 2500},
      {"25", 2500},
      {"5.5", 550},
      {"0.01", 1},
      {"EUR 12.30", 1230},
      {"eur 7", 700},
      {" 30.25 ", 3025},
      {"60,25eur", 6025},
      {"999999999999.99", 99999999999999},
      // Refused.
      {"12,345", -1},
      {"-1", -1},
      {"1e3", -1},
      {"EUR", -1},
      {"", -1},
      {"12.", -1},
      {".5", -1},
      {"1 000", -1},
      {"25.00 USD", -1},
      {"+5", -1},
      {"1,2,3", -1},
      {"1000000000000", -1},
      {"NaN", -1},
      {"EUR 5 EUR", -1},
      {"5€", -1},
  };
  for (const auto& c : kCases) {
    auto m = ParseMoney(c.text, "EUR");
    if (c.minor < 0) {
      EXPECT_FALSE(m.has_value()) << c.text;
      if (!m) {
        EXPECT_EQ(m.error().kind, ErrorKind::kInvalidInput) << c.text;
      }
    } else {
      ASSERT_TRUE(m.has_value()) << c.text << ": " << m.error().message;
      EXPECT_EQ(m->minor(), c.minor) << c.text;
    }
  }
}

TEST(MoneyTest, Formats) {
  EXPECT_EQ(Money::FromMinor(9000).ToString(), "90.00");
  EXPECT_EQ(Money::FromMinor(5).ToString(), "0.05");
  EXPECT_EQ(Money::FromMinor(-150).ToString(), "-1.50");
  EXPECT_EQ(Money().ToString(), "0.00");
}

struct RateCase {
  const char* rate;
  int64_t base;
  int64_t expected;
};

TEST(MoneyTest, RatesRoundHalfUp) {
  const RateCase kCases[] = {
      {"2%", 2500, 50},                          // docs/money.md: 2% of 25.00
      {"2%", 2525, 51},                          // 50.5 cents -> 51
      {"2%", 2474, 49},                          // 49.48 -> 49
      {"2.5%", 1000, 25},   {"10%", 2500, 250},  // franchise example
      {"1.50", 99999, 150}, {"0%", 5000, 0},    {"100%", 1234, 1234},
      {"3%", 1, 0},         {"50%", 1, 1},  // 0.5 cent rounds up
  };
  for (const auto& c : kCases) {
    auto r = ParseRate(c.rate, "EUR");
    ASSERT_TRUE(r.has_value()) << c.rate;
    EXPECT_EQ(r->Of(Money::FromMinor(c.base)).minor(), c.expected)
        << c.rate << " of " << c.base;
  }
  for (const char* bad : {"101%", "-2%", "2.555%", "%", "abc", ""})
    EXPECT_FALSE(ParseRate(bad, "EUR").has_value()) << bad;
  EXPECT_EQ(RateToString(*ParseRate("2.50%", "EUR")), "2.5%");
}

}  // namespace
}  // namespace ct::core
