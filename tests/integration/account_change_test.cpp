// Where a party is paid is as well protected as its commands. A
// party registers its payout account by signed mail ("CT 03 IBAN"); the
// first registration applies at once, a change only after
// money.account_change_hours, announced to the party's bound address when
// asked and again when `tick` applies it; until then payouts (the list and
// the SEPA file) still go to the old account. A bad IBAN, or the operator's
// key, is refused and nothing is stored. Real GnuPG keys and signed mail;
// a maildir inbox, no mail server.
#include <gtest/gtest.h>

#include "maildir_world.h"

namespace {

using cttest::Cmd;
namespace fs = std::filesystem;

class AccountChangeTest : public cttest::KeyWorldSuite<AccountChangeTest> {
 public:
  static constexpr const char* kWorldLabel = "accounts";

 protected:
  void SetUp() override {
    KeyWorldSuite::SetUp();
    if (Stopped()) return;
    StartInstance("a",
                  "[money]\n"
                  "pay_to_iban = FR76 3000 6000 0112 3456 7890 189\n"
                  "pay_to_name = CyberTroc Escrow\n"
                  "account_change_hours = 48\n");
    now_ = std::time(nullptr);
  }

  // NAME's signed BODY (signed now) into the escrow's maildir.
  void Mail(const std::string& name, const std::string& body) {
    const fs::path file =
        ct_->dir() / ("mail-" + std::to_string(++mails_) + ".eml");
    world_->Clearsign(name, body, file, 0, world_->AutocryptHeader(name));
    ct_->Deliver(file);
  }

  // `run` at now + `hours`, which must apply `applied` and refuse `refused`.
  void Run(int hours, int applied, int refused = 0) {
    Cmd run = ct_->Run({"--json", "run"}, now_ + hours * 3600);
    ASSERT_EQ(run.status, 0) << run.All();
    EXPECT_EQ(cttest::JsonInt(run.out, "applied"), applied) << run.out;
    EXPECT_EQ(cttest::JsonInt(run.out, "refused"), refused) << run.out;
  }

  Cmd Ct(const std::vector<std::string>& args, long seconds) {
    return ct_->Run(args, now_ + seconds);
  }

  // template|kind|subject|body of the mail about no deal (the answers to
  // CT 03, the notices of a change, refusals) queued for `to`, in order.
  std::vector<std::string> MailTo(const std::string& to) {
    return ct_->Sql(
        "SELECT templates || '|' || kind || '|' || subject || '|' || "
        "replace(body, char(10), ' ') FROM outbox WHERE to_email = " +
        cttest::MaildirInstance::SqlText(to) +
        " AND deal_id IS NULL ORDER BY id");
  }

