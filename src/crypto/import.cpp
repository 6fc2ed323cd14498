#include "crypto/import.h"

#include <cctype>

#include "crypto/data.h"
#include "crypto/verify.h"

namespace ct::crypto {
namespace {

KeyInfo Describe(gpgme_key_t key) {
  KeyInfo info;
  if (key->subkeys && key->subkeys->fpr) info.primary = key->subkeys->fpr;
  for (gpgme_user_id_t uid = key->uids; uid; uid = uid->next) {
    if (!uid->email || uid->revoked || uid->invalid) continue;
    std::string e = uid->email;
    for (char& c : e)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    info.emails.push_back(e);
  }
  info.usable =
      !key->revoked && !key->expired && !key->disabled && !key->invalid;
  info.can_encrypt = info.usable && key->can_encrypt;
  return info;
}

}  // namespace

Result<std::vector<std::string>> ImportKeys(GpgContext& ctx,
                                            std::string_view keydata) {
  MakeOffline(ctx);
  auto in = GpgData::From(keydata);
  if (!in) return std::unexpected(in.error());
  if (gpgme_error_t err = gpgme_op_import(ctx.get(), in->get()))
    return Fail(ErrorKind::kInvalidInput, GpgErrorText("key import", err));
  gpgme_import_result_t result = gpgme_op_import_result(ctx.get());
  std::vector<std::string> fprs;
  for (gpgme_import_status_t s = result ? result->imports : nullptr; s;
       s = s->next)
    if (s->result == GPG_ERR_NO_ERROR && s->fpr) fprs.push_back(s->fpr);
  if (fprs.empty())
    return Fail(ErrorKind::kInvalidInput, "no usable OpenPGP key in the data");
  return fprs;
}

Result<std::optional<KeyInfo>> LookupKey(GpgContext& ctx,
                                         const std::string& fingerprint) {
  gpgme_key_t raw = nullptr;
  gpgme_error_t err = gpgme_get_key(ctx.get(), fingerprint.c_str(), &raw, 0);
  if (gpgme_err_code(err) == GPG_ERR_EOF || !raw)
    return std::optional<KeyInfo>();
  if (err) return Fail(ErrorKind::kIo, GpgErrorText("key lookup", err));
  GpgKey key(raw);
  return std::optional<KeyInfo>(Describe(key.get()));
}

Result<std::vector<KeyInfo>> ListKeys(GpgContext& ctx) {
  std::vector<KeyInfo> keys;
  if (gpgme_error_t err = gpgme_op_keylist_start(ctx.get(), nullptr, 0))
    return Fail(ErrorKind::kIo, GpgErrorText("key list", err));
  gpgme_key_t raw = nullptr;
  while (gpgme_op_keylist_next(ctx.get(), &raw) == GPG_ERR_NO_ERROR) {
    GpgKey key(raw);
    keys.push_back(Describe(key.get()));
  }
  gpgme_op_keylist_end(ctx.get());
  return keys;
}

}  // namespace ct::crypto
