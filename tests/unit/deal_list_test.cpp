// DealRepo::List at scale (a million deals): keyset pages in (created, id)
// order that skip and repeat nothing whatever the filters, and a first page
// that reads a page of rows, not the table.
#include "store/deal_list.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <strings.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "core/engine.h"
#include "sqlite_steps.h"
#include "store/database.h"
#include "store/deal_repo.h"
#include "store/schema.h"
#include "store/statement.h"
#include "store/transaction.h"

namespace ct::store {
namespace {

using core::Money;
using core::Time;

constexpr int64_t kDay = 86400;
constexpr int64_t kT0 = 1800000000;  // 2027-01-15T08:00:00Z

Time At(int64_t seconds) { return Time(std::chrono::seconds(seconds)); }

// Ids in the product's format, deliberately not in creation order.
std::string IdOf(int i) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  uint64_t x = (static_cast<uint64_t>(i) * 2654435761u + 977) & 0xFFFFFFFFFFu;
  std::string id = "CT-";
  for (int shift = 35; shift >= 0; shift -= 5)
    id += kAlphabet[(x >> shift) & 31];
  return id;
}

// Deal i: creation times collide in threes (the id breaks the tie), states,
// parties and deadlines vary with i.
core::Deal MakeDeal(int i) {
  core::Deal deal;
  deal.id = IdOf(i);
  deal.case_name = "sale";
  deal.state = i % 3 == 0 ? "funded" : (i % 3 == 1 ? "shipped" : "completed");
  deal.lang = "en";
  deal.delivery = "post";
  deal.texts = {{"item", "CD #" + std::to_string(i)}};
  deal.amounts = {{"price", Money::FromMinor(1000 + i)}};
  const std::string seller =
      i % 4 == 0 ? "alice@example.org" : "s" + std::to_string(i) + "@x.org";
  const std::string buyer =
      i % 5 == 0 ? "bob@example.org" : "b" + std::to_string(i) + "@x.org";
  deal.parties = {
      {"seller",
       seller,
       Money::FromMinor(100),
       {},
       Money::FromMinor(100),
       {},
       0},
      {"buyer", buyer, Money::FromMinor(200), {}, Money::FromMinor(200), {}, 0},
  };
  deal.funded = true;
  deal.paid_in = Money::FromMinor(300 + i);
  deal.paid_out = Money::FromMinor(i % 7);
  deal.created = At(kT0 + (i / 3) * 60);
  deal.state_entered = deal.created;
  if (deal.state != "completed") deal.deadline = At(kT0 + (i % 11) * kDay);
  return deal;
}

class DealListTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Database> db = Database::Open(":memory:");
    ASSERT_TRUE(db) << db.error().message;
    db_.emplace(std::move(*db));
  }
  Database& db() { return *db_; }

  void InsertDeals(int count) {
    Result<Transaction> tx = Transaction::Begin(db());
    ASSERT_TRUE(tx);
    for (int i = 0; i < count; ++i) {
      core::Deal deal = MakeDeal(i);
      ASSERT_TRUE(DealRepo(db()).Insert(deal)) << i;
      deals_.push_back(std::move(deal));
    }
    ASSERT_TRUE(tx->Commit());
  }

  // What List(filter) must return, computed without SQL.
  std::vector<std::string> Expected(const DealFilter& filter) const {
    std::vector<const core::Deal*> match;
    for (const core::Deal& d : deals_) {
      if (!filter.state.empty() && d.state != filter.state) continue;
      if (filter.overdue && !(d.deadline && *d.deadline < filter.now)) continue;
      if (!filter.party.empty() &&
          std::none_of(d.parties.begin(), d.parties.end(), [&](auto& p) {
            return strcasecmp(p.email.c_str(), filter.party.c_str()) == 0;
          })) {
        continue;
      }
      match.push_back(&d);
    }
    std::sort(match.begin(), match.end(), [](auto* a, auto* b) {
      return std::tie(a->created, a->id) < std::tie(b->created, b->id);
    });
    std::vector<std::string> ids;
    for (const core::Deal* d : match) ids.push_back(d->id);
    return ids;
  }

  std::vector<std::string> Ids(const DealFilter& filter) {
    Result<std::vector<DealSummary>> page = DealRepo(db()).List(filter);
    EXPECT_TRUE(page) << page.error().message;
    std::vector<std::string> ids;
    if (page) {
      for (const DealSummary& d : *page) ids.push_back(d.id);
    }
    return ids;
  }

  std::optional<Database> db_;
  std::vector<core::Deal> deals_;
};

