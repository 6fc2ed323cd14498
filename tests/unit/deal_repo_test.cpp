// DealRepo: deals, their parties and texts, listing and timer candidates.
#include "store/deal_repo.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/database.h"
#include "store/deal_list.h"
#include "store/records.h"
#include "store/schema.h"
#include "store_fixture.h"

namespace ct::store {
namespace {

using namespace fixture;  // NOLINT: the fixture is the tests' vocabulary

TEST_F(StoreTest, DealRoundTripsExactly) {
  struct Case {
    const char* name;
    void (*tweak)(core::Deal&);
  };
  const std::vector<Case> cases = {
      {"every field", [](core::Deal&) {}},
      {"no deadline", [](core::Deal& d) { d.deadline.reset(); }},
      {"no proposal", [](core::Deal& d) { d.proposal.reset(); }},
      {"empty proposal", [](core::Deal& d) { d.proposal->split.clear(); }},
      {"no marks, no texts",
       [](core::Deal& d) {
         d.texts.clear();
         for (auto& p : d.parties) p.marks.clear();
       }},
      {"exchange, unfunded",
       [](core::Deal& d) {
         d.case_name = "exchange";
         d.funded = false;
         d.parties[0].role = "a";
         d.parties[1].role = "b";
         std::swap(d.parties[0], d.parties[1]);  // order is kept as given
       }},
  };
  int n = 0;
  for (const Case& c : cases) {
    core::Deal deal = MakeDeal("CT-0000000" + std::to_string(n++), kT0);
    c.tweak(deal);
    InsertDeal(deal);
    Result<core::Deal> loaded = DealRepo(db()).Load(deal.id);
    ASSERT_TRUE(loaded) << c.name << ": " << loaded.error().message;
    EXPECT_TRUE(*loaded == deal) << c.name;
  }
}

TEST_F(StoreTest, UnknownDealIsNotFound) {
  DealRepo deals(db());
  Result<core::Deal> loaded = deals.Load("CT-7K3QX9A2");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(loaded.error().message, "unknown deal CT-7K3QX9A2");
  Result<void> updated = deals.Update(MakeDeal("CT-7K3QX9A2", kT0));
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().kind, ErrorKind::kNotFound);
}

TEST_F(StoreTest, UpdateReplacesChildRows) {
  core::Deal deal = MakeDeal("CT-AAAAAAAA", kT0);
  InsertDeal(deal);
  deal.state = "completed";
  deal.deadline.reset();
  deal.proposal.reset();
  deal.texts.erase("tracking");
  deal.amounts["franchise"] = Cents(250);
  deal.parties.pop_back();
  deal.parties[0].email = "carol@example.org";
  deal.parties[0].marks = {"returned"};
  ASSERT_TRUE(DealRepo(db()).Update(deal));
  Result<core::Deal> loaded = DealRepo(db()).Load(deal.id);
  ASSERT_TRUE(loaded);
  EXPECT_TRUE(*loaded == deal);
}

TEST_F(StoreTest, UnstorableMarkIsRefused) {
  core::Deal deal = MakeDeal("CT-AAAAAAAA", kT0);
  deal.parties[0].marks = {"a,b"};
  EXPECT_FALSE(DealRepo(db()).Insert(deal));
}

TEST_F(StoreTest, ListFilters) {
  core::Deal a = MakeDeal("CT-AAAAAAAA", kT0 + 2);  // deadline kT0 + 7 days
  core::Deal b = MakeDeal("CT-BBBBBBBB", kT0 + 1);
  b.state = "offered";
  b.parties[1].email = "dave@example.org";
  b.deadline = At(kT0 + 2 * kDay);
  core::Deal c = MakeDeal("CT-CCCCCCCC", kT0 + 1);
  c.state = "completed";
  c.deadline.reset();
  for (const core::Deal* d : {&a, &b, &c}) InsertDeal(*d);

  struct Case {
    DealFilter filter;
    std::vector<std::string> want;
  };
  const Time now = At(kT0 + 3 * kDay);
  const std::vector<Case> cases = {
      {{}, {"CT-BBBBBBBB", "CT-CCCCCCCC", "CT-AAAAAAAA"}},  // created, id
      {{"offered", "", false, now, "", 0}, {"CT-BBBBBBBB"}},
      {{"", "BOB@Example.org", false, now, "", 0},
       {"CT-CCCCCCCC", "CT-AAAAAAAA"}},
      {{"", "dave@example.org", false, now, "", 0}, {"CT-BBBBBBBB"}},
      {{"", "", true, now, "", 0}, {"CT-BBBBBBBB"}},
      {{"", "", true, At(kT0 + 30 * kDay), "", 0},
       {"CT-BBBBBBBB", "CT-AAAAAAAA"}},
      {{"funded", "alice@example.org", true, now, "", 0}, {}},
      {{"nosuchstate", "", false, now, "", 0}, {}},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    Result<std::vector<DealSummary>> got = DealRepo(db()).List(cases[i].filter);
    ASSERT_TRUE(got) << got.error().message;
    std::vector<std::string> ids;
    for (const DealSummary& d : *got) ids.push_back(d.id);
    EXPECT_EQ(ids, cases[i].want) << "case " << i;
  }
}

TEST_F(StoreTest, TimerCandidates) {
  core::Deal a = MakeDeal("CT-AAAAAAAA", kT0);
  a.deadline = At(kT0 + 10 * kDay);
  core::Deal b = MakeDeal("CT-BBBBBBBB", kT0);
  b.deadline = At(kT0 + 5 * kDay);
  core::Deal c = MakeDeal("CT-CCCCCCCC", kT0);
  c.deadline.reset();
  for (const core::Deal* d : {&a, &b, &c}) InsertDeal(*d);

  struct Case {
    int64_t now;
    std::vector<std::string> want;
  };
  // MakeDeal's 7-day reminder went out (reminders_fired = 1): the 1-day one
  // is next.
  for (const Case& t : std::vector<Case>{
           {kT0 - 3 * kDay, {}},
           {kT0 + 4 * kDay - 1, {}},
           {kT0 + 4 * kDay, {"CT-BBBBBBBB"}},  // B's 1-day reminder is due
           {kT0 + 9 * kDay, {"CT-BBBBBBBB", "CT-AAAAAAAA"}},  // B's deadline
       }) {
    Result<std::vector<std::string>> ids =
        DealRepo(db()).TimerCandidates(At(t.now), {7, 1});
    ASSERT_TRUE(ids);
    EXPECT_EQ(*ids, t.want) << "now " << t.now;
  }
}

}  // namespace
}  // namespace ct::store
