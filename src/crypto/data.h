// RAII over gpgme_data_t: memory buffers in and out of GPGME operations.
#ifndef CYBERTROC_CRYPTO_DATA_H_
#define CYBERTROC_CRYPTO_DATA_H_

#include <gpgme.h>

#include <memory>
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

// An output buffer that refuses to grow past `limit` bytes: what GnuPG
// writes beyond it fails (EFBIG), which ends the operation and stops gpg
// early, so that a small message that expands (a compressed gigabyte of
// zeros) never holds more than `limit` bytes in memory here.
class CappedOutput {
 public:
  static Result<CappedOutput> Open(size_t limit);

  gpgme_data_t get() const { return data_.get(); }
  // True when GnuPG tried to write more than the limit.
  bool overflowed() const { return state_->overflowed; }
  size_t limit() const { return state_->limit; }
  // What was written (at most `limit` bytes); leaves the buffer empty.
  std::string Take() { return std::exchange(state_->bytes, {}); }

 private:
  struct State {
    std::string bytes;
    size_t limit = 0;
    bool overflowed = false;
  };
  CappedOutput(std::unique_ptr<State> state, GpgData data)
      : state_(std::move(state)), data_(std::move(data)) {}
  static ssize_t Write(void* handle, const void* buffer, size_t size);

  // Declared first, destroyed last: GPGME's handle points into it.
  std::unique_ptr<State> state_;
  GpgData data_;
};

// "what: GnuPG's reason" for error messages.
std::string GpgErrorText(const std::string& what, gpgme_error_t err);

}  // namespace ct::crypto

#endif  // CYBERTROC_CRYPTO_DATA_H_
