// Keeping GnuPG off the network.
#ifndef CYBERTROC_CRYPTO_OFFLINE_H_
#define CYBERTROC_CRYPTO_OFFLINE_H_

#include "crypto/keyring.h"

namespace ct::crypto {

// Puts an open context offline and turns automatic key retrieval off: a
// verification must never reach the network. Contexts are made that way
// (GpgContext::Handle); this neither opens one nor starts a process.
void MakeOffline(GpgContext& ctx);

}  // namespace ct::crypto

#endif  // CYBERTROC_CRYPTO_OFFLINE_H_
