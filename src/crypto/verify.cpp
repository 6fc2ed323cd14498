#include "crypto/verify.h"

#include <fmt/format.h>

#include <cctype>

#include "crypto/data.h"
#include "crypto/key_cache.h"

namespace ct::crypto {
namespace {

constexpr gpgme_sigsum_t kDistrust = static_cast<gpgme_sigsum_t>(
    GPGME_SIGSUM_RED | GPGME_SIGSUM_KEY_REVOKED | GPGME_SIGSUM_KEY_EXPIRED |
    GPGME_SIGSUM_SIG_EXPIRED | GPGME_SIGSUM_KEY_MISSING |
    GPGME_SIGSUM_BAD_POLICY | GPGME_SIGSUM_SYS_ERROR);

std::string Problem(gpgme_signature_t sig) {
  if (sig->summary & GPGME_SIGSUM_KEY_REVOKED)
    return "the signing key is revoked";
  if (sig->summary & GPGME_SIGSUM_KEY_EXPIRED)
    return "the signing key has expired";
  if (sig->summary & GPGME_SIGSUM_SIG_EXPIRED)
    return "the signature has expired";
  if (sig->summary & GPGME_SIGSUM_KEY_MISSING ||
      gpgme_err_code(sig->status) == GPG_ERR_NO_PUBKEY)
    return "the signing key is unknown here (attach your public key)";
  if (gpgme_err_code(sig->status) == GPG_ERR_BAD_SIGNATURE)
    return "the signature does not match the text (was it changed on the way?)";
  if (sig->status) return std::string("GnuPG: ") + gpgme_strerror(sig->status);
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

// Copies the signatures out of GPGME's result first: a key listing on the
// same context (DescribeKey at a cache miss) releases that result.
Result<std::vector<Signature>> Collect(GpgContext& ctx,
                                       gpgme_verify_result_t result) {
  std::vector<Signature> out;
  std::vector<bool> missing;
  for (gpgme_signature_t sig = result ? result->signatures : nullptr; sig;
       sig = sig->next) {
    Signature s;
    s.fingerprint = sig->fpr ? sig->fpr : "";
    s.made = core::Time(std::chrono::seconds(sig->timestamp));
    s.good = sig->status == GPG_ERR_NO_ERROR &&
             (sig->summary & kDistrust) == 0 && !s.fingerprint.empty();
    if (!s.good) s.problem = Problem(sig);
    missing.push_back((sig->summary & GPGME_SIGSUM_KEY_MISSING) ||
                      gpgme_err_code(sig->status) == GPG_ERR_NO_PUBKEY);
    out.push_back(std::move(s));
  }
  for (size_t i = 0; i < out.size(); ++i)
    CT_TRY(DescribeKey(ctx, out[i], missing[i]));
  return out;
}

std::string TooLarge(const char* what, const CappedOutput& out) {
  return fmt::format("{} larger than {} bytes", what, out.limit());
}

}  // namespace

void MakeOffline(GpgContext& ctx) {
  if (!ctx.is_open()) return;  // it will be made offline
  gpgme_set_offline(ctx.get(), 1);
  gpgme_set_ctx_flag(ctx.get(), "auto-key-retrieve", "0");
}

Result<Verified> VerifyDetached(GpgContext& ctx, std::string_view signed_bytes,
                                std::string_view signature) {
  auto handle = ctx.Handle();
  CT_TRY(handle);
  auto sig = GpgData::From(signature);
  auto text = GpgData::From(signed_bytes);
  if (!sig || !text) return Fail(ErrorKind::kIo, "gpgme data");
  gpgme_error_t err =
      gpgme_op_verify(*handle, sig->get(), text->get(), nullptr);
  if (err && gpgme_err_code(err) != GPG_ERR_NO_DATA)
    return Fail(ErrorKind::kInvalidInput, GpgErrorText("signature", err));
  auto signatures = Collect(ctx, gpgme_op_verify_result(*handle));
  CT_TRY(signatures);
  Verified v;
  v.signatures = std::move(*signatures);
  return v;
}

Result<Verified> VerifyClearsigned(GpgContext& ctx, std::string_view armored,
                                   size_t max_plaintext) {
  auto handle = ctx.Handle();
  CT_TRY(handle);
  auto in = GpgData::From(armored);
  auto plain = CappedOutput::Open(max_plaintext);
  if (!in || !plain) return Fail(ErrorKind::kIo, "gpgme data");
  gpgme_error_t err =
      gpgme_op_verify(*handle, in->get(), nullptr, plain->get());
  if (plain->overflowed())
    return Fail(ErrorKind::kInvalidInput, TooLarge("signed text", *plain));
  if (err)
    return Fail(ErrorKind::kInvalidInput, GpgErrorText("signed text", err));
  auto signatures = Collect(ctx, gpgme_op_verify_result(*handle));
  CT_TRY(signatures);
  Verified v;
  v.signatures = std::move(*signatures);
  v.plaintext = plain->Take();
  return v;
}

Result<Verified> DecryptVerify(GpgContext& ctx, std::string_view ciphertext,
                               size_t max_plaintext) {
  auto handle = ctx.Handle();
  CT_TRY(handle);
  auto in = GpgData::From(ciphertext);
  auto plain = CappedOutput::Open(max_plaintext);
  if (!in || !plain) return Fail(ErrorKind::kIo, "gpgme data");
  gpgme_error_t err = gpgme_op_decrypt_verify(*handle, in->get(), plain->get());
  // Checked first: the refused write is what made the operation fail.
  if (plain->overflowed())
    return Fail(ErrorKind::kInvalidInput,
                TooLarge("decrypted content", *plain));
  if (err)
    return Fail(ErrorKind::kInvalidInput, GpgErrorText("decryption", err));
  gpgme_decrypt_result_t dec = gpgme_op_decrypt_result(*handle);
  // GnuPG 2.2 refuses to output data without MDC unless forced, and then
  // reports legacy_cipher_nomdc; refuse it ourselves as well.
  if (!dec || dec->legacy_cipher_nomdc)
    return Fail(ErrorKind::kInvalidInput,
                "the encrypted message is not integrity protected");
  auto signatures = Collect(ctx, gpgme_op_verify_result(*handle));
  CT_TRY(signatures);
  Verified v;
  v.signatures = std::move(*signatures);
  v.plaintext = plain->Take();
  v.integrity_protected = true;
  return v;
}

}  // namespace ct::crypto
