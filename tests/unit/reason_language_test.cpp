// Every refusal a party can get is written in the party's language. The
// code writes reasons in English; templates/fr/_labels.txt translates them
// ("msg." lines, notify/phrasebook.h). Here the real parsers are fed bad
// input of every kind the protocol has (commands, offers, listings,
// searches, payout accounts, listing states), and each English reason they
// give must come out wholly French: translated, with no English sentence
// left inside (a frame translated around an English cause counts as a
// miss). A new refusal without French words fails here, naming it.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "core/address.h"
#include "core/grammar.h"
#include "core/limits.h"
#include "core/listing.h"
#include "money/iban.h"
#include "notify/phrasebook.h"
#include "notify/renderer.h"
#include "test_rules.h"

namespace ct {
namespace {

const std::string kSource = CT_TEST_SOURCE_DIR;
constexpr char kDeal[] = "CT-7K3QX9A2";
constexpr char kListing[] = "CL-7K3QX9A2";

// English that must not survive translation: words of the code's sentences
// that French never uses (quoted excerpts of the input are left out first).
bool LooksEnglish(std::string text) {
  text = std::regex_replace(text, std::regex("'[^']*'|« [^»]* »"), "''");
  static const std::regex kWords(
      "\\b(the|is|are|not|expected|must|only|you|your|already|missing|"
      "allowed|given|twice|empty|unknown|field|got|has|have|at most|more "
      "than|too long|named|characters|with|cannot|locked|taken|send)\\b",
      std::regex::icase);
  return std::regex_search(text, kWords);
}

class ReasonLanguageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    notify::Renderer renderer(kSource + "/templates", "fr");
    fr_ = renderer.Labels("fr");
    ASSERT_FALSE(fr_.empty());
  }

  // The English reason of a failed Result, or a test failure.
  template <typename T>
  void Collect(const Result<T>& result, const std::string& input) {
    if (result) {
      ADD_FAILURE() << "expected a refusal for: " << input;
      return;
    }
    reasons_.push_back(result.error().message);
  }

  void Command(const std::string& text) {
    Collect(core::ParseCommandText(text, "EUR"), text);
  }

  void Listing(const std::string& case_name,
               std::map<std::string, std::string> fields) {
    Collect(core::ListingFromFields(case_name, std::move(fields),
                                    "alice@example.test", "EUR", core::Time{}),
            "CT 05 " + case_name);
  }

  notify::Labels fr_;
  std::vector<std::string> reasons_;
};

