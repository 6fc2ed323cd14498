// What one GpgContext learnt about keys, so that GnuPG runs only for the
// work itself (one verification per message, one sign+encrypt per
// notification) and not for looking keys up again and again: every lookup
// through gpgme_get_key, or a separate key listing, starts more gpg
// processes than the operation it serves.
//
// Never stale: every answer first compares the keyring files (public
// keyring and trust database: dev, inode, size, mtime) with what they were
// when the cache was filled, and forgets everything when another process
// (`cybertroc keys import`, the operator's gpg, another worker) or our own
// import changed them. Properties that change with time alone (expiry) are
// kept as times and judged at each use, never cached as flags.
#ifndef CYBERTROC_CRYPTO_KEY_CACHE_H_
#define CYBERTROC_CRYPTO_KEY_CACHE_H_

#include <gpgme.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "crypto/gpg_key.h"

namespace ct::crypto {

// Upper-case hex without blanks ("ab12 CD34" -> "AB12CD34").
std::string CanonicalFingerprint(const std::string& text);

// Seconds since the epoch on the system clock: the clock gpg itself judges
// keys and signatures by, so that we never disagree with it.
using KeyTime = int64_t;
KeyTime KeyClockNow();

struct SubkeyFacts {
  std::string fingerprint;  // canonical (upper-case hex)
  bool revoked = false;
  bool disabled = false;
  bool invalid = false;
  bool can_encrypt = false;  // its purpose; whether it still may: UsableAt
  KeyTime expires = 0;       // 0: never
  bool UsableAt(KeyTime now) const;
};

// A public key as listed, time-dependent properties kept as times.
struct KeyFacts {
  std::vector<SubkeyFacts> subkeys;  // the primary key first
  std::vector<std::string> emails;   // of valid user IDs, lower case
  bool revoked = false;              // the whole key
  bool disabled = false;
  bool invalid = false;

  std::string primary() const;
  // `id` (canonical) is the fingerprint of the primary or a subkey, or the
  // 16-digit key ID one of them ends with.
  bool Holds(const std::string& id) const;
  // Not revoked, disabled or invalid, and the primary key not expired.
  bool UsableAt(KeyTime now) const;
  // Usable, with an encryption subkey that is usable itself.
  bool CanEncryptAt(KeyTime now) const;
};

KeyFacts FactsOf(gpgme_key_t key);

struct CachedKey {
  GpgKey key;  // for GPGME operations (recipients)
  KeyFacts facts;
};

// The state of the key files of one GnuPG home (per file: exists, dev,
// inode, size, mtime). `keys`: where public keys live; `trust`: the trust
// database, which holds the "disabled" flag and which gpg rewrites by
// itself at the first operation after an import.
struct KeyringStamp {
  std::vector<int64_t> keys;
  std::vector<int64_t> trust;
  bool operator==(const KeyringStamp&) const = default;
};
KeyringStamp StampOf(const std::string& home);

class KeyCache {
 public:
  explicit KeyCache(std::string home) : home_(std::move(home)) {}

  // The key cached under `id` (canonical fingerprint or key ID), or null.
  std::shared_ptr<const CachedKey> Find(const std::string& id);
  // Caches `key` under `id` and under its primary fingerprint.
  void Put(const std::string& id, std::shared_ptr<const CachedKey> key);
  // Forgets the keys holding any of `fingerprints` (an import changed
  // them), and the signer if it is one of them.
  void Drop(const std::vector<std::string>& fingerprints);

  // The secret key set as the context's signer ("" when none or unknown).
  const std::string& Signer();
  void SetSigner(std::string fingerprint) { signer_ = std::move(fingerprint); }

  // Whether the key block with this digest was imported by this context
  // and the keyring has not changed since (apart from that import).
  bool KnowsKeyBlock(const std::string& digest);
  // After a successful import of that block: revalidates (so that what
  // the import changed is forgotten), then remembers the block.
  void RememberKeyBlock(const std::string& digest);

  // Forgets every key when the key files or the trust database changed,
  // and the imported key blocks too when the key files did (a trust
  // database update changes no key an import would add).
  void Revalidate();

 private:
  std::string home_;
  std::optional<KeyringStamp> stamp_;
  std::map<std::string, std::shared_ptr<const CachedKey>> keys_;
  std::string signer_;
  std::set<std::string> key_blocks_;
};

}  // namespace ct::crypto

#endif  // CYBERTROC_CRYPTO_KEY_CACHE_H_
