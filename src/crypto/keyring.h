// A tiny RAII layer over the GPGME C API, enough for `check` to see whether a
// key is present in gpg.home. Contexts and keys are released in destructors;
// copying is deleted. The crypto stage (verify, sign, ...) builds on this.
#ifndef CYBERTROC_CRYPTO_KEYRING_H_
#define CYBERTROC_CRYPTO_KEYRING_H_

#include <gpgme.h>

#include <string>

#include "core/error.h"

namespace ct::crypto {

// Owns one gpgme_ctx_t bound to an OpenPGP engine with a given home.
class GpgContext {
 public:
  // Calls gpgme_check_version once per process, then creates a context
  // whose engine uses `home` (GNUPGHOME). kIo when GnuPG is unusable.
  static Result<GpgContext> Open(const std::string& home);

  GpgContext(GpgContext&& other) noexcept;
  GpgContext& operator=(GpgContext&& other) noexcept;
  GpgContext(const GpgContext&) = delete;
  GpgContext& operator=(const GpgContext&) = delete;
  ~GpgContext();

  gpgme_ctx_t get() const { return ctx_; }

 private:
  explicit GpgContext(gpgme_ctx_t ctx) : ctx_(ctx) {}
  gpgme_ctx_t ctx_ = nullptr;
};

// Owns one gpgme_key_t reference.
class GpgKey {
 public:
  GpgKey() = default;
  explicit GpgKey(gpgme_key_t key) : key_(key) {}
  GpgKey(GpgKey&& other) noexcept;
  GpgKey& operator=(GpgKey&& other) noexcept;
  GpgKey(const GpgKey&) = delete;
  GpgKey& operator=(const GpgKey&) = delete;
  ~GpgKey();

  gpgme_key_t get() const { return key_; }
  explicit operator bool() const { return key_ != nullptr; }

 private:
  gpgme_key_t key_ = nullptr;
};

// Finds the key whose primary fingerprint is `fingerprint` (case-insensitive
// hex, spaces ignored); with `secret`, only a key whose secret part is
// present. An empty GpgKey when absent; kIo on GnuPG failures.
Result<GpgKey> FindKey(GpgContext& ctx, const std::string& fingerprint,
                       bool secret);

// For `check`: the key exists in `home` with its secret part, can sign, and
// is neither expired, revoked nor disabled. kConfig when `fingerprint` is
// empty, kIo otherwise, with the reason.
Result<void> CheckSigningKey(const std::string& home,
                             const std::string& fingerprint);

}  // namespace ct::crypto

#endif  // CYBERTROC_CRYPTO_KEYRING_H_
