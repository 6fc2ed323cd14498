#include "crypto/data.h"

#include <sys/types.h>

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

std::string GpgErrorText(const std::string& what, gpgme_error_t err) {
  return what + ": " + gpgme_strerror(err);
}

}  // namespace ct::crypto
