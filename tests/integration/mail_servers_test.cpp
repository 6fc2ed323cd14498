// The mail adapters against real servers on loopback (tests/harness/
// servers.sh: Dovecot for IMAP/IMAPS/POP3/POP3S, OpenSMTPD for SMTP with
// STARTTLS and SMTPS, delivering into Dovecot): exact bytes, acknowledge
// semantics, TLS with and without the harness CA, SMTP rejections. Skipped
// when the harness cannot run here (not root, servers missing). Timeouts and
// bad chains: mail_network_tls_test.cpp.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.h"
#include "mail/source.h"
#include "mail/transport.h"

namespace ct::mail {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

const std::string kHarness = CT_TEST_SOURCE_DIR "/tests/harness/servers.sh";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Runs a shell command line, returns its exit status and its stdout.
int Shell(const std::string& command, std::string* out = nullptr) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  std::string text;
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
    text.append(buffer, n);
  }
  const int status = ::pclose(pipe);
  if (out != nullptr) *out = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ToLf(std::string text) {
  for (size_t pos; (pos = text.find("\r\n")) != std::string::npos;) {
    text.erase(pos, 1);
  }
  return text;
}

std::string ToCrlf(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

// A message with what trips up naive transports: a lone dot line, a line
// starting with dots, trailing blanks, 8-bit bytes, a long line.
std::string Sample(const std::string& tag) {
  return "From: Alice <alice@example.test>\r\n"
         "To: escrow@example.test\r\n"
         "Subject: sample " +
         tag +
         "\r\n"
         "Message-ID: <" +
         tag +
         "@example.test>\r\n"
         "Date: Sun, 22 Nov 2026 10:00:00 +0100\r\n"
         "Content-Type: text/plain; charset=utf-8\r\n"
         "\r\n"
         "CT-7K3QX9A2 61   \r\n"
         ".\r\n"
         "..two dots\r\n"
         "caf\xC3\xA9 \xE2\x82\xAC\r\n" +
         std::string(1500, 'x') +
         "\r\n"
         "-- \r\n"
         "last line\r\n";
}

class MailServersTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/ct-mail-servers.XXXXXX";
    if (::mkdtemp(pattern) == nullptr) {
      skip_reason_ = new std::string("mkdtemp failed");
      return;
    }
    dir_ = new std::string(pattern);
    std::string out;
    const int status =
        Shell("CT_HARNESS_OWNER_PID=" + std::to_string(::getpid()) + " " +
                  kHarness + " start " + *dir_ + " 2>&1",
              &out);
    if (status == 77) {
      skip_reason_ = new std::string(out);
      return;
    }
    if (status != 0) {
      skip_reason_ = new std::string("FAILED to start servers: " + out);
      return;
    }
    env_ = new std::map<std::string, std::string>();
    std::istringstream lines(ReadFile(*dir_ + "/env"));
    for (std::string line; std::getline(lines, line);) {
      const size_t eq = line.find('=');
      if (eq != std::string::npos)
        (*env_)[line.substr(0, eq)] = line.substr(eq + 1);
    }
    password_ = new std::string(ReadFile(Env("CT_PASSWORD_FILE")));
  }

  static void TearDownTestSuite() {
    if (dir_ != nullptr) {
      Shell(kHarness + " stop " + *dir_ + " >/dev/null 2>&1");
      fs::remove_all(*dir_);
    }
  }

  void SetUp() override {
    if (skip_reason_ != nullptr) {
      ASSERT_EQ(skip_reason_->find("FAILED"), std::string::npos)
          << *skip_reason_;
      GTEST_SKIP() << *skip_reason_;
    }
  }

  static std::string Env(const std::string& key) { return env_->at(key); }
  static const std::string& Password() { return *password_; }
  static std::string Dir() { return *dir_; }
  static fs::path Maildir(const std::string& user) {
    return Env("CT_MAILDIR_ROOT") + "/" + user + "/Maildir";
  }

  // Removes every message of `user` (INBOX and subfolders); Dovecot notices
  // at its next sync.
  static void EmptyMailbox(const std::string& user) {
    for (const auto& entry : fs::recursive_directory_iterator(Maildir(user))) {
      const std::string parent = entry.path().parent_path().filename();
      if (entry.is_regular_file() && (parent == "new" || parent == "cur")) {
        fs::remove(entry.path());
      }
    }
  }

  // Puts `bytes` into `user`'s INBOX as they are; returns the file. Dovecot
  // then looks at the INBOX, so that the message is numbered after every
  // one delivered before it: one look at several new files numbers them in
  // no promised order (seen: the two messages of a test swapped).
  static fs::path Deliver(const std::string& user, const std::string& bytes) {
    const fs::path file = Dir() + "/deliver.eml";
    WriteFile(file, bytes);
    std::string out;
    EXPECT_EQ(
        Shell(kHarness + " deliver " + Dir() + " " + user + " " + file.string(),
              &out),
        0);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    std::string status;
    EXPECT_EQ(Shell("doveadm -c '" + Env("CT_DOVECOT_CONF") +
                        "' mailbox status -u " + user + " messages INBOX",
                    &status),
              0)
        << status;
    return out;
  }

  static config::InboxConfig Inbox(const std::string& scheme,
                                   const std::string& port_key,
                                   const std::string& user = "escrow") {
    config::InboxConfig cfg;
    cfg.url = scheme + "://" + user + "@127.0.0.1:" + Env(port_key) + "/INBOX";
    cfg.tls_ca_file = Env("CT_CA_FILE");
    cfg.processed_folder = "Processed";
    return cfg;
  }

  static std::unique_ptr<Source> MustOpen(const config::InboxConfig& cfg) {
    Result<std::unique_ptr<Source>> source = OpenSource(cfg, Password());
    EXPECT_TRUE(source.has_value()) << source.error().message;
    return source ? std::move(*source) : nullptr;
  }

  static std::vector<std::string> MustList(Source& source) {
    Result<std::vector<std::string>> uids = source.List();
    EXPECT_TRUE(uids.has_value()) << uids.error().message;
    return uids ? *uids : std::vector<std::string>();
  }

  static std::string* dir_;
  static std::string* skip_reason_;
  static std::map<std::string, std::string>* env_;
  static std::string* password_;
};

