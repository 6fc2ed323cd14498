// The pure rules of listings (core/listing.h) and their command lines
// (core/grammar.h): fields, limits, search words, who may do what, and what
// a listing becomes when its deal ends.
#include "core/listing.h"

#include <gtest/gtest.h>

#include "core/grammar.h"
#include "rules/loader.h"

namespace ct::core {
namespace {

const std::string kSource = CT_TEST_SOURCE_DIR;
const Time kNow = Time(std::chrono::seconds(1800000000));

std::map<std::string, std::string> SaleFields() {
  return {{"item", "Kind of Blue, CD, mint"},
          {"price", "25,00 EUR"},
          {"shipping", "5.00"},
          {"delivery", "post"},
          {"lang", "fr"},
          {"tags", "jazz cd miles davis"}};
}

TEST(ListingTest, SaleFromFields) {
  auto l =
      ListingFromFields("sale", SaleFields(), "Alice@Example.org", "EUR", kNow);
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ(l->lister, "alice@example.org");
  EXPECT_EQ(l->title, "Kind of Blue, CD, mint");
  EXPECT_EQ(l->amount, Money::FromMinor(2500));
  EXPECT_EQ(l->shipping, Money::FromMinor(500));
  EXPECT_EQ(l->lang, "fr");
  EXPECT_EQ(l->state, kListingOpen);
  EXPECT_EQ(l->expires, kNow + Days(kListingDefaultDays));
  EXPECT_FALSE(l->reminded);
}

TEST(ListingTest, ExchangeNeedsGiveWantsAndValue) {
  std::map<std::string, std::string> f = {{"give", "Kind of Blue (CD)"},
                                          {"wants", "any Coltrane LP"},
                                          {"value", "20"},
                                          {"expires", "90"}};
  auto l = ListingFromFields("exchange", f, "alice@example.org", "EUR", kNow);
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ(l->wants, "any Coltrane LP");
  EXPECT_EQ(l->expires, kNow + Days(90));
  f.erase("wants");
  auto missing =
      ListingFromFields("exchange", f, "alice@example.org", "EUR", kNow);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "the wants is missing");
}

TEST(ListingTest, BadFieldsAreRefusedWithTheirName) {
  struct Case {
    std::string key, value, message_part;
  } cases[] = {
      {"expires", "91", "expires: a number of days from 1 to 90"},
      {"expires", "0", "expires"},
      {"price", "0", "the price must be more than zero"},
      {"price", "12 USD", "price:"},
      {"item", std::string(201, 'x'), "item: at most 200 characters"},
      {"item", "two\nlines", "item"},
      {"tags", "tab\there", "tags"},
      {"delivery", "drone", "delivery: post or hand"},
      {"buyer", "bob@example.org", "unknown field 'buyer'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.key + "=" + c.value);
    auto f = SaleFields();
    f[c.key] = c.value;
    auto l = ListingFromFields("sale", f, "alice@example.org", "EUR", kNow);
    ASSERT_FALSE(l);
    EXPECT_EQ(l.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(l.error().message.find(c.message_part), std::string::npos)
        << l.error().message;
  }
}

// Title, wants and tags are shown in mail and on the catalogue page: text
// direction controls are refused there, naming the field.
TEST(ListingTest, DirectionControlsAreRefusedInTitlesAndTags) {
  struct Case {
    std::string key, value;
  } cases[] = {
      {"item", "Kind of Blue \u202Egpj.exe"},
      {"tags", "jazz \u2066cd\u2069"},
      {"tags", "\u202Bmiles"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.key);
    auto f = SaleFields();
    f[c.key] = c.value;
    auto l = ListingFromFields("sale", f, "alice@example.org", "EUR", kNow);
    ASSERT_FALSE(l);
    EXPECT_EQ(l.error().kind, ErrorKind::kInvalidInput);
    EXPECT_EQ(l.error().message, c.key +
                                     ": text direction controls (U+202A to "
                                     "U+202E, U+2066 to U+2069) are not "
                                     "allowed");
  }
  std::map<std::string, std::string> f = {
      {"give", "LP \u202Dx"}, {"wants", "any Coltrane LP"}, {"value", "20"}};
  auto give =
      ListingFromFields("exchange", f, "alice@example.org", "EUR", kNow);
  ASSERT_FALSE(give);
  EXPECT_TRUE(give.error().message.starts_with("give: text direction"))
      << give.error().message;
  f["give"] = "LP";
  f["wants"] = "CD \u2067x";
  auto wants =
      ListingFromFields("exchange", f, "alice@example.org", "EUR", kNow);
  ASSERT_FALSE(wants);
  EXPECT_TRUE(wants.error().message.starts_with("wants: text direction"))
      << wants.error().message;
}

// "CL-… 08 EMAIL" names the interested person by any spelling of their
// address: it is read canonical, as the interests are stored.
TEST(ListingTest, LockReadsTheAddressCanonical) {
  for (const char* spelt :
       {"Bob@Example.org", "bob@example.org.", "\"bob\"@example.org"}) {
    auto cmd = ParseListingCommand(listing_code::kLock, spelt);
    ASSERT_TRUE(cmd) << spelt << ": " << cmd.error().message;
    EXPECT_EQ(cmd->email, "bob@example.org") << spelt;
  }
  auto literal = ParseListingCommand(listing_code::kLock, "bob@[127.0.0.1]");
  ASSERT_FALSE(literal);
  EXPECT_EQ(literal.error().message,
            "'bob@[127.0.0.1]' is not an e-mail address: address literals "
            "('[127.0.0.1]') are not supported");
}

TEST(ListingTest, ShortListingNeedsNoReminder) {
  auto f = SaleFields();
  f["expires"] = "3";
  auto l = ListingFromFields("sale", f, "alice@example.org", "EUR", kNow);
  ASSERT_TRUE(l);
  EXPECT_TRUE(l->reminded);
  EXPECT_FALSE(ExpiryReminderDue(*l, kNow + Days(1)));
}

TEST(ListingTest, OfferFromListingIsTheOfferACode10WouldMake) {
  auto book = rules::LoadDir(kSource + "/rules");
  ASSERT_TRUE(book) << book.error().message;
  auto l =
      ListingFromFields("sale", SaleFields(), "alice@example.org", "EUR", kNow);
  ASSERT_TRUE(l);
  const Offer offer = OfferFromListing(*l, **book->Find("sale"), "Bob@X.org");
  EXPECT_EQ(offer.emails.at("seller"), "alice@example.org");
  EXPECT_EQ(offer.emails.at("buyer"), "bob@x.org");
  EXPECT_EQ(offer.texts.at("item"), "Kind of Blue, CD, mint");
  EXPECT_EQ(offer.terms.at("price"), Money::FromMinor(2500));
  EXPECT_EQ(offer.terms.at("shipping"), Money::FromMinor(500));
  std::map<std::string, std::string> f = {{"give", "Kind of Blue (CD)"},
                                          {"wants", "A Love Supreme"},
                                          {"value", "20"},
                                          {"delivery", "hand"}};
  auto x = ListingFromFields("exchange", f, "alice@example.org", "EUR", kNow);
  ASSERT_TRUE(x);
  const Offer swap = OfferFromListing(*x, **book->Find("exchange"), "b@x.org");
  EXPECT_EQ(swap.emails.at("a"), "alice@example.org");
  EXPECT_EQ(swap.emails.at("b"), "b@x.org");
  EXPECT_EQ(swap.texts.at("take"), "A Love Supreme");
  EXPECT_EQ(swap.delivery, "hand");
}

TEST(ListingTest, SearchReadsWordsAndFilters) {
  auto q = ParseSearch("kind of BLUE max: 30,50 case: Sale", "EUR");
  ASSERT_TRUE(q) << q.error().message;
  EXPECT_EQ(q->words, (std::vector<std::string>{"kind", "of", "BLUE"}));
  EXPECT_EQ(q->max, Money::FromMinor(3050));
  EXPECT_EQ(q->case_name, "sale");
  auto glued = ParseSearch("vinyl max:12 case:exchange", "EUR");
  ASSERT_TRUE(glued);
  EXPECT_EQ(glued->max, Money::FromMinor(1200));
  EXPECT_EQ(glued->case_name, "exchange");
  EXPECT_FALSE(ParseSearch("x case: rent", "EUR"));
  EXPECT_FALSE(ParseSearch("x max: lots", "EUR"));
  EXPECT_FALSE(ParseSearch("a b c d e f g h i j k", "EUR"));
  EXPECT_FALSE(ParseSearch(std::string(201, 'a'), "EUR"));
}

// Search words are never FTS5 operators, column filters or SQL.
TEST(ListingTest, SearchWordsAreEscapedForFts5) {
  EXPECT_EQ(FtsQuery({"blue", "cd"}), R"("blue"* AND "cd"*)");
  EXPECT_EQ(FtsQuery({"title:x", "OR", "NEAR(a"}),
            R"("title:x"* AND "OR"* AND "NEAR(a"*)");
  EXPECT_EQ(FtsQuery({"say\"hi"}), R"("say""hi"*)");
  EXPECT_EQ(FtsQuery({"');", "DROP", "TABLE", "listings;--"}),
            R"("DROP"* AND "TABLE"* AND "listings;--"*)");
  EXPECT_EQ(FtsQuery({"*", "--", "\"\""}), "");
  EXPECT_EQ(FtsQuery({"café"}), "\"café\"*");
}

TEST(ListingTest, GrammarReadsListingLines) {
  auto post = ParseCommandText(
      "CT 05 SALE\nitem: Kind of Blue\nprice: 25\n\nthanks\n", "EUR");
  ASSERT_TRUE(post) << post.error().message;
  EXPECT_EQ(post->kind, Parsed::Kind::kListing);
  EXPECT_EQ(post->offer.case_name, "sale");
  EXPECT_EQ(post->offer.fields.at("item"), "Kind of Blue");
  auto search = ParseCommandText("Hello\nct 06 blue max: 30\n", "EUR");
  ASSERT_TRUE(search) << search.error().message;
  EXPECT_EQ(search->kind, Parsed::Kind::kSearch);
  EXPECT_EQ(search->search.words, std::vector<std::string>{"blue"});
  auto interest = ParseCommandText("cl-7k3qx9a2 07 Still there? Thanks", "EUR");
  ASSERT_TRUE(interest) << interest.error().message;
  EXPECT_EQ(interest->kind, Parsed::Kind::kListingCommand);
  EXPECT_EQ(interest->listing_id, "CL-7K3QX9A2");
  EXPECT_EQ(interest->listing_command.text, "Still there? Thanks");
  auto lock = ParseCommandText("CL-7K3QX9A2 08 Bob@Example.org", "EUR");
  ASSERT_TRUE(lock);
  EXPECT_EQ(lock->listing_command.email, "bob@example.org");
  EXPECT_FALSE(ParseCommandText("CL-7K3QX9A2 08", "EUR"));
  EXPECT_FALSE(ParseCommandText("CL-7K3QX9A2 13 now", "EUR"));
  EXPECT_FALSE(ParseCommandText("CL-7K3QX9A2 61", "EUR"));
  auto rent = ParseCommandText("CT 05 RENT\nitem: flat\n", "EUR");
  ASSERT_TRUE(rent);  // the case is checked with the fields
  EXPECT_FALSE(ListingFromFields(rent->offer.case_name, rent->offer.fields,
                                 "alice@example.org", "EUR", kNow));
  auto two = ParseCommandText("CT 06 blue\nCL-7K3QX9A2 07\n", "EUR");
  ASSERT_FALSE(two);
  EXPECT_NE(two.error().message.find("ambiguous"), std::string::npos);
  auto quoted = ParseCommandText("> CL-7K3QX9A2 13\nCT 06 jazz\n", "EUR");
  ASSERT_TRUE(quoted);
  EXPECT_EQ(quoted->kind, Parsed::Kind::kSearch);
}

Listing Open() {
  Listing l;
  l.id = "CL-7K3QX9A2";
  l.case_name = "sale";
  l.lister = "alice@example.org";
  l.expires = kNow + Days(10);
  return l;
}

TEST(ListingTest, WhoMayDoWhat) {
  Listing l = Open();
  const ListingCommand interest{listing_code::kInterest, "", ""};
  const ListingCommand lock{listing_code::kLock, "", "bob@example.org"};
  const ListingCommand withdraw{listing_code::kWithdraw, "", ""};
  EXPECT_EQ(WhyNot(l, interest, "bob@example.org", false, kNow), "");
  EXPECT_NE(WhyNot(l, interest, "bob@example.org", true, kNow), "");
  EXPECT_NE(WhyNot(l, interest, "alice@example.org", false, kNow), "");
  EXPECT_NE(WhyNot(l, lock, "bob@example.org", true, kNow),
            "");  // not the lister
  EXPECT_NE(WhyNot(l, lock, "alice@example.org", false, kNow),
            "");  // not interested
  EXPECT_EQ(WhyNot(l, lock, "ALICE@example.org", true, kNow), "");
  EXPECT_EQ(WhyNot(l, withdraw, "alice@example.org", false, kNow), "");
  EXPECT_NE(WhyNot(l, withdraw, "carol@example.org", false, kNow), "");
  l.state = kListingLocked;
  l.deal_id = "CT-AAAAAAAA";
  l.locked_to = "bob@example.org";
  EXPECT_NE(WhyNot(l, interest, "carol@example.org", false, kNow).find("taken"),
            std::string::npos);
  EXPECT_NE(WhyNot(l, withdraw, "alice@example.org", false, kNow)
                .find("CT-AAAAAAAA 13"),
            std::string::npos);
  l.state = kListingWithdrawn;
  EXPECT_NE(WhyNot(l, lock, "alice@example.org", true, kNow), "");
  // Past its date, before tick expired it: over, but it may be withdrawn.
  l = Open();
  EXPECT_NE(WhyNot(l, interest, "bob@example.org", false, l.expires)
                .find("has expired"),
            std::string::npos);
  EXPECT_NE(WhyNot(l, lock, "alice@example.org", true, l.expires), "");
  EXPECT_EQ(WhyNot(l, withdraw, "alice@example.org", false, l.expires), "");
}

TEST(ListingTest, AfterItsDealAListingClosesReopensOrExpires) {
  Listing l = Open();
  EXPECT_EQ(StateAfterDeal(l, true, kNow), kListingClosed);
  EXPECT_EQ(StateAfterDeal(l, false, kNow), kListingOpen);
  EXPECT_EQ(StateAfterDeal(l, false, l.expires), kListingExpired);
  EXPECT_EQ(StateAfterDeal(l, true, l.expires), kListingClosed);
}

TEST(ListingTest, ExpiryAndReminderTimes) {
  Listing l = Open();
  EXPECT_FALSE(
      ExpiryReminderDue(l, l.expires - Days(3) - std::chrono::seconds(1)));
  EXPECT_TRUE(ExpiryReminderDue(l, l.expires - Days(3)));
  EXPECT_FALSE(ExpiryDue(l, l.expires - std::chrono::seconds(1)));
  EXPECT_TRUE(ExpiryDue(l, l.expires));
  EXPECT_FALSE(ExpiryReminderDue(l, l.expires));  // expiry, not a reminder
  l.reminded = true;
  EXPECT_FALSE(ExpiryReminderDue(l, l.expires - Days(1)));
  l.state = kListingLocked;  // a locked listing waits for its deal
  EXPECT_FALSE(ExpiryDue(l, l.expires + Days(1)));
}

TEST(ListingTest, IdsAndLines) {
  EXPECT_EQ(NormalizeListingId("cl-7k3qx9a2"), "CL-7K3QX9A2");
  EXPECT_EQ(NormalizeListingId("CL-OIL00000"), "CL-01100000");
  EXPECT_FALSE(NormalizeListingId("CT-7K3QX9A2"));
  EXPECT_FALSE(NormalizeListingId("CL-7K3QX9AU"));
  EXPECT_EQ(InterestLine("CL-7K3QX9A2"), "CL-7K3QX9A2 07");
}

}  // namespace
}  // namespace ct::core
