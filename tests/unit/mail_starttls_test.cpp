// What the STARTTLS negotiation reads from a server to decide: the EHLO
// reply, IMAP capability lines, POP3 CAPA lines (mail/starttls.h). The
// sockets around them are tested against scripted and real servers
// (mail_network_starttls_test, starttls_test).
#include <gtest/gtest.h>

#include <string>

#include "mail/start_tls_not_offered.h"
#include "mail/starttls.h"

namespace ct::mail {
namespace {

// OpenSMTPD 6.8's replies, without and with `tls` on the listener.
constexpr char kPlainEhlo[] =
    "250-localhost Hello x [127.0.0.1], pleased to meet you\r\n"
    "250-8BITMIME\r\n"
    "250-ENHANCEDSTATUSCODES\r\n"
    "250-SIZE 36700160\r\n"
    "250-DSN\r\n"
    "250 HELP\r\n";
constexpr char kTlsEhlo[] =
    "250-localhost Hello x [127.0.0.1], pleased to meet you\r\n"
    "250-8BITMIME\r\n"
    "250-STARTTLS\r\n"
    "250 HELP\r\n";

TEST(EhloTest, StartTlsOfferedOnlyWhenAnExtensionLineSaysSo) {
  EXPECT_FALSE(EhloOffersStartTls(kPlainEhlo));
  EXPECT_TRUE(EhloOffersStartTls(kTlsEhlo));
  EXPECT_TRUE(EhloOffersStartTls("250-x\r\n250 starttls\r\n"));  // any case
  EXPECT_TRUE(EhloOffersStartTls("250-x\n250-STARTTLS\n250 HELP\n"));
  // The first line names the server, it is no extension.
  EXPECT_FALSE(EhloOffersStartTls("250-STARTTLS hello\r\n250 HELP\r\n"));
  EXPECT_FALSE(EhloOffersStartTls("250 STARTTLS\r\n"));
  EXPECT_FALSE(EhloOffersStartTls("250-x\r\n250 STARTTLSX\r\n"));
  EXPECT_FALSE(EhloOffersStartTls("500 5.5.1 EHLO unknown\r\n"));
  EXPECT_FALSE(EhloOffersStartTls(""));
}

TEST(EhloTest, ReplyLengthWaitsForTheLastLine) {
  const std::string reply = kTlsEhlo;
  for (size_t cut = 0; cut < reply.size(); ++cut) {
    EXPECT_EQ(SmtpReplyLength(reply.substr(0, cut)), 0u) << cut;
  }
  EXPECT_EQ(SmtpReplyLength(reply), reply.size());
  EXPECT_EQ(SmtpReplyLength(reply + "220 more\r\n"), reply.size());
  EXPECT_EQ(SmtpReplyLength("250\r\n"), 5u);
  EXPECT_EQ(SmtpReplyLength("554 no\n"), 7u);
}

TEST(ImapCapabilityTest, GreetingsAndCapabilityLines) {
  // Dovecot with and without ssl.
  EXPECT_EQ(ImapLineOffersStartTls(
                "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE "
                "IDLE LITERAL+ STARTTLS AUTH=PLAIN AUTH=LOGIN] Dovecot "
                "(Debian) ready.\r\n"),
            true);
  EXPECT_EQ(ImapLineOffersStartTls(
                "* OK [CAPABILITY IMAP4rev1 SASL-IR LITERAL+ AUTH=PLAIN] "
                "Dovecot (Debian) ready.\r\n"),
            false);
  EXPECT_EQ(ImapLineOffersStartTls("* CAPABILITY IMAP4rev1 starttls\r\n"),
            true);
  EXPECT_EQ(ImapLineOffersStartTls("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n"),
            false);
  // Only the code's own list counts, not the text after it.
  EXPECT_EQ(ImapLineOffersStartTls("* OK [CAPABILITY IMAP4rev1] STARTTLS\r\n"),
            false);
  EXPECT_EQ(ImapLineOffersStartTls("* OK [CAPABILITY IMAP4rev1 STARTTLSX]"),
            false);
  EXPECT_EQ(ImapLineOffersStartTls("* OK IMAP4rev1 ready\r\n"), std::nullopt);
  EXPECT_EQ(ImapLineOffersStartTls("CT1 OK done\r\n"), std::nullopt);
  EXPECT_EQ(ImapLineOffersStartTls("CT1 OK [CAPABILITY STARTTLS] x\r\n"),
            std::nullopt);
}

TEST(Pop3CapaTest, OnlyTheStlsLine) {
  EXPECT_TRUE(CapaLineIsStls("STLS\r\n"));
  EXPECT_TRUE(CapaLineIsStls("stls"));
  EXPECT_FALSE(CapaLineIsStls("SASL PLAIN LOGIN\r\n"));
  EXPECT_FALSE(CapaLineIsStls("STLSX\r\n"));
  EXPECT_FALSE(CapaLineIsStls("USER STLS\r\n"));
  EXPECT_FALSE(CapaLineIsStls(".\r\n"));
}

TEST(StartTlsNotOfferedTest, NamesTheCommandAndTheServer) {
  const StartTlsNotOffered smtp(MailProtocol::kSmtp, "mail.example.org:587");
  EXPECT_STREQ(smtp.what(), "mail.example.org:587 does not offer STARTTLS");
  const StartTlsNotOffered pop3(MailProtocol::kPop3, "[::1]:110");
  EXPECT_STREQ(pop3.what(), "[::1]:110 does not offer STLS");
  std::unique_ptr<vmime::exception> copy(pop3.clone());
  ASSERT_NE(dynamic_cast<StartTlsNotOffered*>(copy.get()), nullptr);
  EXPECT_EQ(dynamic_cast<StartTlsNotOffered*>(copy.get())->protocol(),
            MailProtocol::kPop3);
}

}  // namespace
}  // namespace ct::mail
