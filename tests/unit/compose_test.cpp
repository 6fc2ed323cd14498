// Outgoing mail pieces: encodings and header safety (no GnuPG needed).
#include "mail/compose.h"

#include <gtest/gtest.h>

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
    Entity e = ParseEntity(
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
        qp);
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

TEST(ComposeTest, DatesAreRfc5322) {
  auto t = core::ParseIsoTime("2027-01-31T12:00:05Z");
  EXPECT_EQ(Rfc5322Date(*t), "Sun, 31 Jan 2027 12:00:05 +0000");
}

}  // namespace
}  // namespace ct::mail
