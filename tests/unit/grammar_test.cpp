#include "core/grammar.h"

#include <gtest/gtest.h>

#include "core/limits.h"
#include "core/words.h"
#include "test_rules.h"

namespace ct::core {
namespace {

using ct::testing::M;

TEST(GrammarTest, DealIdsAreCrockford) {
  EXPECT_EQ(NormalizeDealId("ct-7k3qx9a2"), "CT-7K3QX9A2");
  EXPECT_EQ(NormalizeDealId("CT-OIL00000"), "CT-01100000");
  EXPECT_EQ(NormalizeDealId("CT-7K3QX9AU"), std::nullopt);  // U excluded
  EXPECT_EQ(NormalizeDealId("CT-7K3QX9A"), std::nullopt);
  EXPECT_EQ(NormalizeDealId("CX-7K3QX9A2"), std::nullopt);
}

TEST(GrammarTest, SplitWordsDropsEveryBlank) {
  using Words = std::vector<std::string_view>;
  EXPECT_EQ(SplitWords(""), Words{});
  EXPECT_EQ(SplitWords(" \t\r\n"), Words{});
  EXPECT_EQ(SplitWords("CT-7K3QX9A2 61"), (Words{"CT-7K3QX9A2", "61"}));
  EXPECT_EQ(SplitWords("  a\tb \r\n c  "), (Words{"a", "b", "c"}));
  // Not blanks: the views keep every other byte, UTF-8 included.
  EXPECT_EQ(SplitWords("caf\xC3\xA9,x"), Words{"caf\xC3\xA9,x"});
}

struct LineCase {
  const char* text;
  const char* id;  // "" = expect no command (kind none)
  int code;
  const char* extra;  // text argument
};

TEST(GrammarTest, FindsTheOneCommandLine) {
  const LineCase kCases[] = {
      {"CT-7K3QX9A2 61", "CT-7K3QX9A2", 61, ""},
      {"  ct-7k3qx9a2 061\r\n", "CT-7K3QX9A2", 61, ""},
      {"Hello,\n\nCT-7K3QX9A2 40 Colissimo 6A12345678901\n\nBob", "CT-7K3QX9A2",
       40, "Colissimo 6A12345678901"},
      {"> CT-7K3QX9A2 61\nthanks", "", 0, ""},   // quoted only
      {"hi\n-- \nCT-7K3QX9A2 61\n", "", 0, ""},  // after signature
      {"hi\n--\nCT-7K3QX9A2 61\n", "", 0, ""},   // GnuPG strips the blank
      {"\xEF\xBB\xBF"
       "CT-7K3QX9A2 61",
       "CT-7K3QX9A2", 61, ""},  // BOM
      {"CT-7K3QX9A2 \xEF\xBC\x96\xEF\xBC\x91", "CT-7K3QX9A2", 61,
       ""},  // fullwidth
      {"CT-7K3QX9A2 62 the sleeve is torn", "CT-7K3QX9A2", 62,
       "the sleeve is torn"},
      {"just chatting", "", 0, ""},
      {"> CT-7K3QX9A2 12\nCT-7K3QX9A2 11\n", "CT-7K3QX9A2", 11, ""},
  };
  for (const auto& c : kCases) {
    auto p = ParseCommandText(c.text, "EUR");
    ASSERT_TRUE(p.has_value()) << c.text << ": " << p.error().message;
    if (std::string(c.id).empty()) {
      EXPECT_EQ(p->kind, Parsed::Kind::kNone) << c.text;
      continue;
    }
    EXPECT_EQ(p->kind, Parsed::Kind::kCommand) << c.text;
    EXPECT_EQ(p->deal_id, c.id);
    EXPECT_EQ(p->command.code, c.code) << c.text;
    EXPECT_EQ(p->command.text, c.extra) << c.text;
  }
}

TEST(GrammarTest, FindsTheDealOfAMalformedLine) {
  EXPECT_EQ(MentionedDealId("> CT-AAAAAAAA 61\nct-7k3qx9a2 55 x=y"),
            "CT-7K3QX9A2");
  EXPECT_EQ(MentionedDealId("no id here"), std::nullopt);
}

TEST(GrammarTest, ReadsArguments) {
  auto p =
      ParseCommandText("CT-7K3QX9A2 21 buyer 55.00 ref=VIR-2026-118", "EUR");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->command.deposit_role, "buyer");
  EXPECT_EQ(p->command.amount, M(5500));
  EXPECT_EQ(p->command.reference, "VIR-2026-118");
  p = ParseCommandText("CT-7K3QX9A2 90 seller=30.00 buyer=45,50", "EUR");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->command.split, (std::map<std::string, Money>{
                                  {"seller", M(3000)}, {"buyer", M(4550)}}));
  p = ParseCommandText("CT-7K3QX9A2 92 14", "EUR");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->command.days, 14);
}

