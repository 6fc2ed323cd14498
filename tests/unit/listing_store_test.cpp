// ListingRepo over a real SQLite (in memory): the row round trip, FTS5
// search (ranking, filters, escaping of hostile words), interests, the
// deals a listing opened, and the timer candidates of `tick`.
#include <gtest/gtest.h>

#include <set>

#include "store/database.h"
#include "store/listing_repo.h"

namespace ct::store {
namespace {

using core::Days;
using core::Listing;
using core::Money;

const core::Time kNow = core::Time(std::chrono::seconds(1800000000));

class ListingStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(":memory:");
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::make_unique<Database>(std::move(*db));
  }

  Listing Make(const std::string& id, const std::string& title, int64_t amount,
               const std::string& tags = "",
               const std::string& case_name = "sale") {
    Listing l;
    l.id = id;
    l.case_name = case_name;
    l.lister = "alice@example.org";
    l.title = title;
    l.tags = tags;
    l.wants = case_name == "sale" ? "" : "anything by Coltrane";
    l.amount = Money::FromMinor(amount);
    l.shipping = Money::FromMinor(500);
    l.lang = "en";
    l.created = kNow + std::chrono::seconds(++clock_);
    l.expires = kNow + Days(30);
    EXPECT_TRUE(repo().Insert(l));
    return l;
  }

  std::vector<std::string> Ids(const core::SearchQuery& q) {
    auto found = repo().Search(q, core::kMaxSearchResults, kNow);
    EXPECT_TRUE(found) << found.error().message;
    std::vector<std::string> ids;
    if (found)
      for (const auto& l : *found) ids.push_back(l.id);
    return ids;
  }

  ListingRepo repo() { return ListingRepo(*db_); }

  std::unique_ptr<Database> db_;
  int clock_ = 0;
};

TEST_F(ListingStoreTest, RoundTripAndUpdate) {
  Listing l = Make("CL-00000001", "Kind of Blue, CD", 2500, "jazz");
  auto loaded = repo().Load(l.id);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(*loaded, l);
  EXPECT_EQ(repo().Load("CL-99999999").error().kind, ErrorKind::kNotFound);
  l.state = core::kListingWithdrawn;
  l.reminded = true;
  ASSERT_TRUE(repo().Update(l));
  EXPECT_EQ(*repo().Load(l.id), l);
  // A locked listing must name its deal (CHECK), and the deal must exist.
  l.state = core::kListingLocked;
  EXPECT_FALSE(repo().Update(l));
  EXPECT_TRUE(*repo().Exists(l.id));
}

TEST_F(ListingStoreTest, SearchRanksFiltersAndFoldsAccents) {
  Make("CL-00000001", "Kind of Blue, CD, mint", 2500, "jazz miles");
  Make("CL-00000002", "Blue Train LP", 4000, "jazz coltrane");
  Make("CL-00000003", "Café racer helmet", 9000, "moto");
  Make("CL-00000004", "Blue bicycle", 1500, "", "exchange");
  EXPECT_EQ(Ids({{"kind", "blue"}, {}, ""}),
            std::vector<std::string>{"CL-00000001"});
  const auto blue = Ids({{"blue"}, {}, ""});
  EXPECT_EQ(blue.size(), 3u);
  const auto cheap = Ids({{"blue"}, Money::FromMinor(3000), ""});
  EXPECT_EQ(std::set<std::string>(cheap.begin(), cheap.end()),
            (std::set<std::string>{"CL-00000001", "CL-00000004"}));
  EXPECT_EQ(Ids({{"blue"}, {}, "exchange"}),
            std::vector<std::string>{"CL-00000004"});
  EXPECT_EQ(Ids({{"cafe"}, {}, ""}), std::vector<std::string>{"CL-00000003"});
  // A prefix, in the tags of one and in what the other wants.
  const auto coltrane = Ids({{"COLTR"}, {}, ""});
  EXPECT_EQ(std::set<std::string>(coltrane.begin(), coltrane.end()),
            (std::set<std::string>{"CL-00000002", "CL-00000004"}));
  EXPECT_EQ(Ids({{"wants:"}, {}, ""}).size(), 0u);
  // No words: the newest open listings.
  EXPECT_EQ(Ids({{}, {}, ""}).front(), "CL-00000004");
  // A better match ranks first: "blue" twice beats "blue" once.
  Make("CL-00000005", "Blue blue blue", 100, "blue");
  EXPECT_EQ(Ids({{"blue"}, {}, ""}).front(), "CL-00000005");
}

