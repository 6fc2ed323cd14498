// Tests of the SQLite store: RAII wrappers, migrations, file permissions and
// every repository, against in-memory databases and files in a temp dir.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "store/database.h"
#include "store/records.h"
#include "store/repos.h"
#include "store/schema.h"

namespace ct::store {
namespace {

using core::Money;
using core::Time;

Time At(int64_t seconds) { return Time(std::chrono::seconds(seconds)); }
Money Cents(int64_t minor) { return Money::FromMinor(minor); }

constexpr int64_t kDay = 86400;
constexpr int64_t kT0 = 1800000000;  // 2027-01-15T08:00:00Z

// A temporary directory removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "ct-store-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

int FileMode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 0777);
}

core::Deal MakeDeal(const std::string& id, int64_t created) {
  core::Deal deal;
  deal.id = id;
  deal.case_name = "sale";
  deal.state = "funded";
  deal.lang = "fr";
  deal.delivery = "hand";
  deal.texts = {{"item", "Kind of Blue, CD, mint"}, {"tracking", "6A123"}};
  deal.amounts = {
      {"price", Cents(2500)}, {"shipping", Cents(500)}, {"bond", Cents(3000)}};
  deal.parties = {
      {"seller",
       "alice@example.org",
       Cents(3025),
       Cents(25),
       Cents(3025),
       {"shipped"},
       0},
      {"buyer",
       "bob@example.org",
       Cents(6025),
       Cents(25),
       Cents(6100),
       {"paid", "satisfied"},
       3},
  };
  deal.funded = true;
  deal.paid_in = Cents(9125);
  deal.paid_out = Cents(50);
  deal.created = At(created);
  deal.state_entered = At(created + 3600);
  deal.deadline = At(created + 7 * kDay);
  deal.reminders_fired = 1;
  deal.proposal = core::Proposal{
      "buyer", {{"seller", Cents(4000)}, {"buyer", Cents(5075)}}};
  return deal;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Database> db = Database::Open(":memory:");
    ASSERT_TRUE(db) << db.error().message;
    db_.emplace(std::move(*db));
  }
  Database& db() { return *db_; }

  void InsertDeal(const core::Deal& deal) {
    Result<void> r = DealRepo(db()).Insert(deal);
    ASSERT_TRUE(r) << r.error().message;
  }

  std::optional<Database> db_;
};

// ---- Database, migrations, files -------------------------------------------

TEST(DatabaseTest, MigrationsAreIdempotentAndSetUserVersion) {
  TempDir dir;
  const std::string path = dir.File("ct.db");
  for (int round = 0; round < 3; ++round) {
    Result<Database> db = Database::Open(path);
    ASSERT_TRUE(db) << db.error().message;
    Result<int> version = db->UserVersion();
    ASSERT_TRUE(version);
    EXPECT_EQ(*version, internal::LatestSchemaVersion());
    EXPECT_GE(*version, 1);
    KeyRepo keys(*db);
    if (round == 0) {
      ASSERT_TRUE(keys.Bind({"a@example.org", "ABCD", At(kT0), "tofu"}));
    }
    // Data written in the first round survives the later opens.
    Result<std::vector<BindingRecord>> all = keys.All();
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), 1u);
  }
}

TEST(DatabaseTest, DatabaseFromTheFutureIsAConfigError) {
  TempDir dir;
  const std::string path = dir.File("ct.db");
  {
    Result<Database> db = Database::Open(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->Exec("PRAGMA user_version = 999"));
  }
  Result<Database> db = Database::Open(path);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().kind, ErrorKind::kConfig);
  EXPECT_NE(db.error().message.find("999"), std::string::npos);
}

TEST(DatabaseTest, FilesArePrivate) {
  TempDir dir;
  const std::string path = dir.File("ct.db");
  Result<Database> db = Database::Open(path);
  ASSERT_TRUE(db) << db.error().message;
  ASSERT_TRUE(KeyRepo(*db).Bind({"a@example.org", "ABCD", At(kT0), "tofu"}));
  EXPECT_EQ(FileMode(path), 0600);
  for (const char* suffix : {"-wal", "-shm"}) {
    const int mode = FileMode(path + suffix);
    if (mode >= 0) {
      EXPECT_EQ(mode & 0077, 0) << suffix;
    }
  }
}

