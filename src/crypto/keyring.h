// A tiny RAII layer over the GPGME C API: contexts (crypto/gpg_context.h)
// and keys (crypto/gpg_key.h), released in destructors, and the key
// look-ups made with them. The crypto stage (verify, sign, ...) builds on
// this.
#ifndef CYBERTROC_CRYPTO_KEYRING_H_
#define CYBERTROC_CRYPTO_KEYRING_H_

#include <gpgme.h>

#include <memory>
#include <string>

#include "core/error.h"
#include "crypto/gpg_context.h"
#include "crypto/gpg_key.h"
#include "crypto/key_cache.h"

namespace ct::crypto {

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

// Look-ups through the context's key cache. Here, with the contexts that
// own a cache, so that crypto/key_cache.h knows no context.

// The public key holding the (sub)key `id` (fingerprint or key ID, any
// case, blanks ignored): from the cache, or one key listing on `ctx` at a
// miss. Null when absent, ambiguous (several keys hold it) or when `id` is
// not hexadecimal.
Result<std::shared_ptr<const CachedKey>> PublicKey(GpgContext& ctx,
                                                   const std::string& id);

// Makes the secret key `fingerprint` (primary) the one signer of `ctx`;
// listed and set once while the keyring does not change. kConfig when its
// secret part is not in the home.
Result<void> UseSigner(GpgContext& ctx, const std::string& fingerprint);

}  // namespace ct::crypto

#endif  // CYBERTROC_CRYPTO_KEYRING_H_