TEST(GrammarTest, RefusesWhatIsUnclear) {
  const char* kBad[] = {
      "CT-7K3QX9A2 61\nCT-7K3QX9A2 62",     // ambiguous
      "CT-7K3QX9A2 61\nCT HELP",            // ambiguous
      "CT-7K3QX9A2 55",                     // unknown code
      "CT-7K3QX9A2 1000",                   // not a code
      "CT-7K3QX9A2 thanks",                 // no code
      "CT-7K3QX9A2 21 buyer 12,345",        // bad amount
      "CT-7K3QX9A2 21 buyer",               // missing amount
      "CT-7K3QX9A2 90 seller=1e3 buyer=2",  // bad amount
      "CT-7K3QX9A2 90 seller=1 seller=2",   // twice
      "CT-7K3QX9A2 92 soon",                // not days
      "CT-7K3QX9A2 21 buyer 5.00 USD",      // wrong currency
  };
  for (const char* text : kBad) {
    auto p = ParseCommandText(text, "EUR");
    EXPECT_FALSE(p.has_value()) << text;
    if (!p) {
      EXPECT_EQ(p.error().kind, ErrorKind::kInvalidInput);
    }
  }
}

TEST(GrammarTest, ReadsSaleAndExchangeOffers) {
  auto p = ParseCommandText(
      "Hi Bob,\n\nCT 10 SALE\nbuyer: bob@example.org\nitem: Kind of Blue, CD, "
      "mint\nprice: 25,00 EUR\nshipping: 5.00\ndelivery: post\nlang: fr\n\n"
      "Alice",
      "EUR");
  ASSERT_TRUE(p.has_value()) << p.error().message;
  ASSERT_EQ(p->kind, Parsed::Kind::kOffer);
  auto offer =
      OfferFromText(p->offer, ct::testing::Sale(), "Alice@Example.org", "EUR");
  ASSERT_TRUE(offer.has_value()) << offer.error().message;
  EXPECT_EQ(offer->emails.at("seller"), "alice@example.org");
  EXPECT_EQ(offer->emails.at("buyer"), "bob@example.org");
  EXPECT_EQ(offer->terms.at("price"), M(2500));
  EXPECT_EQ(offer->texts.at("item"), "Kind of Blue, CD, mint");
  EXPECT_EQ(offer->lang, "fr");

  p = ParseCommandText(
      "CT 10 EXCHANGE\nwith: bob@example.org\ngive: Kind of Blue (CD)\n"
      "take: A Love Supreme (CD)\nvalue: 20.00\ndelivery: hand\nlang: en\n",
      "EUR");
  ASSERT_TRUE(p.has_value());
  offer = OfferFromText(p->offer, ct::testing::Exchange(), "alice@example.org",
                        "EUR");
  ASSERT_TRUE(offer.has_value()) << offer.error().message;
  EXPECT_EQ(offer->emails.at("b"), "bob@example.org");
  EXPECT_EQ(offer->delivery, "hand");
  EXPECT_EQ(offer->texts.at("take"), "A Love Supreme (CD)");

  p = ParseCommandText("CT 10 SALE\nbuyer: b@x.org\ncolour: red\n", "EUR");
  ASSERT_TRUE(p.has_value());
  EXPECT_FALSE(OfferFromText(p->offer, ct::testing::Sale(), "a@x.org", "EUR"));
  p = ParseCommandText("CT 10 SALE\nbuyer: b@x.org\nprice: 25 USD\n", "EUR");
  EXPECT_FALSE(OfferFromText(p->offer, ct::testing::Sale(), "a@x.org", "EUR"));
}

