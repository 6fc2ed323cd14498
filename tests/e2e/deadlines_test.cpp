// Deadlines and reminders fire exactly once: across a run killed right
// after a timer was committed, and across two ticks running at once. And an
// exchange whose deadline passes after one party shipped (or sent back) and
// the other did not goes to dispute (docs/protocol.md "Deadlines and
// silence"), with the parties' steps
// mailed clear-signed by real gpg (tests/harness gpg.sh, sign.sh).
#include <time.h>

#include "cli_fixture.h"
#include "mail_fixture.h"

namespace {

using namespace ct::testing;  // NOLINT: the fixture is the test's vocabulary

class DeadlinesTest : public CliTest {
 protected:
  // Events of `id` with that code ("reminder", "timeout", ...).
  size_t Events(const std::string& id, const std::string& code) {
    CliRun show = Cli({"--json", "show", id}, kT0);
    const Json deal = ParseJson(show.out);
    if (!deal.is_object()) return 0;
    return std::ranges::count(JsonFields(deal.at("events"), "code"), code);
  }
  std::string State(const std::string& id) {
    return JsonString(Cli({"--json", "show", id}).out, "state");
  }
  // Roles that got a message made of exactly these templates, in order.
  std::vector<std::string> Recipients(const std::string& id,
                                      const std::string& templates) {
    const Json deal = ParseJson(Cli({"--json", "show", id}).out);
    std::vector<std::string> roles;
    if (!deal.is_object()) return roles;
    for (const Json& mail : deal.at("messages").at("out"))
      if (JsonField(mail, "templates") == templates)
        roles.push_back(JsonField(mail, "role"));
    return roles;
  }
  // Ticks at `now` with the run killed just after its first timer commit.
  void CrashingTick(const std::string& now) {
    extra_env_ = "CYBERTROC_CRASH_AT=after-timer";
    EXPECT_EQ(Cli({"tick"}, now).status, 137) << "the crash point was reached";
    extra_env_.clear();
  }
};

// Funded at kT0 (2027-01-31 12:00): ship deadline 2027-02-07 12:00, the
// 1-day reminder at 2027-02-06 12:00 (the 7-day one is already past).
TEST_F(DeadlinesTest, ReminderFiresOnceAcrossAKilledRun) {
  const std::string id = FundedSale();
  const char kReminderTime[] = "2027-02-06T13:00:00Z";
  CrashingTick(kReminderTime);
  EXPECT_EQ(Events(id, "reminder"), 1u);
  EXPECT_EQ(Cli({"tick"}, kReminderTime).status, 0);
  EXPECT_EQ(Cli({"tick"}, "2027-02-06T18:00:00Z").status, 0);
  EXPECT_EQ(Events(id, "reminder"), 1u);
  EXPECT_EQ(State(id), "funded");
  EXPECT_EQ(Recipients(id, "reminder").size(), 1u)
      << "one reminder mail, to the seller who must ship";
}

TEST_F(DeadlinesTest, DefaultOutcomeFiresOnceAcrossAKilledRun) {
  const std::string id = FundedSale();
  const char kAfterDeadline[] = "2027-02-07T12:30:00Z";
  CrashingTick(kAfterDeadline);
  EXPECT_EQ(State(id), "cancelled") << "the committed timeout survived";
  EXPECT_EQ(Cli({"tick"}, kAfterDeadline).status, 0);
  EXPECT_EQ(Cli({"tick"}, "2027-03-01T00:00:00Z").status, 0);
  EXPECT_EQ(Events(id, "timeout"), 1u);
  CliRun payouts = Cli({"--json", "payouts"});
  EXPECT_EQ(JsonFields(ParseJson(payouts.out), "amount"),
            (std::vector<std::string>{"30.00", "60.00"}))
      << "held funds refunded once, commission kept";
}

TEST_F(DeadlinesTest, MissedDeadlinesCatchUpOneStepAtATime) {
  // Offered at kT0 and never answered: one tick a year later cancels it
  // (the offer deadline), and fires nothing else.
  const std::string id = OpenSale();
  ASSERT_EQ(Cli({"deposit", id, "buyer", "10.00"}).status, 0);
  EXPECT_EQ(Cli({"tick"}, "2028-01-31T12:00:00Z").status, 0);
  EXPECT_EQ(State(id), "cancelled");
  EXPECT_EQ(Events(id, "timeout"), 1u);
  EXPECT_EQ(Events(id, "reminder"), 0u) << "no stale reminders after the fact";
}

TEST_F(DeadlinesTest, TwoTicksAtOnceFireEachTimerOnce) {
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(FundedSale());
  const std::string cmd = "CYBERTROC_NOW=2027-02-07T12:30:00Z " +
                          Quote(CT_BINARY) + " --config " +
                          Quote((dir_ / "ct.conf").string()) + " tick";
  const std::string both = "(" + cmd + " & " + cmd + " & wait) >/dev/null 2>&1";
  ASSERT_EQ(std::system(both.c_str()), 0);
  for (const auto& id : ids) {
    EXPECT_EQ(State(id), "cancelled");
    EXPECT_EQ(Events(id, "timeout"), 1u) << id;
  }
}

// An exchange between alice and bob whose steps arrive as clear-signed
// mail in the maildir inbox; the test keys are made once for the suite.
class ExchangeDeadlinesTest : public DeadlinesTest {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/ct-e2e-keys-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return;
    keys_dir_ = new fs::path(tmpl);
    setenv("CT_HARNESS_OWNER_PID", std::to_string(getpid()).c_str(), 1);
    cttest::Cmd make = cttest::Shell(cttest::MailWorld::Script("gpg.sh") +
                                     " make-home " + Gnupg());
    keys_status_ = make.status;
    keys_output_ = new std::string(make.All());
  }
  static void TearDownTestSuite() {
    if (!keys_dir_) return;
    cttest::Shell(cttest::MailWorld::Script("gpg.sh") + " kill " + Gnupg());
    fs::remove_all(*keys_dir_);
    delete keys_dir_;
    delete keys_output_;
    keys_dir_ = nullptr;
  }
  static std::string Gnupg() {
    return cttest::Quote((*keys_dir_ / "gnupg").string());
  }

