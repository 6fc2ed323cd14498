// The STARTTLS policy of the mail clients against scripted servers
// (tests/support/fake_servers.h), which need no real mail server: one
// that offers STARTTLS and then refuses it, to see what the client does
// next. STARTTLS is sent exactly when offered, an offered one that is
// refused is an error, and off loopback a server that does not offer it
// gets a clear error and nothing else (starttls_test.cpp: real servers;
// mail_network_tls_test.cpp: bad certificate chains and timeouts).
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "fake_servers.h"
#include "mail/open_source.h"
#include "mail/open_transport.h"

namespace ct::mail {
namespace {

using cttest::NonLoopbackAddress;
using cttest::ScriptedServer;
using std::chrono::milliseconds;

std::string ImapReply(const std::string& line) {
  const std::string tag = line.substr(0, line.find(' '));
  if (line.find("LOGOUT") != std::string::npos) return "";
  return tag + " NO not today\r\n";
}

std::string SmtpReply(const std::string& line) {
  if (line.starts_with("EHLO"))
    return "250-fake\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n";
  if (line.starts_with("STARTTLS")) return "454 4.7.0 TLS not available\r\n";
  if (line.starts_with("QUIT")) return "";
  return "502 5.5.1 no\r\n";
}

bool Received(const std::vector<std::string>& lines, const std::string& what) {
  for (const std::string& line : lines) {
    if (line.find(what) != std::string::npos) return true;
  }
  return false;
}

TEST(StartTlsPolicyTest, RefusedStartTlsStopsEverythingOffLoopback) {
  const std::string address = NonLoopbackAddress();
  if (address.empty()) GTEST_SKIP() << "no non-loopback IPv4 address";
  {
    ScriptedServer server(
        "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] hi\r\n", ImapReply);
    config::InboxConfig cfg;
    cfg.url = "imap://escrow@" + address + ":" + std::to_string(server.port());
    Result<std::unique_ptr<Source>> source =
        OpenSource(cfg, "Secr3tPassword", milliseconds(3000));
    ASSERT_FALSE(source.has_value());
    EXPECT_EQ(source.error().kind, ErrorKind::kConfig)
        << source.error().message;
    EXPECT_NE(source.error().message.find("STARTTLS"), std::string::npos)
        << source.error().message;
    EXPECT_TRUE(Received(server.lines(), "STARTTLS"));
    EXPECT_FALSE(Received(server.lines(), "AUTHENTICATE"));
    EXPECT_FALSE(Received(server.lines(), "LOGIN"));
  }
  {
    ScriptedServer server("220 fake ESMTP\r\n", SmtpReply);
    config::OutboxConfig cfg;
    cfg.url = "smtp://escrow@" + address + ":" + std::to_string(server.port());
    Result<std::unique_ptr<Transport>> transport =
        OpenTransport(cfg, "Secr3tPassword", "", milliseconds(3000));
    ASSERT_FALSE(transport.has_value());
    EXPECT_EQ(transport.error().kind, ErrorKind::kConfig)
        << transport.error().message;
    EXPECT_TRUE(Received(server.lines(), "STARTTLS"));
    EXPECT_FALSE(Received(server.lines(), "AUTH"));
    EXPECT_FALSE(Received(server.lines(), "MAIL"));
  }
}

// IMAP answers: CAPABILITY with `capabilities`, NO to everything else.
ScriptedServer::Reply ImapWith(std::string capabilities) {
  return [capabilities](const std::string& line) -> std::string {
    const std::string tag = line.substr(0, line.find(' '));
    if (line.find("LOGOUT") != std::string::npos) return "";
    if (line.ends_with(" CAPABILITY")) {
      return "* CAPABILITY " + capabilities + "\r\n" + tag + " OK done\r\n";
    }
    return tag + " NO not today\r\n";
  };
}

// SMTP answers: EHLO with `extensions` (one per line), 454 to STARTTLS.
ScriptedServer::Reply SmtpWith(std::vector<std::string> extensions) {
  return [extensions](const std::string& line) -> std::string {
    if (line.starts_with("EHLO")) {
      std::string reply = "250-fake\r\n";
      for (const std::string& e : extensions) reply += "250-" + e + "\r\n";
      return reply + "250 HELP\r\n";
    }
    if (line.starts_with("STARTTLS")) return "454 4.7.0 TLS not available\r\n";
    if (line.starts_with("QUIT")) return "";
    return "502 5.5.1 no\r\n";
  };
}

// An SMTP server without ESMTP: EHLO refused, HELO accepted.
std::string OldSmtpReply(const std::string& line) {
  if (line.starts_with("EHLO")) return "502 5.5.1 EHLO unknown\r\n";
  if (line.starts_with("HELO")) return "250 fake\r\n";
  if (line.starts_with("QUIT")) return "";
  return "502 5.5.1 no\r\n";
}

// POP3 answers: CAPA with `capabilities`, -ERR to everything else.
ScriptedServer::Reply Pop3With(std::vector<std::string> capabilities) {
  return [capabilities](const std::string& line) -> std::string {
    if (line == "CAPA") {
      std::string reply = "+OK\r\n";
      for (const std::string& c : capabilities) reply += c + "\r\n";
      return reply + ".\r\n";
    }
    if (line == "QUIT") return "";
    return "-ERR no\r\n";
  };
}

bool ReceivedAny(const std::vector<std::string>& lines,
                 const std::vector<std::string>& commands) {
  for (const std::string& command : commands) {
    if (Received(lines, command)) return true;
  }
  return false;
}

// Loopback: plaintext when the server does not offer STARTTLS, and then
// the command is not sent at all (vmime 0.9.2 sent it, and EHLO again).
TEST(StartTlsPolicyTest, OnLoopbackStartTlsNotOfferedIsNotSent) {
  {
    SCOPED_TRACE("IMAP, capabilities in the greeting");
    ScriptedServer server("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n",
                          ImapWith("IMAP4rev1 AUTH=PLAIN"));
    config::InboxConfig cfg;
    cfg.url = "imap://escrow@127.0.0.1:" + std::to_string(server.port());
    Result<std::unique_ptr<Source>> source =
        OpenSource(cfg, "Secr3tPassword", milliseconds(3000));
    ASSERT_FALSE(source.has_value());  // the fake server refuses the login
    EXPECT_EQ(source.error().kind, ErrorKind::kConfig)
        << source.error().message;
    EXPECT_NE(source.error().message.find("login"), std::string::npos)
        << source.error().message;
    EXPECT_EQ(source.error().message.find("Secr3tPassword"), std::string::npos);
    const std::vector<std::string> lines = server.lines();
    ASSERT_FALSE(lines.empty());
    EXPECT_TRUE(lines[0].find("AUTHENTICATE") != std::string::npos ||
                lines[0].find("LOGIN") != std::string::npos)
        << lines[0];
    EXPECT_FALSE(ReceivedAny(lines, {"STARTTLS", "CAPABILITY"}));
  }
  {
    SCOPED_TRACE("IMAP, greeting without capabilities");
    ScriptedServer server("* OK hi\r\n", ImapWith("IMAP4rev1 AUTH=PLAIN"));
    config::InboxConfig cfg;
    cfg.url = "imap://escrow@127.0.0.1:" + std::to_string(server.port());
    ASSERT_FALSE(OpenSource(cfg, "pw", milliseconds(3000)).has_value());
    const std::vector<std::string> lines = server.lines();
    ASSERT_GE(lines.size(), 2u);
    EXPECT_EQ(lines[0], "CT1 CAPABILITY");
    EXPECT_FALSE(Received(lines, "STARTTLS"));
    EXPECT_TRUE(ReceivedAny(lines, {"AUTHENTICATE", "LOGIN"}));
  }
  {
    SCOPED_TRACE("SMTP");
    ScriptedServer server("220 fake ESMTP\r\n", SmtpWith({"AUTH PLAIN"}));
    config::OutboxConfig cfg;
    cfg.url = "smtp://escrow@127.0.0.1:" + std::to_string(server.port());
    ASSERT_FALSE(OpenTransport(cfg, "pw", "", milliseconds(3000)).has_value());
    const std::vector<std::string> lines = server.lines();
    ASSERT_GE(lines.size(), 2u);
    EXPECT_TRUE(lines[0].starts_with("EHLO")) << lines[0];
    EXPECT_TRUE(lines[1].starts_with("AUTH")) << lines[1];
    EXPECT_FALSE(ReceivedAny(lines, {"STARTTLS", "HELO"}));
  }
  {
    SCOPED_TRACE("SMTP without ESMTP");
    ScriptedServer server("220 fake SMTP\r\n", OldSmtpReply);
    config::OutboxConfig cfg;
    cfg.url = "smtp://127.0.0.1:" + std::to_string(server.port());
    Result<std::unique_ptr<Transport>> transport =
        OpenTransport(cfg, "", "", milliseconds(3000));
    ASSERT_TRUE(transport.has_value()) << transport.error().message;
    EXPECT_TRUE((*transport)->Close().has_value());
    const std::vector<std::string> lines = server.lines();
    ASSERT_GE(lines.size(), 2u);
    EXPECT_TRUE(lines[0].starts_with("EHLO")) << lines[0];
    EXPECT_TRUE(lines[1].starts_with("HELO")) << lines[1];
    EXPECT_FALSE(Received(lines, "STARTTLS"));
  }
}

// Loopback: a STARTTLS that is offered and then refused is an error, with
// nothing after it: no second EHLO, no login.
TEST(StartTlsPolicyTest, OnLoopbackAnOfferedStartTlsThatIsRefusedIsAnError) {
  {
    SCOPED_TRACE("SMTP");
    ScriptedServer server("220 fake ESMTP\r\n",
                          SmtpWith({"STARTTLS", "AUTH PLAIN"}));
    config::OutboxConfig cfg;
    cfg.url = "smtp://escrow@127.0.0.1:" + std::to_string(server.port());
    Result<std::unique_ptr<Transport>> transport =
        OpenTransport(cfg, "pw", "", milliseconds(3000));
    ASSERT_FALSE(transport.has_value());
    EXPECT_EQ(transport.error().kind, ErrorKind::kConfig);
    EXPECT_NE(transport.error().message.find("offered STARTTLS but refused"),
              std::string::npos)
        << transport.error().message;
    const std::vector<std::string> lines = server.lines();
    ASSERT_GE(lines.size(), 2u);
    EXPECT_TRUE(lines[0].starts_with("EHLO"));
    EXPECT_EQ(lines[1], "STARTTLS");
    for (size_t i = 2; i < lines.size(); ++i) EXPECT_EQ(lines[i], "QUIT");
  }
  {
    SCOPED_TRACE("IMAP");
    ScriptedServer server("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n",
                          ImapWith("IMAP4rev1 STARTTLS"));
    config::InboxConfig cfg;
    cfg.url = "imap://escrow@127.0.0.1:" + std::to_string(server.port());
    Result<std::unique_ptr<Source>> source =
        OpenSource(cfg, "pw", milliseconds(3000));
    ASSERT_FALSE(source.has_value());
    EXPECT_EQ(source.error().kind, ErrorKind::kConfig);
    EXPECT_TRUE(Received(server.lines(), "STARTTLS"));
    EXPECT_FALSE(ReceivedAny(server.lines(), {"AUTHENTICATE", "LOGIN "}));
  }
  {
    SCOPED_TRACE("POP3");
    ScriptedServer server("+OK hi\r\n", Pop3With({"USER", "STLS"}));
    config::InboxConfig cfg;
    cfg.url = "pop3://escrow@127.0.0.1:" + std::to_string(server.port());
    Result<std::unique_ptr<Source>> source =
        OpenSource(cfg, "pw", milliseconds(3000));
    ASSERT_FALSE(source.has_value());
    EXPECT_EQ(source.error().kind, ErrorKind::kConfig)
        << source.error().message;
    EXPECT_NE(source.error().message.find("offered STLS but refused"),
              std::string::npos)
        << source.error().message;
    const std::vector<std::string> lines = server.lines();
    ASSERT_GE(lines.size(), 2u);
    EXPECT_EQ(lines[0], "CAPA");
    EXPECT_EQ(lines[1], "STLS");
    EXPECT_FALSE(ReceivedAny(lines, {"USER", "PASS", "AUTH", "APOP"}));
  }
}

// Off loopback TLS is required: a server that does not offer STARTTLS gets
// no STARTTLS, no login and no mail, and the error names the fix.
TEST(StartTlsPolicyTest, NotOfferedOffLoopbackIsAClearErrorAndNothingIsSent) {
  const std::string address = NonLoopbackAddress();
  if (address.empty()) GTEST_SKIP() << "no non-loopback IPv4 address";
  {
    SCOPED_TRACE("SMTP");
    ScriptedServer server("220 fake ESMTP\r\n", SmtpWith({"AUTH PLAIN"}));
    config::OutboxConfig cfg;
    cfg.url = "smtp://escrow@" + address + ":" + std::to_string(server.port());
    Result<std::unique_ptr<Transport>> transport =
        OpenTransport(cfg, "pw", "", milliseconds(3000));
    ASSERT_FALSE(transport.has_value());
    EXPECT_EQ(transport.error().kind, ErrorKind::kConfig);
    const std::string& message = transport.error().message;
    EXPECT_NE(message.find(address + ":" + std::to_string(server.port()) +
                           " does not offer STARTTLS"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("use smtps:// or enable STARTTLS on the server"),
              std::string::npos)
        << message;
    const std::vector<std::string> lines = server.lines();
    ASSERT_FALSE(lines.empty());
    EXPECT_TRUE(lines[0].starts_with("EHLO"));
    EXPECT_FALSE(ReceivedAny(lines, {"STARTTLS", "AUTH", "MAIL", "HELO"}));
  }
  {
    SCOPED_TRACE("SMTP without ESMTP");
    ScriptedServer server("220 fake SMTP\r\n", OldSmtpReply);
    config::OutboxConfig cfg;
    cfg.url = "smtp://" + address + ":" + std::to_string(server.port());
    Result<std::unique_ptr<Transport>> transport =
        OpenTransport(cfg, "", "", milliseconds(3000));
    ASSERT_FALSE(transport.has_value());
    EXPECT_NE(transport.error().message.find("does not offer STARTTLS"),
              std::string::npos)
        << transport.error().message;
    EXPECT_FALSE(ReceivedAny(server.lines(), {"STARTTLS", "MAIL"}));
  }
  {
    SCOPED_TRACE("IMAP");
    ScriptedServer server("* OK hi\r\n", ImapWith("IMAP4rev1 AUTH=PLAIN"));
    config::InboxConfig cfg;
    cfg.url = "imap://escrow@" + address + ":" + std::to_string(server.port());
    Result<std::unique_ptr<Source>> source =
        OpenSource(cfg, "pw", milliseconds(3000));
    ASSERT_FALSE(source.has_value());
    EXPECT_EQ(source.error().kind, ErrorKind::kConfig);
    EXPECT_NE(source.error().message.find(
                  "does not offer STARTTLS, which imap:// to a host other"),
              std::string::npos)
        << source.error().message;
    EXPECT_NE(source.error().message.find("use imaps://"), std::string::npos);
    EXPECT_FALSE(
        ReceivedAny(server.lines(), {"STARTTLS", "AUTHENTICATE", "LOGIN "}));
  }
  {
    SCOPED_TRACE("POP3");
    ScriptedServer server("+OK hi\r\n", Pop3With({"USER", "SASL PLAIN"}));
    config::InboxConfig cfg;
    cfg.url = "pop3://escrow@" + address + ":" + std::to_string(server.port());
    Result<std::unique_ptr<Source>> source =
        OpenSource(cfg, "pw", milliseconds(3000));
    ASSERT_FALSE(source.has_value());
    EXPECT_EQ(source.error().kind, ErrorKind::kConfig);
    EXPECT_NE(source.error().message.find("does not offer STLS"),
              std::string::npos)
        << source.error().message;
    EXPECT_NE(source.error().message.find("use pop3s:// or enable STLS"),
              std::string::npos)
        << source.error().message;
    // The capability probe, and a polite goodbye.
    EXPECT_EQ(server.lines(), (std::vector<std::string>{"CAPA", "QUIT"}));
  }
}

}  // namespace
}  // namespace ct::mail