TEST_F(ReasonLanguageTest, EveryRefusalIsFrench) {
  const std::string d = std::string(kDeal) + " ";
  const std::string l = std::string(kListing) + " ";
  // Command lines about a deal.
  for (const std::string& text :
       {d,
        d + "55",
        d + "11\n" + d + "12",
        d + "21 seller",
        d + "21 seller 12.345",
        d + "21 seller 1,00,0",
        d + "21 seller 1 USD",
        d + "21 seller 99999999999999999",
        d + "21 seller 1.00 note",
        d + "21 seller 1.00 ref=" + std::string(150, 'r'),
        d + "90",
        d + "90 seller",
        d + "90 seller=1 seller=2",
        d + "90 seller=x",
        d + "70 x",
        d + "70 + " + std::string(250, 'c'),
        d + "92 x",
        d + "40 " + std::string(250, 't'),
        d + "62 bad\x01text",
        d + "102 \xff\xfe",
        d + "13 " + std::string(250, 'x')}) {
    Command(text);
  }
  // Offers, searches, listings by mail, reputation, accounts.
  for (const std::string& text : {std::string("CT 10"),
                                  std::string("CT 05"),
                                  std::string("CT 05 SALE\nitem CD"),
                                  std::string("CT 05 SALE\nitem: a\nitem: b"),
                                  std::string("CT 00 REPUTATION"),
                                  std::string("CT 06 case: lease"),
                                  std::string("CT 06 max: lots"),
                                  "CT 06" +
                                      [] {
                                        std::string words;
                                        for (int i = 0; i < 40; ++i)
                                          words += " w" + std::to_string(i);
                                        return words;
                                      }(),
                                  std::string("CT 06 \x01"),
                                  l,
                                  l + "09",
                                  l + "08",
                                  l + "13 now",
                                  l + "07 " + std::string(600, 'n'),
                                  std::string("CT 03"),
                                  "CT 03 " + std::string(100, '1'),
                                  std::string("CT 03 FR76\nfoo: bar"),
                                  std::string("CT 03 FR76\nbic: A\nbic: B"),
                                  std::string("CT 03 FR76\nname:"),
                                  "CT 03 FR76\nbic: " + std::string(70, 'B')}) {
    Command(text);
  }
  // Listing fields.
  Listing("sale", {});
  Listing("sale", {{"item", "CD"}});
  Listing("sale", {{"item", "CD"}, {"price", "0"}});
  Listing("sale", {{"item", "CD"}, {"price", "x"}});
  Listing("sale", {{"item", "CD"}, {"price", std::string(40, '9')}});
  Listing("sale", {{"item", "CD"}, {"price", "5"}, {"shipping", "-1"}});
  Listing("sale", {{"item", "CD"}, {"price", "5"}, {"delivery", "drone"}});
  Listing("sale", {{"item", "CD"}, {"price", "5"}, {"expires", "0"}});
  Listing("sale", {{"item", "CD"}, {"price", "5"}, {"colour", "red"}});
  Listing("sale", {{"item", std::string(300, 'i')}, {"price", "5"}});
  Listing("exchange", {{"give", "CD"}, {"value", "5"}});
  Listing("lease", {});
  // Offers (CT 10) against the shipped rules.
  const core::CaseRules& sale = testing::Sale();
  for (const auto& fields : std::vector<std::map<std::string, std::string>>{
           {{"item", "CD"}, {"price", "x"}},
           {{"item", "CD"}, {"price", "5"}, {"colour", "red"}},
           {{"item", "bad\ttext"}, {"price", "5"}}}) {
    Collect(core::OfferFromText({"sale", fields}, sale, "alice@example.test",
                                "EUR"),
            "CT 10 SALE");
  }
  // Deals the engine will not open: parties, delivery, trust terms.
  auto offer = [&] {
    core::Offer o;
    o.id = kDeal;
    o.emails = {{"seller", "alice@example.test"},
                {"buyer", "bob@example.test"}};
    o.terms = {{"price", core::Money::FromMinor(2500)}};
    o.texts = {{"item", "CD"}};
    return o;
  };
  std::vector<core::Offer> offers(8, offer());
  offers[0].emails["buyer"] = "alice@example.test";
  offers[1].delivery = "drone";
  offers[2].moderator = "bob@example.test";
  offers[3].referrer = "alice@example.test";
  offers[4].delivery = "digital";
  offers[5].delivery = "digital";
  offers[5].texts["sha256"] = "abc";
  offers[6].texts["sha256"] = std::string(64, 'a');
  offers[7].terms["price"] = core::Money();
  for (const core::Offer& o : offers) {
    Collect(core::NewDeal(sale, core::Policy{}, o, core::Time{}), "NewDeal");
  }
  // Payout accounts and BICs.
  for (const std::string& iban :
       {std::string(), std::string(40, '1'), std::string("FR76 !!"),
        std::string("1234"), std::string("XX76 3000 6000 0112"),
        std::string("FR76 3000 6000"),
        std::string("FR00 3000 6000 0112 3456 7890 189")}) {
    Collect(money::ParseIban(iban), "IBAN " + iban);
  }
  for (const char* bic : {"ABC", "1234FRPP", "BNPA-RPP"}) {
    Collect(money::ParseBic(bic), std::string("BIC ") + bic);
  }
  // What a listing's state forbids (core::WhyNot).
  core::Listing listing;
  listing.id = kListing;
  listing.lister = "alice@example.test";
  listing.expires = core::Time{} + std::chrono::hours(24);
  const core::ListingCommand interest{7, "", ""};
  const core::ListingCommand lock{8, "", "carol@example.test"};
  const core::ListingCommand withdraw{13, "", ""};
  auto why = [&](const core::ListingCommand& cmd, const std::string& sender,
                 bool interested, std::string_view state,
                 core::Time now = core::Time{}) {
    listing.state = std::string(state);
    listing.deal_id = state == "locked" ? kDeal : "";
    listing.locked_to = state == "locked" ? "bob@example.test" : "";
    const std::string reason =
        core::WhyNot(listing, cmd, sender, interested, now);
    EXPECT_FALSE(reason.empty()) << cmd.code << " " << state;
    reasons_.push_back(reason);
  };
  why(interest, "bob@example.test", false, "open",
      core::Time{} + std::chrono::hours(48));
  why(interest, "alice@example.test", false, "open");
  why(interest, "bob@example.test", false, "locked");
  why(interest, "bob@example.test", false, "withdrawn");
  why(interest, "bob@example.test", true, "open");
  why(lock, "bob@example.test", true, "open");
  why(lock, "alice@example.test", true, "locked");
  why(lock, "alice@example.test", true, "closed");
  why(lock, "alice@example.test", false, "open");
  // Built by the mail shell around the core (app/inbound/listing_commands.cpp,
  // app/accounts/accounts.cpp): the same sentences, with sample values.
  for (const std::string& reason :
       {std::string("lang: 'xx-yy' is not a language code"),
        std::string("you already have 20 open listings, the most one party "
                    "may have; withdraw one (CL-XXXXXXXX 13) first"),
        std::string("there is no listing CL-7K3QX9A2"),
        std::string("'bob@' is not an e-mail address"),
        std::string("buyer: 'bob@' is not an e-mail address"),
        std::string("'12AB' is neither an address nor a key fingerprint"),
        std::string("referrer: 'x' is not an address that can be paid"),
        std::string("moderator: 'x' is not one of the operator's moderators"),
        std::string("moderator: mod@example.test is not one of the operator's "
                    "moderators"),
        std::string("CT 10 lease: unknown case 'lease' (known: exchange, "
                    "sale)"),
        std::string("CT 05 lease: unknown case 'lease' (known: exchange, "
                    "sale)"),
        std::string("the operator reads listings with `cybertroc listings`"),
        std::string("the operator's own account is money.pay_to_iban in the "
                    "configuration"),
        std::string("the operator opens deals with `cybertroc open`"),
        std::string("name: at most 70 characters (this one has 80)")}) {
    reasons_.push_back(reason);
  }

  ASSERT_GT(reasons_.size(), 60u);
  for (const std::string& english : reasons_) {
    const std::string french = notify::TranslateReason(fr_, english);
    EXPECT_FALSE(french == english || LooksEnglish(french))
        << "no French for: " << english << "\n  got: " << french;
  }
}