std::vector<DealFilter> EveryFilter() {
  std::vector<DealFilter> filters;
  for (const char* state : {"", "funded", "shipped"}) {
    for (const char* party : {"", "alice@example.org", "BOB@Example.ORG"}) {
      for (bool overdue : {false, true}) {
        filters.push_back({state, party, overdue, At(kT0 + 5 * kDay), "", 0});
      }
    }
  }
  return filters;
}

std::string Describe(const DealFilter& f) {
  return "state='" + f.state + "' party='" + f.party +
         "' overdue=" + (f.overdue ? "1" : "0") +
         " limit=" + std::to_string(f.limit);
}

TEST_F(DealListTest, PagesSkipAndRepeatNothingWhateverTheFilters) {
  InsertDeals(90);
  for (DealFilter filter : EveryFilter()) {
    const std::vector<std::string> want = Expected(filter);
    EXPECT_EQ(Ids(filter), want) << Describe(filter);
    for (size_t limit : {1u, 2u, 7u, 30u}) {
      filter.limit = limit;
      filter.after.clear();
      std::vector<std::string> paged;
      for (int pages = 0; pages <= 100; ++pages) {
        std::vector<std::string> page = Ids(filter);
        ASSERT_LE(page.size(), limit) << Describe(filter);
        paged.insert(paged.end(), page.begin(), page.end());
        if (page.size() < limit) break;
        filter.after = page.back();
      }
      EXPECT_EQ(paged, want) << Describe(filter);
    }
  }
}

TEST_F(DealListTest, ALineCarriesWhatTheListShows) {
  InsertDeals(6);
  DealFilter filter;
  filter.party = "b4@x.org";
  Result<std::vector<DealSummary>> got = DealRepo(db()).List(filter);
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_EQ(got->size(), 1u);
  const DealSummary& line = got->front();
  const core::Deal& deal = deals_[4];
  EXPECT_EQ(line.id, deal.id);
  EXPECT_EQ(line.case_name, "sale");
  EXPECT_EQ(line.state, deal.state);
  EXPECT_EQ(line.created, deal.created);
  EXPECT_EQ(line.deadline, deal.deadline);
  EXPECT_EQ(line.held, deal.Held());
}

TEST_F(DealListTest, AfterAnUnknownDealIsNotFound) {
  InsertDeals(3);
  DealFilter filter;
  filter.after = "CT-00000000";
  Result<std::vector<DealSummary>> got = DealRepo(db()).List(filter);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, ErrorKind::kNotFound);
}

// A deal made while someone pages comes after the page they are on: its
// creation time is the newest.
TEST_F(DealListTest, ADealCreatedWhilePagingComesOnALaterPage) {
  InsertDeals(10);
  DealFilter filter;
  filter.limit = 4;
  std::vector<std::string> first = Ids(filter);
  core::Deal late = MakeDeal(1000);
  late.created = At(kT0 + kDay);
  ASSERT_TRUE(DealRepo(db()).Insert(late));
  deals_.push_back(late);
  filter.after = first.back();
  filter.limit = 0;
  std::vector<std::string> rest = Ids(filter);
  first.insert(first.end(), rest.begin(), rest.end());
  EXPECT_EQ(first, Expected(DealFilter{}));
  EXPECT_EQ(first.back(), late.id);
}

// A party's list follows Update: parties are rewritten with the deal's
// creation time, which orders that party's pages.
TEST_F(DealListTest, UpdateKeepsThePartyPagesInOrder) {
  InsertDeals(12);
  core::Deal moved = deals_[1];
  moved.parties[0].email = "alice@example.org";
  ASSERT_TRUE(DealRepo(db()).Update(moved));
  deals_[1] = moved;
  DealFilter filter;
  filter.party = "alice@example.org";
  filter.limit = 2;
  std::vector<std::string> paged;
  for (;;) {
    std::vector<std::string> page = Ids(filter);
    paged.insert(paged.end(), page.begin(), page.end());
    if (page.size() < filter.limit) break;
    filter.after = page.back();
  }
  filter.after.clear();
  filter.limit = 0;
  EXPECT_EQ(paged, Expected(filter));
  EXPECT_NE(std::find(paged.begin(), paged.end(), moved.id), paged.end());
}

