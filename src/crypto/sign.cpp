#include "crypto/sign.h"

#include <memory>

#include "crypto/data.h"
#include "crypto/key_cache.h"
#include "util/text.h"

namespace ct::crypto {
namespace {

// The recipients' keys, held while GPGME uses the raw pointers.
struct Recipients {
  std::vector<std::shared_ptr<const CachedKey>> held;
  std::vector<gpgme_key_t> raw;  // null-terminated, as GPGME wants
};

Result<Recipients> RecipientKeys(GpgContext& ctx,
                                 const std::vector<std::string>& fprs) {
  Recipients out;
  for (const auto& fpr : fprs) {
    auto key = PublicKey(ctx, fpr);
    CT_TRY(key);
    if (!*key) return Fail(ErrorKind::kNotFound, "no key " + fpr);
    out.raw.push_back((*key)->key.get());
    out.held.push_back(std::move(*key));
  }
  out.raw.push_back(nullptr);
  return out;
}

}  // namespace

Result<DetachedSignature> SignDetached(GpgContext& ctx,
                                       const std::string& signer,
                                       std::string_view data) {
  CT_TRY(UseSigner(ctx, signer));
  auto handle = ctx.Handle();
  CT_TRY(handle);
  gpgme_set_armor(*handle, 1);
  auto in = GpgData::From(data);
  auto out = GpgData::Empty();
  if (!in || !out) return Fail(ErrorKind::kIo, "gpgme data");
  if (gpgme_error_t err =
          gpgme_op_sign(*handle, in->get(), out->get(), GPGME_SIG_MODE_DETACH))
    return Fail(ErrorKind::kIo, GpgErrorText("signing", err));
  gpgme_sign_result_t result = gpgme_op_sign_result(*handle);
  DetachedSignature sig;
  sig.armored = out->Contents();
  sig.micalg = "pgp-sha256";
  if (result && result->signatures) {
    const char* algo = gpgme_hash_algo_name(result->signatures->hash_algo);
    sig.micalg = "pgp-" + util::AsciiLower(algo ? algo : "");
  }
  return sig;
}

Result<std::string> SignEncrypt(GpgContext& ctx, const std::string& signer,
                                const std::vector<std::string>& recipients,
                                std::string_view data) {
  CT_TRY(UseSigner(ctx, signer));
  auto keys = RecipientKeys(ctx, recipients);
  CT_TRY(keys);
  auto handle = ctx.Handle();
  CT_TRY(handle);
  gpgme_set_armor(*handle, 1);
  auto in = GpgData::From(data);
  auto out = GpgData::Empty();
  if (!in || !out) return Fail(ErrorKind::kIo, "gpgme data");
  if (gpgme_error_t err = gpgme_op_encrypt_sign(*handle, keys->raw.data(),
                                                GPGME_ENCRYPT_ALWAYS_TRUST,
                                                in->get(), out->get()))
    return Fail(ErrorKind::kIo, GpgErrorText("signing and encryption", err));
  // GPGME reports a signer that could not sign as a result, not an error.
  gpgme_sign_result_t signed_by = gpgme_op_sign_result(*handle);
  if (!signed_by || !signed_by->signatures || signed_by->invalid_signers)
    return Fail(ErrorKind::kIo, "signing and encryption: nothing was signed");
  return out->Contents();
}

}  // namespace ct::crypto
