// The GnuPG operations of the hot path, reduced to plain data in and out:
// what is asked (RawRequest) and what GPGME answered (RawOutcome), with no
// interpretation. verify.cpp and sign.cpp decide what an answer means;
// this part only runs the operation, in this process or in the GnuPG
// runner (crypto/runner.h), which is why both sides are plain values that
// cross a pipe unchanged.
#ifndef CYBERTROC_CRYPTO_RAW_OPS_H_
#define CYBERTROC_CRYPTO_RAW_OPS_H_

#include <gpgme.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ct::crypto {

enum class RawOp : uint8_t {
  kVerifyClearsigned = 1,  // data: the armoured block; output: its text
  kVerifyDetached = 2,     // data: the signed bytes; signature: the signature
  kDecryptVerify = 3,      // data: the ciphertext; output: the plaintext
  kSignEncrypt = 4,        // data: what to sign and encrypt; armoured output
  kSignDetached = 5,       // data: what to sign; output: armoured signature
  kPing = 6,               // nothing: the runner is up, its GPGME ready
};

struct RawRequest {
  RawOp op = RawOp::kVerifyClearsigned;
  std::string data;
  std::string signature;                // kVerifyDetached
  uint64_t max_output = 0;              // output cap of verify and decrypt
  std::string signer;                   // sign ops: secret key fingerprint
  std::vector<std::string> recipients;  // kSignEncrypt: fingerprints
};

// One signature as GPGME reported it.
struct RawSignature {
  std::string fingerprint;
  uint32_t status = 0;   // gpgme_error_t
  uint32_t summary = 0;  // gpgme_sigsum_t bits
  int64_t timestamp = 0;
};

struct RawOutcome {
  uint32_t error = 0;       // gpgme_error_t of the operation
  std::string setup_error;  // failed before GnuPG ran (memory, keys)
  bool overflowed = false;  // the output passed max_output: stopped
  std::string output;
  std::vector<RawSignature> signatures;  // verify and decrypt
  bool no_integrity = false;  // decrypt: no result, or legacy cipher no MDC
  bool signed_ok = false;     // sign ops: signed, and no invalid signer
  std::string hash_algo;      // kSignDetached: GnuPG's name ("SHA256")
};

// Runs `request` on `ctx`, whose signer (for sign ops) is already set;
// `recipients` is the null-terminated key array of kSignEncrypt.
RawOutcome RunRaw(gpgme_ctx_t ctx, const RawRequest& request,
                  gpgme_key_t* recipients);

}  // namespace ct::crypto

#endif  // CYBERTROC_CRYPTO_RAW_OPS_H_