  void SetUp() override {
    DeadlinesTest::SetUp();
    ASSERT_NE(keys_dir_, nullptr);
    if (keys_status_ == cttest::kSkipStatus) GTEST_SKIP() << *keys_output_;
    ASSERT_EQ(keys_status_, 0) << *keys_output_;
    const auto keys = cttest::ReadEnv(*keys_dir_ / "gnupg" / "keys.env");
    // The escrow's home: its secret key and the others' public keys.
    static int homes = 0;
    const fs::path home =
        *keys_dir_ / "gnupg" / "party" / ("escrow-" + std::to_string(++homes));
    cttest::Cmd escrow =
        cttest::Shell("CT_PARTY_PUBLIC_KEYS='operator alice bob' " +
                      cttest::MailWorld::Script("gpg.sh") + " party-home " +
                      Gnupg() + " escrow " + cttest::Quote(home.string()));
    ASSERT_EQ(escrow.status, 0) << escrow.All();
    for (const std::string name : {"alice", "bob"}) {
      cttest::Cmd party = cttest::Shell(cttest::MailWorld::Script("gpg.sh") +
                                        " party-home " + Gnupg() + " " + name);
      ASSERT_EQ(party.status, 0) << party.All();
      party_home_[name] = cttest::Lines(party.out).back();
      fpr_[name] = keys.at(name == "alice" ? "CT_FPR_ALICE" : "CT_FPR_BOB");
    }
    const std::string src = CT_TEST_SOURCE_DIR;
    std::ofstream(dir_ / "ct.conf", std::ios::trunc)
        << "[store]\ndatabase = " << (dir_ / "db" / "ct.db").string() << "\n"
        << "[inbox]\nurl = maildir://" << (dir_ / "maildir").string() << "\n"
        << "[outbox]\nurl = dir://" << (dir_ / "out").string() << "\n"
        << "from = CyberTroc <escrow@example.test>\n"
        << "operator = operator@example.test\n"
        << "[gpg]\nhome = " << home.string() << "\n"
        << "escrow_key = " << keys.at("CT_FPR_ESCROW") << "\n"
        << "operator_key = " << keys.at("CT_FPR_OPERATOR") << "\n"
        << "encrypt_replies = false\n"
        << "[rules]\ndir = " << src << "/rules\n"
        << "[templates]\ndir = " << src << "/templates\n"
        << "default_language = en\n"
        << "[log]\nfile = " << (dir_ / "ct.log").string() << "\n";
  }