// tick reads only the deals that have a timer due: exactly those for which
// core::DueTimer answers, for any reminder policy, at any time.
TEST_F(DealListTest, TimerCandidatesAreTheDealsWithATimerDue) {
  InsertDeals(40);
  Result<Transaction> tx = Transaction::Begin(db());
  ASSERT_TRUE(tx);
  for (size_t i = 0; i < deals_.size(); ++i) {
    core::Deal& deal = deals_[i];
    if (deal.deadline) deal.deadline = At(kT0 + (i % 20) * kDay / 2);
    deal.reminders_fired = static_cast<int>(i % 4);
    ASSERT_TRUE(DealRepo(db()).Update(deal));
  }
  ASSERT_TRUE(tx->Commit());
  for (const std::vector<int>& days :
       std::vector<std::vector<int>>{{7, 1}, {1, 7}, {3}, {}, {10, 5, 2}}) {
    core::Policy policy;
    policy.deadlines.reminder_days = days;
    for (int64_t now = kT0 - 11 * kDay; now <= kT0 + 11 * kDay;
         now += kDay / 4) {
      std::vector<const core::Deal*> due;
      for (const core::Deal& d : deals_) {
        if (core::DueTimer(policy, d, At(now))) due.push_back(&d);
      }
      std::sort(due.begin(), due.end(), [](auto* a, auto* b) {
        return std::tie(*a->deadline, a->id) < std::tie(*b->deadline, b->id);
      });
      std::vector<std::string> want;
      for (const core::Deal* d : due) want.push_back(d->id);
      Result<std::vector<std::string>> got =
          DealRepo(db()).TimerCandidates(At(now), days);
      ASSERT_TRUE(got) << got.error().message;
      EXPECT_EQ(*got, want)
          << "now " << now << ", " << days.size() << " reminders";
    }
  }
}

// The regression this pins: `list --party` read every deal (5.5 s at a
// million). Each first page (and a page after a cursor) must read about a
// page of rows, whatever the number of deals: far fewer steps than deals.
TEST_F(DealListTest, APageReadsAPageNotTheTable) {
  constexpr int kDeals = 3000;
  InsertDeals(kDeals);
  for (DealFilter filter : EveryFilter()) {
    // Nothing overdue, as in a healthy system: tick fires deadlines.
    filter.now = At(kT0 - kDay);
    filter.limit = 10;
    for (const std::string& after : {std::string(), IdOf(kDeals / 2)}) {
      filter.after = after;
      ct::testing::SqliteSteps counter(db());
      Result<std::vector<DealSummary>> page = DealRepo(db()).List(filter);
      ASSERT_TRUE(page) << page.error().message;
      // An unfiltered list walks deals_created from its start: a scan,
      // but of one page.
      EXPECT_LE(counter.fullscan_steps, 10) << Describe(filter);
      // A scan would take several steps per deal; a page of 10 about 40
      // each. The party filters below match 750 and 600 deals.
      EXPECT_LT(counter.vm_steps, 1000)
          << Describe(filter) << " after '" << after << "'";
    }
  }
}

// v3 adds parties.deal_created: a database made before must get it filled
// from its deals, so that its old deals list in order.
TEST(DealListMigrationTest, PartiesOfOldDealsGetTheirCreationTime) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("ct-deal-list-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "ct.db").string();
  {
    Result<Database> db = Database::Open(path);
    ASSERT_TRUE(db) << db.error().message;
    ASSERT_TRUE(DealRepo(*db).Insert(MakeDeal(0)));
    ASSERT_TRUE(DealRepo(*db).Insert(MakeDeal(4)));  // a minute younger
    // Back to what a v2 database holds: no copy of the creation time, and
    // none of the later migrations' tables (the money tables).
    ASSERT_TRUE(db->Exec(
        "DROP TABLE IF EXISTS outbox_attachments; "
        "DROP TABLE IF EXISTS bank_entries; "
        "DROP TABLE IF EXISTS payout_accounts; "
        "DROP INDEX parties_email_created; DROP INDEX deals_created; "
        "DROP INDEX deals_state_created; DROP INDEX deals_timer; "
        "DROP INDEX outbox_queued; "
        "ALTER TABLE parties DROP COLUMN deal_created; "
        "CREATE INDEX parties_email ON parties(email); "
        "CREATE INDEX deals_state ON deals(state); PRAGMA user_version = 2;"));
  }
  {
    Result<Database> db = Database::Open(path);
    ASSERT_TRUE(db) << db.error().message;
    EXPECT_EQ(*db->UserVersion(), internal::LatestSchemaVersion());
    DealFilter filter;
    filter.party = "alice@example.org";
    filter.limit = 1;
    Result<std::vector<DealSummary>> first = DealRepo(*db).List(filter);
    ASSERT_TRUE(first && first->size() == 1u);
    EXPECT_EQ(first->front().id, IdOf(0));
    filter.after = IdOf(0);
    Result<std::vector<DealSummary>> second = DealRepo(*db).List(filter);
    ASSERT_TRUE(second && second->size() == 1u);
    EXPECT_EQ(second->front().id, IdOf(4));
    Result<Statement> stale = db->Prepare(
        "SELECT count(*) FROM parties JOIN deals ON deals.id = deal_id "
        "WHERE deal_created <> deals.created");
    ASSERT_TRUE(stale && stale->Step().value_or(false));
    EXPECT_EQ(stale->ColumnInt(0), 0);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ct::store
