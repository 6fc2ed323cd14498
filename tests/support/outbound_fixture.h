// The fixture of the outbound mail tests (outbound_test: what recipients
// receive; outbound_outage_test: outages, crashes, give-up, the daily cap):
// real OpenSMTPD delivering into real Dovecot maildirs, one set of servers
// and keys per test binary (mail_suite.h), a cybertroc instance per test.
// The clock is real now (CYBERTROC_NOW = the time the test started,
// advanced by the test), because parties' signatures are made now.
#ifndef CYBERTROC_TESTS_SUPPORT_OUTBOUND_FIXTURE_H_
#define CYBERTROC_TESTS_SUPPORT_OUTBOUND_FIXTURE_H_

#include <gtest/gtest.h>

#include <ctime>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "mail_suite.h"

namespace cttest {

class OutboundTest : public MailSuite<OutboundTest> {
 public:
  static constexpr const char* kWorldLabel = "outbound";

 protected:
  void SetUp() override {
    t0_ = std::time(nullptr);
    MailSuite::SetUp();
    if (Stopped()) return;
    inbox_ = ct_->dir() / "inbox";
    for (const char* sub : {"new", "cur", "tmp"})
      fs::create_directories(inbox_ / sub);
  }

  // servers.sh's env, read again each time: a restart changes the ports.
  std::string ServerEnv(const std::string& key) const {
    auto env = ReadEnv(world_->servers_dir() / "env");
    return env[key];
  }

  std::string SmtpUrl() const {
    return "smtp://escrow@127.0.0.1:" + ServerEnv("CT_SMTP_PORT");
  }
  std::string SmtpsUrl() const {
    return "smtps://escrow@127.0.0.1:" + ServerEnv("CT_SMTPS_PORT");
  }

  struct Settings {
    std::string outbox_url;
    int give_up_hours = 48;
    int max_replies_per_day = 10;
  };

  // ct.conf: a local maildir as inbox (tls_ca_file is also the sender's CA
  // bundle), the given outbox; the escrow signs, the operator's key known.
  void Configure(const Settings& s) {
    WriteConfig(
        {.inbox = "url = maildir://" + inbox_.string() +
                  "\ntls_ca_file = " + ServerEnv("CT_CA_FILE") +
                  "\nworkers = 2\n",  // composed on two threads, sent in order
         .outbox = "url = " + s.outbox_url +
                   "\npassword_file = " + ServerEnv("CT_PASSWORD_FILE") +
                   "\ngive_up_hours = " + std::to_string(s.give_up_hours) +
                   "\nmax_replies_per_day = " +
                   std::to_string(s.max_replies_per_day) + "\n"});
    Cmd init = ct_->Run({"init"});  // `open` does not create the database
    ASSERT_EQ(init.status, 0) << init.All();
  }

  // cybertroc ARGS at t0 + `offset` seconds.
  Cmd Ct(const std::vector<std::string>& args, long offset = 0) const {
    return CtAt(t0_ + offset, args);
  }

  // A sale alice -> bob as in docs/money.md "Worked example", opened by the
  // operator.
  std::string OpenSale(const std::string& item = "Kind of Blue, CD, mint") {
    Cmd open = Ct({"--json", "open", "sale", "--seller", "alice@example.test",
                   "--buyer", "bob@example.test", "--item", item, "--price",
                   "25.00", "--shipping", "5.00", "--lang", "en"});
    EXPECT_EQ(open.status, 0) << open.All();
    return JsonString(open.out, "id");
  }

  void Deposits(const std::string& id) {
    Cmd seller = Ct({"deposit", id, "seller", "30.25", "--ref", "VIR-1"});
    EXPECT_EQ(seller.status, 0) << seller.All();
    Cmd buyer = Ct({"deposit", id, "buyer", "60.25", "--ref", "VIR-2"});
    EXPECT_EQ(buyer.status, 0) << buyer.All();
  }

  // docs/security.md "Outgoing mail", for one message to `address`.
  void ExpectWellFormed(const Received& m, const std::string& address,
                        const std::string& id, bool encrypted) {
    SCOPED_TRACE(m.file.string() + " (" + m.subject + ")");
    EXPECT_EQ(m.problem, "");
    EXPECT_EQ(m.signer, world_->Fpr("escrow"));
    EXPECT_EQ(m.encrypted, encrypted);
    EXPECT_EQ(m.top.All("From"), std::vector<std::string>{kFrom});
    EXPECT_EQ(m.top.All("To"), std::vector<std::string>{address});
    EXPECT_TRUE(m.subject.starts_with("[" + id + "] ")) << m.subject;
    EXPECT_EQ(m.top.All("Subject").size(), 1u);
    const auto auto_submitted = m.top.All("Auto-Submitted");
    ASSERT_EQ(auto_submitted.size(), 1u);
    EXPECT_TRUE(auto_submitted[0] == "auto-generated" ||
                auto_submitted[0] == "auto-replied")
        << auto_submitted[0];
    const auto message_id = m.top.All("Message-ID");
    ASSERT_EQ(message_id.size(), 1u);
    EXPECT_TRUE(std::regex_match(message_id[0],
                                 std::regex("<[^<>@ ]+@example\\.test>")))
        << message_id[0];
    EXPECT_EQ(m.top.All("X-CyberTroc-Loop"),
              std::vector<std::string>{"escrow@example.test"});
    EXPECT_EQ(m.top.All("MIME-Version"), std::vector<std::string>{"1.0"});
    EXPECT_FALSE(m.top.Get("Date").empty());
    // What the recipient reads names the deal.
    EXPECT_NE(m.text.find(id), std::string::npos) << m.text;
  }

  // Outbox rows of deal `id`: "to_email|status|attempts|message_id|templates".
  std::vector<std::string> OutboxRows(const std::string& id) const {
    return ct_->Sql(
        "SELECT to_email, status, attempts, message_id, templates FROM outbox "
        "WHERE deal_id = " +
        Instance::SqlText(id) + " ORDER BY id");
  }

  long Count(const std::string& where) const {
    return ct_->SqlCount("SELECT count(*) FROM outbox WHERE " + where);
  }

  // Every Message-ID received by USER for deal `id` (with duplicates).
  std::vector<std::string> ReceivedIds(const std::string& user,
                                       const std::string& id) {
    std::vector<std::string> ids;
    for (const Received& m : DealMail(user, id))
      ids.push_back(m.top.Get("Message-ID"));
    return ids;
  }

  std::time_t t0_ = 0;
  fs::path inbox_;
};

inline std::vector<std::string> Column(const std::vector<std::string>& rows,
                                       size_t index) {
  std::vector<std::string> values;
  for (const auto& row : rows) {
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream in(row);
    while (std::getline(in, cell, '|')) cells.push_back(cell);
    values.push_back(index < cells.size() ? cells[index] : "");
  }
  return values;
}

inline std::multiset<std::string> AsSet(const std::vector<std::string>& v) {
  return std::multiset<std::string>(v.begin(), v.end());
}

}  // namespace cttest

#endif  // CYBERTROC_TESTS_SUPPORT_OUTBOUND_FIXTURE_H_
