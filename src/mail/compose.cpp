#include "mail/compose.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>
#include <random>

#include "crypto/sign.h"
#include "mail/headers.h"
#include "mail/mime.h"

namespace ct::mail {
namespace {

std::string Boundary() {
  static std::random_device rd;
  return fmt::format("ct-{:016x}{:08x}", (uint64_t(rd()) << 32) | rd(), rd());
}

// `type` is the media type and its parameters, each ending with ';': the
// header folds between them (it is outside what the signature covers).
std::string Multipart(std::vector<std::string> type,
                      const std::string& boundary,
                      const std::vector<std::string>& parts) {
  type.push_back("boundary=\"" + boundary + "\"");
  std::string out = FoldedField("Content-Type", type) + "\r\n";
  for (const auto& part : parts)
    out += "--" + boundary + "\r\n" + part + "\r\n";
  return out + "--" + boundary + "--\r\n";
}

// The text/plain entity, CRLF line ends.
std::string TextEntity(const OutgoingMail& mail) {
  return "Content-Type: text/plain; charset=utf-8\r\n"
         "Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
         QuotedPrintable(mail.body);
}

// One file, inline (mail clients show an image where a phone can scan
// it), base64 in lines of 76 (RFC 2045 6.8).
std::string AttachmentEntity(const Attachment& file) {
  const std::string name = OneLine(file.filename);
  std::string out = "Content-Type: " + OneLine(file.content_type) +
                    "; name=\"" + name +
                    "\"\r\nContent-Disposition: inline; filename=\"" + name +
                    "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  const std::string encoded = Base64(file.data);
  for (size_t i = 0; i < encoded.size(); i += 76)
    out += encoded.substr(i, 76) + "\r\n";
  return out;
}

// What is signed (and encrypted): the text, or the text and its files.
std::string ContentEntity(const OutgoingMail& mail) {
  if (mail.attachments.empty()) return TextEntity(mail);
  std::vector<std::string> parts = {TextEntity(mail)};
  for (const auto& file : mail.attachments)
    parts.push_back(AttachmentEntity(file));
  return Multipart({"multipart/mixed;"}, Boundary(), parts);
}

// RFC 3156 section 5: multipart/signed, detached signature over `text`.
Result<std::string> SignedEntity(crypto::GpgContext& gpg,
                                 const std::string& text,
                                 const std::string& signer) {
  auto sig = crypto::SignDetached(gpg, signer, text);
  CT_TRY(sig);
  std::string signature =
      "Content-Type: application/pgp-signature; name=\"signature.asc\"\r\n"
      "Content-Description: OpenPGP digital signature\r\n\r\n" +
      ToCrlf(sig->armored);
  return Multipart({"multipart/signed;", "micalg=" + sig->micalg + ";",
                    "protocol=\"application/pgp-signature\";"},
                   Boundary(), {text, signature});
}

// RFC 3156 section 6.2, the combined method: `text` signed and encrypted
// in one OpenPGP message inside multipart/encrypted, as Thunderbird, mutt
// and neomutt send it; gpg --decrypt shows the signature (VALIDSIG).
Result<std::string> SignedEncryptedEntity(
    crypto::GpgContext& gpg, const std::string& text, const std::string& signer,
    const std::vector<std::string>& encrypt_to) {
  auto armored = crypto::SignEncrypt(gpg, signer, encrypt_to, text);
  CT_TRY(armored);
  return Multipart(
      {"multipart/encrypted;", "protocol=\"application/pgp-encrypted\";"},
      Boundary(),
      {"Content-Type: application/pgp-encrypted\r\n"
       "Content-Description: PGP/MIME version identification\r\n\r\nVersion: "
       "1\r\n",
       "Content-Type: application/octet-stream; name=\"encrypted.asc\"\r\n"
       "Content-Description: OpenPGP encrypted message\r\n\r\n" +
           ToCrlf(*armored)});
}

}  // namespace

std::string QuotedPrintable(std::string_view text) {
  std::string out;
  size_t col = 0;
  auto emit = [&](const std::string& piece) {
    if (col + piece.size() > 75) {
      out += "=\r\n";
      col = 0;
    }
    out += piece;
    col += piece.size();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = text[i];
    if (c == '\r') continue;
    if (c == '\n') {
      out += "\r\n";
      col = 0;
      continue;
    }
    bool at_eol =
        i + 1 >= text.size() || text[i + 1] == '\n' || text[i + 1] == '\r';
    bool literal = (c >= 33 && c <= 126 && c != '=') ||
                   ((c == ' ' || c == '\t') && !at_eol);
    // A line starting "From " or "." is encoded so that no relay mangles it.
    if (col == 0 && (c == '.' || (c == 'F' && text.substr(i, 5) == "From ")))
      literal = false;
    emit(literal ? std::string(1, static_cast<char>(c))
                 : fmt::format("={:02X}", c));
  }
  return out;
}

// Through fmt::gmtime rather than formatting the sys_time itself: fmt 9
// (Debian 12) turns a sys_time into the local time zone first, and a Date
// written "+0000" must be UTC wherever we run (compose_test
// DatesAreUtcWhateverTheTimeZone). The day of the month is not padded.
std::string Rfc5322Date(core::Time t) {
  const std::tm tm = fmt::gmtime(std::chrono::system_clock::to_time_t(t));
  return fmt::format("{:%a}, {} {:%b %Y %H:%M:%S} +0000", tm, tm.tm_mday, tm);
}

Result<std::string> Compose(crypto::GpgContext& gpg, const OutgoingMail& mail,
                            const std::string& signer,
                            const std::vector<std::string>& encrypt_to) {
  const std::string text = ContentEntity(mail);
  auto top = encrypt_to.empty()
                 ? SignedEntity(gpg, text, signer)
                 : SignedEncryptedEntity(gpg, text, signer, encrypt_to);
  CT_TRY(top);
  auto from = core::ParseMailbox(mail.from);
  if (!from)
    return Fail(ErrorKind::kConfig,
                "outbox.from '" + mail.from + "': " + from.error().message);
  std::string headers = MailboxField("From", *from);
  headers += FoldedField("To", {OneLine(mail.to)});
  headers += UnstructuredField("Subject", mail.subject);
  headers += FoldedField("Date", {Rfc5322Date(mail.date)});
  headers += FoldedField("Message-ID", {OneLine(mail.message_id)});
  // A party's Message-ID is copied only when it is one: a malformed or huge
  // one would break the header, and costs only the threading when dropped.
  if (IsUsableMessageId(mail.in_reply_to)) {
    std::string id = OneLine(mail.in_reply_to);
    id = id.substr(id.find('<'), id.rfind('>') - id.find('<') + 1);
    headers += FoldedField("In-Reply-To", {id});
    headers += FoldedField("References", {id});
  }
  headers += FoldedField("Auto-Submitted", {OneLine(mail.auto_submitted)});
  headers += FoldedField(kLoopHeader, {OneLine(mail.loop_token)});
  headers += "MIME-Version: 1.0\r\n";
  return headers + *top;
}

}  // namespace ct::mail
