// Finds the one place a message may carry a command (docs/security.md, "What
// counts as signed"): the root itself must be signed. Anything else — a signed
// part inside an unsigned container, text around a clear-signed block, an
// HTML-only mail — is refused here with a reason for the sender. Pure.
#ifndef CYBERTROC_VERIFY_SIGNED_ROOT_H_
#define CYBERTROC_VERIFY_SIGNED_ROOT_H_

#include <string>
#include <string_view>

#include "mail/mime.h"

namespace ct::verify {

struct SignedRoot {
  enum class Kind { kPgpMime, kInline, kEncrypted };
  Kind kind = Kind::kPgpMime;
  std::string signed_bytes;  // kPgpMime: first part, exact, CRLF line ends
  std::string signature;     // kPgpMime: the detached signature
  std::string armored;       // kInline: the clear-signed block (decoded bytes)
  std::string charset;       // kInline: charset of those bytes
  std::string ciphertext;    // kEncrypted: the OpenPGP message to decrypt
};

// Classifies the root entity. `inside_encryption` forbids a second layer of
// encryption. kInvalidInput with the reason when there is no signed root.
Result<SignedRoot> FindSignedRoot(const mail::Entity& root,
                                  bool inside_encryption);

// The command text of a verified PGP/MIME signed entity: its text/plain
// content (directly, or the first inline text/plain inside a multipart),
// decoded to UTF-8. kInvalidInput when it has none.
Result<std::string> SignedEntityText(std::string_view signed_bytes);

// Key material anywhere in the message (application/pgp-keys parts, looked
// for to a bounded depth) and Autocrypt header keydata (base64-decoded).
std::vector<std::string> FindKeys(const mail::Entity& root);

}  // namespace ct::verify

#endif  // CYBERTROC_VERIFY_SIGNED_ROOT_H_
