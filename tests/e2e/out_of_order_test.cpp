// Mail delivered out of signing order is applied (docs/security.md "Replay
// rules"), while replays stay stopped
// on the signature: each one applied or refused at most once, none older
// than gpg.max_signature_age_days (7) or more than 10 minutes ahead.
//
// Real GnuPG (tests/harness keys, `gpg --clearsign` with a faked signing
// time), the built binary on a maildir inbox, the clock pinned with
// CYBERTROC_NOW. The keys are made when the suite starts and gpg cannot
// sign before that, so every signature is dated in the hour after it
// (`base_`), and cybertroc's clock is set after those dates. Skips only
// when gpg is missing (gpg.sh exits 77).
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <numeric>
#include <random>

#include "maildir_world.h"

namespace {

using cttest::Cmd;
using cttest::JsonInt;
using cttest::JsonString;
using cttest::MaildirInstance;
using cttest::ReadFile;
namespace fs = std::filesystem;

constexpr std::time_t kMinute = 60;
constexpr std::time_t kDay = 86400;
constexpr int kOffers = 25;

class OutOfOrderTest : public cttest::KeyWorldSuite<OutOfOrderTest> {
 public:
  static constexpr const char* kWorldLabel = "order";

 protected:
  void SetUp() override {
    KeyWorldSuite::SetUp();
    if (Stopped()) return;
    // Two GnuPG workers whatever the machine: the isolation and
    // ordering guarantees must hold with several.
    StartInstance("o", "[inbox]\nworkers = 2\n");
    // Later than the keys, by far more than gpg's running faked clock.
    base_ = std::time(nullptr) + 10 * kMinute;
  }

  static std::string Offer(const std::string& item) {
    return "CT 10 SALE\nbuyer: bob@example.test\nitem: " + item +
           "\nprice: 25,00 EUR\nshipping: 5.00\ndelivery: post\nlang: en\n";
  }

  // NAME signs `body` at `when` (key offered in an Autocrypt header); the
  // message is left in a file, not delivered.
  fs::path Sign(const std::string& name, const std::string& body,
                std::time_t when, const std::string& from = "") {
    const fs::path file =
        ct_->dir() / ("m" + std::to_string(++files_) + ".eml");
    return world_->Clearsign(name, body, file, when,
                             world_->AutocryptHeader(name), from);
  }

  // The same signed message under a new Message-ID, delivered.
  void Resend(const fs::path& signed_file, const std::string& tag) {
    const fs::path copy = ct_->dir() / (tag + ".eml");
    cttest::WriteFile(copy,
                      cttest::WithMessageId(ReadFile(signed_file),
                                            "<" + tag + "@example.test>"));
    ct_->Deliver(copy);
  }

  Cmd Run(std::time_t now) { return ct_->Run({"--json", "run"}, now); }

  static std::string Mid(const fs::path& file) {
    return MaildirInstance::SqlText(
        cttest::HeaderValue(ReadFile(file), "Message-ID"));
  }

  // status|outcome of the inbox row of that message.
  std::string Row(const std::string& sql_mid) {
    auto rows = ct_->Sql(
        "SELECT status || '|' || outcome FROM inbox WHERE "
        "message_id = " +
        sql_mid);
    return rows.size() == 1 ? rows[0]
                            : "(" + std::to_string(rows.size()) + " rows)";
  }

  std::time_t base_ = 0;
  int files_ = 0;
};

// The issue: offers signed by one party, delivered in another order, were
// refused as "older than your last accepted command". All must apply, in
// one run, in the order they arrive.
TEST_F(OutOfOrderTest, ShuffledOffersFromOnePartyAllApply) {
  std::vector<fs::path> signed_files;
  for (int i = 0; i < kOffers; ++i)
    signed_files.push_back(Sign("alice", Offer("Record " + std::to_string(i)),
                                base_ + i * kMinute));
  std::vector<int> order(kOffers);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937(8));
  // The newest first, so that every other one arrives after a newer one.
  std::iter_swap(order.begin(),
                 std::find(order.begin(), order.end(), kOffers - 1));
  for (int i : order) ct_->Deliver(signed_files[i]);

