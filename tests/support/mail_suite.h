// A GoogleTest suite over the real mail servers (MailWorld: Dovecot,
// OpenSMTPD, the harness's GnuPG keys): one world per suite, started once
// (starting servers and making keys is slow), and for each test a fresh
// cybertroc installation (Instance) with a work dir, whose log is printed
// when the test fails. The helpers are what the end-to-end mail tests all
// do: write the configuration over IMAP and SMTP, run cybertroc now, mail
// the escrow a party's clear-signed text, run and wait for the mail it
// sends, read what a party received.
//
//   class MarketMailTest : public cttest::MailSuite<MarketMailTest> {
//    public:
//     static constexpr const char* kWorldLabel = "market";  // /tmp/ct-market-*
//    protected:
//     void SetUp() override {
//       MailSuite::SetUp();
//       if (Stopped()) return;  // skipped (exit 77) or the harness failed
//       Configure();            // or Configure("[money]\n...")
//     }
//   };
//   TEST_F(MarketMailTest, X) { Mail("alice", "CT 05 SALE\n..."); ... }
#ifndef CYBERTROC_TESTS_SUPPORT_MAIL_SUITE_H_
#define CYBERTROC_TESTS_SUPPORT_MAIL_SUITE_H_

#include <gtest/gtest.h>

#include <ctime>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "mail_fixture.h"
#include "received_mail.h"

namespace cttest {

// What every test over the mail servers has and does; MailSuite below
// gives each suite its own world.
class MailTest : public ::testing::Test {
 protected:
  // True when SetUp already skipped or failed the test.
  bool Stopped() const { return IsSkipped() || HasFatalFailure(); }

  // ct_, a fresh installation named `label`, its work dir; what an earlier
  // test left in the escrow's INBOX is not this one's.
  void StartInstance(const std::string& label);

  // A failed test shows its cybertroc's log and the end of OpenSMTPD's.
  void TearDown() override;

  // ct.conf from the sections' own lines (ConfigText), with the parts
  // every test over these servers has: replies encrypted, the debug log.
  void WriteConfig(ConfigLines lines);

  // The e2e configuration: the escrow's INBOX over IMAP (what is processed
  // moves to Processed), its mail sent over SMTP (STARTTLS + AUTH); then
  // `extra` INI lines.
  void Configure(const std::string& extra = "");

  // cybertroc ARGS at CYBERTROC_NOW = `when`, with `env` in front.
  Cmd CtAt(std::time_t when, const std::vector<std::string>& args,
           const std::string& env = "") const;
  // cybertroc ARGS now (the real clock, as the signatures).
  Cmd Ct(const std::vector<std::string>& args) const {
    return CtAt(std::time(nullptr), args);
  }
  // cybertroc ARGS now, which must succeed.
  void Ok(const std::vector<std::string>& args) const;
  // `show --json`'s state of deal `id`.
  std::string State(const std::string& id) const;

  // The operator imports NAME's public key (the harness's pub/NAME.asc).
  void ImportKey(const std::string& name) const;
  // ... and binds it to NAME@example.test, as after NAME's first signed
  // mail: what the escrow sends NAME is then encrypted to it.
  void BindKey(const std::string& name) const;

  // A new file name in the work dir for the next mail a party sends.
  fs::path NextMailFile();
  // NAME clear-signs BODY (subject mail_subject_), offers its key
  // (Autocrypt) and mails it to the escrow.
  void Mail(const std::string& name, const std::string& body);

  // servers.sh wait-queue: what OpenSMTPD accepted is delivered.
  void WaitQueue() const;
  // One `run`: exits 0 and reports `applied`, `refused` and `quarantined`
  // messages, and 0 for each counter in `zero`; then its mail is
  // delivered.
  void RunAndDeliver(int applied, int refused, int quarantined,
                     std::initializer_list<const char*> zero = {});

  // Every message in USER's maildir, delivery order, opened with USER's
  // keys (OpenMail: decrypted, verified).
  std::vector<Received> AllMailOf(const std::string& user);
  // Those whose Subject holds `marker` (only those are opened).
  std::vector<Received> MailOf(const std::string& user,
                               const std::string& marker);
  // The same, each checked: it opened, is signed by the escrow and, when
  // `encrypted`, was encrypted to USER.
  std::vector<Received> EscrowMailOf(const std::string& user,
                                     const std::string& marker, bool encrypted);
  // Those whose Subject holds "[id]": the mail of deal `id`.
  std::vector<Received> DealMail(const std::string& user,
                                 const std::string& id) {
    return MailOf(user, "[" + id + "]");
  }

  MailWorld* world_ = nullptr;
  std::unique_ptr<Instance> ct_;
  fs::path work_;
  std::string mail_subject_ = "about my deal";  // of Mail()'s messages
  int mails_ = 0;
};

// A suite of MailTests sharing one MailWorld. `Suite` derives from it and
// names its world in `static constexpr const char* kWorldLabel`; each test's
// installation is named after it and a count. A derived SetUp calls
// MailSuite::SetUp() first and returns when Stopped(): the harness cannot
// run here (exit 77: skipped, the reason printed) or it failed.
template <typename Suite>
class MailSuite : public MailTest {
 protected:
  static void SetUpTestSuite() {
    suite_world_ = new MailWorld;
    suite_why_ = suite_world_->Start(Suite::kWorldLabel);
  }
  static void TearDownTestSuite() {
    delete suite_world_;
    suite_world_ = nullptr;
  }
  void SetUp() override {
    world_ = suite_world_;
    if (!suite_why_.empty()) {
      if (world_->Skipped()) GTEST_SKIP() << suite_why_;
      FAIL() << "harness: " << suite_why_;
    }
    static int count = 0;
    StartInstance(Suite::kWorldLabel + std::to_string(++count));
  }

 private:
  static inline MailWorld* suite_world_ = nullptr;
  static inline std::string suite_why_;
};

}  // namespace cttest

#endif  // CYBERTROC_TESTS_SUPPORT_MAIL_SUITE_H_