std::string* MailServersTest::dir_ = nullptr;
std::string* MailServersTest::skip_reason_ = nullptr;
std::map<std::string, std::string>* MailServersTest::env_ = nullptr;
std::string* MailServersTest::password_ = nullptr;

// ------------------------------------------------------------------ IMAP

// Fetches every message of `cfg`'s mailbox and checks it against `expected`.
void ExpectFetchesExactly(Source& source, const std::vector<std::string>& uids,
                          const std::vector<std::string>& expected) {
  ASSERT_EQ(uids.size(), expected.size());
  for (size_t i = 0; i < uids.size(); ++i) {
    Result<Fetched> fetched = source.Fetch(uids[i], 1 << 20);
    ASSERT_TRUE(fetched.has_value()) << fetched.error().message;
    EXPECT_EQ(fetched->uid, uids[i]);
    EXPECT_FALSE(fetched->oversized);
    EXPECT_EQ(fetched->raw, expected[i]);
    EXPECT_EQ(fetched->size, expected[i].size());
  }
}

TEST_F(MailServersTest, ImapStartTlsFetchesExactBytesWithoutSettingSeen) {
  EmptyMailbox("escrow");
  const std::string crlf = Sample("imap-crlf");
  const std::string lf = ToLf(Sample("imap-lf"));
  Deliver("escrow", crlf);
  Deliver("escrow", lf);
  config::InboxConfig cfg = Inbox("imap", "CT_IMAP_PORT");
  cfg.processed_folder = "";  // \Seen mode: a fetch that set it would hide
  for (int round = 0; round < 2; ++round) {
    std::unique_ptr<Source> source = MustOpen(cfg);
    ASSERT_NE(source, nullptr);
    const std::vector<std::string> uids = MustList(*source);
    ASSERT_EQ(uids.size(), 2u) << "round " << round;
    EXPECT_NE(uids[0].find(':'), std::string::npos) << uids[0];
    // IMAP always presents CRLF line ends; bytes are otherwise untouched.
    ExpectFetchesExactly(*source, uids, {crlf, ToCrlf(lf)});
    EXPECT_TRUE(source->Close().has_value());
  }
}

