#include "crypto/import.h"

#include "crypto/data.h"
#include "crypto/gpg_data.h"
#include "crypto/key_cache.h"

namespace ct::crypto {
namespace {

KeyInfo Describe(const KeyFacts& facts, KeyTime now) {
  KeyInfo info;
  info.primary = facts.primary();
  info.emails = facts.emails;
  info.usable = facts.UsableAt(now);
  info.can_encrypt = facts.CanEncryptAt(now);
  return info;
}

}  // namespace

Result<std::vector<std::string>> ImportKeys(GpgContext& ctx,
                                            std::string_view keydata) {
  auto handle = ctx.Handle();
  CT_TRY(handle);
  auto in = GpgData::From(keydata);
  CT_TRY(in);
  if (gpgme_error_t err = gpgme_op_import(*handle, in->get()))
    return Fail(ErrorKind::kInvalidInput, GpgErrorText("key import", err));
  gpgme_import_result_t result = gpgme_op_import_result(*handle);
  std::vector<std::string> fprs;
  std::vector<std::string> changed;
  for (gpgme_import_status_t s = result ? result->imports : nullptr; s;
       s = s->next) {
    if (s->result != GPG_ERR_NO_ERROR || !s->fpr) continue;
    fprs.push_back(s->fpr);
    if (s->status != 0) changed.push_back(s->fpr);  // 0: unchanged
  }
  // The keyring files changed too (KeyCache revalidates on that); dropping
  // what the import names does not depend on file times.
  ctx.keys().Drop(changed);
  if (fprs.empty())
    return Fail(ErrorKind::kInvalidInput, "no usable OpenPGP key in the data");
  return fprs;
}

Result<std::optional<KeyInfo>> LookupKey(GpgContext& ctx,
                                         const std::string& fingerprint) {
  auto key = PublicKey(ctx, fingerprint);
  CT_TRY(key);
  if (!*key) return std::optional<KeyInfo>();
  return std::optional<KeyInfo>(Describe((*key)->facts, KeyClockNow()));
}

Result<std::vector<KeyInfo>> ListKeys(GpgContext& ctx) {
  auto handle = ctx.Handle();
  CT_TRY(handle);
  std::vector<KeyInfo> keys;
  if (gpgme_error_t err = gpgme_op_keylist_start(*handle, nullptr, 0))
    return Fail(ErrorKind::kIo, GpgErrorText("key list", err));
  const KeyTime now = KeyClockNow();
  gpgme_key_t raw = nullptr;
  while (gpgme_op_keylist_next(*handle, &raw) == GPG_ERR_NO_ERROR) {
    GpgKey key(raw);
    keys.push_back(Describe(FactsOf(key.get()), now));
  }
  gpgme_op_keylist_end(*handle);
  return keys;
}

}  // namespace ct::crypto