  // alice (a) offers the exchange to bob (b); funded at kT0.
  std::string FundedExchange() {
    CliRun open =
        Cli({"--json", "open", "exchange", "--a", "alice@example.test", "--b",
             "bob@example.test", "--give", "Kind of Blue (CD)", "--take",
             "A Love Supreme (CD)", "--value", "20.00"});
    EXPECT_EQ(open.status, 0) << open.err;
    const std::string id = JsonString(open.out, "id");
    EXPECT_TRUE(std::regex_match(id, std::regex("CT-[0-9A-Z]{8}"))) << open.out;
    EXPECT_EQ(Cli({"deposit", id, "a", "20.20"}).status, 0);
    EXPECT_EQ(Cli({"deposit", id, "b", "20.20"}).status, 0);
    EXPECT_EQ(State(id), "funded");
    return id;
  }

  // NAME clear-signs TEXT at `now` and mails it to the escrow's inbox.
  void Mail(const std::string& name, const std::string& text,
            const std::string& now) {
    const fs::path file = dir_ / ("mail-" + std::to_string(++mails_));
    cttest::WriteFile(file.string() + ".body", text + "\n");
    cttest::Cmd sign =
        cttest::Shell("CT_SIGN_TIME=" + std::to_string(Epoch(now) - 60) + " " +
                      cttest::MailWorld::Script("sign.sh") + " clearsign " +
                      cttest::Quote(party_home_[name]) + " " + fpr_[name] +
                      " " + name + "@example.test escrow@example.test " +
                      cttest::Quote(file.string() + ".body") + " " +
                      cttest::Quote(file.string()));
    ASSERT_EQ(sign.status, 0) << sign.All();
    cttest::DeliverToMaildir(dir_ / "maildir", file);
  }

  // One `run` at `now` that applies `applied` commands.
  void Run(const std::string& now, int applied) {
    CliRun run = Cli({"--json", "run"}, now);
    ASSERT_EQ(run.status, 0) << run.err << ReadAll(dir_ / "ct.log");
    EXPECT_EQ(JsonInt(run.out, "applied"), applied)
        << run.out << ReadAll(dir_ / "ct.log");
  }

  static time_t Epoch(const std::string& iso) {
    struct tm tm = {};
    strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return timegm(&tm);
  }

  // Checks the deal went to dispute once, holding everything, everybody
  // told who performed.
  void ExpectDisputedOnce(const std::string& id) {
    const Json deal = ParseJson(Cli({"--json", "show", id}).out);
    ASSERT_TRUE(deal.is_object());
    EXPECT_EQ(JsonField(deal, "state"), "disputed");
    EXPECT_EQ(JsonField(deal, "held"), "40.00");
    EXPECT_EQ(deal.at("payouts"), Json::array()) << "funds stay blocked";
    EXPECT_EQ(Events(id, "timeout"), 1u);
    EXPECT_EQ(Recipients(id, "partial_default,dispute_opened"),
              (std::vector<std::string>{"a", "b", "operator"}));
  }

