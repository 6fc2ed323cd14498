// The listing mails (templates/*/listing_*, search_results, interest_*)
// and the static catalogue (notify/catalogue_site.h), rendered without a mail
// server or a browser.
#include <gtest/gtest.h>

#include "notify/catalogue_site.h"
#include "notify/listing_context.h"
#include "notify/message_context.h"
#include "notify/render.h"
#include "notify/renderer.h"

namespace ct::notify {
namespace {

const std::string kSource = CT_TEST_SOURCE_DIR;

core::Listing Sale() {
  core::Listing l;
  l.id = "CL-7K3QX9A2";
  l.case_name = "sale";
  l.lister = "alice@example.org";
  l.title = "Kind of Blue <CD> & \"mint\"";
  l.tags = "jazz";
  l.amount = core::Money::FromMinor(2500);
  l.shipping = core::Money::FromMinor(500);
  l.created = core::Time(std::chrono::seconds(1800000000));
  l.expires = l.created + core::Days(30);
  return l;
}

TEST(ListingRenderTest, EveryListingTemplateChecksInEnglishAndFrench) {
  auto ok = CheckTemplates(kSource + "/templates", {"en", "fr"},
                           ListingTemplateNames());
  EXPECT_TRUE(ok) << ok.error().message;
}

TEST(ListingRenderTest, InterestNoticeNamesTheAddressAndTheLockLine) {
  Renderer renderer(kSource + "/templates", "en");
  const core::Listing l = Sale();
  for (const std::string note : {"Still there?", ""}) {
    ListingInput li;
    li.listing = &l;
    li.interested_email = "bob@example.org";
    li.interested_note = note;
    MessageInput in;
    in.listing_input = &li;
    auto msg = renderer.Render({"interest_notice"}, "en", in);
    ASSERT_TRUE(msg) << msg.error().message;
    EXPECT_EQ(msg->subject, "Someone is interested: " + l.id + " " + l.title);
    EXPECT_NE(msg->body.find("    CL-7K3QX9A2 08 bob@example.org\n"),
              std::string::npos)
        << msg->body;
    EXPECT_EQ(msg->body.find(".."), std::string::npos) << msg->body;
    EXPECT_EQ(msg->body.find("\n\n\n"), std::string::npos) << msg->body;
    EXPECT_EQ(msg->body.find(note + "\n") != std::string::npos, true);
  }
}

TEST(ListingRenderTest, SearchResultsGiveTheInterestLineInFrenchToo) {
  Renderer renderer(kSource + "/templates", "en");
  ListingInput li;
  li.results = {Sale()};
  li.search_text = "blue";
  MessageInput in;
  in.listing_input = &li;
  auto fr = renderer.Render({"search_results"}, "fr", in);
  ASSERT_TRUE(fr) << fr.error().message;
  EXPECT_EQ(fr->subject, "Résultats de recherche (1)");
  EXPECT_NE(fr->body.find("prix 25,00 EUR + port 5,00 EUR"), std::string::npos)
      << fr->body;
  EXPECT_NE(fr->body.find("intéressé ? envoyez :  CL-7K3QX9A2 07"),
            std::string::npos);
}

CatalogueInput Input(bool show_lister) {
  CatalogueInput in;
  in.listings = {Sale()};
  in.escrow_address = "escrow@example.org";
  in.show_lister = show_lister;
  in.now = core::Time(std::chrono::seconds(1800000000));
  return in;
}

std::string FileOf(const std::vector<CatalogueFile>& files,
                   const std::string& path) {
  for (const auto& f : files)
    if (f.path == path) return f.content;
  ADD_FAILURE() << path << " missing";
  return "";
}

TEST(CatalogueTest, PagesEscapeTextAndCarryTheInterestLine) {
  const auto files = BuildCatalogue(Input(false));
  const std::string index = FileOf(files, "index.html");
  EXPECT_NE(index.find("Kind of Blue &lt;CD&gt; &amp; &quot;mint&quot;"),
            std::string::npos);
  EXPECT_EQ(index.find("<CD>"), std::string::npos);
  EXPECT_NE(index.find("href=\"mailto:escrow@example.org?subject=CL-7K3QX9A2"
                       "&amp;body=CL-7K3QX9A2%2007\""),
            std::string::npos)
      << index;
  EXPECT_NE(index.find("data-amount=\"2500\""), std::string::npos);
  EXPECT_EQ(index.find("alice@example.org"), std::string::npos);
  EXPECT_NE(index.find("Content-Security-Policy"), std::string::npos);
  const std::string page = FileOf(files, "l/CL-7K3QX9A2.html");
  EXPECT_NE(page.find("../catalogue.css"), std::string::npos);
  EXPECT_EQ(page.find("alice@example.org"), std::string::npos);
  const std::string feed = FileOf(files, "feed.atom");
  EXPECT_NE(feed.find("<id>urn:cybertroc:listing:CL-7K3QX9A2</id>"),
            std::string::npos);
  EXPECT_NE(feed.find("<title>Kind of Blue &lt;CD&gt;"), std::string::npos);
  EXPECT_FALSE(FileOf(files, "catalogue.js").empty());
}

TEST(CatalogueTest, ListerShownOnlyWhenConfigured) {
  const auto files = BuildCatalogue(Input(true));
  EXPECT_NE(FileOf(files, "index.html").find("Listed by alice@example.org"),
            std::string::npos);
  EXPECT_NE(FileOf(files, "l/CL-7K3QX9A2.html").find("alice@example.org"),
            std::string::npos);
}

// The catalogue speaks templates.default_language: every word from the
// language's "catalogue." labels (the shipped French here), amounts with its
// decimal mark, the script's words as data attributes; outside text is
// still escaped, and a label's own text is escaped too.
TEST(CatalogueTest, InTheOperatorsLanguage) {
  CatalogueInput in = Input(true);
  in.lang = "fr";
  in.labels = Renderer(kSource + "/templates", "fr").Labels("fr");
  ASSERT_FALSE(in.labels.empty());
  const auto files = BuildCatalogue(in);
  const std::string index = FileOf(files, "index.html");
  for (const char* french :
       {"<html lang=\"fr\">", "<h1>Annonces ouvertes</h1>",
        "1 annonces, mises à jour le", "À vendre · 25,00 EUR + port 5,00 EUR",
        "Publiée par alice@example.org", "Je suis intéressé</a> : envoyez",
        "la ligne <code>CL-7K3QX9A2 07</code> à escrow@example.org",
        "data-shown=\"{} sur {} affichées\"", "Aucune annonce ne correspond.",
        "Kind of Blue &lt;CD&gt;"}) {
    EXPECT_NE(index.find(french), std::string::npos) << french << "\n" << index;
  }
  for (const char* english : {"Open listings", "For sale", "I am interested",
                              "Listed by", "of {} shown", "No listing"}) {
    EXPECT_EQ(index.find(english), std::string::npos) << english;
  }
  EXPECT_NE(
      FileOf(files, "l/CL-7K3QX9A2.html").find("Toutes les annonces ouvertes"),
      std::string::npos);
  EXPECT_NE(FileOf(files, "feed.atom")
                .find("Intéressé ? Envoyez, signé : "
                      "CL-7K3QX9A2 07"),
            std::string::npos);
  // A label is text, never markup; a wrong count of {} never fails.
  in.labels = {{"catalogue.title", "<b>Petites annonces</b>"},
               {"catalogue.count", "annonces : {} {} {}"}};
  const std::string odd = FileOf(BuildCatalogue(in), "index.html");
  EXPECT_NE(odd.find("<h1>&lt;b&gt;Petites annonces&lt;/b&gt;</h1>"),
            std::string::npos)
      << odd;
  EXPECT_NE(odd.find("annonces : 1 "), std::string::npos);
}

TEST(CatalogueTest, MailtoEncodesEverythingButTheAddress) {
  EXPECT_EQ(InterestMailto("escrow+x@example.org", "CL-7K3QX9A2"),
            "mailto:escrow%2Bx@example.org?subject=CL-7K3QX9A2&body=CL-"
            "7K3QX9A2%2007");
}

}  // namespace
}  // namespace ct::notify
