#include "crypto/sign.h"

#include <cctype>

#include "crypto/data.h"
#include "crypto/verify.h"

namespace ct::crypto {
namespace {

std::string Lower(const char* s) {
  std::string out = s ? s : "";
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<DetachedSignature> SignDetached(GpgContext& ctx,
                                       const std::string& signer,
                                       std::string_view data) {
  MakeOffline(ctx);
  auto key = FindKey(ctx, signer, true);
  if (!key) return std::unexpected(key.error());
  if (!*key)
    return Fail(ErrorKind::kConfig,
                "signing key " + signer + " has no secret part here");
  gpgme_signers_clear(ctx.get());
  if (gpgme_error_t err = gpgme_signers_add(ctx.get(), key->get()))
    return Fail(ErrorKind::kIo, GpgErrorText("signer", err));
  gpgme_set_armor(ctx.get(), 1);
  auto in = GpgData::From(data);
  auto out = GpgData::Empty();
  if (!in || !out) return Fail(ErrorKind::kIo, "gpgme data");
  gpgme_error_t err =
      gpgme_op_sign(ctx.get(), in->get(), out->get(), GPGME_SIG_MODE_DETACH);
  gpgme_signers_clear(ctx.get());
  if (err) return Fail(ErrorKind::kIo, GpgErrorText("signing", err));
  gpgme_sign_result_t result = gpgme_op_sign_result(ctx.get());
  DetachedSignature sig;
  sig.armored = out->Contents();
  sig.micalg = "pgp-sha256";
  if (result && result->signatures)
    sig.micalg =
        "pgp-" + Lower(gpgme_hash_algo_name(result->signatures->hash_algo));
  return sig;
}

Result<std::string> EncryptTo(GpgContext& ctx,
                              const std::vector<std::string>& recipients,
                              std::string_view data) {
  MakeOffline(ctx);
  std::vector<GpgKey> keys;
  std::vector<gpgme_key_t> raw;
  for (const auto& fpr : recipients) {
    auto key = FindKey(ctx, fpr, false);
    if (!key) return std::unexpected(key.error());
    if (!*key) return Fail(ErrorKind::kNotFound, "no key " + fpr);
    raw.push_back(key->get());
    keys.push_back(std::move(*key));
  }
  raw.push_back(nullptr);
  gpgme_set_armor(ctx.get(), 1);
  auto in = GpgData::From(data);
  auto out = GpgData::Empty();
  if (!in || !out) return Fail(ErrorKind::kIo, "gpgme data");
  if (gpgme_error_t err =
          gpgme_op_encrypt(ctx.get(), raw.data(), GPGME_ENCRYPT_ALWAYS_TRUST,
                           in->get(), out->get()))
    return Fail(ErrorKind::kIo, GpgErrorText("encryption", err));
  return out->Contents();
}

}  // namespace ct::crypto
