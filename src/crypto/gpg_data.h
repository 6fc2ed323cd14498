// GpgData: RAII over gpgme_data_t, a memory buffer in or out of a GPGME
// operation. Implemented in crypto/data.cpp.
#ifndef CYBERTROC_CRYPTO_GPG_DATA_H_
#define CYBERTROC_CRYPTO_GPG_DATA_H_

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
  // Data served by `callbacks` on `handle`; both must outlive the result.
  static Result<GpgData> FromCallbacks(gpgme_data_cbs* callbacks, void* handle);

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

}  // namespace ct::crypto

#endif  // CYBERTROC_CRYPTO_GPG_DATA_H_
