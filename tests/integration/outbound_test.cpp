// Outgoing mail through real servers (docs/security.md "Outgoing mail",
// docs/operator.md "Exit status" and "Guarantees"): `cybertroc run` hands every
// queued notification to a real OpenSMTPD (smtp:// with STARTTLS and AUTH,
// smtps://), which delivers it over LMTP into the real Dovecot maildirs of
// alice, bob and the operator. Each received message is read back from disk and
// checked as its recipient would: envelope headers, the Subject prefix, RFC
// 3834 and loop headers, and the PGP/MIME signature verified by plain `gpg
// --verify` over the raw bytes of the first part with CRLF line ends (after
// `gpg --decrypt` in the recipient's own home when it is encrypted); and header
// injection. Outages, crashes, give-up and the daily cap:
// outbound_outage_test.cpp. Skips when the harness cannot run (servers.sh /
// gpg.sh / sign.sh exit 77).
#include <algorithm>

#include "outbound_fixture.h"

namespace {

using namespace cttest;

TEST_F(OutboundTest, StarttlsWithAuthDeliversSignedAndEncryptedMailToEveryone) {
  Configure({.outbox_url = SmtpUrl()});
  // The operator's binding of bob's key (as after bob's first signed
  // mail): bob's notifications are then encrypted to it.
  BindKey("bob");
  const std::string id = OpenSale();
  ASSERT_FALSE(id.empty());
  Deposits(id);
  // accepted+deposit_request (alice, bob), two deposit_received (alice,
  // bob, operator), the second with funded.
  ASSERT_EQ(Count("deal_id = '" + id + "' AND status = 'queued'"), 8);

  Cmd run = Ct({"--json", "run"});
  ASSERT_EQ(run.status, 0) << run.All();
  EXPECT_EQ(JsonInt(run.out, "sent"), 8) << run.out;
  EXPECT_EQ(JsonInt(run.out, "retried"), 0) << run.out;
  ASSERT_NO_FATAL_FAILURE(WaitQueue());

  const auto rows = OutboxRows(id);
  EXPECT_EQ(Column(rows, 1), std::vector<std::string>(8, "sent"));
  for (const std::string user : {"alice", "bob", "operator"}) {
    SCOPED_TRACE(user);
    const std::string address = user + "@example.test";
    const auto mail = DealMail(user, id);
    // Exactly the rows addressed to this user, each once.
    std::vector<std::string> expected_ids;
    for (const auto& row : rows)
      if (row.starts_with(address + "|"))
        expected_ids.push_back(Column({row}, 3)[0]);
    EXPECT_EQ(AsSet(ReceivedIds(user, id)), AsSet(expected_ids));
    ASSERT_EQ(mail.size(), user == "operator" ? 2u : 3u);
    // alice's key is unknown to the escrow: signed only; bob's is bound
    // and the operator's configured: encrypted to them.
    for (const Received& m : mail)
      ExpectWellFormed(m, address, id, user != "alice");
  }

  // The amounts of docs/money.md "Worked example", as each party reads them.
  const auto alice = DealMail("alice", id);
  const auto bob = DealMail("bob", id);
  const auto op = DealMail("operator", id);
  ASSERT_EQ(alice.size(), 3u);
  ASSERT_EQ(bob.size(), 3u);
  ASSERT_EQ(op.size(), 2u);
  EXPECT_TRUE(AnyHas(alice, "please pay 30.25 EUR"));
  EXPECT_TRUE(AnyHas(alice, id + "-SELLER"));
  EXPECT_TRUE(AnyHas(bob, "please pay 60.25 EUR"));
  EXPECT_TRUE(AnyHas(bob, id + "-BUYER"));
  for (const auto* mail : {&alice, &bob, &op}) {
    EXPECT_TRUE(AnyHas(*mail, "90.00 EUR is now held")) << "funded notice";
  }
  EXPECT_TRUE(AnyHas(op, "reference VIR-2"));
  // The verification above is not vacuous: one amount altered in transit
  // and the signature no longer verifies.
  int tampered_count = 0;
  for (const Received& m : alice) {
    std::string raw = ReadFile(m.file);
    const size_t at = raw.find("please pay 30.25 EUR");
    if (at == std::string::npos) continue;
    raw.replace(at, 20, "please pay 03.25 EUR");
    WriteFile(work_ / "tampered.eml", raw);
    const Received tampered =
        OpenMail(work_ / "tampered.eml", world_->PartyHome("alice"), work_);
    EXPECT_EQ(tampered.signer, "");
    EXPECT_NE(tampered.problem.find("gpg --verify failed"), std::string::npos)
        << tampered.problem;
    ++tampered_count;
  }
  EXPECT_EQ(tampered_count, 1);
  // Notices caused at the command line are auto-generated, not replies.
  for (const Received& m : alice) {
    EXPECT_EQ(m.top.Get("Auto-Submitted"), "auto-generated");
    EXPECT_TRUE(m.top.All("In-Reply-To").empty());
  }
}

TEST_F(OutboundTest, SmtpsDeliversAndAnItemCannotInjectAHeader) {
  Configure({.outbox_url = SmtpsUrl()});
  BindKey("bob");
  // A line break in an item is refused outright (core/limits.h);
  // on one line the same text must stay text in the Subject.
  Cmd refused = Ct({"open", "sale", "--seller", "alice@example.test", "--buyer",
                    "bob@example.test", "--item",
                    "CD\r\nBcc: evil@example.test", "--price", "25.00"});
  EXPECT_EQ(refused.status, 2) << refused.All();
  const std::string id = OpenSale("CD Bcc: evil@example.test");
  ASSERT_FALSE(id.empty());
  Cmd run = Ct({"--json", "run"});
  ASSERT_EQ(run.status, 0) << run.All();
  EXPECT_EQ(JsonInt(run.out, "sent"), 2) << run.out;
  ASSERT_NO_FATAL_FAILURE(WaitQueue());

  for (const std::string user : {"alice", "bob"}) {
    SCOPED_TRACE(user);
    const auto mail = DealMail(user, id);
    ASSERT_EQ(mail.size(), 1u);
    const Received& m = mail[0];
    ExpectWellFormed(m, user + "@example.test", id, user == "bob");
    EXPECT_TRUE(m.top.All("Bcc").empty());
    EXPECT_TRUE(m.top.All("Cc").empty());
    for (const auto& [name, value] : m.top.fields) {
      EXPECT_EQ(value.find('\r'), std::string::npos) << name;
      EXPECT_EQ(value.find('\n'), std::string::npos) << name;
    }
    // The raw header block holds no line starting "Bcc:".
    const std::string raw = ReadFile(m.file);
    const std::string head = raw.substr(0, raw.find("\n\n"));
    EXPECT_FALSE(std::regex_search(head, std::regex("(^|\n)[Bb][Cc][Cc]:")))
        << head;
    EXPECT_EQ(m.subject.find('\n'), std::string::npos);
  }
  // Nobody else got anything: not evil@, not anyone through a Bcc.
  EXPECT_FALSE(fs::exists(fs::path(ServerEnv("CT_MAILDIR_ROOT")) / "evil"));
  EXPECT_EQ(ReadFile(ServerEnv("CT_SMTPD_LOG")).find("evil@"),
            std::string::npos);
  EXPECT_TRUE(DealMail("operator", id).empty());
}

}  // namespace
