// Recovery of a keyring that a killed gpg left half replaced.
//
// GnuPG 2.2 replaces gpg.home/pubring.kbx in two renames: the old file to
// pubring.kbx~, then the complete pubring.kbx.tmp to pubring.kbx, with
// signals blocked in between — which SIGKILL ignores. A gpg killed between
// the two (a run killed from outside while it imports a key) leaves no
// pubring.kbx: the next gpg finds no keyring ("Cannot open keyring"), and
// the next import would start an empty one, losing every key.
#ifndef CYBERTROC_CRYPTO_KEYBOX_REPAIR_H_
#define CYBERTROC_CRYPTO_KEYBOX_REPAIR_H_

#include <string>

#include "core/error.h"

namespace ct::crypto {

// Finishes such an interrupted replacement in GnuPG home `home`: when
// pubring.kbx is missing, pubring.kbx~ is there and no live process holds
// the keybox's lock, pubring.kbx.tmp (written completely before the first
// rename) becomes pubring.kbx, or, without it, a copy of pubring.kbx~.
// True when it repaired the keyring; false when there was nothing to do.
// kIo when the repair itself fails.
Result<bool> FinishInterruptedKeyboxWrite(const std::string& home);

}  // namespace ct::crypto

#endif  // CYBERTROC_CRYPTO_KEYBOX_REPAIR_H_