TEST_F(MailServersTest, ImapEmptyMailboxListsNothing) {
  EmptyMailbox("operator");
  std::unique_ptr<Source> source =
      MustOpen(Inbox("imaps", "CT_IMAPS_PORT", "operator"));
  ASSERT_NE(source, nullptr);
  EXPECT_TRUE(MustList(*source).empty());
  Result<Fetched> missing = source->Fetch("1:1", 100);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
}

TEST_F(MailServersTest, ImapsFetchesExactBytes) {
  EmptyMailbox("escrow");
  const std::string raw = Sample("imaps");
  Deliver("escrow", raw);
  std::unique_ptr<Source> source = MustOpen(Inbox("imaps", "CT_IMAPS_PORT"));
  ASSERT_NE(source, nullptr);
  ExpectFetchesExactly(*source, MustList(*source), {raw});
}

TEST_F(MailServersTest, ImapOversizedKeepsOnlyTheHeader) {
  EmptyMailbox("escrow");
  const std::string raw = Sample("big") + std::string(200000, 'y') + "\r\n";
  Deliver("escrow", raw);
  std::unique_ptr<Source> source = MustOpen(Inbox("imaps", "CT_IMAPS_PORT"));
  ASSERT_NE(source, nullptr);
  const std::vector<std::string> uids = MustList(*source);
  ASSERT_EQ(uids.size(), 1u);
  Result<Fetched> fetched = source->Fetch(uids[0], 10000);
  ASSERT_TRUE(fetched.has_value()) << fetched.error().message;
  EXPECT_TRUE(fetched->oversized);
  EXPECT_EQ(fetched->size, raw.size());
  EXPECT_EQ(fetched->raw, raw.substr(0, raw.find("\r\n\r\n") + 4));
}

TEST_F(MailServersTest, ImapAcknowledgeMovesToProcessedFolder) {
  EmptyMailbox("escrow");
  const std::string first = Sample("move-1");
  const std::string second = Sample("move-2");
  Deliver("escrow", first);
  Deliver("escrow", second);
  config::InboxConfig cfg = Inbox("imap", "CT_IMAP_PORT");
  cfg.processed_folder = "Processed-" + std::to_string(::getpid());
  {
    std::unique_ptr<Source> source = MustOpen(cfg);
    ASSERT_NE(source, nullptr);
    const std::vector<std::string> uids = MustList(*source);
    ASSERT_EQ(uids.size(), 2u);
    ASSERT_TRUE(source->Acknowledge(uids[0]).has_value());
    EXPECT_EQ(MustList(*source), std::vector<std::string>{uids[1]});
    Result<Fetched> gone = source->Fetch(uids[0], 1 << 20);
    ASSERT_FALSE(gone.has_value());
    EXPECT_EQ(gone.error().kind, ErrorKind::kNotFound);
  }
  config::InboxConfig processed = cfg;
  processed.url = "imap://escrow@127.0.0.1:" + Env("CT_IMAP_PORT") + "/" +
                  cfg.processed_folder;
  std::unique_ptr<Source> archive = MustOpen(processed);
  ASSERT_NE(archive, nullptr);
  ExpectFetchesExactly(*archive, MustList(*archive), {first});
}

