// Key import (attachments, Autocrypt headers, `keys import`) and lookup.
// Importing is harmless on its own: a key only matters once a valid
// signature binds an address to it (trust on first use, see app/).
#ifndef CYBERTROC_CRYPTO_IMPORT_H_
#define CYBERTROC_CRYPTO_IMPORT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/keyring.h"

namespace ct::crypto {

// A key as judged now (crypto/key_cache.h: expiry against the clock).
struct KeyInfo {
  std::string primary;              // primary fingerprint
  std::vector<std::string> emails;  // addresses of valid user IDs (lower)
  bool usable = false;              // not revoked, expired, disabled
  bool can_encrypt = false;         // usable, with a usable encryption subkey
};

// Imports armoured or binary key data; returns the primary fingerprints it
// contained (new or already known). kInvalidInput when nothing was usable.
// The context's key cache forgets the keys the import changed.
Result<std::vector<std::string>> ImportKeys(GpgContext& ctx,
                                            std::string_view keydata);

// Public key by (primary or sub) fingerprint, through the context's key
// cache (one key listing at a miss); nullopt when absent or ambiguous.
Result<std::optional<KeyInfo>> LookupKey(GpgContext& ctx,
                                         const std::string& fingerprint);

// Every public key in the home.
Result<std::vector<KeyInfo>> ListKeys(GpgContext& ctx);

}  // namespace ct::crypto

#endif  // CYBERTROC_CRYPTO_IMPORT_H_
