// The fixture of the exactly-once tests (docs/operator.md "Guarantees": nothing
// lost, nothing applied twice; tests/integration/exactly_once_runs_test.cpp and
// exactly_once_crash_test.cpp): the built `cybertroc run` against real Dovecot
// (IMAP, IMAPS, POP3, POP3S) and a local maildir, with mail signed by the
// harness parties (tests/harness: servers.sh, gpg.sh, sign.sh).
//
// The servers start once for the suite; each scenario gets a fresh
// cybertroc directory (config, database, dir:// outbox) and a fresh escrow
// GnuPG home that knows only the operator: the parties' keys arrive in
// Autocrypt headers. Every installation verifies with two GnuPG workers
// ([inbox] workers = 2). Skips only when the harness exits 77.
//
// A scenario's batch is kMessages distinct signed messages (an offer opening
// a deal, and status requests `CT-... 00` on a deal the operator opened)
// delivered into the escrow's mailbox. "Applied exactly once" is checked per
// Message-ID: one inbox row, one event (in the events table and in
// `cybertroc --json show`), one outgoing message per recipient, each sent
// exactly once (one file in the dir:// outbox); and the bytes stored equal
// the bytes delivered.
//
// ExactlyOnceTest is the suite of both test files: each defines the
// scenarios of its topic, which it runs for every mailbox kind
// (CT_FOR_EACH_MAILBOX_KIND).
#ifndef CYBERTROC_TESTS_SUPPORT_EXACTLY_ONCE_SUITE_H_
#define CYBERTROC_TESTS_SUPPORT_EXACTLY_ONCE_SUITE_H_

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "mail_fixture.h"

namespace cttest::once {

// Per scenario: one offer, four status requests.
inline constexpr int kMessages = 5;
// Verified by two GnuPG workers whatever the machine: exactly once
// must hold with several.
inline constexpr char kWorkers[] = "[inbox]\nworkers = 2\n";
inline constexpr int kCrashStatus = 137;

enum class Kind { kImapProcessed, kImapSeen, kImaps, kPop3, kPop3s, kMaildir };

// TESTS(Name, kind) for every mailbox kind, Name naming it in the tests'
// names: each scenario runs against all of them.
#define CT_FOR_EACH_MAILBOX_KIND(TESTS)            \
  TESTS(ImapProcessedFolder, Kind::kImapProcessed) \
  TESTS(ImapSeenFlag, Kind::kImapSeen)             \
  TESTS(Imaps, Kind::kImaps)                       \
  TESTS(Pop3, Kind::kPop3)                         \
  TESTS(Pop3s, Kind::kPop3s)                       \
  TESTS(Maildir, Kind::kMaildir)

// One delivered message and what it should do.
struct Delivered {
  std::string sender;      // "alice" or "bob"
  std::string message_id;  // as in its header
  std::string bytes;       // exactly what was put in the mailbox
  bool offer = false;      // opens a deal; else a status request on `deal`
};

// One scenario: a cybertroc installation and the mail waiting for it.
struct Scenario {
  Kind kind = Kind::kImapProcessed;
  std::string user = "escrow";  // owner of the server mailbox
  fs::path maildir;             // Kind::kMaildir: a maildir of our own
  std::unique_ptr<Instance> ct;
  std::string deal;  // opened by the operator before the mail arrives
  std::vector<Delivered> mail;
};

class ExactlyOnceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();  // stops the servers and the agents
  void SetUp() override;

  MailWorld& world() { return *world_; }

  // A label unique in this run (directories, GnuPG homes).
  static std::string Label(const std::string& what);

  // The [inbox] settings that read the escrow's mailbox of this kind.
  InboxSettings Inbox(Kind kind, const fs::path& maildir = {});

  // Empties the escrow's mailboxes (network kinds) and makes a fresh
  // cybertroc with its config; the operator opens the deal the status
  // requests are about.
  Scenario NewScenario(Kind kind, const std::string& label);

  // Signs and delivers kMessages distinct messages: alice's offer (a new
  // deal with bob), then status requests on s.deal by alice and bob in
  // turn. Every mail carries its sender's key in an Autocrypt header.
  // They are signed now, one after the other, and delivered so that the
  // mailbox hands them out in that order (mail out of signing order is
  // tests/e2e/out_of_order_test.cpp's subject).
  void DeliverBatch(Scenario& s);

  // `cybertroc --json run` (with `env` in front), its JSON summary.
  Cmd RunOnce(const Scenario& s, const std::string& env = "") {
    return s.ct->Run({"--json", "run"}, env);
  }

  // The end of the installation's log, for a failure message.
  std::string Diagnostics(const Scenario& s);

  // The deal the offer opened ("" before it was processed).
  std::string OfferDeal(const Scenario& s);

  // `cybertroc --json show DEAL`, which must succeed.
  std::string Show(const Scenario& s, const std::string& deal);

  // Messages still offered to us by the server (not acknowledged).
  std::set<std::string> Waiting(const Scenario& s);

  // The delivered Message-IDs as an SQL list.
  std::string IdList(const Scenario& s);

  std::set<std::string> AllIds(const Scenario& s);

  // Every delivered message is still on the server, untouched.
  void ExpectAllWaiting(const Scenario& s) { EXPECT_EQ(Waiting(s), AllIds(s)); }

  // Every delivered message was acknowledged, the way this kind does it.
  void ExpectAcknowledged(const Scenario& s);

  // The bytes stored for each message are the bytes delivered (servers.sh
  // deliver adds no trace header; any Return-Path/Delivered-To would be
  // the only tolerated difference).
  void ExpectStoredBytes(const Scenario& s, const Delivered& d);

  // Each delivered message applied exactly once (two deals: the
  // operator's and the offer's); every queued mail sent exactly once.
  void ExpectEachAppliedOnce(const Scenario& s);

  // The second run of a pass: nothing new anywhere.
  void ExpectNothingNew(const Scenario& s, const Cmd& run);

  // The scenarios, defined in exactly_once_runs_test.cpp: two runs in a
  // row; a second run, and a `run --wait`, while one works.
  void TwoRuns(Kind kind);
  void ConcurrentRuns(Kind kind);
  // Defined in exactly_once_crash_test.cpp: a run killed after storing the
  // first message, then a normal run.
  void CrashAfterStore(Kind kind);

 private:
  static MailWorld* world_;
  static std::string problem_;
  static bool skipped_;
};

}  // namespace cttest::once

#endif  // CYBERTROC_TESTS_SUPPORT_EXACTLY_ONCE_SUITE_H_
