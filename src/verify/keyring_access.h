// How a message's GnuPG step reaches the keyring: alone (this default), or
// shared between the inbound pipeline's workers (verify/shared_keyring.h).
#ifndef CYBERTROC_VERIFY_KEYRING_ACCESS_H_
#define CYBERTROC_VERIFY_KEYRING_ACCESS_H_

#include <cstddef>

#include "crypto/keyring.h"
#include "mail/mime.h"
#include "verify/signed_text.h"

namespace ct::verify {

// What ExamineMessage does to the GnuPG keyring. These defaults are for a
// thread that has the keyring to itself; the pipeline shares it between
// its workers (verify/shared_keyring.h).
class KeyringAccess {
 public:
  virtual ~KeyringAccess() = default;
  // Imports the keys `root` offers (attachments, Autocrypt). Failures are
  // ignored: a key only counts once a signature binds it.
  virtual void Import(crypto::GpgContext& gpg, const mail::Entity& root);
  // Decrypts and verifies `root` (VerifyMessage).
  virtual Result<SignedText> Verify(crypto::GpgContext& gpg,
                                    const mail::Entity& root,
                                    size_t max_plaintext);
};

}  // namespace ct::verify

#endif  // CYBERTROC_VERIFY_KEYRING_ACCESS_H_