TEST(DatabaseTest, ExistingLooseFileIsMadePrivate) {
  TempDir dir;
  const std::string path = dir.File("ct.db");
  { ASSERT_TRUE(Database::Open(path)); }
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  ASSERT_TRUE(Database::Open(path));
  EXPECT_EQ(FileMode(path), 0600);
}

TEST(DatabaseTest, UsesWalAndForeignKeys) {
  TempDir dir;
  Result<Database> db = Database::Open(dir.File("ct.db"));
  ASSERT_TRUE(db);
  struct Case {
    const char* pragma;
    std::string want;
  };
  for (const Case& c : std::vector<Case>{{"PRAGMA journal_mode", "wal"},
                                         {"PRAGMA foreign_keys", "1"},
                                         {"PRAGMA synchronous", "2"},
                                         {"PRAGMA busy_timeout", "10000"}}) {
    Result<Statement> st = db->Prepare(c.pragma);
    ASSERT_TRUE(st);
    ASSERT_TRUE(st->Step().value_or(false)) << c.pragma;
    EXPECT_EQ(st->ColumnText(0), c.want) << c.pragma;
  }
}

TEST(DatabaseTest, EmptyPathAndUnreachablePathAreErrors) {
  Result<Database> empty = Database::Open("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().kind, ErrorKind::kConfig);
  Result<Database> missing = Database::Open("/nonexistent-dir/x/ct.db");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kIo);
}

TEST_F(StoreTest, SqlErrorsAreReturnedWithSqliteMessage) {
  Result<Statement> bad = db().Prepare("SELEC nothing");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::kIo);
  EXPECT_NE(bad.error().message.find("syntax error"), std::string::npos);

  // A failed bind is reported by the next Step, not lost.
  Result<Statement> st = db().Prepare("SELECT ?1");
  ASSERT_TRUE(st);
  Result<bool> row = st->Bind(2, int64_t{1}).Step();
  ASSERT_FALSE(row);
  EXPECT_EQ(row.error().kind, ErrorKind::kIo);

  EXPECT_FALSE(db().Prepare("SELECT 1; SELECT 2"));
}

TEST(DatabaseTest, LockHeldElsewhereIsBusy) {
  TempDir dir;
  const std::string path = dir.File("ct.db");
  Result<Database> first = Database::Open(path);
  Result<Database> second = Database::Open(path);
  ASSERT_TRUE(first && second);
  Result<Transaction> held = Transaction::Begin(*first);
  ASSERT_TRUE(held);
  sqlite3_busy_timeout(second->handle(), 0);  // do not wait 10 s in a test
  Result<Transaction> blocked = Transaction::Begin(*second);
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().kind, ErrorKind::kBusy);
}

// ---- Transactions
// ------------------------------------------------------------

TEST_F(StoreTest, TransactionRollsBackUnlessCommitted) {
  {
    Result<Transaction> tx = Transaction::Begin(db());
    ASSERT_TRUE(tx);
    InsertDeal(MakeDeal("CT-AAAAAAAA", kT0));
  }  // no Commit
  EXPECT_EQ(DealRepo(db()).Exists("CT-AAAAAAAA").value_or(true), false);

  {
    Result<Transaction> tx = Transaction::Begin(db());
    ASSERT_TRUE(tx);
    InsertDeal(MakeDeal("CT-BBBBBBBB", kT0));
    Transaction moved(std::move(*tx));  // ownership moves, one commit
    ASSERT_TRUE(moved.Commit());
    EXPECT_FALSE(moved.Commit());
  }
  EXPECT_EQ(DealRepo(db()).Exists("CT-BBBBBBBB").value_or(false), true);
}

// ---- DealRepo
// ------------------------------------------------------------------

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

// ---- HistoryRepo
// ---------------------------------------------------------------

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

