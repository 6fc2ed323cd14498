// STARTTLS exactly when the server offers it (docs/security.md "Transport
// security"), against
// the real servers of tests/harness/servers.sh: OpenSMTPD with and without
// STARTTLS offered, Dovecot with TLS and a second Dovecot without (ssl =
// no). Each client is put behind a RecordingProxy to see on the wire what it
// sent, and the servers' own logs say whether the session used TLS
// (OpenSMTPD: "smtp tls", Dovecot: ", TLS," in its Login line) and whether
// a command was refused (OpenSMTPD: "failed-command"). Mail really arrives:
// read back from the maildirs. URLs whose policy requires TLS (not
// loopback) are tested against scripted servers in
// mail_network_starttls_test.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "config/config.h"
#include "mail/open_source.h"
#include "mail/open_transport.h"
#include "mail_fixture.h"
#include "received_mail.h"
#include "recording_proxy.h"

namespace ct::mail {
namespace {

using cttest::Cmd;
using cttest::MailWorld;
using cttest::PlaintextLines;
using cttest::Quote;
using cttest::ReadFile;
using cttest::RecordingProxy;
using cttest::TlsFollows;
namespace fs = std::filesystem;

// The command verbs of the lines a client sent in plaintext (IMAP: after
// the tag), upper case.
std::vector<std::string> Verbs(const std::string& sent, bool tagged) {
  std::vector<std::string> verbs;
  for (const std::string& line : PlaintextLines(sent)) {
    std::istringstream words(line);
    std::string verb;
    if (tagged) words >> verb;
    words >> verb;
    for (char& c : verb) c = static_cast<char>(std::toupper(c));
    verbs.push_back(verb);
  }
  return verbs;
}

size_t Count(const std::vector<std::string>& verbs, const std::string& verb) {
  return std::count(verbs.begin(), verbs.end(), verb);
}

// A log file from a point on: what the servers wrote during one test.
class LogWindow {
 public:
  explicit LogWindow(std::string path)
      : path_(std::move(path)), start_(ReadFile(path_).size()) {}

  std::string Text() const {
    const std::string all = ReadFile(path_);
    return all.size() > start_ ? all.substr(start_) : "";
  }

  // The text once it holds `needle` (servers log a little after the fact),
  // or as it is after 10 s.
  std::string WaitFor(const std::string& needle) const {
    std::string text;
    for (int i = 0; i < 200; ++i) {
      text = Text();
      if (text.find(needle) != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return text;
  }

 private:
  std::string path_;
  size_t start_;
};

std::string Sample(const std::string& tag) {
  return "From: Alice <alice@example.test>\r\n"
         "To: carol@example.test\r\n"
         "Subject: starttls " +
         tag + "\r\nMessage-ID: <" + tag +
         "@example.test>\r\n"
         "Date: Sun, 22 Nov 2026 10:00:00 +0100\r\n"
         "\r\n"
         "body of " +
         tag + "\r\n";
}

class StartTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = new MailWorld;
    why_ = new std::string(world_->Start("starttls"));
  }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
    delete why_;
  }
  void SetUp() override {
    if (!why_->empty()) {
      if (world_->Skipped()) GTEST_SKIP() << *why_;
      FAIL() << "harness: " << *why_;
    }
  }
  void TearDown() override {
    if (HasFailure() && world_ != nullptr) {
      for (const char* log :
           {"CT_SMTPD_LOG", "CT_DOVECOT_LOG", "CT_DOVECOT_PLAIN_LOG"}) {
        std::cerr << "--- tail of " << Env(log) << "\n"
                  << cttest::Shell("tail -n 15 " + Quote(Env(log))).out;
      }
    }
  }

  static std::string Env(const std::string& key) { return world_->Env(key); }
  static int Port(const std::string& key) { return std::stoi(Env(key)); }
  static std::string Password() { return ReadFile(Env("CT_PASSWORD_FILE")); }

  static void WaitQueue() {
    Cmd wait = cttest::Shell(MailWorld::Script("servers.sh") + " wait-queue " +
                             Quote(world_->servers_dir()) + " 20");
    ASSERT_EQ(wait.status, 0) << wait.All();
  }