TEST_F(ListingStoreTest, OnlyOpenListingsAreFound) {
  Listing l = Make("CL-00000001", "Kind of Blue", 2500);
  // Past its date, not yet expired by tick: no longer found.
  EXPECT_TRUE(repo().Search({{"blue"}, {}, ""}, 20, l.expires)->empty());
  EXPECT_EQ(repo().Search({{"blue"}, {}, ""}, 20, kNow)->size(), 1u);
  l.state = core::kListingExpired;
  ASSERT_TRUE(repo().Update(l));
  EXPECT_TRUE(Ids({{"blue"}, {}, ""}).empty());
}

// Regression: search words that are FTS5 syntax or SQL are plain words.
TEST_F(ListingStoreTest, HostileSearchWordsAreNeverSyntax) {
  Make("CL-00000001", "Kind of Blue", 2500);
  for (const std::vector<std::string>& words :
       {std::vector<std::string>{"title:blue"},
        {"\"blue"},
        {"blue\""},
        {"NEAR(blue", "kind)"},
        {"blue", "OR", "x"},
        {"*"},
        {"-blue"},
        {"'", ";", "DROP", "TABLE", "listings", "--"},
        {"^blue"},
        {"{title}", ":", "blue"}}) {
    auto found = repo().Search({words, {}, ""}, 20, kNow);
    ASSERT_TRUE(found) << words.front() << ": " << found.error().message;
  }
  EXPECT_EQ(Ids({{"title:blue"}, {}, ""}).size(), 0u);       // no column filter
  EXPECT_EQ(Ids({{"blue", "OR", "x"}, {}, ""}).size(), 0u);  // OR is a word
  EXPECT_TRUE(*repo().Exists("CL-00000001"));
}

TEST_F(ListingStoreTest, InterestsOncePerAddress) {
  Make("CL-00000001", "Kind of Blue", 2500);
  ASSERT_TRUE(repo().AddInterest({"CL-00000001", "bob@x.org", "hi", kNow}));
  ASSERT_TRUE(repo().AddInterest({"CL-00000001", "carol@x.org", "", kNow}));
  auto again = repo().AddInterest({"CL-00000001", "BOB@x.org", "2", kNow});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::kInvalidInput);
  EXPECT_TRUE(*repo().IsInterested("CL-00000001", "Bob@X.org"));
  EXPECT_FALSE(*repo().IsInterested("CL-00000001", "dan@x.org"));
  auto all = repo().Interests("CL-00000001");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].note, "hi");
}

TEST_F(ListingStoreTest, CountActiveCountsOpenAndLocked) {
  Make("CL-00000001", "a", 100);
  Make("CL-00000002", "b", 100);
  Listing c = Make("CL-00000003", "c", 100);
  c.state = core::kListingWithdrawn;
  ASSERT_TRUE(repo().Update(c));
  EXPECT_EQ(*repo().CountActive("ALICE@example.org"), 2);
  EXPECT_EQ(*repo().CountActive("bob@example.org"), 0);
  EXPECT_EQ(repo().List(core::kListingOpen)->size(), 2u);
  EXPECT_EQ(repo().List("")->size(), 3u);
}

TEST_F(ListingStoreTest, TimerCandidates) {
  Listing soon = Make("CL-00000001", "a", 100);
  Listing later = Make("CL-00000002", "b", 100);
  soon.expires = kNow + Days(2);
  later.expires = kNow + Days(10);
  // expires is fixed at insert; re-insert under new ids with other dates.
  soon.id = "CL-00000003";
  later.id = "CL-00000004";
  ASSERT_TRUE(repo().Insert(soon));
  ASSERT_TRUE(repo().Insert(later));
  auto due = repo().TimerCandidates(kNow);
  ASSERT_TRUE(due);
  EXPECT_EQ(*due, std::vector<std::string>{"CL-00000003"});
  soon.reminded = true;
  ASSERT_TRUE(repo().Update(soon));
  EXPECT_TRUE(repo().TimerCandidates(kNow)->empty());
  EXPECT_EQ(*repo().TimerCandidates(kNow + Days(2)),
            std::vector<std::string>{"CL-00000003"});
}

}  // namespace
}  // namespace ct::store