// ---- PayoutRepo
// ----------------------------------------------------------------

TEST_F(StoreTest, PayoutsAreMarkedDoneOnce) {
  InsertDeal(MakeDeal("CT-AAAAAAAA", kT0));
  PayoutRepo payouts(db());
  PayoutRecord payment;
  payment.deal_id = "CT-AAAAAAAA";
  payment.created = At(kT0);
  payment.payee_role = "seller";
  payment.payee_email = "alice@example.org";
  payment.amount = Cents(3000);
  payment.currency = "EUR";
  payment.reason = "payment";
  PayoutRecord bond = payment;
  bond.reason = "bond refund";
  Result<int64_t> first = payouts.Insert(payment);
  Result<int64_t> second = payouts.Insert(bond);
  ASSERT_TRUE(first && second);
  EXPECT_LT(*first, *second);

  Result<PayoutRecord> done = payouts.MarkDone(*first, "VIR-9", At(kT0 + 60));
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->status, "done");
  EXPECT_EQ(done->done_ref, "VIR-9");
  EXPECT_EQ(done->done_at, At(kT0 + 60));

  Result<PayoutRecord> again = payouts.MarkDone(*first, "VIR-10", At(kT0 + 90));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::kRefused);
  EXPECT_EQ(again.error().message, "payout " + std::to_string(*first) +
                                       " is already done (ref VIR-9)");

  Result<PayoutRecord> unknown = payouts.MarkDone(4242, "X", At(kT0));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(unknown.error().message, "unknown payout 4242");

  Result<std::vector<PayoutRecord>> pending = payouts.List(true);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ(pending->at(0).id, *second);
  Result<std::vector<PayoutRecord>> all = payouts.OfDeal("CT-AAAAAAAA");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->at(0).done_ref, "VIR-9");
  EXPECT_EQ(all->at(1).amount, Cents(3000));
  EXPECT_FALSE(all->at(1).done_at.has_value());
}

// ---- OutboxRepo
// ----------------------------------------------------------------

TEST_F(StoreTest, OutboxQueueSaveAndRateCount) {
  InsertDeal(MakeDeal("CT-AAAAAAAA", kT0));
  OutboxRepo outbox(db());
  OutboxRecord reply;
  reply.deal_id = "CT-AAAAAAAA";
  reply.created = At(kT0);
  reply.to_email = "bob@example.org";
  reply.kind = "refusal";
  reply.subject = "[CT-AAAAAAAA] refused";
  reply.body = "Bonjour,\r\n";
  OutboxRecord help = reply;
  help.deal_id = "";  // no deal: stored as NULL
  help.to_email = "Bob@Example.org";
  help.next_attempt = At(kT0 + 600);
  OutboxRecord notice = reply;
  notice.kind = "notice";
  OutboxRecord confirmation = reply;  // not capped: only refusals are
  confirmation.kind = "reply";
  confirmation.next_attempt = At(kT0 + 900);
  for (OutboxRecord* m : {&reply, &help, &notice, &confirmation}) {
    Result<int64_t> id = outbox.Enqueue(*m);
    ASSERT_TRUE(id) << id.error().message;
    m->id = *id;
  }
  EXPECT_EQ(outbox.CountReplies("BOB@example.org", At(kT0)).value_or(-1), 2);
  EXPECT_EQ(outbox.CountReplies("bob@example.org", At(kT0 + 1)).value_or(-1),
            0);
  EXPECT_EQ(outbox.Due(At(kT0))->size(), 2u);
  EXPECT_EQ(outbox.Due(At(kT0 + 600))->size(), 3u);

  reply.status = "sent";
  reply.attempts = 1;
  reply.sent_at = At(kT0 + 5);
  reply.message_id = "<ct.1@example.org>";
  ASSERT_TRUE(outbox.Save(reply));
  Result<std::vector<OutboxRecord>> of_deal = outbox.OfDeal("CT-AAAAAAAA");
  ASSERT_TRUE(of_deal);
  ASSERT_EQ(of_deal->size(), 3u);  // help has no deal
  EXPECT_EQ(of_deal->at(0).status, "sent");
  EXPECT_EQ(of_deal->at(0).sent_at, At(kT0 + 5));
  EXPECT_EQ(of_deal->at(0).message_id, "<ct.1@example.org>");
  EXPECT_EQ(of_deal->at(0).body, "Bonjour,\r\n");
  EXPECT_EQ(outbox.Due(At(kT0 + 600))->size(), 2u);

  OutboxRecord ghost = reply;
  ghost.id = 999;
  Result<void> saved = outbox.Save(ghost);
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().kind, ErrorKind::kNotFound);
}

