// docs/operator.md "Guarantees", "Nothing lost" and "Nothing applied twice",
// end to end,
// for runs that stop halfway: the built `cybertroc run` against real Dovecot
// (IMAP, IMAPS, POP3, POP3S) and a local maildir, with mail signed by the
// harness parties (the servers, the scenarios and the exactly-once checks:
// tests/support/exactly_once_suite.h).
//
// For every mailbox kind, N distinct signed messages (an offer opening a
// deal, and status requests `CT-... 00` on a deal the operator opened) are
// delivered into the escrow's mailbox, then:
//   CrashAfterStore  a run killed (CYBERTROC_CRASH_AT=after-store, exit
//                    137) between storing the first message and
//                    acknowledging it, then a normal run: the message is
//                    fetched again, recognised as a duplicate, acknowledged,
//                    and applied once; the end state equals TwoRuns'
//                    (exactly_once_runs_test.cpp).
// Also: an unreachable inbox server makes `run` exit 1 with a one-line
// reason while stored mail is still processed and the outbox still sent;
// with the server back nothing is lost and nothing applied twice.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "exactly_once_suite.h"

namespace cttest::once {

void ExactlyOnceTest::CrashAfterStore(Kind kind) {
  Scenario s = NewScenario(kind, Label("crash"));
  ASSERT_NO_FATAL_FAILURE(DeliverBatch(s));
  Cmd crash = RunOnce(s, "CYBERTROC_CRASH_AT=after-store");
  ASSERT_EQ(crash.status, kCrashStatus) << crash.All() << Diagnostics(s);
  // The first message is stored, not yet processed nor acknowledged.
  const auto stored =
      s.ct->Sql("SELECT message_id || ' ' || status FROM inbox");
  ASSERT_EQ(stored.size(), 1u) << Diagnostics(s);
  const std::string crashed = stored[0].substr(0, stored[0].rfind(' '));
  EXPECT_EQ(stored[0].substr(stored[0].rfind(' ') + 1), "new");
  EXPECT_EQ(AllIds(s).count(crashed), 1u) << crashed;
  EXPECT_EQ(
      s.ct->SqlCount("SELECT count(*) FROM events WHERE message_ref IN (" +
                     IdList(s) + ")"),
      0);
  EXPECT_TRUE(s.ct->SentFiles().empty());
  ExpectAllWaiting(s);

  Cmd resumed = RunOnce(s);
  ASSERT_EQ(resumed.status, 0) << resumed.All() << Diagnostics(s);
  EXPECT_EQ(JsonInt(resumed.out, "fetched"), kMessages - 1) << resumed.out;
  EXPECT_EQ(JsonInt(resumed.out, "duplicates"), 1)
      << resumed.out << " (" << crashed << ")";
  EXPECT_EQ(JsonInt(resumed.out, "applied"), kMessages)
      << resumed.out << Diagnostics(s);
  ExpectAcknowledged(s);
  ExpectNothingNew(s, RunOnce(s));
  ExpectEachAppliedOnce(s);
  ExpectAcknowledged(s);
}

namespace {

#define CT_EXACTLY_ONCE_TESTS(Name, kind) \
  TEST_F(ExactlyOnceTest, Name##CrashAfterStore) { CrashAfterStore(kind); }

CT_FOR_EACH_MAILBOX_KIND(CT_EXACTLY_ONCE_TESTS)

// An inbox server that cannot be reached: `run` exits 1 with one line on
// stderr, and still processes what is stored and sends the outbox; the
// next run with the server back loses nothing and applies nothing twice.
TEST_F(ExactlyOnceTest, UnreachableServerLosesNothing) {
  Scenario s = NewScenario(Kind::kImapProcessed, Label("dead"));
  ASSERT_NO_FATAL_FAILURE(DeliverBatch(s));
  // A message stored but not processed (nor acknowledged), two notices
  // of the operator's deal queued.
  Cmd crash = RunOnce(s, "CYBERTROC_CRASH_AT=after-store");
  ASSERT_EQ(crash.status, kCrashStatus) << crash.All() << Diagnostics(s);
  ASSERT_EQ(s.ct->SqlCount("SELECT count(*) FROM inbox WHERE status = 'new'"),
            1);
  const std::string stored = s.ct->Sql("SELECT message_id FROM inbox")[0];
  EXPECT_TRUE(s.ct->SentFiles().empty());
  const long queued = s.ct->SqlCount("SELECT count(*) FROM outbox");
  EXPECT_EQ(queued, 2);

  const int port = cttest::ClosedLoopbackPort();
  for (const std::string scheme : {"imap", "pop3s"}) {
    SCOPED_TRACE(scheme + " on closed port " + std::to_string(port));
    cttest::InboxSettings dead = Inbox(Kind::kImapProcessed);
    dead.url =
        scheme + "://escrow@127.0.0.1:" + std::to_string(port) + "/INBOX";
    s.ct->WriteConfig(dead, kWorkers);
    Cmd run = RunOnce(s);
    EXPECT_EQ(run.status, 1) << run.All() << Diagnostics(s);
    const auto err = Lines(run.err);
    ASSERT_EQ(err.size(), 1u) << "one line on stderr:\n" << run.err;
    EXPECT_TRUE(err[0].starts_with("cybertroc: ")) << err[0];
    EXPECT_NE(err[0].find(std::to_string(port)), std::string::npos)
        << "the reason names the server: " << err[0];
    EXPECT_EQ(run.err.find("password"), std::string::npos) << run.err;
  }
  // The stored message was processed, once; everything queued was sent.
  EXPECT_EQ(s.ct->Sql("SELECT status FROM inbox"),
            std::vector<std::string>{"processed"});
  EXPECT_EQ(s.ct->SqlCount("SELECT count(*) FROM events WHERE message_ref = " +
                           Instance::SqlText(stored)),
            1);
  EXPECT_EQ(
      s.ct->SqlCount("SELECT count(*) FROM outbox WHERE status <> 'sent'"), 0);
  EXPECT_GT(s.ct->SqlCount("SELECT count(*) FROM outbox"), queued);
  EXPECT_EQ(static_cast<long>(s.ct->SentFiles().size()),
            s.ct->SqlCount("SELECT count(*) FROM outbox"));
  ExpectAllWaiting(s);  // nothing was acknowledged meanwhile

  // The server is back: the rest arrives, the stored one is a duplicate.
  s.ct->WriteConfig(Inbox(Kind::kImapProcessed), kWorkers);
  Cmd back = RunOnce(s);
  ASSERT_EQ(back.status, 0) << back.All() << Diagnostics(s);
  EXPECT_EQ(JsonInt(back.out, "fetched"), kMessages - 1) << back.out;
  EXPECT_EQ(JsonInt(back.out, "duplicates"), 1) << back.out;
  EXPECT_EQ(JsonInt(back.out, "applied"), kMessages - 1)
      << back.out << Diagnostics(s);
  ExpectEachAppliedOnce(s);
  ExpectAcknowledged(s);
}

}  // namespace
}  // namespace cttest::once
