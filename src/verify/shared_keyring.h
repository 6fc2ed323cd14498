// Sharing the one GnuPG keyring between the inbound pipeline's workers
// (app/inbound/pipeline.cpp). Internal to the inbound pipeline.
//
// The keyring. Every worker's gpg reads the one keyring in gpg.home, and
// key imports write it. GnuPG 2.2 writes pubring.kbx by building a new
// file and renaming it over the old one, under a lock that readers do not
// take: a gpg that reopens the file meanwhile loses track of it
// ("keydb_get_keyblock failed", "no writable keyring found"), which shows
// as an import that imported nothing or a key "unknown here". So
// (SharedKeyring):
//  - an import runs alone: no other gpg of ours runs beside it. A key block
//    already imported in this run is not imported again (same bytes, same
//    result), so that a backlog whose every message carries its sender's
//    key (Autocrypt) still verifies in parallel;
//  - verifications and decryptions only read the keyring and run side by
//    side; one that fails is made again alone before it counts, since a
//    failure beside other gpg processes may be theirs (gpg also rewrites
//    the keyring on its own now and then: keybox compression).
//
// Keys that arrive by mail, and order. Serial processing verifies message
// i after the imports of every message before it; here too, a worker
// verifies message i only once every earlier message's import is over
// (ImportOrder), so a message whose key came in an earlier one verifies
// exactly as it does serially. Imports are not held back for later
// messages: a later message's key may already be in the keyring when
// message i is verified. That gives nothing serial processing cannot give
// as well — the keyring is never part of a transaction; a message retried
// after a failed run, or one processed after `keys import`, sees such keys
// too — and a key is only trusted once a signature binds it, which happens
// on the thread that commits, in inbox order. The one visible case: a
// revocation that comes in a later message may already refuse message i, the
// safe side.
#ifndef CYBERTROC_VERIFY_SHARED_KEYRING_H_
#define CYBERTROC_VERIFY_SHARED_KEYRING_H_

#include <cstdint>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>

#include "verify/import_order.h"
#include "verify/import_ticket.h"
#include "verify/keyring_access.h"

namespace ct::verify {

// What the workers share about the keyring.
struct Keyring {
  std::shared_mutex access;  // imports exclusive, reads shared
  ImportOrder order;
  std::mutex mutex;                // guards `imported`
  std::set<std::string> imported;  // SHA-256 of key blocks imported
};

// Message `seq`'s use of the shared keyring, for ExamineMessage.
class SharedKeyring final : public KeyringAccess {
 public:
  SharedKeyring(Keyring& keyring, ImportTicket& ticket, uint64_t seq)
      : keyring_(keyring), ticket_(ticket), seq_(seq) {}

  // Each key block not yet imported in this run, alone; then the ticket.
  void Import(crypto::GpgContext& gpg, const mail::Entity& root) override;
  // After every earlier message's import, beside other readers; a failure
  // is tried again alone before it counts.
  Result<SignedText> Verify(crypto::GpgContext& gpg, const mail::Entity& root,
                            size_t max_plaintext) override;

 private:
  bool Known(const std::string& digest);

  Keyring& keyring_;
  ImportTicket& ticket_;
  uint64_t seq_;
};

}  // namespace ct::verify

#endif  // CYBERTROC_VERIFY_SHARED_KEYRING_H_
