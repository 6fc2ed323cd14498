// A tiny RAII layer over the GPGME C API: contexts (crypto/gpg_context.h)
// and keys (crypto/gpg_key.h), released in destructors, and the key
// look-ups made with them. The crypto stage (verify, sign, ...) builds on
// this.
#ifndef CYBERTROC_CRYPTO_KEYRING_H_
#define CYBERTROC_CRYPTO_KEYRING_H_

#include <gpgme.h>

#include <string>

#include "core/error.h"
#include "crypto/gpg_context.h"
#include "crypto/gpg_key.h"

namespace ct::crypto {

// Upper-case hex without blanks ("ab12 CD34" -> "AB12CD34").
std::string CanonicalFingerprint(const std::string& text);

// Finds the key whose primary fingerprint is `fingerprint` (case-insensitive
// hex, spaces ignored) with one key listing, bypassing the cache; with
// `secret`, only a key whose secret part is present. An empty GpgKey when
// absent; kIo on GnuPG failures.
Result<GpgKey> FindKey(GpgContext& ctx, const std::string& fingerprint,
                       bool secret);

// For `check`: the key exists in `home` with its secret part, can sign, and
// is neither expired, revoked nor disabled. kConfig when `fingerprint` is
// empty, kIo otherwise, with the reason.
Result<void> CheckSigningKey(const std::string& home,
                             const std::string& fingerprint);

}  // namespace ct::crypto

#endif  // CYBERTROC_CRYPTO_KEYRING_H_