  Cmd run = Run(base_ + kOffers * kMinute + 5 * kMinute);
  ASSERT_EQ(run.status, 0) << run.All();
  EXPECT_EQ(JsonInt(run.out, "fetched"), kOffers) << run.out;
  EXPECT_EQ(JsonInt(run.out, "applied"), kOffers) << run.out;
  EXPECT_EQ(JsonInt(run.out, "refused"), 0) << run.out;
  EXPECT_EQ(JsonInt(run.out, "quarantined"), 0) << run.out;
  EXPECT_EQ(JsonInt(run.out, "failed"), 0) << run.out;
  // Processed in delivery order, i.e. out of signing order.
  std::vector<std::string> want;
  for (int i : order)
    want.push_back(
        cttest::HeaderValue(ReadFile(signed_files[i]), "Message-ID"));
  EXPECT_EQ(ct_->Sql("SELECT message_id FROM inbox ORDER BY id"), want);
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM inbox WHERE status = "
                          "'processed' AND outcome LIKE 'offer: opened CT-%'"),
            kOffers);
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM deals WHERE state = "
                          "'offered'"),
            kOffers);
  EXPECT_EQ(ct_->SqlCount("SELECT count(DISTINCT value) FROM deal_texts "
                          "WHERE key = 'item'"),
            kOffers);
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM outbox WHERE templates LIKE "
                          "'%refusal%'"),
            0);
}

// Two commands by one signer, signed A then B, delivered B then A: both
// apply (here the operator's two deposits by mail fund a deal).
TEST_F(OutOfOrderTest, CommandsSignedABDeliveredBAApplyBoth) {
  // `open` does not create the database (a typo must not make an empty
  // one): `init` does.
  ASSERT_EQ(ct_->Run({"init"}, base_).status, 0);
  Cmd open =
      ct_->Run({"--json", "open", "sale", "--seller", "alice@example.test",
                "--buyer", "bob@example.test", "--item", "Kind of Blue, CD",
                "--price", "25.00", "--shipping", "5.00", "--lang", "en"},
               base_);
  ASSERT_EQ(open.status, 0) << open.All();
  const std::string deal = JsonString(open.out, "id");
  ASSERT_FALSE(deal.empty()) << open.out;
  const std::string from = "operator@example.test";
  const fs::path a = Sign("operator", deal + " 21 seller 30.25 ref=VIR-A\n",
                          base_ + kMinute, from);
  const fs::path b = Sign("operator", deal + " 21 buyer 60.25 ref=VIR-B\n",
                          base_ + 5 * kMinute, from);
  ct_->Deliver(b);
  ct_->Deliver(a);

  Cmd run = Run(base_ + 10 * kMinute);
  ASSERT_EQ(run.status, 0) << run.All();
  EXPECT_EQ(JsonInt(run.out, "applied"), 2) << run.out;
  EXPECT_EQ(JsonInt(run.out, "refused"), 0) << run.out;
  EXPECT_EQ(Row(Mid(a)).substr(0, 10), "processed|") << Row(Mid(a));
  EXPECT_EQ(Row(Mid(b)).substr(0, 10), "processed|") << Row(Mid(b));
  // B's event first, then A's; neither refused.
  EXPECT_EQ(
      ct_->Sql("SELECT code || ' ' || actor || ' ' || refused || ' ' || "
               "message_ref FROM events WHERE deal_id = " +
               MaildirInstance::SqlText(deal) + " AND code = 21 ORDER BY id"),
      (std::vector<std::string>{
          "21 operator 0 " + cttest::HeaderValue(ReadFile(b), "Message-ID"),
          "21 operator 0 " + cttest::HeaderValue(ReadFile(a), "Message-ID")}));
  EXPECT_EQ(ct_->Sql("SELECT state FROM deals"),
            std::vector<std::string>{"funded"});
}

