// Raw-byte MIME reading and signed-root classification (pure).
#include "mail/mime.h"

#include <gtest/gtest.h>

#include "verify/signed_root.h"

namespace ct::mail {
namespace {

using verify::FindKeys;
using verify::SignedEntityText;
using verify::FindSignedRoot;
using verify::SignedRoot;

const char kPgpMime[] =
    "From: Alice <alice@example.test>\r\n"
    "Content-Type: multipart/signed; micalg=pgp-sha256;\r\n"
    " protocol=\"application/pgp-signature\"; boundary=\"XyZ\"\r\n"
    "\r\n"
    "This is an OpenPGP/MIME signed message.\r\n"
    "--XyZ\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "CT-7K3QX9A2 61\r\n"
    "--XyZ\r\n"
    "Content-Type: application/pgp-signature\r\n"
    "\r\n"
    "-----BEGIN PGP SIGNATURE-----\r\nAAAA\r\n-----END PGP SIGNATURE-----\r\n"
    "--XyZ--\r\n";

TEST(MimeTest, PgpMimeFirstPartIsExactBytes) {
  Entity root = ParseEntity(kPgpMime);
  EXPECT_TRUE(root.type.Is("multipart", "signed"));
  EXPECT_EQ(AddressOf(root.Header("from")), "alice@example.test");
  auto found = FindSignedRoot(root, false);
  ASSERT_TRUE(found.has_value()) << found.error().message;
  EXPECT_EQ(found->kind, SignedRoot::Kind::kPgpMime);
  EXPECT_EQ(found->signed_bytes,
            "Content-Type: text/plain; charset=utf-8\r\n\r\nCT-7K3QX9A2 61");
  EXPECT_EQ(found->signature.substr(0, 29), "-----BEGIN PGP SIGNATURE-----");
  auto text = SignedEntityText(found->signed_bytes);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, "CT-7K3QX9A2 61");
}

TEST(MimeTest, LfOnlyMessagesBecomeCrlfForVerification) {
  std::string lf = kPgpMime;
  std::erase(lf, '\r');
  auto found = FindSignedRoot(ParseEntity(lf), false);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->signed_bytes,
            "Content-Type: text/plain; charset=utf-8\r\n\r\nCT-7K3QX9A2 61");
}

struct RootCase {
  const char* raw;
  const char* refusal;  // "" = accepted as inline
};

TEST(MimeTest, OnlyASignedRootCounts) {
  const RootCase kCases[] = {
      {"Content-Type: text/plain\n\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: "
       "SHA256\n\nCT-7K3QX9A2 61\n-----BEGIN PGP SIGNATURE-----\nx\n-----END "
       "PGP SIGNATURE-----\n",
       ""},
      {"Content-Type: text/plain\n\nhello\n-----BEGIN PGP SIGNED "
       "MESSAGE-----\n\nx\n-----END PGP SIGNATURE-----\n",
       "outside the signed block"},
      {"Content-Type: text/plain\n\n-----BEGIN PGP SIGNED MESSAGE-----\n\nx\n"
       "-----END PGP SIGNATURE-----\n-----BEGIN PGP SIGNED MESSAGE-----\n\ny\n"
       "-----END PGP SIGNATURE-----\n",
       "more than one signed block"},
      {"Content-Type: text/html\n\n<p>CT-7K3QX9A2 61</p>", "HTML-only"},
      {"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: "
       "text/plain\n\nCT-7K3QX9A2 61\n--b\n" /* attacker text first */
       "Content-Type: multipart/signed; protocol=\"application/pgp-signature\";"
       " boundary=c\n\n--c\n\nx\n--c\nContent-Type: "
       "application/pgp-signature\n\ns\n--c--\n--b--\n",
       "not signed, sign the whole message: multipart/mixed"},
      {"Content-Type: text/plain\n\nCT-7K3QX9A2 61\n", "not signed"},
      {"Content-Type: multipart/signed; protocol=\"application/pgp-signature\";"
       " boundary=c\n\n--c\n\nx\n--c\nContent-Type: "
       "application/pgp-signature\n\ns\n",
       "closing boundary"},
      {"Content-Type: multipart/signed; protocol=\"application/pgp-signature\";"
       " boundary=c\n\n--c\n\nx\n--c\n\ny\n--c\nContent-Type: "
       "application/pgp-signature\n\ns\n--c--\n",
       "exactly two parts"},
      {"Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!!\n",
       "bad base64"},
  };
  for (const auto& c : kCases) {
    auto found = FindSignedRoot(ParseEntity(c.raw), false);
    if (std::string(c.refusal).empty()) {
      ASSERT_TRUE(found.has_value()) << c.raw << found.error().message;
      EXPECT_EQ(found->kind, SignedRoot::Kind::kInline);
    } else {
      ASSERT_FALSE(found.has_value()) << c.raw;
      EXPECT_NE(found.error().message.find(c.refusal), std::string::npos)
          << found.error().message;
    }
  }
}

TEST(MimeTest, DecodesTransferEncodingsCharsetsAndFlowed) {
  Entity qp = ParseEntity(
      "Content-Type: text/plain; charset=iso-8859-1\n"
      "Content-Transfer-Encoding: quoted-printable\n\nCaf=E9 cr=\n=E8me\n");
  EXPECT_EQ(*PlainText(qp), "Caf\xC3\xA9 cr\xC3\xA8me\n");
  Entity b64 = ParseEntity(
      "Content-Type: text/plain; charset=utf-8\n"
      "Content-Transfer-Encoding: base64\n\nQ1QtN0szUVg5QTIgNjE=\n");
  EXPECT_EQ(*PlainText(b64), "CT-7K3QX9A2 61");
  Entity cp =
      ParseEntity("Content-Type: text/plain; charset=windows-1252\n\n\x80 5");
  EXPECT_EQ(*PlainText(cp), "\xE2\x82\xAC 5");
  Entity flowed = ParseEntity(
      "Content-Type: text/plain; format=flowed; delsp=yes\n\nCT-7K3QX9A2 40 "
      "Colis \nsimo\n");
  EXPECT_EQ(*PlainText(flowed), "CT-7K3QX9A2 40 Colissimo\n");
  Entity bad = ParseEntity("Content-Type: text/plain; charset=utf-8\n\n\xC3(");
  EXPECT_FALSE(PlainText(bad).has_value());
  Entity koi = ParseEntity("Content-Type: text/plain; charset=koi8-r\n\nx");
  EXPECT_FALSE(PlainText(koi).has_value());
}

TEST(MimeTest, DeepNestingIsBoundedNotRecursedForever) {
  std::string raw;
  for (int i = 0; i < 1000; ++i)
    raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) +
           "\n\n--b" + std::to_string(i) + "\n";
  auto keys = FindKeys(ParseEntity(raw));
  EXPECT_TRUE(keys.empty());
  EXPECT_FALSE(FindSignedRoot(ParseEntity(raw), false).has_value());
}

TEST(MimeTest, FindsAttachedKeysAndAutocrypt) {
  Entity e = ParseEntity(
      "Autocrypt: addr=alice@example.test; keydata=QUJD\n RA==\n"
      "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nhi\n--b\n"
      "Content-Type: application/pgp-keys\n\nKEYDATA\n--b--\n");
  auto keys = FindKeys(e);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0], "KEYDATA");
  EXPECT_EQ(keys[1], "ABCD");
}

}  // namespace
}  // namespace ct::mail
