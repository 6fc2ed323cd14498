// Outgoing crypto: detached signatures (PGP/MIME multipart/signed), and
// signing and encrypting in one OpenPGP message (RFC 3156 section 6.2, the
// combined method), both with ASCII armour. The signer's secret key and
// the recipients' keys come from the context's key cache.
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

// Signs `data` with `signer` and encrypts it to the keys `recipients`
// (fingerprints), one gpg operation: the armoured OpenPGP message. Keys
// bound by trust on first use are not certified in GnuPG's web of trust,
// so the binding table, not GnuPG's validity, decides: ALWAYS_TRUST.
// kConfig when the signer's secret key is missing, kNotFound when a
// recipient's key is.
Result<std::string> SignEncrypt(GpgContext& ctx, const std::string& signer,
                                const std::vector<std::string>& recipients,
                                std::string_view data);

}  // namespace ct::crypto

#endif  // CYBERTROC_CRYPTO_SIGN_H_