// ---- KeyRepo
// ---------------------------------------------------------------------

TEST_F(StoreTest, BindingsAreCaseInsensitive) {
  KeyRepo keys(db());
  ASSERT_TRUE(keys.Bind({"Alice@Example.ORG", "abcd1234", At(kT0), "tofu"}));
  Result<std::optional<BindingRecord>> found = keys.Find("ALICE@example.org");
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->email, "alice@example.org");
  EXPECT_EQ((*found)->fingerprint, "ABCD1234");
  // Rebinding replaces, never duplicates.
  ASSERT_TRUE(
      keys.Bind({"alice@example.org", "FFFF", At(kT0 + 1), "operator"}));
  Result<std::vector<BindingRecord>> all = keys.All();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->at(0).fingerprint, "FFFF");
  EXPECT_EQ(all->at(0).how, "operator");
  EXPECT_FALSE(keys.Find("nobody@example.org")->has_value());
}

TEST_F(StoreTest, SignatureReplayIsDetected) {
  KeyRepo keys(db());
  struct Case {
    std::string digest;
    int64_t made;
    bool want_new;
  };
  // Out of signing order (sig-3 made before sig-2) is no replay; the same
  // digest again is, whenever it comes back.
  for (const Case& c : std::vector<Case>{{"sig-1", kT0, true},
                                         {"sig-2", kT0 + 50, true},
                                         {"sig-1", kT0, false},
                                         {"sig-3", kT0 + 20, true},
                                         {"sig-2", kT0 + 50, false}}) {
    Result<bool> fresh =
        keys.RememberSignature(c.digest, "abcd", At(c.made), At(kT0 + 100));
    ASSERT_TRUE(fresh) << fresh.error().message;
    EXPECT_EQ(*fresh, c.want_new) << c.digest;
  }
  ASSERT_TRUE(keys.MarkAccepted("sig-1"));
  ASSERT_TRUE(keys.MarkAccepted("sig-3"));
  EXPECT_FALSE(keys.MarkAccepted("sig-unknown"));
  // An accepted signature is still a replay afterwards.
  Result<bool> again =
      keys.RememberSignature("sig-3", "ABCD", At(kT0 + 20), At(kT0 + 9 * kDay));
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
}

// ---- InboxRepo
// -------------------------------------------------------------------

InboxRecord MakeMessage(const std::string& uid, const std::string& mid,
                        const std::string& digest) {
  InboxRecord m;
  m.source = "imaps://escrow@mail.example.org/INBOX";
  m.server_uid = uid;
  m.message_id = mid;
  m.digest = digest;
  m.fetched = At(kT0);
  m.raw = "From: bob@example.org\r\nSubject: x\r\n\r\nbody\r\n";
  return m;
}

TEST_F(StoreTest, InboxRawIsByteExact) {
  InboxRepo inbox(db());
  InboxRecord m = MakeMessage("1:7", "<a@x>", "d1");
  // Latin-1 bytes, NULs inside and at the end, CRLF, bytes invalid in UTF-8.
  static constexpr char kRaw[] =
      "Subject: \xE9t\xE9\r\n\r\nNUL\0in\0body\r\n\xFF\xFE\r\n.\r\n";
  m.raw.assign(kRaw, sizeof(kRaw));  // keeps the literal's final NUL too
  bool duplicate = true;
  Result<int64_t> id = inbox.Store(m, &duplicate);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_FALSE(duplicate);
  Result<InboxRecord> loaded = inbox.Load(*id);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->raw, m.raw);
  EXPECT_EQ(loaded->raw.size(), 37u);
  EXPECT_EQ(loaded->status, "new");
  Result<Statement> type = db().Prepare("SELECT typeof(raw) FROM inbox");
  ASSERT_TRUE(type && type->Step().value_or(false));
  EXPECT_EQ(type->ColumnText(0), "blob");
}

