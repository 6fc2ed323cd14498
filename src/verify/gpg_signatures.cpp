#include "verify/gpg_signatures.h"

#include <fmt/format.h>

#include <cctype>

#include "crypto/data.h"
#include "crypto/key_cache.h"

namespace ct::verify {
namespace {

using crypto::GpgContext;
using crypto::GpgErrorText;
using crypto::KeyClockNow;
using crypto::KeyFacts;
using crypto::RawOp;
using crypto::RawOutcome;
using crypto::RawRequest;
using crypto::RawSignature;

constexpr gpgme_sigsum_t kDistrust = static_cast<gpgme_sigsum_t>(
    GPGME_SIGSUM_RED | GPGME_SIGSUM_KEY_REVOKED | GPGME_SIGSUM_KEY_EXPIRED |
    GPGME_SIGSUM_SIG_EXPIRED | GPGME_SIGSUM_KEY_MISSING |
    GPGME_SIGSUM_BAD_POLICY | GPGME_SIGSUM_SYS_ERROR);

std::string Problem(gpgme_error_t status, gpgme_sigsum_t summary) {
  if (summary & GPGME_SIGSUM_KEY_REVOKED) return "the signing key is revoked";
  if (summary & GPGME_SIGSUM_KEY_EXPIRED) return "the signing key has expired";
  if (summary & GPGME_SIGSUM_SIG_EXPIRED) return "the signature has expired";
  if (summary & GPGME_SIGSUM_KEY_MISSING ||
      gpgme_err_code(status) == GPG_ERR_NO_PUBKEY)
    return "the signing key is unknown here (attach your public key)";
  if (gpgme_err_code(status) == GPG_ERR_BAD_SIGNATURE)
    return "the signature does not match the text (was it changed on the way?)";
  if (status) return std::string("GnuPG: ") + gpgme_strerror(status);
  return "the signature is not valid";
}

// Fills primary fingerprint and UID addresses from the key that holds the
// signing (sub)key, from the context's key cache; a revoked, disabled or
// (now) expired key makes the signature bad, whatever gpg said.
Result<void> DescribeKey(GpgContext& ctx, Signature& out, bool key_missing) {
  if (out.fingerprint.empty() || key_missing) return {};
  auto key = PublicKey(ctx, out.fingerprint);
  CT_TRY(key);
  if (!*key) return {};
  const KeyFacts& facts = (*key)->facts;
  out.primary = facts.primary();
  out.emails = facts.emails;
  if (out.good && !facts.UsableAt(KeyClockNow())) {
    out.good = false;
    out.problem = facts.revoked ? "the signing key is revoked"
                  : facts.disabled || facts.invalid
                      ? "the signing key is disabled here"
                      : "the signing key has expired";
  }
  return {};
}

// The signatures as this program judges them, with their keys described.
Result<std::vector<Signature>> Collect(GpgContext& ctx,
                                       const std::vector<RawSignature>& raw) {
  std::vector<Signature> out;
  for (const RawSignature& sig : raw) {
    const auto summary = static_cast<gpgme_sigsum_t>(sig.summary);
    Signature s;
    s.fingerprint = sig.fingerprint;
    s.made = core::Time(std::chrono::seconds(sig.timestamp));
    s.good = sig.status == GPG_ERR_NO_ERROR && (summary & kDistrust) == 0 &&
             !s.fingerprint.empty();
    if (!s.good) s.problem = Problem(sig.status, summary);
    const bool missing = (summary & GPGME_SIGSUM_KEY_MISSING) ||
                         gpgme_err_code(sig.status) == GPG_ERR_NO_PUBKEY;
    CT_TRY(DescribeKey(ctx, s, missing));
    out.push_back(std::move(s));
  }
  return out;
}

std::string TooLarge(const char* what, uint64_t limit) {
  return fmt::format("{} larger than {} bytes", what, limit);
}

// Runs a verification or decryption; kIo when it could not run at all.
Result<RawOutcome> Run(GpgContext& ctx, RawRequest request) {
  auto outcome = ctx.Execute(request);
  CT_TRY(outcome);
  if (!outcome->setup_error.empty())
    return Fail(ErrorKind::kIo, outcome->setup_error);
  return outcome;
}

// The same for an operation whose output is capped (a clear-signed text,
// a decryption): kInvalidInput when the output passed `max_output`
// (naming `output`; checked first: the refused write is what made the
// operation fail) or GnuPG refused the data (naming `step`).
Result<RawOutcome> RunCapped(GpgContext& ctx, RawOp op, std::string_view data,
                             size_t max_output, const char* output,
                             const char* step) {
  RawRequest request;
  request.op = op;
  request.data = data;
  request.max_output = max_output;
  auto done = Run(ctx, std::move(request));
  CT_TRY(done);
  if (done->overflowed)
    return Fail(ErrorKind::kInvalidInput, TooLarge(output, max_output));
  if (done->error)
    return Fail(ErrorKind::kInvalidInput, GpgErrorText(step, done->error));
  return done;
}

}  // namespace

Result<Verified> VerifyDetached(GpgContext& ctx, std::string_view signed_bytes,
                                std::string_view signature) {
  RawRequest request;
  request.op = RawOp::kVerifyDetached;
  request.data = signed_bytes;
  request.signature = signature;
  auto done = Run(ctx, std::move(request));
  CT_TRY(done);
  if (done->error && gpgme_err_code(done->error) != GPG_ERR_NO_DATA)
    return Fail(ErrorKind::kInvalidInput,
                GpgErrorText("signature", done->error));
  auto signatures = Collect(ctx, done->signatures);
  CT_TRY(signatures);
  Verified v;
  v.signatures = std::move(*signatures);
  return v;
}

Result<Verified> VerifyClearsigned(GpgContext& ctx, std::string_view armored,
                                   size_t max_plaintext) {
  auto done = RunCapped(ctx, RawOp::kVerifyClearsigned, armored, max_plaintext,
                        "signed text", "signed text");
  CT_TRY(done);
  auto signatures = Collect(ctx, done->signatures);
  CT_TRY(signatures);
  Verified v;
  v.signatures = std::move(*signatures);
  v.plaintext = std::move(done->output);
  return v;
}

Result<Verified> DecryptVerify(GpgContext& ctx, std::string_view ciphertext,
                               size_t max_plaintext) {
  auto done = RunCapped(ctx, RawOp::kDecryptVerify, ciphertext, max_plaintext,
                        "decrypted content", "decryption");
  CT_TRY(done);
  // GnuPG 2.2 refuses to output data without MDC unless forced, and then
  // reports legacy_cipher_nomdc; refuse it ourselves as well.
  if (done->no_integrity)
    return Fail(ErrorKind::kInvalidInput,
                "the encrypted message is not integrity protected");
  auto signatures = Collect(ctx, done->signatures);
  CT_TRY(signatures);
  Verified v;
  v.signatures = std::move(*signatures);
  v.plaintext = std::move(done->output);
  v.integrity_protected = true;
  return v;
}

}  // namespace ct::verify