TEST_F(MailServersTest, ImapAcknowledgeWithoutProcessedFolderMarksSeen) {
  EmptyMailbox("escrow");
  Deliver("escrow", Sample("seen-1"));
  Deliver("escrow", Sample("seen-2"));
  config::InboxConfig cfg = Inbox("imaps", "CT_IMAPS_PORT");
  cfg.processed_folder = "";
  std::string acknowledged;
  {
    std::unique_ptr<Source> source = MustOpen(cfg);
    ASSERT_NE(source, nullptr);
    const std::vector<std::string> uids = MustList(*source);
    ASSERT_EQ(uids.size(), 2u);
    acknowledged = uids[0];
    ASSERT_TRUE(source->Acknowledge(uids[0]).has_value());
  }
  std::unique_ptr<Source> source = MustOpen(cfg);
  ASSERT_NE(source, nullptr);
  const std::vector<std::string> uids = MustList(*source);
  ASSERT_EQ(uids.size(), 1u);
  EXPECT_NE(uids[0], acknowledged);
  // Still in the INBOX, flagged seen.
  size_t seen_files = 0;
  for (const auto& entry : fs::directory_iterator(Maildir("escrow") / "cur")) {
    const std::string name = entry.path().filename();
    if (name.find(":2,") != std::string::npos &&
        name.substr(name.find(":2,")).find('S') != std::string::npos) {
      ++seen_files;
    }
  }
  EXPECT_EQ(seen_files, 1u);
}

TEST_F(MailServersTest, ImapMissingFolderIsAConfigError) {
  config::InboxConfig cfg = Inbox("imaps", "CT_IMAPS_PORT");
  cfg.url = "imaps://escrow@127.0.0.1:" + Env("CT_IMAPS_PORT") + "/NoSuchBox";
  Result<std::unique_ptr<Source>> source = OpenSource(cfg, Password());
  ASSERT_FALSE(source.has_value());
  EXPECT_EQ(source.error().kind, ErrorKind::kConfig) << source.error().message;
}

// ------------------------------------------------------------------ POP3

TEST_F(MailServersTest, Pop3FetchesExactBytesAndDeletesAtClose) {
  EmptyMailbox("alice");
  const std::string first = Sample("pop3-1");
  const std::string second = ToLf(Sample("pop3-2"));
  Deliver("alice", first);
  Deliver("alice", second);
  const config::InboxConfig cfg = Inbox("pop3", "CT_POP3_PORT", "alice");
  std::vector<std::string> uids;
  {
    std::unique_ptr<Source> source = MustOpen(cfg);
    ASSERT_NE(source, nullptr);
    uids = MustList(*source);
    ExpectFetchesExactly(*source, uids, {first, ToCrlf(second)});
    ASSERT_TRUE(source->Acknowledge(uids[0]).has_value());
    EXPECT_EQ(MustList(*source), std::vector<std::string>{uids[1]});
    ASSERT_TRUE(source->Close().has_value());
  }
  std::unique_ptr<Source> source = MustOpen(cfg);
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(MustList(*source), std::vector<std::string>{uids[1]});
}

TEST_F(MailServersTest, Pop3sFetchesExactBytesAndOversizedHeaders) {
  EmptyMailbox("carol");
  const std::string raw = Sample("pop3s");
  const std::string big =
      Sample("pop3s-big") + std::string(200000, 'y') + "\r\n";
  Deliver("carol", raw);
  Deliver("carol", big);
  std::unique_ptr<Source> source =
      MustOpen(Inbox("pop3s", "CT_POP3S_PORT", "carol"));
  ASSERT_NE(source, nullptr);
  const std::vector<std::string> uids = MustList(*source);
  ASSERT_EQ(uids.size(), 2u);
  ExpectFetchesExactly(*source, {uids[0]}, {raw});
  Result<Fetched> fetched = source->Fetch(uids[1], 10000);
  ASSERT_TRUE(fetched.has_value()) << fetched.error().message;
  EXPECT_TRUE(fetched->oversized);
  EXPECT_EQ(fetched->size, big.size());
  EXPECT_EQ(fetched->raw, big.substr(0, big.find("\r\n\r\n") + 4));
  // The connection is still in step after the oversized RETR.
  ExpectFetchesExactly(*source, {uids[0]}, {raw});
}

