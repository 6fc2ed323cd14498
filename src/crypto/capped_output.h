// CappedOutput: a GPGME output buffer with a size limit. Implemented in
// crypto/data.cpp.
#ifndef CYBERTROC_CRYPTO_CAPPED_OUTPUT_H_
#define CYBERTROC_CRYPTO_CAPPED_OUTPUT_H_

#include <gpgme.h>
#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include "core/error.h"
#include "crypto/gpg_data.h"

namespace ct::crypto {

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

}  // namespace ct::crypto

#endif  // CYBERTROC_CRYPTO_CAPPED_OUTPUT_H_
