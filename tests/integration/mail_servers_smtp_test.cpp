// The SMTP transport against OpenSMTPD on loopback (mail_servers_fixture.h):
// STARTTLS with AUTH and SMTPS deliver the exact bytes to Dovecot, several
// messages go on one connection, a rejected recipient is refused and not
// retried, a bad password or an untrusted certificate is a configuration
// error.
#include "mail_servers_fixture.h"

namespace ct::mail {
namespace {

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

}  // namespace
}  // namespace ct::mail