TEST_F(StoreTest, InboxDetectsDuplicates) {
  InboxRepo inbox(db());
  bool duplicate = true;
  Result<int64_t> first =
      inbox.Store(MakeMessage("1:7", "<a@x>", "d1"), &duplicate);
  ASSERT_TRUE(first);
  EXPECT_FALSE(duplicate);
  struct Case {
    const char* name;
    InboxRecord message;
    bool want_duplicate;
  };
  for (const Case& c : std::vector<Case>{
           {"same mid and digest", MakeMessage("1:8", "<a@x>", "d1"), true},
           {"same server uid", MakeMessage("1:7", "<b@x>", "d2"), true},
           {"same mid, other bytes", MakeMessage("1:9", "<a@x>", "d3"), false},
           {"no uid twice (maildir moved)", MakeMessage("", "<c@x>", "d4"),
            false},
           {"no uid, new mail", MakeMessage("", "<d@x>", "d5"), false},
       }) {
    Result<int64_t> id = inbox.Store(c.message, &duplicate);
    ASSERT_TRUE(id) << c.name << ": " << id.error().message;
    EXPECT_EQ(duplicate, c.want_duplicate) << c.name;
    if (c.want_duplicate) {
      EXPECT_EQ(*id, *first) << c.name;
    }
  }
  EXPECT_TRUE(inbox.Store(MakeMessage("", "<c@x>", "d4"), nullptr));

  Result<std::vector<int64_t>> pending = inbox.Pending();
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->size(), 4u);
  ASSERT_TRUE(inbox.SetStatus(*first, "processed", "accepted 61", ""));
  EXPECT_EQ(inbox.Pending()->size(), 3u);
  EXPECT_FALSE(inbox.SetStatus(*first, "eaten", "", ""));
  Result<void> missing = inbox.SetStatus(999, "processed", "", "");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  Result<std::optional<InboxRecord>> by_mid = inbox.FindByMessageId("<a@x>");
  ASSERT_TRUE(by_mid && by_mid->has_value());
  EXPECT_EQ((*by_mid)->id, *first);
  EXPECT_EQ((*by_mid)->outcome, "accepted 61");
}

TEST_F(StoreTest, InboxCountsAttemptsAndKeepsTheLastError) {
  InboxRepo inbox(db());
  Result<int64_t> id = inbox.Store(MakeMessage("1:7", "<a@x>", "d1"), nullptr);
  ASSERT_TRUE(id);
  EXPECT_EQ(inbox.Load(*id)->attempts, 0);
  EXPECT_EQ(inbox.Load(*id)->last_error, "");
  ASSERT_TRUE(inbox.SetAttempts(*id, 1, "out of memory"));
  ASSERT_TRUE(inbox.SetAttempts(*id, 2, "the run stopped"));
  Result<InboxRecord> row = inbox.Load(*id);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->attempts, 2);
  EXPECT_EQ(row->last_error, "the run stopped");
  EXPECT_EQ(row->status, "new");
  // An outcome supersedes the unfinished attempt's error; the count stays.
  ASSERT_TRUE(inbox.SetStatus(*id, "processed", "00 by seller", ""));
  row = inbox.Load(*id);
  EXPECT_EQ(row->attempts, 2);
  EXPECT_EQ(row->last_error, "");
  EXPECT_FALSE(inbox.SetAttempts(*id, -1, ""));  // CHECK (attempts >= 0)
  Result<void> missing = inbox.SetAttempts(999, 1, "");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
}

