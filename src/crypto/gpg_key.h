// GpgKey: one reference to a GPGME key, released by its destructor.
// Implemented in crypto/keyring.cpp.
#ifndef CYBERTROC_CRYPTO_GPG_KEY_H_
#define CYBERTROC_CRYPTO_GPG_KEY_H_

#include <gpgme.h>

namespace ct::crypto {

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

}  // namespace ct::crypto

#endif  // CYBERTROC_CRYPTO_GPG_KEY_H_