  std::time_t now_ = 0;
  int mails_ = 0;
};

TEST_F(AccountChangeTest, ChangeIsDelayedAndAnnouncedTwice) {
  if (Stopped()) return;
  Mail("alice",
       "CT 03 FR14 2004 1010 0505 0001 3M02 606\nname: Alice Martin\n");
  ASSERT_NO_FATAL_FAILURE(Run(0, 1));
  auto mail = MailTo("alice@example.test");
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_TRUE(mail[0].starts_with(
      "account_registered|reply|Payout account registered: FR14 **** **** "
      "2606|"))
      << mail[0];
  EXPECT_EQ(mail[0].find("0505"), std::string::npos) << "masked in mail";

  // A deal that ends with a payout to alice while a change waits.
  Cmd open = Ct({"--json", "open", "sale", "--seller", "alice@example.test",
                 "--buyer", "bob@example.test", "--item", "CD", "--price",
                 "25.00", "--shipping", "5.00"},
                60);
  ASSERT_EQ(open.status, 0) << open.All();
  const std::string id = cttest::JsonString(open.out, "id");
  ASSERT_EQ(Ct({"deposit", id, "seller", "30.25"}, 120).status, 0);

  Mail("alice",
       "New bank.\n\nCT 03 DE89 3704 0044 0532 0130 00\n"
       "bic: COBADEFFXXX\n");
  ASSERT_NO_FATAL_FAILURE(Run(1, 1));
  mail = MailTo("alice@example.test");
  ASSERT_EQ(mail.size(), 2u);
  EXPECT_TRUE(mail[1].starts_with("account_change_pending|reply|")) << mail[1];
  EXPECT_NE(mail[1].find("from FR14 **** **** 2606     to   DE89 **** **** "
                         "3000  BIC COBADEFFXXX"),
            std::string::npos)
      << mail[1];
  EXPECT_NE(mail[1].find("If you did not ask for this"), std::string::npos);
  EXPECT_NE(mail[1].find(world_->Fpr("alice")), std::string::npos)
      << "names the key that signed it";
  EXPECT_EQ(ct_->Sql("SELECT status || ' ' || iban FROM payout_accounts "
                     "ORDER BY id"),
            (std::vector<std::string>{"active FR1420041010050500013M02606",
                                      "pending DE89370400440532013000"}));
  Cmd accounts = Ct({"accounts"}, 3700);
  EXPECT_NE(accounts.out.find("DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX"),
            std::string::npos)
      << accounts.out;
  EXPECT_NE(accounts.out.find("accounts cancel alice@example.test"),
            std::string::npos);

  Mail("alice", id + " 13\n");  // withdrawn: her deposit goes back
  ASSERT_NO_FATAL_FAILURE(Run(2, 1));
  Cmd payouts = Ct({"--json", "payouts"}, 2 * 3600);
  EXPECT_NE(payouts.out.find("\"iban\": \"FR1420041010050500013M02606\""),
            std::string::npos)
      << "a waiting change does not redirect money already due\n"
      << payouts.out;
  Cmd sepa = Ct({"payouts", "--sepa"}, 2 * 3600);
  ASSERT_EQ(sepa.status, 0) << sepa.All();
  EXPECT_NE(sepa.out.find("<IBAN>FR1420041010050500013M02606</IBAN>"),
            std::string::npos)
      << sepa.out;
  EXPECT_EQ(sepa.out.find("DE89370400440532013000"), std::string::npos);
  EXPECT_NE(sepa.err.find("a change of account for alice@example.test "
                          "applies"),
            std::string::npos)
      << sepa.err;

  // 48 hours after the request (made at +1h): not a second before.
  Cmd early = Ct({"--json", "tick"}, 3600 + 48 * 3600 - 1);
  ASSERT_EQ(early.status, 0) << early.All();
  EXPECT_EQ(cttest::JsonInt(early.out, "account_changes"), 0) << early.out;
  Cmd due = Ct({"--json", "tick"}, 3600 + 48 * 3600);
  ASSERT_EQ(due.status, 0) << due.All();
  EXPECT_EQ(cttest::JsonInt(due.out, "account_changes"), 1) << due.out;
  Cmd again = Ct({"--json", "tick"}, 3600 + 49 * 3600);
  EXPECT_EQ(cttest::JsonInt(again.out, "account_changes"), 0) << again.out;
  mail = MailTo("alice@example.test");
  ASSERT_GE(mail.size(), 3u);
  EXPECT_TRUE(mail.back().starts_with(
      "account_changed|notice|Payout account changed: DE89 **** **** 3000|"))
      << mail.back();
  EXPECT_NE(mail.back().find("instead of FR14 **** **** 2606"),
            std::string::npos);
  payouts = Ct({"--json", "payouts"}, 50 * 3600);
  EXPECT_NE(payouts.out.find("\"iban\": \"DE89370400440532013000\""),
            std::string::npos)
      << payouts.out;
}

TEST_F(AccountChangeTest, RepeatingTheCurrentAccountCancelsAWaitingChange) {
  if (Stopped()) return;
  Mail("bob", "CT 03 GB82 WEST 1234 5698 7654 32\n");
  Mail("bob", "CT 03 DE89 3704 0044 0532 0130 00\n");
  ASSERT_NO_FATAL_FAILURE(Run(0, 2));
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM payout_accounts WHERE status "
                          "= 'pending'"),
            1);
  Mail("bob", "CT 03 GB82WEST12345698765432\n");
  ASSERT_NO_FATAL_FAILURE(Run(1, 1));
  auto mail = MailTo("bob@example.test");
  ASSERT_EQ(mail.size(), 3u);
  EXPECT_TRUE(mail[2].starts_with("account_registered|reply|")) << mail[2];
  EXPECT_NE(mail[2].find("The change to DE89 **** **** 3000 that was waiting "
                         "is cancelled."),
            std::string::npos)
      << mail[2];
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM payout_accounts WHERE status "
                          "= 'pending'"),
            0);
  Cmd due = Ct({"--json", "tick"}, 100 * 3600);
  EXPECT_EQ(cttest::JsonInt(due.out, "account_changes"), 0) << due.out;
}

