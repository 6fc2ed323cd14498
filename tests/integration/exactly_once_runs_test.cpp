// docs/operator.md "Guarantees", "Nothing lost" and "Nothing applied twice",
// end to end,
// for runs that go to their end: the built `cybertroc run` against real
// Dovecot (IMAP, IMAPS, POP3, POP3S) and a local maildir, with mail signed by
// the harness parties (the servers, the scenarios and the exactly-once checks:
// tests/support/exactly_once_suite.h).
//
// For every mailbox kind, N distinct signed messages (an offer opening a
// deal, and status requests `CT-... 00` on a deal the operator opened) are
// delivered into the escrow's mailbox, then:
//   TwoRuns          two runs in a row: each message applied exactly once,
//                    the second run fetches nothing, the server no longer
//                    offers the messages (IMAP: moved to Processed, or
//                    \Seen; POP3: deleted; maildir: cur/ with S);
//   ConcurrentRuns   a second `run` while one works says busy and exits 0,
//                    a `run --wait` waits and then finds nothing to do.
// Also: offers and acceptances made by a real neomutt (PGP/MIME) and by
// `gpg --clearsign` (inline) move two deals to awaiting_deposits over IMAP;
// a verified command the deal refuses is answered once and does not hold
// up the mail behind it. A run killed halfway, or whose server cannot be
// reached: exactly_once_crash_test.cpp.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "exactly_once_suite.h"

