// ParseMailUrl, MailUrl::Redacted and the TLS policy of each URL.
#include <gtest/gtest.h>

#include <string>

#include "mail/url.h"

namespace ct::mail {
namespace {

struct GoodCase {
  std::string text;
  std::string scheme, user, host;
  int port;
  std::string path;
  std::string redacted;
};

TEST(MailUrlTest, ParsesEveryScheme) {
  const GoodCase cases[] = {
      {"imaps://escrow@mail.example.org/INBOX", "imaps", "escrow",
       "mail.example.org", 993, "INBOX",
       "imaps://escrow@mail.example.org:993/INBOX"},
      {"IMAP://Escrow@Mail.Example.ORG:1143", "imap", "Escrow",
       "mail.example.org", 1143, "INBOX",
       "imap://Escrow@mail.example.org:1143/INBOX"},
      {"imap://u@h/Archive/Processed", "imap", "u", "h", 143,
       "Archive/Processed", "imap://u@h:143/Archive/Processed"},
      {"imap://u@h/Caf%C3%A9", "imap", "u", "h", 143, "Caf\xC3\xA9",
       "imap://u@h:143/Caf\xC3\xA9"},
      {"pop3://escrow%40example.org@127.0.0.1", "pop3", "escrow@example.org",
       "127.0.0.1", 110, "", "pop3://escrow%40example.org@127.0.0.1:110"},
      // An unescaped '@' in the user: the last one ends it.
      {"pop3s://escrow@example.test@localhost:9995/INBOX", "pop3s",
       "escrow@example.test", "localhost", 9995, "",
       "pop3s://escrow%40example.test@localhost:9995"},
      {"smtp://localhost:587", "smtp", "", "localhost", 587, "",
       "smtp://localhost:587"},
      {"smtp://relay.example.org", "smtp", "", "relay.example.org", 587, "",
       "smtp://relay.example.org:587"},
      {"smtps://bot@[::1]:465/", "smtps", "bot", "::1", 465, "",
       "smtps://bot@[::1]:465"},
      {"smtps://[2001:DB8::1]", "smtps", "", "2001:db8::1", 465, "",
       "smtps://[2001:db8::1]:465"},
      {"maildir:///var/mail/escrow", "maildir", "", "", 0, "/var/mail/escrow",
       "maildir:///var/mail/escrow"},
      {"sendmail:///usr/sbin/sendmail", "sendmail", "", "", 0,
       "/usr/sbin/sendmail", "sendmail:///usr/sbin/sendmail"},
      {"dir:///tmp/out%20box", "dir", "", "", 0, "/tmp/out box",
       "dir:///tmp/out%20box"},
  };
  for (const GoodCase& c : cases) {
    SCOPED_TRACE(c.text);
    Result<MailUrl> url = ParseMailUrl(c.text);
    ASSERT_TRUE(url.has_value()) << url.error().message;
    EXPECT_EQ(url->scheme, c.scheme);
    EXPECT_EQ(url->user, c.user);
    EXPECT_EQ(url->host, c.host);
    EXPECT_EQ(url->port, c.port);
    EXPECT_EQ(url->path, c.path);
    EXPECT_EQ(url->Redacted(), c.redacted);
  }
}

TEST(MailUrlTest, RefusesBadUrlsWithConfigErrors) {
  const std::string cases[] = {
      "",
      "imaps",
      "mail.example.org",
      "http://example.org/",
      "ftp://u@h/",
      "imaps://",
      "imaps://u@/INBOX",
      "imaps://u@h:/INBOX",
      "imaps://u@h:0/INBOX",
      "imaps://u@h:65536/INBOX",
      "imaps://u@h:99999999999/INBOX",
      "imaps://u@h:12ab/INBOX",
      "imaps://u@h:-1/INBOX",
      "imaps://u@[::1/INBOX",
      "imaps://u@[not:an:address]/INBOX",
      "imaps://u@h/INBOX?x=1",
      "imaps://u@h/INBOX#frag",
      "imaps://u@h%2Fx/INBOX",
      "imaps://u@h/IN%0D%0ABOX",
      "imaps://u@h/%zz",
      "pop3://u@h/Other",
      "smtp://h/folder",
      "maildir://host/var/mail",
      "maildir://",
      "maildir:///",
      "maildir://relative/path",
      "dir://u@/tmp/x",
  };
  for (const std::string& text : cases) {
    SCOPED_TRACE(text);
    Result<MailUrl> url = ParseMailUrl(text);
    ASSERT_FALSE(url.has_value());
    EXPECT_EQ(url.error().kind, ErrorKind::kConfig);
    EXPECT_FALSE(url.error().message.empty());
  }
}

TEST(MailUrlTest, RefusesAPasswordWithoutRepeatingIt) {
  for (const std::string text :
       {"imaps://escrow:S3cretPw@mail.example.org/INBOX",
        "smtp://bot:S3cretPw@relay.example.org:587",
        "imaps://escrow:S3cretPw@mail.example.org/INBOX?x#y",
        "imaps:escrow:S3cretPw@mail.example.org"}) {
    SCOPED_TRACE(text);
    Result<MailUrl> url = ParseMailUrl(text);
    ASSERT_FALSE(url.has_value());
    EXPECT_EQ(url.error().kind, ErrorKind::kConfig);
    EXPECT_EQ(url.error().message.find("S3cretPw"), std::string::npos)
        << url.error().message;
  }
}

TEST(MailUrlTest, UnknownSchemeMessageListsTheKnownOnes) {
  Result<MailUrl> url = ParseMailUrl("imap4://u@h/");
  ASSERT_FALSE(url.has_value());
  EXPECT_NE(url.error().message.find("imaps"), std::string::npos);
  EXPECT_NE(url.error().message.find("maildir"), std::string::npos);
}

TEST(MailUrlTest, LoopbackIsDecidedByNameOnly) {
  for (const char* host : {"localhost", "LOCALHOST", "127.0.0.1", "127.255.3.4",
                           "::1", "0:0:0:0:0:0:0:1"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host : {"128.0.0.1", "10.0.0.1", "localhost.example.org",
                           "mail.example.org", "::2", "", "127.0.0"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

TEST(MailUrlTest, TlsPolicyFollowsSchemeAndHost) {
  const struct {
    const char* url;
    TlsMode mode;
  } cases[] = {
      {"imaps://u@mail.example.org/", TlsMode::kImplicit},
      {"pop3s://u@127.0.0.1/", TlsMode::kImplicit},
      {"smtps://relay.example.org", TlsMode::kImplicit},
      {"imap://u@mail.example.org/", TlsMode::kStartTlsRequired},
      {"pop3://u@192.168.1.2/", TlsMode::kStartTlsRequired},
      {"smtp://relay.example.org:587", TlsMode::kStartTlsRequired},
      {"imap://u@localhost/", TlsMode::kStartTlsIfOffered},
      {"pop3://u@127.0.0.1:1110/", TlsMode::kStartTlsIfOffered},
      {"smtp://[::1]:25", TlsMode::kStartTlsIfOffered},
      {"maildir:///var/mail/x", TlsMode::kNone},
      {"sendmail:///usr/sbin/sendmail", TlsMode::kNone},
      {"dir:///tmp/x", TlsMode::kNone},
  };
  for (const auto& c : cases) {
    Result<MailUrl> url = ParseMailUrl(c.url);
    ASSERT_TRUE(url.has_value()) << c.url;
    EXPECT_EQ(TlsModeFor(*url), c.mode) << c.url;
  }
}

}  // namespace
}  // namespace ct::mail