TEST_F(AccountChangeTest, OperatorCancelsAChangeThePartyDidNotAskFor) {
  if (Stopped()) return;
  Mail("bob", "CT 03 GB82 WEST 1234 5698 7654 32\n");
  Mail("bob", "CT 03 DE89 3704 0044 0532 0130 00\n");
  ASSERT_NO_FATAL_FAILURE(Run(0, 2));
  Cmd cancel = Ct({"accounts", "cancel", "bob@example.test"}, 3600);
  ASSERT_EQ(cancel.status, 0) << cancel.All();
  Cmd twice = Ct({"accounts", "cancel", "bob@example.test"}, 3600);
  EXPECT_EQ(twice.status, 2) << twice.All();
  Cmd due = Ct({"--json", "tick"}, 100 * 3600);
  EXPECT_EQ(cttest::JsonInt(due.out, "account_changes"), 0) << due.out;
  Cmd list = Ct({"accounts"}, 100 * 3600);
  EXPECT_NE(list.out.find("GB82 WEST 1234 5698 7654 32"), std::string::npos)
      << list.out;
  EXPECT_EQ(list.out.find("DE89"), std::string::npos) << list.out;
}

// Regression: a bad account by mail is refused with the reason, nothing
// is stored; the operator's key registers nothing either.
TEST_F(AccountChangeTest, BadAccountsAreRefusedAndNothingStored) {
  if (Stopped()) return;
  Mail("alice", "CT 03 FR76 3000 6000 0112 3456 7890 188\n");  // check digits
  Mail("bob", "CT 03 GB82WEST12345698765432\nbic: NOTABIC\n");
  Mail("carol", "CT 03 DE89 3704 0044 0532 0130 00\nname: Carol\tX\n");
  Mail("operator", "CT 03 DE89 3704 0044 0532 0130 00\n");
  ASSERT_NO_FATAL_FAILURE(Run(0, 0, 4));
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM payout_accounts"), 0);
  const auto alice = MailTo("alice@example.test");
  ASSERT_EQ(alice.size(), 1u);
  EXPECT_NE(alice[0].find("is not a valid IBAN: the check digits do not match"),
            std::string::npos)
      << alice[0];
  const auto bob = MailTo("bob@example.test");
  ASSERT_EQ(bob.size(), 1u);
  EXPECT_NE(bob[0].find("'NOTABIC' is not a valid BIC"), std::string::npos)
      << bob[0];
  const auto carol = MailTo("carol@example.test");
  ASSERT_EQ(carol.size(), 1u);
  EXPECT_NE(carol[0].find("name: control characters"), std::string::npos)
      << carol[0];
  const auto op = MailTo("operator@example.test");
  ASSERT_EQ(op.size(), 1u);
  EXPECT_NE(op[0].find("money.pay_to_iban"), std::string::npos) << op[0];
}

// Regression: a holder's name in another script reduced to nothing in the
// SEPA file and stopped every transfer. Such a name is registered (the
// file writes it in Latin letters); one that keeps no letter or digit even
// then is refused with the reason, while the party can still correct it.
TEST_F(AccountChangeTest, ANameNoBankTransferCanCarryIsRefused) {
  if (Stopped()) return;
  Mail("bob", "CT 03 GB82 WEST 1234 5698 7654 32\nname: Дмитрий Иванов\n");
  Mail("carol", "CT 03 DE89 3704 0044 0532 0130 00\nname: 🙂🎉\n");
  ASSERT_NO_FATAL_FAILURE(Run(0, 1, 1));
  EXPECT_EQ(ct_->Sql("SELECT email || ' ' || name FROM payout_accounts"),
            (std::vector<std::string>{"bob@example.test Дмитрий Иванов"}));
  const auto bob = MailTo("bob@example.test");
  ASSERT_EQ(bob.size(), 1u);
  EXPECT_TRUE(bob[0].starts_with("account_registered|reply|")) << bob[0];
  const auto carol = MailTo("carol@example.test");
  ASSERT_EQ(carol.size(), 1u);
  EXPECT_NE(
      carol[0].find("name: nothing of '🙂🎉' can be written in a SEPA "
                    "transfer: no letter or digit is left once it is "
                    "written in Latin letters. Write the account "
                    "holder's name as your bank has it, or leave out "
                    "the name: line"),
      std::string::npos)
      << carol[0];
}

}  // namespace