  // The messages of `user` whose Subject holds `text`, as the harness
  // lists them (servers.sh fetch).
  static std::vector<std::string> MailWith(const std::string& user,
                                           const std::string& text) {
    Cmd fetch = cttest::Shell(MailWorld::Script("servers.sh") + " fetch " +
                              Quote(world_->servers_dir()) + " " + user);
    EXPECT_EQ(fetch.status, 0) << fetch.All();
    std::vector<std::string> found;
    for (const std::string& file : cttest::Lines(fetch.out)) {
      const std::string raw = ReadFile(file);
      const cttest::Entity top = cttest::ParseEntity(cttest::ToCrlf(raw));
      if (cttest::DecodeHeader(top.Get("Subject")).find(text) !=
          std::string::npos) {
        found.push_back(raw);
      }
    }
    return found;
  }

  static config::InboxConfig Inbox(const std::string& scheme, int port,
                                   const std::string& user) {
    config::InboxConfig cfg;
    cfg.url =
        scheme + "://" + user + "@127.0.0.1:" + std::to_string(port) + "/INBOX";
    cfg.tls_ca_file = Env("CT_CA_FILE");
    cfg.processed_folder = "";
    return cfg;
  }

  static MailWorld* world_;
  static std::string* why_;
};

MailWorld* StartTlsTest::world_ = nullptr;
std::string* StartTlsTest::why_ = nullptr;

// The field failure: `[outbox] url = smtp://127.0.0.1:PORT` to an OpenSMTPD
// `listen on` without `tls` kept every message queued ("bad greeting '5.5.1
// Invalid command: Already identified'"): vmime sent STARTTLS although EHLO
// did not offer it, then EHLO again. The whole product, as an operator runs
// it: `cybertroc run` hands the notifications of a new deal to the relay.
TEST_F(StartTlsTest, PlainRelayWithoutStartTlsDeliversMail) {
  cttest::Instance ct(*world_, "plain-relay");
  const fs::path inbox = ct.dir() / "inbox";
  for (const char* sub : {"new", "cur", "tmp"}) {
    fs::create_directories(inbox / sub);
  }
  RecordingProxy relay(Port("CT_SMTP_PLAIN_PORT"));
  std::ofstream(ct.config())
      << "[store]\ndatabase = " << ct.db().string() << "\n"
      << "[inbox]\nurl = maildir://" << inbox.string() << "\n"
      << "[outbox]\nurl = smtp://127.0.0.1:" << relay.port() << "\n"
      << "from = CyberTroc <escrow@example.test>\n"
      << "operator = operator@example.test\n"
      << "[gpg]\nhome = " << ct.gpg_home().string() << "\n"
      << "escrow_key = " << world_->Fpr("escrow") << "\n"
      << "operator_key = " << world_->Fpr("operator") << "\n"
      << "[rules]\ndir = " << cttest::kSourceDir << "/rules\n"
      << "[templates]\ndir = " << cttest::kSourceDir << "/templates\n"
      << "default_language = en\n"
      << "[log]\nlevel = debug\nfile = " << ct.log().string() << "\n";
  const LogWindow smtpd(Env("CT_SMTPD_LOG"));

  ASSERT_EQ(ct.Run({"init"}).status, 0);
  Cmd open =
      ct.Run({"--json", "open", "sale", "--seller", "alice@example.test",
              "--buyer", "bob@example.test", "--item", "Kind of Blue, CD",
              "--price", "25.00", "--shipping", "5.00", "--lang", "en"});
  ASSERT_EQ(open.status, 0) << open.All();
  const std::string id = cttest::JsonString(open.out, "id");
  ASSERT_FALSE(id.empty()) << open.out;
  Cmd run = ct.Run({"--json", "run"});
  ASSERT_EQ(run.status, 0) << run.All() << ReadFile(ct.log());
  EXPECT_EQ(cttest::JsonInt(run.out, "sent"), 2) << run.out;
  EXPECT_EQ(ct.SqlCount("SELECT count(*) FROM outbox WHERE status != 'sent'"),
            0);
  ASSERT_NO_FATAL_FAILURE(WaitQueue());

  for (const std::string user : {"alice", "bob"}) {
    EXPECT_EQ(MailWith(user, "[" + id + "]").size(), 1u) << user;
  }
  // On the wire: one EHLO, no STARTTLS, the mail in plaintext (loopback).
  const std::vector<std::string> sessions = relay.Sessions();
  ASSERT_FALSE(sessions.empty());
  for (const std::string& sent : sessions) {
    const std::vector<std::string> verbs = Verbs(sent, /*tagged=*/false);
    EXPECT_EQ(Count(verbs, "EHLO"), 1u) << sent;
    EXPECT_EQ(Count(verbs, "STARTTLS"), 0u) << sent;
    EXPECT_EQ(Count(verbs, "HELO"), 0u) << sent;
    EXPECT_FALSE(TlsFollows(sent));
  }
  // And in the server's log: no refused command, no TLS.
  const std::string log = smtpd.WaitFor("disconnected");
  EXPECT_EQ(log.find("failed-command"), std::string::npos) << log;
  EXPECT_EQ(log.find("smtp tls"), std::string::npos) << log;
  EXPECT_NE(log.find("smtp message"), std::string::npos) << log;
}

TEST_F(StartTlsTest, OfferedStartTlsIsUsedBeforeLoginAndMail) {
  RecordingProxy relay(Port("CT_SMTP_PORT"));
  const LogWindow smtpd(Env("CT_SMTPD_LOG"));
  config::OutboxConfig cfg;
  cfg.url = "smtp://escrow@127.0.0.1:" + std::to_string(relay.port());
  Result<std::unique_ptr<Transport>> transport =
      OpenTransport(cfg, Password(), Env("CT_CA_FILE"));
  ASSERT_TRUE(transport.has_value()) << transport.error().message;
  const std::string raw = Sample("smtp-starttls-offered");
  Result<void> sent =
      (*transport)
          ->Send(Envelope{"escrow@example.test", {"carol@example.test"}}, raw);
  ASSERT_TRUE(sent.has_value()) << sent.error().message;
  ASSERT_TRUE((*transport)->Close().has_value());
  ASSERT_NO_FATAL_FAILURE(WaitQueue());
  EXPECT_EQ(MailWith("carol", "smtp-starttls-offered").size(), 1u);

  const std::vector<std::string> sessions = relay.Sessions();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(Verbs(sessions[0], false),
            (std::vector<std::string>{"EHLO", "STARTTLS"}));
  EXPECT_TRUE(TlsFollows(sessions[0]));
  const std::string log = smtpd.WaitFor("smtp message");
  EXPECT_NE(log.find("smtp tls"), std::string::npos) << log;
  EXPECT_EQ(log.find("failed-command"), std::string::npos) << log;
}

// The inbox: IMAP and POP3 against the Dovecot that offers STARTTLS/STLS
// and the one that does not. Dovecot logs each login, with ", TLS," when
// the session is encrypted.
struct InboxCase {
  std::string scheme;
  std::string port_key;
  std::string log_key;
  bool offered;
};

TEST_F(StartTlsTest, InboxUsesStartTlsExactlyWhenOffered) {
  for (const InboxCase& c : std::vector<InboxCase>{
           {"imap", "CT_IMAP_PLAIN_PORT", "CT_DOVECOT_PLAIN_LOG", false},
           {"imap", "CT_IMAP_PORT", "CT_DOVECOT_LOG", true},
           {"pop3", "CT_POP3_PLAIN_PORT", "CT_DOVECOT_PLAIN_LOG", false},
           {"pop3", "CT_POP3_PORT", "CT_DOVECOT_LOG", true}}) {
    SCOPED_TRACE(c.scheme + (c.offered ? " with" : " without") +
                 " STARTTLS offered");
    world_->Empty("carol");
    const std::string tag = c.scheme + (c.offered ? "-tls" : "-plain");
    const std::string raw = Sample(tag);
    const fs::path file = world_->dir() / (tag + ".eml");
    cttest::WriteFile(file, raw);
    world_->DeliverInOrder("carol", file);
    RecordingProxy proxy(Port(c.port_key));
    const LogWindow dovecot(Env(c.log_key));
    {
      Result<std::unique_ptr<Source>> source =
          OpenSource(Inbox(c.scheme, proxy.port(), "carol"), Password());
      ASSERT_TRUE(source.has_value()) << source.error().message;
      Result<std::vector<std::string>> uids = (*source)->List();
      ASSERT_TRUE(uids.has_value()) << uids.error().message;
      ASSERT_EQ(uids->size(), 1u);
      Result<Fetched> fetched = (*source)->Fetch(uids->front(), 1 << 20);
      ASSERT_TRUE(fetched.has_value()) << fetched.error().message;
      EXPECT_EQ(fetched->raw, raw);
      ASSERT_TRUE((*source)->Close().has_value());
    }
    // vmime's IMAP opens a second connection for the folder: each decides.
    const std::vector<std::string> sessions = proxy.Sessions();
    ASSERT_FALSE(sessions.empty());
    const bool imap = c.scheme == "imap";
    const std::string starttls = imap ? "STARTTLS" : "STLS";
    for (const std::string& sent : sessions) {
      const std::vector<std::string> verbs = Verbs(sent, imap);
      EXPECT_EQ(Count(verbs, starttls), c.offered ? 1u : 0u) << sent;
      EXPECT_EQ(TlsFollows(sent), c.offered) << sent;
      // Offered: nothing but the capability probe before it, no login.
      if (c.offered) {
        EXPECT_EQ(verbs.back(), starttls) << sent;
      }
    }
    const std::string log = dovecot.WaitFor("Login: user=<carol>");
    const size_t login = log.find("Login: user=<carol>");
    ASSERT_NE(login, std::string::npos) << log;
    const std::string line = log.substr(login, log.find('\n', login) - login);
    EXPECT_EQ(line.find(", TLS,") != std::string::npos, c.offered) << line;
  }
}

// A STARTTLS that is offered but whose certificate fails is an error, and
// nothing follows it in plaintext: no second EHLO, no login, no mail.
TEST_F(StartTlsTest, OfferedStartTlsThatFailsNeverFallsBackToPlaintext) {
  const std::string other_ca = Env("CT_OTHER_CA_FILE");
  {
    RecordingProxy relay(Port("CT_SMTP_PORT"));
    config::OutboxConfig cfg;
    cfg.url = "smtp://escrow@127.0.0.1:" + std::to_string(relay.port());
    Result<std::unique_ptr<Transport>> transport =
        OpenTransport(cfg, Password(), other_ca);
    ASSERT_FALSE(transport.has_value());
    EXPECT_EQ(transport.error().kind, ErrorKind::kConfig);
    EXPECT_NE(transport.error().message.find("certificate"), std::string::npos)
        << transport.error().message;
    const std::vector<std::string> sessions = relay.Sessions();
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_EQ(Verbs(sessions[0], false),
              (std::vector<std::string>{"EHLO", "STARTTLS"}));
  }
  for (const auto& [scheme, port_key] :
       std::vector<std::pair<std::string, std::string>>{
           {"imap", "CT_IMAP_PORT"}, {"pop3", "CT_POP3_PORT"}}) {
    SCOPED_TRACE(scheme);
    RecordingProxy proxy(Port(port_key));
    config::InboxConfig cfg = Inbox(scheme, proxy.port(), "carol");
    cfg.tls_ca_file = other_ca;
    Result<std::unique_ptr<Source>> source = OpenSource(cfg, Password());
    ASSERT_FALSE(source.has_value());
    EXPECT_EQ(source.error().kind, ErrorKind::kConfig);
    EXPECT_NE(source.error().message.find("certificate"), std::string::npos)
        << source.error().message;
    const std::vector<std::string> sessions = proxy.Sessions();
    ASSERT_EQ(sessions.size(), 1u);  // the login connection failed: no other
    const std::vector<std::string> verbs = Verbs(sessions[0], scheme == "imap");
    ASSERT_FALSE(verbs.empty());
    EXPECT_EQ(verbs.back(), scheme == "imap" ? "STARTTLS" : "STLS")
        << sessions[0];
    EXPECT_TRUE(TlsFollows(sessions[0])) << sessions[0];
  }
}

// OpenSMTPD offers AUTH only over TLS: a URL with a user to a plain relay
// cannot log in, and the error says what to change.
TEST_F(StartTlsTest, PlainRelayWithAUserSaysTheServerOffersNoLogin) {
  config::OutboxConfig cfg;
  cfg.url = "smtp://escrow@127.0.0.1:" + Env("CT_SMTP_PLAIN_PORT");
  Result<std::unique_ptr<Transport>> transport =
      OpenTransport(cfg, Password(), Env("CT_CA_FILE"));
  ASSERT_FALSE(transport.has_value());
  EXPECT_EQ(transport.error().kind, ErrorKind::kConfig);
  EXPECT_NE(transport.error().message.find("offers no login (AUTH)"),
            std::string::npos)
      << transport.error().message;
  EXPECT_NE(transport.error().message.find("remove the user"),
            std::string::npos)
      << transport.error().message;
}

}  // namespace
}  // namespace ct::mail
