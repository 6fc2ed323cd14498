// From raw bytes to "who signed which text": imports offered keys, finds the
// signed root, checks exactly one good signature with GnuPG and returns the
// signed text only. Everything that is not exactly that is a Rejection with
// a reason meant for the sender.
#ifndef CYBERTROC_VERIFY_SIGNED_TEXT_H_
#define CYBERTROC_VERIFY_SIGNED_TEXT_H_

#include <string>
#include <vector>

#include "core/time.h"
#include "crypto/keyring.h"
#include "mail/mime.h"

namespace ct::verify {

struct SignedText {
  std::string text;                     // what the signature covers, UTF-8
  std::string fingerprint;              // primary key fingerprint of the signer
  std::vector<std::string> key_emails;  // addresses in the signer's UIDs
  core::Time made{};                    // signature creation time
  std::string digest;                   // identifies this signature (replay)
  bool encrypted = false;
};

// kInvalidInput: no signed root, no or several signatures, bad signature,
// unknown/expired/revoked key, decrypted or signed text larger than
// `max_plaintext` bytes... (message for the sender). kIo: GnuPG broke.
Result<SignedText> VerifyMessage(crypto::GpgContext& gpg,
                                 const mail::Entity& root,
                                 size_t max_plaintext);

// Imports the keys a message offers (attachments, Autocrypt); returns how
// many imports succeeded. Failures are ignored: a key is only ever used
// after a signature binds it. A key block this context already imported
// (same SHA-256), with the keyring unchanged since, is not imported again.
int ImportOfferedKeys(crypto::GpgContext& gpg, const mail::Entity& root);

}  // namespace ct::verify

#endif  // CYBERTROC_VERIFY_SIGNED_TEXT_H_
