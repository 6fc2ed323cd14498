// RAII over gpgme_data_t: memory buffers in and out of GPGME operations.
#ifndef CYBERTROC_CRYPTO_DATA_H_
#define CYBERTROC_CRYPTO_DATA_H_

#include <gpgme.h>

#include <string>
#include <string_view>
#include <utility>

#include "core/error.h"

namespace ct::crypto {

class GpgData {
 public:
  // A copy of `bytes` (GPGME may read it more than once).
  static Result<GpgData> From(std::string_view bytes);
  // An empty buffer for output.
  static Result<GpgData> Empty();

  GpgData(GpgData&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)) {}
  GpgData& operator=(GpgData&&) = delete;
  GpgData(const GpgData&) = delete;
  GpgData& operator=(const GpgData&) = delete;
  ~GpgData();

  gpgme_data_t get() const { return data_; }
  // Everything written to the buffer so far.
  std::string Contents() const;

 private:
  explicit GpgData(gpgme_data_t data) : data_(data) {}
  gpgme_data_t data_ = nullptr;
};

// "what: GnuPG's reason" for error messages.
std::string GpgErrorText(const std::string& what, gpgme_error_t err);

}  // namespace ct::crypto

#endif  // CYBERTROC_CRYPTO_DATA_H_