// Replay protection without the ordering rule: a signature applied or
// refused once never applies again, under any Message-ID and at any later
// time, even past the age window; too old and future signatures are
// refused with a reply saying why.
TEST_F(OutOfOrderTest, ReplaysStayStoppedAndAgeWindowHolds) {
  const fs::path offer = Sign("alice", Offer("A Love Supreme, LP"), base_);
  ct_->Deliver(offer);
  const std::time_t now = base_ + 10 * kMinute;
  Cmd first = Run(now);
  ASSERT_EQ(first.status, 0) << first.All();
  ASSERT_EQ(JsonInt(first.out, "applied"), 1) << first.out;
  const std::string offer_mid = Mid(offer);
  const long replies = ct_->SqlCount("SELECT count(*) FROM outbox");

  // The very same mail again: a duplicate at intake.
  ct_->Deliver(offer);
  // The same signed text under a new Message-ID: a replay, not answered
  // (it would let anyone make the escrow spam a party).
  Resend(offer, "replay-1");
  // Signed 2 hours ahead of the escrow's clock: refused, with a reply.
  const fs::path future =
      Sign("alice", Offer("Giant Steps, CD"), now + 2 * 60 * kMinute);
  ct_->Deliver(future);
  Cmd second = Run(now);
  ASSERT_EQ(second.status, 0) << second.All();
  EXPECT_EQ(JsonInt(second.out, "duplicates"), 1) << second.out;
  EXPECT_EQ(JsonInt(second.out, "applied"), 0) << second.out;
  EXPECT_EQ(JsonInt(second.out, "quarantined"), 1) << second.out;
  EXPECT_EQ(JsonInt(second.out, "refused"), 1) << second.out;
  EXPECT_EQ(Row("'<replay-1@example.test>'"),
            "quarantined|this signed message was already processed (replay)");
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM outbox WHERE in_reply_to = "
                          "'<replay-1@example.test>'"),
            0);
  EXPECT_NE(Row(Mid(future))
                .find("refused|the signature is dated in the "
                      "future"),
            std::string::npos)
      << Row(Mid(future));
  EXPECT_EQ(ct_->Sql("SELECT to_email || ' ' || templates FROM outbox WHERE "
                     "in_reply_to = " +
                     Mid(future)),
            std::vector<std::string>{"alice@example.test refusal"});

  // Three hours later the future one is no longer ahead: refused once, it
  // stays refused. A new offer signed a week before that is too old.
  const std::time_t later = now + 3 * 60 * kMinute;
  Resend(future, "replay-future");
  const fs::path fresh = Sign("alice", Offer("Blue Train, LP"), base_ + 30);
  Cmd third = Run(later);
  ASSERT_EQ(third.status, 0) << third.All();
  EXPECT_EQ(JsonInt(third.out, "applied"), 0) << third.out;
  EXPECT_EQ(Row("'<replay-future@example.test>'"),
            "quarantined|this signed message was already processed (replay)");
  ct_->Deliver(fresh);
  // The seen-signature record outlives the window: a replay of the offer
  // eight days on is still recognised as such.
  Resend(offer, "replay-late");
  Cmd fourth = Run(later + 7 * kDay);
  ASSERT_EQ(fourth.status, 0) << fourth.All();
  EXPECT_EQ(JsonInt(fourth.out, "applied"), 0) << fourth.out;
  EXPECT_NE(Row(Mid(fresh))
                .find("refused|the signature was made more than 7 "
                      "days ago"),
            std::string::npos)
      << Row(Mid(fresh));
  EXPECT_EQ(Row("'<replay-late@example.test>'"),
            "quarantined|this signed message was already processed (replay)");

  // One deal, from the one offer, applied once; two refusals went out,
  // and no answer to any replay.
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM deals"), 1);
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM events WHERE message_ref = " +
                          offer_mid),
            1);
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM outbox WHERE in_reply_to = " +
                          offer_mid),
            replies);
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM outbox WHERE templates = "
                          "'refusal'"),
            2);
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM outbox WHERE in_reply_to "
                          "LIKE '<replay-%'"),
            0);
}

}  // namespace
