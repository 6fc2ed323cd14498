// GpgContext: one GPGME context bound to a GnuPG home, with its key cache
// and its runner. Implemented in crypto/keyring.cpp.
#ifndef CYBERTROC_CRYPTO_GPG_CONTEXT_H_
#define CYBERTROC_CRYPTO_GPG_CONTEXT_H_

#include <gpgme.h>

#include <memory>
#include <string>

#include "core/error.h"
#include "crypto/raw_ops.h"

namespace ct::crypto {

class KeyCache;
class GpgRunner;

// Owns one gpgme_ctx_t bound to an OpenPGP engine with a given home, and
// the key cache that goes with it (crypto/key_cache.h). One per thread
// (GPGME contexts are not shared between threads).
//
// The GPGME context is made at the first operation, not by Open: setting
// up an engine starts gpgconf and `gpg --version` several times, which a
// run with nothing to do should not pay. Every context is offline (no
// keyserver, no automatic key retrieval) from its creation.
class GpgContext {
 public:
  // Remembers `home` (GNUPGHOME; "" for GnuPG's default) and `runner`,
  // the GnuPG runner that performs this context's operations
  // (crypto/runner.h; "" runs them from this process). Starts no process
  // and does not fail today; GnuPG problems surface as kIo from the first
  // operation.
  static Result<GpgContext> Open(const std::string& home,
                                 const std::string& runner = "");

  GpgContext(GpgContext&& other) noexcept;
  GpgContext& operator=(GpgContext&& other) noexcept;
  GpgContext(const GpgContext&) = delete;
  GpgContext& operator=(const GpgContext&) = delete;
  ~GpgContext();

  // The GPGME context, made on first use: gpgme_check_version once per
  // process, then an OpenPGP context whose engine uses the home. kIo when
  // GnuPG is unusable.
  Result<gpgme_ctx_t> Handle();
  // Handle(), or nullptr when it failed (GPGME calls on nullptr fail with
  // "Invalid value"). For callers that drive GPGME directly.
  gpgme_ctx_t get();
  bool is_open() const { return ctx_ != nullptr; }

  // Runs `request` (crypto/raw_ops.h) in the runner, or here when there
  // is none. Sign requests are checked here first, from the key cache:
  // kConfig when the signer's secret key is missing, kNotFound when a
  // recipient's key is.
  Result<RawOutcome> Execute(const RawRequest& request);

  const std::string& home() const { return home_; }
  // What this context learnt about keys (never shared between contexts).
  KeyCache& keys() { return *keys_; }

 private:
  GpgContext(std::string home, const std::string& runner);
  std::string home_;
  gpgme_ctx_t ctx_ = nullptr;
  std::unique_ptr<KeyCache> keys_;
  std::unique_ptr<GpgRunner> runner_;  // null: operations run here
};

}  // namespace ct::crypto

#endif  // CYBERTROC_CRYPTO_GPG_CONTEXT_H_
