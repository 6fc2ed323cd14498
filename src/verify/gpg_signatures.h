// Signature checks over exact bytes, through GPGME. A signature counts as
// good only when GnuPG says so AND none of the summary bits that mean
// "do not trust this" (red, revoked, expired, missing key...) is set: a zero
// status alone is not "valid" (revoked keys verify with status 0).
#ifndef CYBERTROC_VERIFY_GPG_SIGNATURES_H_
#define CYBERTROC_VERIFY_GPG_SIGNATURES_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "crypto/keyring.h"

namespace ct::verify {

struct Signature {
  bool good = false;
  std::string problem;      // why not good, for the sender
  std::string fingerprint;  // the signing (sub)key as GnuPG reports it
  std::string primary;      // primary key fingerprint ("" if key unknown)
  std::vector<std::string> emails;  // addresses of the key's valid UIDs
  core::Time made{};
};

struct Verified {
  std::vector<Signature> signatures;
  std::string plaintext;  // clear-signed / decrypted: what GnuPG returned
  bool integrity_protected = false;  // decryption only
};

// RFC 3156: `signed_bytes` exactly as received (CRLF), detached signature.
Result<Verified> VerifyDetached(crypto::GpgContext& ctx,
                                std::string_view signed_bytes,
                                std::string_view signature);

// An inline clear-signed block; plaintext is the signed text only.
// kInvalidInput when that text would exceed `max_plaintext` bytes.
Result<Verified> VerifyClearsigned(crypto::GpgContext& ctx,
                                   std::string_view armored,
                                   size_t max_plaintext);

// PGP/MIME encrypted payload, decrypted with our key; signatures of a
// combined sign+encrypt message are reported too. Refuses (kInvalidInput)
// data without integrity protection, and plaintext larger than
// `max_plaintext` bytes: gpg is stopped as soon as it writes more, so a
// compressed bomb costs at most that much memory here.
Result<Verified> DecryptVerify(crypto::GpgContext& ctx,
                               std::string_view ciphertext,
                               size_t max_plaintext);

}  // namespace ct::verify

#endif  // CYBERTROC_VERIFY_GPG_SIGNATURES_H_