// ------------------------------------------------------------------ TLS

TEST_F(MailServersTest, TlsWithoutTheHarnessCaIsRefused) {
  for (const char* ca : {"", "CT_OTHER_CA_FILE"}) {
    for (const auto& [scheme, port] :
         std::vector<std::pair<std::string, std::string>>{
             {"imaps", "CT_IMAPS_PORT"},
             {"imap", "CT_IMAP_PORT"},  // STARTTLS fails: no plaintext
             {"pop3s", "CT_POP3S_PORT"},
             {"pop3", "CT_POP3_PORT"}}) {
      SCOPED_TRACE(scheme + " with CA '" + ca + "'");
      config::InboxConfig cfg = Inbox(scheme, port);
      cfg.tls_ca_file = *ca == 0 ? "" : Env(ca);
      Result<std::unique_ptr<Source>> source = OpenSource(cfg, Password());
      ASSERT_FALSE(source.has_value());
      EXPECT_EQ(source.error().kind, ErrorKind::kConfig);
      EXPECT_NE(source.error().message.find("certificate"), std::string::npos)
          << source.error().message;
    }
  }
}

// ------------------------------------------------------------------ SMTP

// The file delivered to `user` last, waiting for OpenSMTPD's queue first.
std::string LastDelivered(const std::string& dir, const std::string& harness,
                          const std::string& user) {
  EXPECT_EQ(Shell(harness + " wait-queue " + dir + " 20"), 0);
  std::string files;
  for (int i = 0; i < 100; ++i) {
    Shell(harness + " fetch " + dir + " " + user, &files);
    if (!files.empty()) break;
    ::usleep(50000);
  }
  std::istringstream lines(files);
  std::string last;
  for (std::string line; std::getline(lines, line);) last = line;
  return last.empty() ? "" : ReadFile(last);
}

// What the servers may add on the way: trace headers at the top only.
void ExpectDeliveredAsSent(const std::string& delivered,
                           const std::string& sent) {
  const std::string body = ToLf(sent);
  const std::string got = ToLf(delivered);
  ASSERT_GE(got.size(), body.size()) << got;
  EXPECT_EQ(got.substr(got.size() - body.size()), body) << got;
  std::istringstream added(got.substr(0, got.size() - body.size()));
  for (std::string line; std::getline(added, line);) {
    const bool trace = line.starts_with("Return-Path:") ||
                       line.starts_with("Delivered-To:") ||
                       line.starts_with("Received:") || line.starts_with(" ") ||
                       line.starts_with("\t");
    EXPECT_TRUE(trace) << "unexpected added line: " << line;
  }
}

TEST_F(MailServersTest, SmtpStartTlsWithAuthDeliversExactBytesToBob) {
  EmptyMailbox("bob");
  config::OutboxConfig cfg;
  cfg.url = "smtp://escrow@127.0.0.1:" + Env("CT_SMTP_PORT");
  Result<std::unique_ptr<Transport>> transport =
      OpenTransport(cfg, Password(), Env("CT_CA_FILE"));
  ASSERT_TRUE(transport.has_value()) << transport.error().message;
  const std::string raw = Sample("smtp-starttls");
  Result<void> sent =
      (*transport)
          ->Send(Envelope{"escrow@example.test", {"bob@example.test"}}, raw);
  ASSERT_TRUE(sent.has_value()) << sent.error().message;
  EXPECT_TRUE((*transport)->Close().has_value());
  ExpectDeliveredAsSent(LastDelivered(Dir(), kHarness, "bob"), raw);
}

