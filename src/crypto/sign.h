// Outgoing crypto: detached signatures (PGP/MIME multipart/signed) and
// encryption to a party's key, both with ASCII armour.
#ifndef CYBERTROC_CRYPTO_SIGN_H_
#define CYBERTROC_CRYPTO_SIGN_H_

#include <string>
#include <string_view>
#include <vector>

#include "crypto/keyring.h"

namespace ct::crypto {

struct DetachedSignature {
  std::string armored;  // -----BEGIN PGP SIGNATURE----- ...
  std::string micalg;   // "pgp-sha256", for the Content-Type parameter
};

// Signs `data` (already in canonical CRLF form) with the secret key
// `signer` (fingerprint). kConfig when the key is missing.
Result<DetachedSignature> SignDetached(GpgContext& ctx,
                                       const std::string& signer,
                                       std::string_view data);

// Encrypts `data` to the keys `recipients` (fingerprints). Keys bound by
// trust on first use are not certified in GnuPG's web of trust, so the
// binding table, not GnuPG's validity, decides: ALWAYS_TRUST.
Result<std::string> EncryptTo(GpgContext& ctx,
                              const std::vector<std::string>& recipients,
                              std::string_view data);

}  // namespace ct::crypto

#endif  // CYBERTROC_CRYPTO_SIGN_H_
