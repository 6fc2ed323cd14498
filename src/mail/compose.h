// Building our outgoing mail: text/plain UTF-8 quoted-printable, signed
// PGP/MIME (RFC 3156): multipart/signed, or, when encrypted, signed and
// encrypted in one OpenPGP message (section 6.2) in multipart/encrypted.
// Composed byte by byte rather than with vmime because the signature must cover
// exactly the bytes that are sent: a library that re-serialises (re-folds,
// re-encodes) the signed part after signing would break it.
#ifndef CYBERTROC_MAIL_COMPOSE_H_
#define CYBERTROC_MAIL_COMPOSE_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "crypto/keyring.h"
#include "mail/headers.h"

namespace ct::mail {

// Our loop-detection header: mail carrying it is never answered.
inline constexpr char kLoopHeader[] = "X-CyberTroc-Loop";

// A file sent after the text (the EPC QR code of a deposit request).
struct Attachment {
  std::string filename;      // plain ASCII name, e.g. "epc-qr.png"
  std::string content_type;  // e.g. "image/png"
  std::string data;          // the bytes
};

struct OutgoingMail {
  std::string from;            // "CyberTroc <escrow@example.org>", one mailbox
  std::string to;              // bare address
  std::string subject;         // UTF-8; CR/LF never reach the header
  std::string body;            // UTF-8 text, LF or CRLF
  std::string message_id;      // "<...>"
  std::string in_reply_to;     // "<...>" or ""; dropped unless a usable msg-id
  std::string auto_submitted;  // "auto-replied" | "auto-generated"
  std::string loop_token;      // value of our loop header
  core::Time date{};
  // With attachments, what is signed (and encrypted) is a multipart/mixed
  // of the text and the files (inline, base64); without, the text alone.
  std::vector<Attachment> attachments;
};

// Signs with `signer` (fingerprint, secret key in `gpg`): multipart/signed
// when `encrypt_to` is empty, else one signed and encrypted OpenPGP message
// to `encrypt_to` (fingerprints) in multipart/encrypted (RFC 3156 6.2). Returns
// the whole message with CRLF line ends, every header line within 998 octets
// (mail/headers.h). kConfig when `mail.from` is not one mailbox.
Result<std::string> Compose(crypto::GpgContext& gpg, const OutgoingMail& mail,
                            const std::string& signer,
                            const std::vector<std::string>& encrypt_to);

// Quoted-printable (RFC 2045) of UTF-8 text, CRLF line ends, lines <= 76.
std::string QuotedPrintable(std::string_view text);

// "Sun, 31 Jan 2027 12:00:00 +0000".
std::string Rfc5322Date(core::Time t);

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_COMPOSE_H_
