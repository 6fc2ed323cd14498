// The fixture of the mail adapter tests against real servers on loopback
// (tests/harness/servers.sh: Dovecot for IMAP/IMAPS/POP3/POP3S, OpenSMTPD
// for SMTP with STARTTLS and SMTPS, delivering into Dovecot), shared by
// mail_servers_test (fetching) and mail_servers_smtp_test (sending). The
// servers start once per test binary; every test skips, saying why, when
// the harness cannot run here (not root, servers missing).
#ifndef CYBERTROC_TESTS_SUPPORT_MAIL_SERVERS_FIXTURE_H_
#define CYBERTROC_TESTS_SUPPORT_MAIL_SERVERS_FIXTURE_H_

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
#include "mail/mime.h"
#include "mail/open_source.h"
#include "mail/open_transport.h"
#include "text_files.h"

namespace ct::mail {

namespace fs = std::filesystem;
using cttest::ReadFile;
using cttest::WriteFile;

inline const std::string kHarness =
    CT_TEST_SOURCE_DIR "/tests/harness/servers.sh";

// Runs a shell command line, returns its exit status and its stdout.
inline int Shell(const std::string& command, std::string* out = nullptr) {
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

inline std::string ToLf(std::string text) {
  for (size_t pos; (pos = text.find("\r\n")) != std::string::npos;) {
    text.erase(pos, 1);
  }
  return text;
}

// A message with what trips up naive transports: a lone dot line, a line
// starting with dots, trailing blanks, 8-bit bytes, a long line.
inline std::string Sample(const std::string& tag) {
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
    env_ =
        new std::map<std::string, std::string>(cttest::ReadEnv(*dir_ + "/env"));
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

  inline static std::string* dir_ = nullptr;
  inline static std::string* skip_reason_ = nullptr;
  inline static std::map<std::string, std::string>* env_ = nullptr;
  inline static std::string* password_ = nullptr;
};

}  // namespace ct::mail

#endif  // CYBERTROC_TESTS_SUPPORT_MAIL_SERVERS_FIXTURE_H_
