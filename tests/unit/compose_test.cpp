// Outgoing mail pieces: encodings and header safety (no GnuPG needed).
#include "mail/compose.h"

#include <fmt/chrono.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

#include <vmime/vmime.hpp>

#include "core/limits.h"
#include "mail/headers.h"
#include "mail/mime.h"

namespace ct::mail {
namespace {

TEST(ComposeTest, QuotedPrintableRoundTripsThroughOurReader) {
  const std::string texts[] = {
      "Bonjour,\nvotre dépôt de 60,25 € est reçu.\n",
      "trailing blank \nand tab\t\n",
      "From here on\n.starts with a dot\n",
      std::string(200, 'x') + "\n" + std::string(80, '=') + "\n",
  };
  for (const auto& text : texts) {
    std::string qp = QuotedPrintable(text);
    for (size_t start = 0, nl; start < qp.size(); start = nl + 2) {
      nl = qp.find("\r\n", start);
      if (nl == std::string::npos) nl = qp.size();
      EXPECT_LE(nl - start, 76u) << qp;
      std::string_view line(qp.data() + start, nl - start);
      EXPECT_FALSE(line.starts_with("From ")) << qp;
      if (!line.empty()) {
        EXPECT_NE(line.back(), ' ') << qp;
      }
    }
    // The entity views these bytes: they must outlive it (ASan found the
    // temporary that did not).
    const std::string raw =
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
        qp;
    Entity e = ParseEntity(raw);
    auto decoded = PlainText(e);
    ASSERT_TRUE(decoded.has_value());
    std::string expected;
    for (char c : text)
      expected += c == '\n' ? std::string("\r\n") : std::string(1, c);
    EXPECT_EQ(*decoded, expected);
  }
}

TEST(ComposeTest, HeadersCannotBeInjected) {
  EXPECT_EQ(EncodeHeaderValue("CD\r\nBcc: victim@example.org"),
            "CD  Bcc: victim@example.org");
  std::string encoded = EncodeHeaderValue("Dépôt reçu\nBcc: x@y");
  EXPECT_TRUE(encoded.starts_with("=?UTF-8?B?")) << encoded;
  EXPECT_EQ(encoded.find("Bcc:"), std::string::npos) << encoded;
  for (size_t at = encoded.find('\n'); at != std::string::npos;
       at = encoded.find('\n', at + 1))
    EXPECT_EQ(encoded[at + 1], ' ') << "every fold is a continuation line";
}

// The lines of a header block "Name: ...\r\n ...\r\n", without CRLF.
std::vector<std::string> Lines(const std::string& field) {
  std::vector<std::string> lines;
  for (size_t start = 0; start < field.size();) {
    size_t end = field.find("\r\n", start);
    EXPECT_NE(end, std::string::npos) << "every line ends with CRLF";
    if (end == std::string::npos) break;
    lines.push_back(field.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

void ExpectFolded(const std::string& field, size_t max = core::kFoldHeaderAt) {
  const auto lines = Lines(field);
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_LE(lines[i].size(), max) << lines[i];
    EXPECT_EQ(lines[i].find_first_of("\r\n"), std::string::npos);
    if (i > 0) {
      EXPECT_TRUE(lines[i].starts_with(" ")) << "continuation: " << lines[i];
      EXPECT_NE(lines[i].find_first_not_of(" \t"), std::string::npos)
          << "no line of blanks only";
    }
  }
}

// What a reader makes of a field we wrote: vmime unfolds and decodes it.
std::string Decoded(const std::string& field) {
  std::string value = field.substr(field.find(':') + 1);
  auto text = vmime::text::decodeAndUnfold(value);
  std::string out = text->getConvertedText(vmime::charset("utf-8"));
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
    out.pop_back();
  while (!out.empty() && out.front() == ' ') out.erase(0, 1);
  return out;
}

// A non-ASCII display name in outbox.from once put the address inside
// the encoded-word, so that no client could read the From.
TEST(ComposeTest, Issue8FromEncodesOnlyTheDisplayName) {
  auto mailbox = core::ParseMailbox("Cybertroc Échanges <escrow@example.org>");
  ASSERT_TRUE(mailbox.has_value());
  const std::string field = MailboxField("From", *mailbox);
  EXPECT_TRUE(field.starts_with("From: =?UTF-8?B?")) << field;
  EXPECT_TRUE(field.ends_with(" <escrow@example.org>\r\n")) << field;
  EXPECT_EQ(field.find("PGVzY3Jvd0Bl"), std::string::npos)
      << "the address is not encoded: " << field;
  ExpectFolded(field);
  // A real reader finds both parts.
  vmime::mailbox read;
  read.parse(field.substr(6));
  EXPECT_EQ(read.getEmail().toString(), "escrow@example.org");
  EXPECT_EQ(read.getName().getConvertedText(vmime::charset("utf-8")),
            "Cybertroc Échanges");
}

TEST(ComposeTest, DisplayNamesAsAtomsQuotedOrEncoded) {
  struct Case {
    const char* from;
    const char* field;
  };
  const Case kCases[] = {
      {"CyberTroc <escrow@example.org>",
       "From: CyberTroc <escrow@example.org>\r\n"},
      {"escrow@example.org", "From: escrow@example.org\r\n"},
      {"escrow@example.org (CyberTroc)", "From: escrow@example.org\r\n"},
      {"Cybertroc S.A. <escrow@example.org>",
       "From: \"Cybertroc S.A.\" <escrow@example.org>\r\n"},
      {"\"Troc, \\\"le\\\" service\" <escrow@example.org>",
       "From: \"Troc, \\\"le\\\" service\" <escrow@example.org>\r\n"},
  };
  for (const auto& c : kCases) {
    auto mailbox = core::ParseMailbox(c.from);
    ASSERT_TRUE(mailbox.has_value()) << c.from;
    EXPECT_EQ(MailboxField("From", *mailbox), c.field);
  }
  // A long non-ASCII name: several encoded-words, each on its own line.
  core::Mailbox longer{"Échanges " + std::string(90, 'x') + " é", "e@x.org"};
  const std::string field = MailboxField("From", longer);
  ExpectFolded(field);
  vmime::mailbox read;
  read.parse(field.substr(6));
  EXPECT_EQ(read.getEmail().toString(), "e@x.org");
  EXPECT_EQ(read.getName().getConvertedText(vmime::charset("utf-8")),
            longer.display_name);
}

// A 100 KB item once made a 20 KB unfolded Subject.
TEST(ComposeTest, Issue8LongSubjectsAreFoldedWithinTheLineLimits) {
  const std::string word(102400, 'x');
  const std::string spaced = [] {
    std::string s;
    for (int i = 0; i < 2000; ++i) s += "word" + std::to_string(i) + " ";
    return s + "end";
  }();
  std::string accented;
  for (int i = 0; i < 300; ++i) accented += "dépôt ";
  for (const std::string& text :
       {"[CT-7K3QX9A2] Offer: " + word, "[CT-7K3QX9A2] " + spaced,
        "[CT-7K3QX9A2] " + accented, std::string("a  two  spaces  subject")}) {
    const std::string field = UnstructuredField("Subject", text);
    ExpectFolded(field);
    EXPECT_EQ(Decoded(field), text);
  }
  EXPECT_EQ(UnstructuredField("Subject", "[CT-7K3QX9A2] Offer: CD"),
            "Subject: [CT-7K3QX9A2] Offer: CD\r\n");
}

// An item may hold text that reads as an RFC 2047 encoded-word. Copied as
// it is into the Subject, every mail reader would decode it, here into a CR
// LF and a "Bcc:" line, which the free-text rules forbid. Encoded by us, it
// decodes to exactly the typed text: no CR/LF, no other header.
TEST(ComposeTest, EncodedWordsInTextAreShownAsTyped) {
  const std::string item = "=?utf-8?q?Nice=0D=0ABcc:_victim@x.test?=";
  const std::string subjects[] = {
      "[CT-7K3QX9A2] Offer: " + item,
      "[CT-7K3QX9A2] Offer: " + item + " and more",
      item,
      "[CT-7K3QX9A2] Offer: a=?b",
      "[CT-7K3QX9A2] Offer: =?utf-8?b?DQpCY2M6IHZpY3RpbUB4LnRlc3Q=?= x",
      "[CT-7K3QX9A2] Offre : dépôt =?iso-8859-1?q?=E9?=",
      "[CT-7K3QX9A2]  two  =?x?q?y?=  spaces ",
  };
  for (const std::string& subject : subjects) {
    const std::string field = UnstructuredField("Subject", subject);
    ExpectFolded(field);
    EXPECT_EQ(Decoded(field), subject) << field;
    EXPECT_EQ(field.find("=?utf-8?q?"), std::string::npos) << field;
    // The whole header block as a reader parses it: one Subject holding the
    // typed text, and no Bcc.
    const std::string raw = "From: escrow@example.org\r\n" + field +
                            "To: alice@example.test\r\n\r\nbody\r\n";
    vmime::message message;
    message.parse(raw);
    auto header = message.getHeader();
    EXPECT_FALSE(header->hasField("Bcc")) << raw;
    const auto subject_field = header->findField("Subject");
    ASSERT_TRUE(subject_field);
    const std::string read =
        subject_field->getValue<vmime::text>()->getConvertedText(
            vmime::charset("utf-8"));
    EXPECT_EQ(read, subject) << raw;
    EXPECT_EQ(read.find_first_of("\r\n"), std::string::npos);
  }
  // The plain words before it stay readable (and filterable) as they are.
  const std::string first = UnstructuredField("Subject", subjects[0]);
  EXPECT_TRUE(first.starts_with("Subject: [CT-7K3QX9A2] Offer:\r\n =?UTF-8?B?"))
      << first;
  // A display name is held to the same rule.
  const core::Mailbox named{"Troc " + item, "escrow@example.org"};
  const std::string from = MailboxField("From", named);
  ExpectFolded(from);
  vmime::mailbox read;
  read.parse(from.substr(6));
  EXPECT_EQ(read.getEmail().toString(), "escrow@example.org");
  EXPECT_EQ(read.getName().getConvertedText(vmime::charset("utf-8")),
            named.display_name)
      << from;
}

TEST(ComposeTest, OnlyUsableMessageIdsAreCopied) {
  const std::string huge = "<" + std::string(102400, 'x') + "@example.test>";
  struct Case {
    std::string id;
    bool usable;
  };
  const Case kCases[] = {
      {"<1712.4242.77@example.test>", true},
      {"  <CAF=x+y_z@mail.gmail.com> ", true},
      {"<abc@[127.0.0.1]>", true},
      {"<" + std::string(core::kMaxMessageIdOctets - 15, 'a') +
           "@example.test>",
       true},
      {"<" + std::string(core::kMaxMessageIdOctets - 14, 'a') +
           "@example.test>",
       false},
      {huge, false},
      {"", false},
      {"no-brackets@example.test", false},
      {"<no-at-sign>", false},
      {"<a b@example.test>", false},
      {"<a@example.test>\r\nBcc: x@y", false},
      {"<a@example.test> (comment)", false},
      {"<a..b@example.test>", false},
      {"<a@b@example.test>", false},
      {"<@example.test>", false},
      {"<é@example.test>", false},
  };
  for (const auto& c : kCases)
    EXPECT_EQ(IsUsableMessageId(c.id), c.usable) << c.id.substr(0, 80);
}

TEST(ComposeTest, FoldedFieldsNeverStartALineWithNothing) {
  const std::string field =
      FoldedField("References", {"<a@example.test>", std::string(100, 'b')});
  ExpectFolded(field, core::kMaxHeaderLineOctets);
  EXPECT_EQ(field, "References: <a@example.test>\r\n " + std::string(100, 'b') +
                       "\r\n");
}

TEST(ComposeTest, DatesAreRfc5322) {
  auto t = core::ParseIsoTime("2027-01-31T12:00:05Z");
  EXPECT_EQ(Rfc5322Date(*t), "Sun, 31 Jan 2027 12:00:05 +0000");
  EXPECT_EQ(Rfc5322Date(*core::ParseIsoTime("2027-02-05T03:04:05Z")),
            "Fri, 5 Feb 2027 03:04:05 +0000");
}

// Why Rfc5322Date goes through fmt::gmtime: fmt 9 (Debian 12) formats a
// system_clock time in the local time zone, which would put the wrong hour
// before "+0000" on a machine that is not on UTC.
TEST(ComposeTest, DatesAreUtcWhateverTheTimeZone) {
  const char* before = std::getenv("TZ");
  const std::string saved = before ? before : "";
  ::setenv("TZ", "EST5", 1);  // POSIX form: no tzdata needed
  ::tzset();
  auto t = core::ParseIsoTime("2027-01-31T12:00:05Z");
  const std::string ours = Rfc5322Date(*t);
  const std::string fmts = fmt::format("{:%H:%M:%S}", *t);
  if (before) {
    ::setenv("TZ", saved.c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  ::tzset();
  EXPECT_EQ(ours, "Sun, 31 Jan 2027 12:00:05 +0000");
  // If this starts failing, fmt formats sys_time in UTC (fmt >= 10): then
  // Rfc5322Date can format `t` itself.
  EXPECT_EQ(fmts, "07:00:05") << "fmt now writes UTC";
}

// A header field as vmime 0.9.2 generates it.
std::string VmimeField(const std::string& name,
                       std::shared_ptr<vmime::headerFieldValue> value) {
  auto field = vmime::headerFieldFactory::getInstance()->create(name);
  field->setValue(value);
  std::ostringstream out;
  vmime::utility::outputStreamAdapter stream(out);
  vmime::generationContext ctx;
  field->generate(ctx, stream);
  return out.str();
}

size_t LongestLine(const std::string& field) {
  size_t longest = 0;
  for (size_t start = 0; start < field.size();) {
    size_t end = field.find('\n', start);
    if (end == std::string::npos) end = field.size();
    size_t len = end - start;
    if (len > 0 && field[end - 1] == '\r') --len;
    longest = std::max(longest, len);
    start = end + 1;
  }
  return longest;
}

// Why headers.cpp encodes itself rather than with vmime::text and
// vmime::mailbox: on these ordinary French texts vmime 0.9.2 writes lines
// past 78 columns, changes the text (a space gained in the subject, spaces
// lost in the display name) and encodes a plain ASCII name. Ours keeps each
// line within 78 columns and the text as it was.
TEST(ComposeTest, HeadersAreOursBecauseVmimeChangesTheText) {
  const vmime::charset utf8(vmime::charsets::UTF_8);
  const std::string subject =
      "Votre échange CT-7K3QX9A2 : l’acheteur a déposé 1 234,56 € — merci "
      "de confirmer la réception avant le 31 janvier";
  const std::string vmime_subject =
      VmimeField("Subject", vmime::text::newFromString(subject, utf8));
  const std::string our_subject = UnstructuredField("Subject", subject);
  ExpectFolded(our_subject);
  EXPECT_EQ(Decoded(our_subject), subject);
  EXPECT_GT(LongestLine(vmime_subject), core::kFoldHeaderAt) << vmime_subject;
  EXPECT_NE(Decoded(vmime_subject), subject) << vmime_subject;

  const std::string name =
      "Service des échanges sécurisés CyberTroc : l’équipe de médiation";
  const core::Mailbox mailbox{name, "escrow@example.org"};
  const std::string vmime_from = VmimeField(
      "From",
      std::make_shared<vmime::mailbox>(*vmime::text::newFromString(name, utf8),
                                       vmime::emailAddress(mailbox.address)));
  const std::string our_from = MailboxField("From", mailbox);
  ExpectFolded(our_from);
  for (const auto& [field, same] :
       {std::pair{our_from, true}, std::pair{vmime_from, false}}) {
    vmime::mailbox read;
    read.parse(field.substr(6));
    EXPECT_EQ(read.getEmail().toString(), mailbox.address);
    EXPECT_EQ(read.getName().getConvertedText(utf8) == name, same) << field;
  }

  const std::string plain = VmimeField(
      "From",
      std::make_shared<vmime::mailbox>(vmime::text("Cybertroc S.A.", utf8),
                                       vmime::emailAddress(mailbox.address)));
  EXPECT_NE(plain.find("=?us-ascii?"), std::string::npos) << plain;
}

}  // namespace
}  // namespace ct::mail