// The addresses an offer, a listing lock or a reputation request names
// (core::OutsideAddress, core::NormalizeAddress): every reason a party can
// get for one, through the real functions, comes out French too.
TEST_F(ReasonLanguageTest, EveryAddressRefusalIsFrench) {
  const core::OwnAddresses own{"escrow@example.test", "operator@example.test"};
  const std::string inputs[] = {
      "",
      "bob",
      "bob@",
      "bob@example..test",
      "bob..smith@example.test",
      "bob@[127.0.0.1]",
      "\"bob smith\"@example.test",
      "\"\"@example.test",
      "Bob <bob@example.test>",
      "bob@example.test, carol@example.test",
      "bob@example.test (unclosed",
      "\"bob@example.test",
      "bob@[127.0.0.1",
      "bob\x01@example.test",
      std::string(65, 'b') + "@example.test",
      "escrow@example.test.",
      "\"operator\"@example.test",
  };
  for (const std::string& text : inputs) {
    for (const auto& [field, role] : {std::pair{"buyer", "a party of a deal"},
                                      std::pair{"referrer", "a referrer"},
                                      std::pair{"moderator", "a moderator"}}) {
      Collect(core::OutsideAddress(text, {field, role, false}, own),
              std::string(field) + ": " + text);
    }
  }
  Command(std::string(kListing) + " 08 bob@[127.0.0.1]");
  Command(std::string(kListing) + " 08 \"bob smith\"@example.test");
  Listing("sale", {{"item", "CD \u202E"}, {"price", "5"}});
  Listing("sale", {{"item", "CD"}, {"price", "5"}, {"tags", "\u2066x"}});
  ASSERT_GT(reasons_.size(), 50u);
  for (const std::string& english : reasons_) {
    const std::string french = notify::TranslateReason(fr_, english);
    EXPECT_FALSE(french == english || LooksEnglish(french))
        << "no French for: " << english << "\n  got: " << french;
  }
}

// How the phrasebook reads its patterns, on labels made here.
TEST(PhrasebookTest, PatternsValuesAndQuotes) {
  const notify::Labels labels = {
      {"msg.… (code …)", "… [code …]"},
      {"msg.unknown code …", "code inconnu : …"},
      {"msg.'…' is not a valid IBAN: …", "« … » : IBAN invalide, …"},
      {"msg.it is empty", "il est vide"},
      {"msg.a: b", "phrase connue"},
      {"msg.…: …", "… : …"},
      {"msg.name", "nom"},
  };
  using notify::TranslateReason;
  // A whole sentence, then the most specific of the patterns that fit.
  EXPECT_EQ(TranslateReason(labels, "it is empty"), "il est vide");
  EXPECT_EQ(TranslateReason(labels, "unknown code 55 (code 55)"),
            "code inconnu : 55 [code 55]");
  // Values are translated in turn, but never inside quotes: a quoted value
  // is the sender's text, even when it reads like a known sentence.
  EXPECT_EQ(TranslateReason(labels, "'a: b' is not a valid IBAN: it is empty"),
            "« a: b » : IBAN invalide, il est vide");
  EXPECT_EQ(TranslateReason(labels, "name: a: b"), "nom : phrase connue");
  // A value holding "…" stays a value; an unknown sentence stays English.
  EXPECT_EQ(TranslateReason(labels, "name: x… (code 7)"), "nom : x… [code 7]");
  EXPECT_EQ(TranslateReason(labels, "no such thing"), "no such thing");
  EXPECT_EQ(TranslateReason({}, "it is empty"), "it is empty");
}

}  // namespace
}  // namespace ct
