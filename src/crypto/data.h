// Memory buffers in and out of GPGME operations (crypto/gpg_data.h,
// crypto/capped_output.h), and GnuPG's errors in words.
#ifndef CYBERTROC_CRYPTO_DATA_H_
#define CYBERTROC_CRYPTO_DATA_H_

#include <gpgme.h>

#include <string>

#include "crypto/capped_output.h"
#include "crypto/gpg_data.h"

namespace ct::crypto {

// "what: GnuPG's reason" for error messages.
std::string GpgErrorText(const std::string& what, gpgme_error_t err);

}  // namespace ct::crypto

#endif  // CYBERTROC_CRYPTO_DATA_H_
