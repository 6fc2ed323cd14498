#include "verify/keyring_access.h"

namespace ct::verify {

void KeyringAccess::Import(crypto::GpgContext& gpg, const mail::Entity& root) {
  ImportOfferedKeys(gpg, root);
}

Result<SignedText> KeyringAccess::Verify(crypto::GpgContext& gpg,
                                         const mail::Entity& root,
                                         size_t max_plaintext) {
  return VerifyMessage(gpg, root, max_plaintext);
}

}  // namespace ct::verify
