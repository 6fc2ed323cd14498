// Outgoing mail when the world misbehaves (docs/security.md "Outgoing mail",
// docs/operator.md "Exit status" and "Guarantees"), through real OpenSMTPD and
// Dovecot (outbound_fixture.h): a server outage loses nothing and retries after
// the backoff, exactly once; servers stopped and restarted; a run killed after
// the server accepted a message resends it with the same Message-ID; give-up
// after `give_up_hours` with the operator's "delivery_failed" notice; at most
// `max_replies_per_day` refusal replies per address. Skips when the harness
// cannot run (servers.sh / gpg.sh / sign.sh exit 77).
#include <algorithm>

#include "outbound_fixture.h"

namespace {

using namespace cttest;

// A server that cannot be reached loses nothing: `run` exits 1 with every
// message still queued; the retry waits for Backoff(n) = 60 s * 2^(n-1);
// once the server answers, each message arrives exactly once.
TEST_F(OutboundTest, OutageLosesNothingAndRetriesAfterTheBackoff) {
  const std::string closed =
      "smtp://escrow@127.0.0.1:" + std::to_string(ClosedLoopbackPort());
  Configure({.outbox_url = closed});
  const std::string id = OpenSale();
  ASSERT_FALSE(id.empty());
  Deposits(id);
  const std::string deal = "deal_id = '" + id + "'";
  ASSERT_EQ(Count(deal), 8);

  Cmd down = Ct({"--json", "run"}, 0);
  EXPECT_EQ(down.status, 1) << down.All();
  EXPECT_EQ(JsonInt(down.out, "retried"), 8) << down.out;
  EXPECT_EQ(
      Count(deal +
            " AND status = 'queued' AND attempts = 1 AND next_attempt = " +
            std::to_string(t0_ + 60)),
      8);
  // Still down at the retry: the second wait is twice as long.
  Cmd still_down = Ct({"--json", "run"}, 60);
  EXPECT_EQ(still_down.status, 1) << still_down.All();
  EXPECT_EQ(
      Count(deal +
            " AND status = 'queued' AND attempts = 2 AND next_attempt = " +
            std::to_string(t0_ + 60 + 120)),
      8);

  // The server is back; before the backoff has passed nothing is tried.
  Configure({.outbox_url = SmtpUrl()});
  Cmd early = Ct({"--json", "run"}, 60 + 119);
  EXPECT_EQ(early.status, 0) << early.All();
  EXPECT_EQ(JsonInt(early.out, "sent"), 0) << early.out;
  EXPECT_EQ(Count(deal + " AND status = 'queued' AND attempts = 2"), 8);
  ASSERT_NO_FATAL_FAILURE(WaitQueue());
  for (const std::string user : {"alice", "bob", "operator"})
    EXPECT_TRUE(DealMail(user, id).empty()) << user;

  Cmd up = Ct({"--json", "run"}, 60 + 120);
  EXPECT_EQ(up.status, 0) << up.All();
  EXPECT_EQ(JsonInt(up.out, "sent"), 8) << up.out;
  // Later runs send nothing again.
  Cmd later = Ct({"--json", "run"}, 7200);
  EXPECT_EQ(later.status, 0) << later.All();
  EXPECT_EQ(JsonInt(later.out, "sent"), 0) << later.out;
  ASSERT_NO_FATAL_FAILURE(WaitQueue());

  const auto rows = OutboxRows(id);
  EXPECT_EQ(Column(rows, 1), std::vector<std::string>(8, "sent"));
  EXPECT_EQ(Column(rows, 2), std::vector<std::string>(8, "3"));
  std::vector<std::string> received;
  for (const std::string user : {"alice", "bob", "operator"}) {
    for (const Received& m : DealMail(user, id)) {
      ExpectWellFormed(m, user + "@example.test", id, user == "operator");
      received.push_back(m.top.Get("Message-ID"));
    }
  }
  // Exactly once: every queued message, no duplicate, nothing else.
  EXPECT_EQ(AsSet(received), AsSet(Column(rows, 3)));
  EXPECT_EQ(std::set<std::string>(received.begin(), received.end()).size(), 8u);
}

// The servers themselves stop between two runs and come back (on new
// ports, as servers.sh picks them): the same guarantees.
TEST_F(OutboundTest, ServersStoppedThenRestartedDeliverEverythingOnce) {
  Configure({.outbox_url = SmtpUrl()});
  const std::string id = OpenSale();
  ASSERT_FALSE(id.empty());
  const std::string deal = "deal_id = '" + id + "'";
  Cmd stop = Shell(MailWorld::Script("servers.sh") + " stop " +
                   Quote(world_->servers_dir()));
  ASSERT_EQ(stop.status, 0) << stop.All();
  Cmd down = Ct({"--json", "run"}, 0);
  Cmd start = Shell(MailWorld::Script("servers.sh") + " start " +
                    Quote(world_->servers_dir()));
  ASSERT_EQ(start.status, 0) << start.All();
  EXPECT_EQ(down.status, 1) << down.All();
  EXPECT_EQ(Count(deal + " AND status = 'queued' AND attempts = 1"), 2);

  Configure({.outbox_url = SmtpUrl()});  // the new port
  Cmd up = Ct({"--json", "run"}, 61);
  EXPECT_EQ(up.status, 0) << up.All();
  EXPECT_EQ(JsonInt(up.out, "sent"), 2) << up.out;
  ASSERT_NO_FATAL_FAILURE(WaitQueue());
  for (const std::string user : {"alice", "bob"}) {
    const auto mail = DealMail(user, id);
    ASSERT_EQ(mail.size(), 1u) << user;
    ExpectWellFormed(mail[0], user + "@example.test", id, false);
  }
}

// What SMTP cannot promise: a run killed after the server
// accepted a message (250 to DATA) and before its row was marked sent
// hands it over again on the next run; the recipient receives two copies
// with the same Message-ID, by which a client can drop one.
TEST_F(OutboundTest, CrashAfterTheServerAcceptedResendsTheSameMessageId) {
  Configure({.outbox_url = SmtpUrl()});
  const std::string id = OpenSale();
  ASSERT_FALSE(id.empty());
  Cmd crash = CtAt(t0_, {"run"}, "CYBERTROC_CRASH_AT=after-send");
  ASSERT_EQ(crash.status, 137) << crash.All();
  const auto before = OutboxRows(id);
  ASSERT_EQ(before.size(), 2u);
  EXPECT_EQ(Column(before, 1), (std::vector<std::string>{"queued", "queued"}));
  Cmd rerun = Ct({"--json", "run"});
  ASSERT_EQ(rerun.status, 0) << rerun.All();
  EXPECT_EQ(JsonInt(rerun.out, "sent"), 2) << rerun.out;
  ASSERT_NO_FATAL_FAILURE(WaitQueue());

  const auto rows = OutboxRows(id);
  EXPECT_EQ(Column(rows, 1), (std::vector<std::string>{"sent", "sent"}));
  EXPECT_EQ(Column(rows, 3)[0], Column(before, 3)[0]) << "Message-ID kept";
  const std::string first_user = Column(rows, 0)[0].substr(0, 5);
  for (const std::string user : {"alice", "bob"}) {
    SCOPED_TRACE(user);
    std::vector<std::string> expected;
    for (const auto& row : rows) {
      if (!row.starts_with(user + "@")) continue;
      expected.push_back(Column({row}, 3)[0]);
      if (row == rows[0]) expected.push_back(Column({row}, 3)[0]);
    }
    EXPECT_EQ(AsSet(ReceivedIds(user, id)), AsSet(expected));
    for (const Received& m : DealMail(user, id))
      ExpectWellFormed(m, user + "@example.test", id, false);
  }
  EXPECT_EQ(DealMail(first_user, id).size(), 2u) << "the crashed one, twice";
}

// A message undeliverable for give_up_hours is given up, and the operator
// is told by a "delivery_failed" notice (never about its own mail).
TEST_F(OutboundTest, GiveUpAfterGiveUpHoursTellsTheOperator) {
  const std::string closed =
      "smtp://escrow@127.0.0.1:" + std::to_string(ClosedLoopbackPort());
  Configure({.outbox_url = closed, .give_up_hours = 1});
  const std::string id = OpenSale();
  ASSERT_FALSE(id.empty());
  Deposits(id);
  const std::string deal = "deal_id = '" + id + "'";
  const long to_parties =
      Count(deal + " AND to_email <> 'operator@example.test'");
  const long to_operator =
      Count(deal + " AND to_email = 'operator@example.test'");
  ASSERT_EQ(to_parties, 6);
  ASSERT_EQ(to_operator, 2);

  EXPECT_EQ(Ct({"run"}, 0).status, 1);
  EXPECT_EQ(Count(deal + " AND status = 'queued'"), 8);
  // An hour later it is still down: every message is given up.
  Cmd give_up = Ct({"--json", "run"}, 3600);
  EXPECT_EQ(give_up.status, 1) << give_up.All();
  EXPECT_EQ(JsonInt(give_up.out, "gave_up"), 8) << give_up.out;
  EXPECT_EQ(Count(deal +
                  " AND status = 'gave_up' AND templates <> 'delivery_failed'"),
            8);
  EXPECT_EQ(
      Count(deal +
            " AND templates = 'delivery_failed' AND status = 'queued' AND "
            "to_email = 'operator@example.test'"),
      to_parties);

  // The server is back: the notices reach the operator; the given-up mail
  // is not sent any more.
  Configure({.outbox_url = SmtpUrl(), .give_up_hours = 1});
  Cmd up = Ct({"--json", "run"}, 3601);
  EXPECT_EQ(up.status, 0) << up.All();
  EXPECT_EQ(JsonInt(up.out, "sent"), to_parties) << up.out;
  ASSERT_NO_FATAL_FAILURE(WaitQueue());
  EXPECT_TRUE(DealMail("alice", id).empty());
  EXPECT_TRUE(DealMail("bob", id).empty());
  const auto notices = DealMail("operator", id);
  ASSERT_EQ(static_cast<long>(notices.size()), to_parties);
  int to_alice = 0, to_bob = 0;
  for (const Received& m : notices) {
    ExpectWellFormed(m, "operator@example.test", id, true);
    EXPECT_NE(m.subject.find("Undeliverable"), std::string::npos) << m.subject;
    EXPECT_EQ(m.top.Get("Auto-Submitted"), "auto-generated");
    EXPECT_NE(m.text.find("could not deliver"), std::string::npos) << m.text;
    to_alice += m.text.find("to alice@example.test") != std::string::npos;
    to_bob += m.text.find("to bob@example.test") != std::string::npos;
  }
  EXPECT_EQ(to_alice, 3);
  EXPECT_EQ(to_bob, 3);
  EXPECT_EQ(
      Count(deal + " AND templates = 'delivery_failed' AND status = 'sent'"),
      to_parties);
}

// At most outbox.max_replies_per_day (10) refusals go to one address per
// day, however many refused commands it sends; the next day it gets
// answers again.
TEST_F(OutboundTest, AtMostTenRefusalRepliesPerDay) {
  Configure({.outbox_url = SmtpUrl()});
  const std::string id = OpenSale();
  ASSERT_FALSE(id.empty());
  // 61 from the seller is always refused. Each mail is signed anew (a
  // signature counts once); alice's key comes along (Autocrypt).
  const std::string autocrypt = world_->AutocryptHeader("alice");
  for (int i = 1; i <= 12; ++i) {
    const fs::path mail = work_ / ("refused-" + std::to_string(i) + ".eml");
    world_->Clearsign("alice",
                      "Attempt " + std::to_string(i) + "\n" + id + " 61\n",
                      mail, 0, autocrypt);
    fs::copy_file(mail,
                  inbox_ / "new" / ("refused-" + std::to_string(i) + ".eml"));
  }
  Cmd run = Ct({"--json", "run"}, 60);
  ASSERT_EQ(run.status, 0) << run.All();
  EXPECT_EQ(JsonInt(run.out, "fetched"), 12) << run.out;
  EXPECT_EQ(JsonInt(run.out, "refused"), 12) << run.out;
  EXPECT_EQ(Count("deal_id = '" + id + "' AND kind = 'refusal'"), 10);

  // A day later the cap has room again.
  const std::time_t next_day = t0_ + 86400 + 120;
  const fs::path late = work_ / "refused-13.eml";
  world_->Clearsign("alice", "Attempt 13\n" + id + " 61\n", late,
                    next_day - 30);
  fs::copy_file(late, inbox_ / "new" / "refused-13.eml");
  Cmd again = Ct({"--json", "run"}, 86400 + 120);
  ASSERT_EQ(again.status, 0) << again.All();
  EXPECT_EQ(JsonInt(again.out, "refused"), 1) << again.out;
  ASSERT_NO_FATAL_FAILURE(WaitQueue());

  int refusals = 0;
  std::set<std::string> answered;
  for (const Received& m : DealMail("alice", id)) {
    // Her first signed mail bound her key: everything to her is encrypted.
    ExpectWellFormed(m, "alice@example.test", id, true);
    if (m.top.All("In-Reply-To").empty()) continue;  // the opening notice
    ++refusals;
    EXPECT_EQ(m.top.Get("Auto-Submitted"), "auto-replied");
    EXPECT_EQ(m.top.Get("References"), m.top.Get("In-Reply-To"));
    answered.insert(m.top.Get("In-Reply-To"));
    EXPECT_NE(m.text.find("was not accepted"), std::string::npos) << m.text;
  }
  EXPECT_EQ(refusals, 11);
  EXPECT_EQ(answered.size(), 11u);
  EXPECT_TRUE(DealMail("bob", id).size() == 1u);  // the opening notice only
}

}  // namespace
