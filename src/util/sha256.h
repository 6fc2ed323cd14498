// SHA-256 (FIPS 180-4) by GnuTLS, for content digests: duplicate mail
// detection and signature replay. Not for secrets.
#ifndef CYBERTROC_UTIL_SHA256_H_
#define CYBERTROC_UTIL_SHA256_H_

#include <string>
#include <string_view>

namespace ct::util {

// Lower-case hex digest of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace ct::util

#endif  // CYBERTROC_UTIL_SHA256_H_