namespace cttest::once {

void ExactlyOnceTest::TwoRuns(Kind kind) {
  Scenario s = NewScenario(kind, Label("two-runs"));
  ASSERT_NO_FATAL_FAILURE(DeliverBatch(s));
  Cmd first = RunOnce(s);
  ASSERT_EQ(first.status, 0) << first.All() << Diagnostics(s);
  EXPECT_EQ(JsonInt(first.out, "fetched"), kMessages) << first.out;
  EXPECT_EQ(JsonInt(first.out, "duplicates"), 0) << first.out;
  EXPECT_EQ(JsonInt(first.out, "applied"), kMessages)
      << first.out << Diagnostics(s);
  EXPECT_EQ(JsonInt(first.out, "refused") + JsonInt(first.out, "quarantined"),
            0)
      << first.out << Diagnostics(s);
  ExpectAcknowledged(s);
  Cmd second = RunOnce(s);
  ExpectNothingNew(s, second);
  ExpectEachAppliedOnce(s);
  ExpectAcknowledged(s);
}

void ExactlyOnceTest::ConcurrentRuns(Kind kind) {
  Scenario s = NewScenario(kind, Label("concurrent"));
  ASSERT_NO_FATAL_FAILURE(DeliverBatch(s));
  const fs::path dir = s.ct->dir();
  const fs::path lock = s.ct->db().string() + ".lock";
  cttest::Background first(s.ct->Command({"--json", "run"}), dir / "a.out",
                           dir / "a.err");
  // Start the others once the first holds the run lock (run.h: an flock
  // on "<database>.lock"), so that they overlap it for sure.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool locked = false;
  while (!(locked = cttest::FileIsLocked(lock)) && !first.Finished() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_TRUE(locked) << "the first run never held " << lock << ": "
                      << first.Wait().All() << Diagnostics(s);
  cttest::Background busy(s.ct->Command({"--json", "run"}), dir / "b.out",
                          dir / "b.err");
  cttest::Background waiting(s.ct->Command({"--json", "run", "--wait"}),
                             dir / "c.out", dir / "c.err");
  Cmd b = busy.Wait();
  Cmd a = first.Wait();
  Cmd c = waiting.Wait();

  EXPECT_EQ(b.status, 0) << b.All();
  EXPECT_NE(b.out.find("\"busy\": true"), std::string::npos) << b.All();
  EXPECT_EQ(JsonInt(b.out, "fetched"), -1)
      << "the busy run did work: " << b.out;
  ASSERT_EQ(a.status, 0) << a.All() << Diagnostics(s);
  EXPECT_EQ(JsonInt(a.out, "fetched"), kMessages) << a.out;
  EXPECT_EQ(JsonInt(a.out, "applied"), kMessages) << a.out << Diagnostics(s);
  // --wait waited for the first, then found everything done.
  EXPECT_EQ(c.out.find("busy"), std::string::npos) << c.All();
  ExpectNothingNew(s, c);
  ExpectEachAppliedOnce(s);
  ExpectAcknowledged(s);
}

namespace {

#define CT_EXACTLY_ONCE_TESTS(Name, kind)                   \
  TEST_F(ExactlyOnceTest, Name##TwoRuns) { TwoRuns(kind); } \
  TEST_F(ExactlyOnceTest, Name##ConcurrentRuns) { ConcurrentRuns(kind); }

CT_FOR_EACH_MAILBOX_KIND(CT_EXACTLY_ONCE_TESTS)

// The problem: a PGP/MIME message from neomutt and an inline clear-signed one
// each take a deal from offered to awaiting_deposits over IMAP.
TEST_F(ExactlyOnceTest, NeomuttAndClearsignedMailAcceptDealsOverImap) {
  Scenario s;
  s.kind = Kind::kImapProcessed;
  world().Empty("escrow", "INBOX");
  world().Empty("escrow", "Processed");
  s.ct = std::make_unique<Instance>(world(), Label("clients"));
  s.ct->WriteConfig(Inbox(s.kind), kWorkers);
  const fs::path dir = s.ct->dir();
  auto offer = [](const std::string& item) {
    return "CT 10 SALE\nbuyer: bob@example.test\nitem: " + item +
           "\nprice: 25,00 EUR\nshipping: 5.00\ndelivery: post\nlang: en\n";
  };

  // Offers: one by neomutt, one clear-signed, both from alice.
  std::string why;
  if (world().Neomutt("alice", offer("Blue Train, LP"), dir / "x-offer.eml",
                      world().AutocryptHeader("alice"),
                      &why) == cttest::kSkipStatus) {
    GTEST_SKIP() << why;
  }
  world().Clearsign("alice", offer("Giant Steps, CD"), dir / "y-offer.eml", 0,
                    world().AutocryptHeader("alice"));
  std::vector<Delivered> mail;
  for (const char* name : {"x-offer.eml", "y-offer.eml"}) {
    Delivered d{"alice", "", ReadFile(dir / name), true};
    d.message_id = cttest::HeaderValue(d.bytes, "Message-ID");
    ASSERT_FALSE(d.message_id.empty()) << d.bytes;
    world().DeliverInOrder("escrow", dir / name);
    mail.push_back(d);
  }
  EXPECT_NE(mail[0].bytes.find("multipart/signed"), std::string::npos);
  Cmd run = RunOnce(s);
  ASSERT_EQ(run.status, 0) << run.All() << Diagnostics(s);
  EXPECT_EQ(JsonInt(run.out, "applied"), 2) << run.out << Diagnostics(s);
  std::vector<std::string> deals;
  for (const auto& d : mail) {
    auto rows = s.ct->Sql("SELECT deal_id FROM inbox WHERE message_id = " +
                          Instance::SqlText(d.message_id));
    ASSERT_EQ(rows.size(), 1u) << d.message_id << Diagnostics(s);
    ASSERT_FALSE(rows[0].empty()) << d.message_id << Diagnostics(s);
    deals.push_back(rows[0]);
    EXPECT_EQ(cttest::JsonString(Show(s, rows[0]), "state"), "offered");
  }
  ASSERT_NE(deals[0], deals[1]);

  // Acceptances by bob: neomutt for the first deal, clear-signed for the
  // second.
  ASSERT_EQ(
      world().Neomutt("bob", deals[0] + " 11\n\nDeal, thanks.\n",
                      dir / "x-accept.eml", world().AutocryptHeader("bob")),
      0);
  world().Clearsign("bob", deals[1] + " 11\n\nDeal, thanks.\n",
                    dir / "y-accept.eml", 0, world().AutocryptHeader("bob"));
  for (const char* name : {"x-accept.eml", "y-accept.eml"}) {
    Delivered d{"bob", "", ReadFile(dir / name), false};
    d.message_id = cttest::HeaderValue(d.bytes, "Message-ID");
    world().DeliverInOrder("escrow", dir / name);
    mail.push_back(d);
  }
  run = RunOnce(s);
  ASSERT_EQ(run.status, 0) << run.All() << Diagnostics(s);
  EXPECT_EQ(JsonInt(run.out, "applied"), 2) << run.out << Diagnostics(s);

  for (size_t i = 0; i < 2; ++i) {
    SCOPED_TRACE(i == 0 ? "neomutt PGP/MIME" : "inline clearsign");
    const std::string show = Show(s, deals[i]);
    EXPECT_EQ(cttest::JsonString(show, "state"), "awaiting_deposits")
        << show << Diagnostics(s);
    // 10 by the seller, 11 by the buyer, each from its message.
    EXPECT_EQ(
        s.ct->Sql(
            "SELECT code || ' ' || actor || ' ' || message_ref FROM events "
            "WHERE deal_id = " +
            Instance::SqlText(deals[i]) + " ORDER BY id"),
        (std::vector<std::string>{"10 seller " + mail[i].message_id,
                                  "11 buyer " + mail[2 + i].message_id}));
    // Bound on first use to the primary keys (alice signs with a subkey).
    EXPECT_NE(show.find(world().Fpr("alice")), std::string::npos) << show;
    EXPECT_NE(show.find(world().Fpr("bob")), std::string::npos) << show;
  }
  for (const auto& d : mail) ExpectStoredBytes(s, d);
  std::multiset<std::string> processed;
  for (const auto& m : world().ServerMessages("escrow")) {
    EXPECT_EQ(m.mailbox, "Processed") << m.message_id;
    processed.insert(m.message_id);
  }
  EXPECT_EQ(processed.size(), 4u);
  ExpectNothingNew(s, RunOnce(s));
}

// A verified command the deal refuses (docs/protocol.md "What every incoming
// message gets": a reply that says why, and nothing changes) is dealt with
// exactly once too, like any other message, and does not hold up the mail
// behind it.
TEST_F(ExactlyOnceTest, RefusedCommandIsAnsweredOnceAndDoesNotBlock) {
  Scenario s = NewScenario(Kind::kImapProcessed, Label("refused"));
  const fs::path dir = s.ct->dir();
  // Bob says he received the goods while nothing is paid yet: refused.
  // Then a status request from alice, which must still be applied.
  std::vector<Delivered> mail = {{"bob", "", "", false},
                                 {"alice", "", "", false}};
  const std::vector<std::string> bodies = {s.deal + " 61\n", s.deal + " 00\n"};
  for (size_t i = 0; i < mail.size(); ++i) {
    const fs::path file = dir / ("m" + std::to_string(i) + ".eml");
    world().Clearsign(mail[i].sender, bodies[i], file, 0,
                      world().AutocryptHeader(mail[i].sender));
    mail[i].bytes = ReadFile(file);
    mail[i].message_id = cttest::HeaderValue(mail[i].bytes, "Message-ID");
    world().DeliverInOrder(s.user, file);
  }
  Cmd first = RunOnce(s);
  EXPECT_EQ(first.status, 0) << first.All() << Diagnostics(s);
  EXPECT_EQ(JsonInt(first.out, "refused"), 1) << first.out;
  EXPECT_EQ(JsonInt(first.out, "applied"), 1) << first.out;
  Cmd second = RunOnce(s);
  ExpectNothingNew(s, second);

  const std::string refused = Instance::SqlText(mail[0].message_id);
  const std::string status = Instance::SqlText(mail[1].message_id);
  const auto refused_row =
      s.ct->Sql("SELECT status FROM inbox WHERE message_id = " + refused);
  ASSERT_EQ(refused_row.size(), 1u);
  EXPECT_NE(refused_row[0], "new")
      << "the refused message is still waiting to be processed";
  EXPECT_EQ(
      s.ct->Sql("SELECT code || ' ' || refused || ' ' || actor FROM events "
                "WHERE message_ref = " +
                refused),
      std::vector<std::string>{"61 1 buyer"});
  EXPECT_EQ(
      s.ct->Sql(
          "SELECT to_email || ' ' || status FROM outbox WHERE in_reply_to = " +
          refused),
      std::vector<std::string>{"bob@example.test sent"})
      << "one refusal reply, sent";
  EXPECT_EQ(s.ct->Sql("SELECT status FROM inbox WHERE message_id = " + status),
            std::vector<std::string>{"processed"});
  EXPECT_EQ(
      s.ct->SqlCount(
          "SELECT count(*) FROM events WHERE refused = 0 AND message_ref = " +
          status),
      1);
  EXPECT_EQ(cttest::JsonString(Show(s, s.deal), "state"), "awaiting_deposits");
  // The rest of the pass ran too: the operator's deal's notices went out.
  EXPECT_EQ(
      s.ct->SqlCount("SELECT count(*) FROM outbox WHERE status <> 'sent'"), 0);
  for (const auto& d : mail) ExpectStoredBytes(s, d);
  std::multiset<std::string> processed;
  for (const auto& m : world().ServerMessages(s.user)) {
    EXPECT_EQ(m.mailbox, "Processed") << m.message_id;
    processed.insert(m.message_id);
  }
  EXPECT_EQ(processed, (std::multiset<std::string>{mail[0].message_id,
                                                   mail[1].message_id}));
}

}  // namespace
}  // namespace cttest::once