// Items with CR or LF, or of 100 KB, were once accepted; every free
// text now has a maximum length and no control characters, and the refusal
// says which field and the limit.
TEST(GrammarTest, Issue8FreeTextsAreBoundedAndPlain) {
  struct Case {
    std::string text;
    const char* why;
  };
  const std::string long_item(kMaxItemChars + 1, 'x');
  const std::string long_text(kMaxCommandTextChars + 1, 'x');
  const std::string long_ref(kMaxReferenceChars + 1, 'x');
  const Case kCases[] = {
      {"CT-7K3QX9A2 40 Colissimo " + long_text,
       "tracking text: at most 200 characters (this one has 211)"},
      {"CT-7K3QX9A2 40 Colissimo\r6A12", "tracking text: control characters"},
      {"CT-7K3QX9A2 62 broken\x1b[2J", "reason: control characters"},
      {"CT-7K3QX9A2 102 " + long_text, "reason: at most 200 characters"},
      {"CT-7K3QX9A2 81 La Poste\t6A12", "tracking text: control characters"},
      {"CT-7K3QX9A2 21 buyer 5.00 ref=" + long_ref,
       "ref: at most 100 characters"},
  };
  for (const auto& c : kCases) {
    auto p = ParseCommandText(c.text, "EUR");
    ASSERT_FALSE(p.has_value()) << c.text;
    EXPECT_EQ(p.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(p.error().message.find(c.why), std::string::npos)
        << p.error().message;
  }
  EXPECT_TRUE(ParseCommandText(
      "CT-7K3QX9A2 40 " + std::string(kMaxCommandTextChars, 'x'), "EUR"));

  for (const std::string& item :
       {long_item, std::string("CD\rBcc: x@example.org"),
        std::string("CD \x7f")}) {
    auto p = ParseCommandText(
        "CT 10 SALE\nbuyer: b@x.org\nitem: " + item + "\nprice: 5\n", "EUR");
    ASSERT_TRUE(p.has_value()) << p.error().message;
    auto offer = OfferFromText(p->offer, ct::testing::Sale(), "a@x.org", "EUR");
    ASSERT_FALSE(offer.has_value()) << item;
    EXPECT_TRUE(offer.error().message.starts_with("item: "))
        << offer.error().message;
  }
  auto p = ParseCommandText("CT 10 EXCHANGE\nwith: b@x.org\ngive: CD\ntake: " +
                                long_item + "\nvalue: 5\n",
                            "EUR");
  ASSERT_TRUE(p.has_value());
  auto offer =
      OfferFromText(p->offer, ct::testing::Exchange(), "a@x.org", "EUR");
  ASSERT_FALSE(offer.has_value());
  EXPECT_EQ(offer.error().message,
            "take: at most 200 characters (this one "
            "has 201)");
}

// Text direction controls in an item, a give or a take would reorder what
// every reader of the Subject sees: refused as control characters are, by
// mail (OfferFromText) and on the command line (NewDeal).
TEST(GrammarTest, DirectionControlsInItemsAreRefused) {
  const std::string rlo = "\u202E";
  const std::string lri = "\u2066";
  for (const std::string& item : {"Nice " + rlo + "gpj.exe", lri + "CD\u2069",
                                  std::string("CD\u202Aa\u202C")}) {
    auto p = ParseCommandText(
        "CT 10 SALE\nbuyer: b@x.org\nitem: " + item + "\nprice: 5\n", "EUR");
    ASSERT_TRUE(p.has_value()) << p.error().message;
    auto offer = OfferFromText(p->offer, ct::testing::Sale(), "a@x.org", "EUR");
    ASSERT_FALSE(offer.has_value()) << item;
    EXPECT_TRUE(
        offer.error().message.starts_with("item: text direction controls"))
        << offer.error().message;
  }
  auto p =
      ParseCommandText("CT 10 EXCHANGE\nwith: b@x.org\ngive: CD\ntake: LP" +
                           rlo + "\nvalue: 5\n",
                       "EUR");
  ASSERT_TRUE(p.has_value());
  auto offer =
      OfferFromText(p->offer, ct::testing::Exchange(), "a@x.org", "EUR");
  ASSERT_FALSE(offer.has_value());
  EXPECT_TRUE(offer.error().message.starts_with("take: text direction"))
      << offer.error().message;

  Offer direct;
  direct.id = "CT-7K3QX9A2";
  direct.emails = {{"seller", "a@x.org"}, {"buyer", "b@x.org"}};
  direct.terms = {{"price", M(2500)}};
  direct.texts = {{"item", "CD " + rlo}};
  direct.lang = "en";
  auto deal = NewDeal(ct::testing::Sale(), Policy{}, direct,
                      Time(std::chrono::seconds(1801742400)));
  ASSERT_FALSE(deal.has_value());
  EXPECT_TRUE(deal.error().message.starts_with("item: text direction"))
      << deal.error().message;
}

// An RFC 2047 encoded-word typed as an item is text like any other: the
// rules take it as typed (mail/headers.cpp encodes it in the Subject, so
// that a reader shows exactly this text and never what it would decode to).
TEST(GrammarTest, EncodedWordsInItemsAreKeptAsTyped) {
  const std::string item = "=?utf-8?q?Nice=0D=0ABcc:_victim@x.test?=";
  auto p = ParseCommandText(
      "CT 10 SALE\nbuyer: b@x.org\nitem: " + item + "\nprice: 5\n", "EUR");
  ASSERT_TRUE(p.has_value()) << p.error().message;
  auto offer = OfferFromText(p->offer, ct::testing::Sale(), "a@x.org", "EUR");
  ASSERT_TRUE(offer.has_value()) << offer.error().message;
  EXPECT_EQ(offer->texts.at("item"), item);
}

// A refusal names what was wrong without echoing a huge field back.
TEST(GrammarTest, RefusalsQuoteAnExcerptOnly) {
  const std::string huge(102400, '9');
  const std::string texts[] = {
      "CT 10 SALE\nbuyer: b@x.org\nitem: CD\nprice: " + huge + "\n",
      "CT 10 SALE\nbuyer: b@x.org\n" + huge + "\n",
      "CT 10 SALE\nbuyer: b@x.org\n" + huge + ": x\n",
      "CT 10 " + huge + "\n",
      "CT-7K3QX9A2 90 seller=" + huge + " buyer=1",
      "CT-7K3QX9A2 90 " + huge,
      "CT-7K3QX9A2 21 buyer " + huge,
  };
  for (const auto& text : texts) {
    auto p = ParseCommandText(text, "EUR");
    Result<Offer> offer = Fail(ErrorKind::kInternal, "");
    std::string message;
    if (!p) {
      message = p.error().message;
    } else {
      offer = OfferFromText(p->offer, ct::testing::Sale(), "a@x.org", "EUR");
      ASSERT_FALSE(offer.has_value()) << text.substr(0, 60);
      message = offer.error().message;
    }
    EXPECT_FALSE(message.empty());
    EXPECT_LT(message.size(), 200u) << message.substr(0, 300);
  }
}

// The same rule holds for an offer from the command line, which reaches
// NewDeal without the mail grammar: nothing is silently cleaned.
TEST(GrammarTest, Issue8NewDealRefusesControlCharactersInItems) {
  Offer offer;
  offer.id = "CT-7K3QX9A2";
  offer.emails = {{"seller", "a@x.org"}, {"buyer", "b@x.org"}};
  offer.terms = {{"price", M(2500)}};
  offer.texts = {{"item", "CD\r\nBcc: victim@example.org"}};
  offer.lang = "en";
  auto deal = NewDeal(ct::testing::Sale(), Policy{}, offer,
                      Time(std::chrono::seconds(1801742400)));
  ASSERT_FALSE(deal.has_value());
  EXPECT_EQ(deal.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(deal.error().message.find("item: control characters"),
            std::string::npos);
  offer.texts["item"] = std::string(kMaxItemChars + 1, 'x');
  EXPECT_FALSE(NewDeal(ct::testing::Sale(), Policy{}, offer,
                       Time(std::chrono::seconds(1801742400))));
  offer.texts["item"] = "Kind of Blue, CD";
  auto ok = NewDeal(ct::testing::Sale(), Policy{}, offer,
                    Time(std::chrono::seconds(1801742400)));
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(ok->texts.at("item"), "Kind of Blue, CD");
}

}  // namespace
}  // namespace ct::core
