#include "crypto/data.h"

#include <sys/types.h>

#include <cerrno>

#include "crypto/capped_output.h"
#include "crypto/gpg_data.h"

namespace ct::crypto {

Result<GpgData> GpgData::From(std::string_view bytes) {
  gpgme_data_t data = nullptr;
  if (gpgme_error_t err =
          gpgme_data_new_from_mem(&data, bytes.data(), bytes.size(), 1))
    return Fail(ErrorKind::kIo, GpgErrorText("gpgme_data_new_from_mem", err));
  return GpgData(data);
}

Result<GpgData> GpgData::Empty() {
  gpgme_data_t data = nullptr;
  if (gpgme_error_t err = gpgme_data_new(&data))
    return Fail(ErrorKind::kIo, GpgErrorText("gpgme_data_new", err));
  return GpgData(data);
}

Result<GpgData> GpgData::FromCallbacks(gpgme_data_cbs* callbacks,
                                       void* handle) {
  gpgme_data_t data = nullptr;
  if (gpgme_error_t err = gpgme_data_new_from_cbs(&data, callbacks, handle))
    return Fail(ErrorKind::kIo, GpgErrorText("gpgme_data_new_from_cbs", err));
  return GpgData(data);
}

GpgData::~GpgData() {
  if (data_) gpgme_data_release(data_);
}

std::string GpgData::Contents() const {
  std::string out;
  if (gpgme_data_seek(data_, 0, SEEK_SET) < 0) return out;
  char buf[8192];
  ssize_t n;
  while ((n = gpgme_data_read(data_, buf, sizeof buf)) > 0)
    out.append(buf, static_cast<size_t>(n));
  return out;
}

Result<CappedOutput> CappedOutput::Open(size_t limit) {
  // Write only: GPGME never reads back or seeks an output it was given.
  static gpgme_data_cbs callbacks = {nullptr, &CappedOutput::Write, nullptr,
                                     nullptr};
  auto state = std::make_unique<State>();
  state->limit = limit;
  auto data = GpgData::FromCallbacks(&callbacks, state.get());
  CT_TRY(data);
  return CappedOutput(std::move(state), std::move(*data));
}

ssize_t CappedOutput::Write(void* handle, const void* buffer, size_t size) {
  auto* state = static_cast<State*>(handle);
  if (size > state->limit - state->bytes.size()) {
    state->overflowed = true;
    errno = EFBIG;  // GPGME fails the operation with this
    return -1;
  }
  state->bytes.append(static_cast<const char*>(buffer), size);
  return static_cast<ssize_t>(size);
}

std::string GpgErrorText(const std::string& what, gpgme_error_t err) {
  return what + ": " + gpgme_strerror(err);
}

}  // namespace ct::crypto
