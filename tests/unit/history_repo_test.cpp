// HistoryRepo: the append-only events and ledger of a deal, and timers
// that fire once.
#include "store/history_repo.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/database.h"
#include "store/records.h"
#include "store/schema.h"
#include "store_fixture.h"

namespace ct::store {
namespace {

using namespace fixture;  // NOLINT: the fixture is the tests' vocabulary

EventRecord MakeEvent(const std::string& deal_id, int code) {
  return EventRecord{0,          deal_id,           At(kT0 + code), code,
                     "buyer",    "bob@example.org", "shipped",      "completed",
                     code == 62, "détail\nligne 2", "<m1@x>"};
}

LedgerRecord Entry(const std::string& deal_id, const std::string& kind,
                   int64_t minor) {
  LedgerRecord entry;
  entry.deal_id = deal_id;
  entry.at = At(kT0);
  entry.kind = kind;
  entry.role = kind == "commission" ? "operator" : "buyer";
  entry.amount = Cents(minor);
  entry.reason = kind;
  return entry;
}

TEST_F(StoreTest, EventsAndLedgerRoundTripInOrder) {
  InsertDeal(MakeDeal("CT-AAAAAAAA", kT0));
  HistoryRepo history(db());
  std::vector<EventRecord> events = {MakeEvent("CT-AAAAAAAA", 61),
                                     MakeEvent("CT-AAAAAAAA", 21),
                                     MakeEvent("CT-AAAAAAAA", 62)};
  for (EventRecord& e : events) {
    Result<int64_t> id = history.AppendEvent(e);
    ASSERT_TRUE(id) << id.error().message;
    e.id = *id;
  }
  Result<std::vector<EventRecord>> got = history.Events("CT-AAAAAAAA");
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ((*got)[i].id, events[i].id);
    EXPECT_EQ((*got)[i].code, events[i].code);
    EXPECT_EQ((*got)[i].at, events[i].at);
    EXPECT_EQ((*got)[i].refused, events[i].refused);
    EXPECT_EQ((*got)[i].detail, events[i].detail);
    EXPECT_EQ((*got)[i].message_ref, events[i].message_ref);
  }

  LedgerRecord deposit = Entry("CT-AAAAAAAA", "deposit", 6025);
  deposit.reference = "VIR-1";
  deposit.event_id = events[1].id;
  LedgerRecord commission = Entry("CT-AAAAAAAA", "commission", 50);
  for (LedgerRecord* entry : {&deposit, &commission}) {
    Result<int64_t> id = history.AppendLedger(*entry);
    ASSERT_TRUE(id) << id.error().message;
    entry->id = *id;
  }
  Result<std::vector<LedgerRecord>> ledger = history.Ledger("CT-AAAAAAAA");
  ASSERT_TRUE(ledger);
  ASSERT_EQ(ledger->size(), 2u);
  EXPECT_EQ((*ledger)[0].amount, Cents(6025));
  EXPECT_EQ((*ledger)[0].event_id, events[1].id);
  EXPECT_EQ((*ledger)[1].kind, "commission");
  EXPECT_EQ((*ledger)[1].event_id, 0);
}

TEST_F(StoreTest, LedgerRefusesBadRows) {
  InsertDeal(MakeDeal("CT-AAAAAAAA", kT0));
  HistoryRepo history(db());
  struct Case {
    const char* name;
    LedgerRecord entry;
  };
  for (const Case& c : std::vector<Case>{
           {"zero", Entry("CT-AAAAAAAA", "deposit", 0)},
           {"negative", Entry("CT-AAAAAAAA", "payout", -5)},
           {"kind", Entry("CT-AAAAAAAA", "gift", 5)},
           {"deal", Entry("CT-ZZZZZZZZ", "deposit", 5)},
       }) {
    EXPECT_FALSE(history.AppendLedger(c.entry)) << c.name;
  }
}

TEST_F(StoreTest, EventsAndLedgerAreAppendOnly) {
  InsertDeal(MakeDeal("CT-AAAAAAAA", kT0));
  HistoryRepo history(db());
  ASSERT_TRUE(history.AppendEvent(MakeEvent("CT-AAAAAAAA", 61)));
  ASSERT_TRUE(history.AppendLedger(Entry("CT-AAAAAAAA", "deposit", 100)));
  for (const char* sql :
       {"UPDATE events SET code = 0", "DELETE FROM events",
        "UPDATE ledger SET amount = 1", "DELETE FROM ledger"}) {
    Result<void> r = db().Exec(sql);
    ASSERT_FALSE(r) << sql;
    EXPECT_NE(r.error().message.find("append-only"), std::string::npos) << sql;
  }
  EXPECT_EQ(history.Events("CT-AAAAAAAA")->at(0).code, 61);
}

TEST_F(StoreTest, TimerFiresExactlyOnce) {
  InsertDeal(MakeDeal("CT-AAAAAAAA", kT0));
  HistoryRepo history(db());
  struct Case {
    std::string kind;
    int64_t due;
    int seq;
    bool want;
  };
  for (const Case& c : std::vector<Case>{
           {"reminder", kT0, 0, true},
           {"reminder", kT0, 0, false},  // same timer again
           {"reminder", kT0, 1, true},   // next reminder of that deadline
           {"timeout", kT0, 0, true},
           {"reminder", kT0 + kDay, 0, true},  // extended deadline
           {"timeout", kT0, 0, false},
       }) {
    Result<bool> fired =
        history.RecordTimer("CT-AAAAAAAA", c.kind, At(c.due), c.seq);
    ASSERT_TRUE(fired) << fired.error().message;
    EXPECT_EQ(*fired, c.want) << c.kind << " " << c.due << " " << c.seq;
  }
  EXPECT_FALSE(history.RecordTimer("CT-ZZZZZZZZ", "timeout", At(kT0), 0));
}

}  // namespace
}  // namespace ct::store
