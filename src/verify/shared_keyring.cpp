#include "verify/shared_keyring.h"

#include "crypto/import.h"
#include "util/sha256.h"
#include "verify/signed_root.h"

namespace ct::verify {

void SharedKeyring::Import(crypto::GpgContext& gpg, const mail::Entity& root) {
  for (const std::string& block : FindKeys(root)) {
    const std::string digest = util::Sha256Hex(block);
    if (Known(digest)) continue;
    std::unique_lock alone(keyring_.access);
    if (Known(digest)) continue;  // imported while we waited
    // Failures are ignored, as verify::ImportOfferedKeys does; a failed
    // block is not remembered, so a later message tries it again.
    if (crypto::ImportKeys(gpg, block)) {
      std::lock_guard lock(keyring_.mutex);
      keyring_.imported.insert(digest);
    }
  }
  ticket_.Done();
}

Result<SignedText> SharedKeyring::Verify(crypto::GpgContext& gpg,
                                         const mail::Entity& root,
                                         size_t max_plaintext) {
  ticket_.Done();
  keyring_.order.WaitForEarlier(seq_);
  {
    std::shared_lock beside_others(keyring_.access);
    auto verified = verify::VerifyMessage(gpg, root, max_plaintext);
    if (verified) return verified;
  }
  std::unique_lock alone(keyring_.access);
  return verify::VerifyMessage(gpg, root, max_plaintext);
}

bool SharedKeyring::Known(const std::string& digest) {
  std::lock_guard lock(keyring_.mutex);
  return keyring_.imported.contains(digest);
}

}  // namespace ct::verify