TEST_F(MailServersTest, SmtpsDeliversToBobAndSendsTwiceOnOneConnection) {
  EmptyMailbox("bob");
  config::OutboxConfig cfg;
  cfg.url = "smtps://escrow%40example.test@localhost:" + Env("CT_SMTPS_PORT");
  Result<std::unique_ptr<Transport>> transport =
      OpenTransport(cfg, Password(), Env("CT_CA_FILE"));
  ASSERT_TRUE(transport.has_value()) << transport.error().message;
  const Envelope env{"escrow@example.test", {"bob@example.test"}};
  ASSERT_TRUE((*transport)->Send(env, Sample("smtps-1")).has_value());
  const std::string raw = ToLf(Sample("smtps-2"));  // bare LF: sent as CRLF
  Result<void> sent = (*transport)->Send(env, raw);
  ASSERT_TRUE(sent.has_value()) << sent.error().message;
  ExpectDeliveredAsSent(LastDelivered(Dir(), kHarness, "bob"), raw);
}

TEST_F(MailServersTest, SmtpRejectedRecipientIsRefusedNotRetried) {
  config::OutboxConfig cfg;
  cfg.url = "smtps://escrow@127.0.0.1:" + Env("CT_SMTPS_PORT");
  Result<std::unique_ptr<Transport>> transport =
      OpenTransport(cfg, Password(), Env("CT_CA_FILE"));
  ASSERT_TRUE(transport.has_value()) << transport.error().message;
  Result<void> sent =
      (*transport)
          ->Send(Envelope{"escrow@example.test", {"someone@elsewhere.invalid"}},
                 Sample("refused"));
  ASSERT_FALSE(sent.has_value());
  EXPECT_EQ(sent.error().kind, ErrorKind::kRefused) << sent.error().message;
  // The connection stays usable for the next message.
  EXPECT_TRUE((*transport)
                  ->Send(Envelope{"escrow@example.test", {"bob@example.test"}},
                         Sample("after-refusal"))
                  .has_value());
}

TEST_F(MailServersTest, SmtpBadPasswordOrUntrustedCertificateIsConfig) {
  config::OutboxConfig cfg;
  cfg.url = "smtp://escrow@127.0.0.1:" + Env("CT_SMTP_PORT");
  Result<std::unique_ptr<Transport>> bad_password =
      OpenTransport(cfg, "Wr0ngPassw0rd", Env("CT_CA_FILE"));
  ASSERT_FALSE(bad_password.has_value());
  EXPECT_EQ(bad_password.error().kind, ErrorKind::kConfig)
      << bad_password.error().message;
  EXPECT_EQ(bad_password.error().message.find("Wr0ngPassw0rd"),
            std::string::npos);
  for (const std::string& url :
       {"smtp://escrow@127.0.0.1:" + Env("CT_SMTP_PORT"),
        "smtps://escrow@127.0.0.1:" + Env("CT_SMTPS_PORT")}) {
    cfg.url = url;
    Result<std::unique_ptr<Transport>> untrusted =
        OpenTransport(cfg, Password(), Env("CT_OTHER_CA_FILE"));
    ASSERT_FALSE(untrusted.has_value()) << url;
    EXPECT_EQ(untrusted.error().kind, ErrorKind::kConfig)
        << untrusted.error().message;
    EXPECT_NE(untrusted.error().message.find("certificate"), std::string::npos)
        << untrusted.error().message;
  }
}

// Last: Dovecot delays every login from an address after a failed one
// (auth penalty), which would slow down the tests after it.
TEST_F(MailServersTest, ImapWrongPasswordIsAConfigErrorWithoutThePassword) {
  Result<std::unique_ptr<Source>> source =
      OpenSource(Inbox("imaps", "CT_IMAPS_PORT"), "Wr0ngPassw0rd");
  ASSERT_FALSE(source.has_value());
  EXPECT_EQ(source.error().kind, ErrorKind::kConfig) << source.error().message;
  EXPECT_NE(source.error().message.find("login"), std::string::npos);
  EXPECT_EQ(source.error().message.find("Wr0ngPassw0rd"), std::string::npos);
}

}  // namespace
}  // namespace ct::mail