// A database made by the first released schema gains the attempt columns
// (zero, empty) and keeps its mail.
TEST(DatabaseTest, VersionOneInboxIsMigrated) {
  TempDir dir;
  const std::string path = dir.File("ct.db");
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    const std::string v1 =
        "CREATE TABLE inbox (id INTEGER PRIMARY KEY AUTOINCREMENT, source "
        "TEXT NOT NULL, server_uid TEXT NOT NULL, message_id TEXT NOT NULL, "
        "digest TEXT NOT NULL, fetched INTEGER NOT NULL, raw BLOB NOT NULL, "
        "status TEXT NOT NULL, outcome TEXT NOT NULL, deal_id TEXT NOT NULL) "
        "STRICT;"
        "CREATE TABLE seen_signatures (digest TEXT PRIMARY KEY NOT NULL, "
        "fingerprint TEXT NOT NULL, made INTEGER NOT NULL, seen INTEGER NOT "
        "NULL, accepted INTEGER NOT NULL DEFAULT 0) STRICT;"
        "CREATE INDEX seen_signatures_key ON seen_signatures(fingerprint, "
        "accepted, made);"
        // What later migrations (v3) change of v1's deals and parties.
        "CREATE TABLE deals (id TEXT PRIMARY KEY NOT NULL, state TEXT NOT "
        "NULL, created INTEGER NOT NULL, deadline INTEGER, reminders_fired "
        "INTEGER NOT NULL) STRICT;"
        "CREATE INDEX deals_state ON deals(state);"
        "CREATE TABLE parties (deal_id TEXT NOT NULL REFERENCES deals(id), "
        "role TEXT NOT NULL, email TEXT NOT NULL COLLATE NOCASE, PRIMARY KEY "
        "(deal_id, role)) STRICT;"
        "CREATE INDEX parties_email ON parties(email);"
        // ... and of its outbox (v4).
        "CREATE TABLE outbox (id INTEGER PRIMARY KEY, status TEXT NOT NULL) "
        "STRICT;"
        "INSERT INTO inbox VALUES (1, 's', '1:1', '<a@x>', 'd', 0, "
        "CAST('x' AS BLOB), 'new', '', '');"
        "PRAGMA user_version = 1;";
    ASSERT_EQ(sqlite3_exec(raw, v1.c_str(), nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(raw);
    sqlite3_close(raw);
  }
  Result<Database> db = Database::Open(path);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(*db->UserVersion(), internal::LatestSchemaVersion());
  Result<InboxRecord> row = InboxRepo(*db).Load(1);
  ASSERT_TRUE(row) << row.error().message;
  EXPECT_EQ(row->message_id, "<a@x>");
  EXPECT_EQ(row->attempts, 0);
  EXPECT_EQ(row->last_error, "");
  Result<Statement> index = db->Prepare(
      "SELECT count(*) FROM sqlite_master WHERE name = "
      "'seen_signatures_key'");
  ASSERT_TRUE(index && index->Step().value_or(false));
  EXPECT_EQ(index->ColumnInt(0), 0);
}

TEST_F(StoreTest, QuarantineKeepsRefusedMail) {
  InboxRepo inbox(db());
  Result<int64_t> id = inbox.Store(MakeMessage("1:7", "<a@x>", "d1"), nullptr);
  ASSERT_TRUE(id);
  ASSERT_TRUE(inbox.SetStatus(*id, "quarantined", "unsigned", "CT-AAAAAAAA"));
  Result<int64_t> q = inbox.Quarantine(
      {0, *id, "<a@x>", "eve@example.org", "unsigned", At(kT0)});
  ASSERT_TRUE(q) << q.error().message;
  EXPECT_FALSE(inbox.Quarantine({0, 777, "<z@x>", "", "unsigned", At(kT0)}));
  Result<std::vector<QuarantineRecord>> all = inbox.Quarantined();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->at(0).inbox_id, *id);
  EXPECT_EQ(all->at(0).from_addr, "eve@example.org");
  EXPECT_EQ(inbox.OfDeal("CT-AAAAAAAA")->size(), 1u);
}

}  // namespace
}  // namespace ct::store
