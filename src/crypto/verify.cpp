#include "crypto/verify.h"

#include <fmt/format.h>

#include <cctype>

#include "crypto/data.h"

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

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Fills primary fingerprint and UID addresses from the key that holds the
// signing (sub)key; a revoked or expired primary makes the signature bad.
void DescribeKey(GpgContext& ctx, Signature& out) {
  gpgme_key_t raw = nullptr;
  if (gpgme_get_key(ctx.get(), out.fingerprint.c_str(), &raw, 0) || !raw)
    return;
  GpgKey key(raw);
  if (key.get()->subkeys && key.get()->subkeys->fpr)
    out.primary = key.get()->subkeys->fpr;
  for (gpgme_user_id_t uid = key.get()->uids; uid; uid = uid->next)
    if (uid->email && !uid->revoked && !uid->invalid)
      out.emails.push_back(Lower(uid->email));
  if (out.good && (key.get()->revoked || key.get()->expired ||
                   key.get()->disabled || key.get()->invalid)) {
    out.good = false;
    out.problem = key.get()->revoked ? "the signing key is revoked"
                                     : "the signing key has expired";
  }
}

std::vector<Signature> Collect(GpgContext& ctx, gpgme_verify_result_t result) {
  std::vector<Signature> out;
  if (!result) return out;
  for (gpgme_signature_t sig = result->signatures; sig; sig = sig->next) {
    Signature s;
    s.fingerprint = sig->fpr ? sig->fpr : "";
    s.made = core::Time(std::chrono::seconds(sig->timestamp));
    s.good = sig->status == GPG_ERR_NO_ERROR &&
             (sig->summary & kDistrust) == 0 && !s.fingerprint.empty();
    if (!s.good) s.problem = Problem(sig);
    DescribeKey(ctx, s);
    out.push_back(std::move(s));
  }
  return out;
}

std::string TooLarge(const char* what, const CappedOutput& out) {
  return fmt::format("{} larger than {} bytes", what, out.limit());
}

}  // namespace

void MakeOffline(GpgContext& ctx) {
  gpgme_set_offline(ctx.get(), 1);
  gpgme_set_ctx_flag(ctx.get(), "auto-key-retrieve", "0");
}

Result<Verified> VerifyDetached(GpgContext& ctx, std::string_view signed_bytes,
                                std::string_view signature) {
  MakeOffline(ctx);
  auto sig = GpgData::From(signature);
  auto text = GpgData::From(signed_bytes);
  if (!sig || !text) return Fail(ErrorKind::kIo, "gpgme data");
  gpgme_error_t err =
      gpgme_op_verify(ctx.get(), sig->get(), text->get(), nullptr);
  if (err && gpgme_err_code(err) != GPG_ERR_NO_DATA)
    return Fail(ErrorKind::kInvalidInput, GpgErrorText("signature", err));
  Verified v;
  v.signatures = Collect(ctx, gpgme_op_verify_result(ctx.get()));
  return v;
}

Result<Verified> VerifyClearsigned(GpgContext& ctx, std::string_view armored,
                                   size_t max_plaintext) {
  MakeOffline(ctx);
  auto in = GpgData::From(armored);
  auto plain = CappedOutput::Open(max_plaintext);
  if (!in || !plain) return Fail(ErrorKind::kIo, "gpgme data");
  gpgme_error_t err =
      gpgme_op_verify(ctx.get(), in->get(), nullptr, plain->get());
  if (plain->overflowed())
    return Fail(ErrorKind::kInvalidInput, TooLarge("signed text", *plain));
  if (err)
    return Fail(ErrorKind::kInvalidInput, GpgErrorText("signed text", err));
  Verified v;
  v.signatures = Collect(ctx, gpgme_op_verify_result(ctx.get()));
  v.plaintext = plain->Take();
  return v;
}

Result<Verified> DecryptVerify(GpgContext& ctx, std::string_view ciphertext,
                               size_t max_plaintext) {
  MakeOffline(ctx);
  auto in = GpgData::From(ciphertext);
  auto plain = CappedOutput::Open(max_plaintext);
  if (!in || !plain) return Fail(ErrorKind::kIo, "gpgme data");
  gpgme_error_t err =
      gpgme_op_decrypt_verify(ctx.get(), in->get(), plain->get());
  // Checked first: the refused write is what made the operation fail.
  if (plain->overflowed())
    return Fail(ErrorKind::kInvalidInput,
                TooLarge("decrypted content", *plain));
  if (err)
    return Fail(ErrorKind::kInvalidInput, GpgErrorText("decryption", err));
  gpgme_decrypt_result_t dec = gpgme_op_decrypt_result(ctx.get());
  Verified v;
  // GnuPG 2.2 refuses to output data without MDC unless forced, and then
  // reports legacy_cipher_nomdc; refuse it ourselves as well.
  v.integrity_protected = dec && !dec->legacy_cipher_nomdc;
  if (!v.integrity_protected)
    return Fail(ErrorKind::kInvalidInput,
                "the encrypted message is not integrity protected");
  v.signatures = Collect(ctx, gpgme_op_verify_result(ctx.get()));
  v.plaintext = plain->Take();
  return v;
}

}  // namespace ct::crypto