  inline static fs::path* keys_dir_ = nullptr;
  inline static int keys_status_ = -1;
  inline static std::string* keys_output_ = nullptr;
  std::map<std::string, std::string> party_home_, fpr_;
  int mails_ = 0;
};

// End to end: bob ships, alice never does. Before: cancelled, both
// bonds refunded, alice kept bob's item.
TEST_F(ExchangeDeadlinesTest, ExchangeOneShippedTimeoutGoesToDispute) {
  const std::string id = FundedExchange();
  const char kShipped[] = "2027-01-31T13:00:00Z";
  Mail("bob", id + " 40 Colissimo 6A12345678901", kShipped);
  Run(kShipped, 1);
  ASSERT_EQ(State(id), "funded");

  // show says one item is on its way, and what the deadline now does.
  const Json deal = ParseJson(Cli({"--json", "show", id}, kShipped).out);
  ASSERT_TRUE(deal.is_object());
  EXPECT_EQ(JsonField(deal, "deadline_outcome"), "disputed");
  const Json& progress = deal.at("progress");
  EXPECT_EQ(progress.at("partial"), true);
  std::map<std::string, Json> by_role;
  for (const Json& party : progress.at("parties"))
    by_role[JsonField(party, "role")] = party;
  EXPECT_EQ(by_role["b"].value("done", false), true);
  EXPECT_EQ(JsonField(by_role["b"], "detail"), "Colissimo 6A12345678901");
  EXPECT_EQ(by_role["a"].value("done", true), false);
  CliRun human = Cli({"show", id}, kShipped);
  EXPECT_NE(human.out.find("Progress  a has not shipped yet\n"
                           "          b shipped (Colissimo 6A12345678901)"),
            std::string::npos)
      << human.out;
  EXPECT_NE(human.out.find("a missed deadline now leads to disputed"),
            std::string::npos);

  // Ship deadline 2027-02-07 12:00: the 1-day reminder goes to alice only.
  EXPECT_EQ(Cli({"tick"}, "2027-02-06T13:00:00Z").status, 0);
  EXPECT_EQ(Recipients(id, "reminder"), std::vector<std::string>{"a"});

  // The deadline passes; the run is killed right after the commit.
  const char kAfterDeadline[] = "2027-02-07T12:30:00Z";
  CrashingTick(kAfterDeadline);
  EXPECT_EQ(Cli({"tick"}, kAfterDeadline).status, 0);
  EXPECT_EQ(Cli({"tick"}, "2027-03-01T00:00:00Z").status, 0);
  ExpectDisputedOnce(id);
}

// End to end: both shipped, alice asked to send back; she does,
// bob does not. Before: completed, bonds refunded, alice lost her item.
TEST_F(ExchangeDeadlinesTest, ExchangeOneReturnedTimeoutGoesToDispute) {
  const std::string id = FundedExchange();
  Mail("alice", id + " 40", "2027-01-31T13:00:00Z");
  Mail("bob", id + " 40", "2027-01-31T13:00:00Z");
  Run("2027-01-31T13:00:00Z", 2);
  Mail("alice", id + " 62 scratched", "2027-01-31T14:00:00Z");
  Run("2027-01-31T14:00:00Z", 1);
  Mail("alice", id + " 81 La Poste 8R00112233", "2027-01-31T15:00:00Z");
  Run("2027-01-31T15:00:00Z", 1);
  ASSERT_EQ(State(id), "returning");
  CliRun human = Cli({"show", id}, "2027-01-31T15:00:00Z");
  EXPECT_NE(human.out.find("a return_shipped (La Poste 8R00112233)"),
            std::string::npos)
      << human.out;
  // Return deadline: 14 days after the 62 (2027-02-14 14:00).
  EXPECT_EQ(Cli({"tick"}, "2027-02-14T14:30:00Z").status, 0);
  ExpectDisputedOnce(id);
}

}  // namespace
