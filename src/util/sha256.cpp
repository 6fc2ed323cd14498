#include "util/sha256.h"

#include <gnutls/crypto.h>

#include <cstdio>
#include <cstdlib>

#include "util/text.h"

namespace ct::util {

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[32];
  const int rc =
      gnutls_hash_fast(GNUTLS_DIG_SHA256, data.data(), data.size(), digest);
  if (rc < 0) {
    // SHA-256 is in every GnuTLS build, FIPS mode included: only a broken
    // library gets here, and a digest we cannot compute is not an input
    // error that a caller could handle.
    std::fprintf(stderr, "cybertroc: GnuTLS cannot compute SHA-256: %s\n",
                 gnutls_strerror(rc));
    std::abort();
  }
  return HexEncode(
      std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

}  // namespace ct::util
