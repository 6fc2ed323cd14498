#include "crypto/keyring.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "crypto/data.h"
#include "crypto/gpg_context.h"
#include "crypto/gpg_key.h"
#include "crypto/gpg_runner.h"
#include "crypto/key_cache.h"
#include "crypto/keybox_repair.h"

namespace ct::crypto {
namespace {

std::string GpgError(const std::string& what, gpgme_error_t err) {
  return what + ": " + gpgme_strerror(err);
}

bool IsHex(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](unsigned char c) { return std::isxdigit(c) != 0; });
}

bool Matches(gpgme_key_t key, const std::string& fpr) {
  return key->subkeys && key->subkeys->fpr &&
         CanonicalFingerprint(key->subkeys->fpr) == fpr;
}

// GPGME runs `gpg --version` whenever an engine's home is set, for the
// process as for one context. The first home asked for becomes the
// process's default (one `gpg --version`); contexts for that home copy it
// as they are made, for nothing. Another home is set on its context.
bool IsDefaultHome(const std::string& home) {
  static std::mutex mutex;
  static std::optional<std::string> default_home;
  std::lock_guard lock(mutex);
  if (!default_home &&
      gpgme_set_engine_info(GPGME_PROTOCOL_OpenPGP, nullptr,
                            home.empty() ? nullptr : home.c_str()) == 0)
    default_home = home;
  return default_home == home;
}

// A new OpenPGP context for `home`, offline: nothing cybertroc does with
// GnuPG may reach the network (keyservers, WKD).
Result<gpgme_ctx_t> NewContext(const std::string& home) {
  static std::once_flag once;
  std::call_once(once, [] { gpgme_check_version(nullptr); });
  if (gpgme_error_t err = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP))
    return Fail(ErrorKind::kIo, GpgError("GnuPG engine", err));
  const bool default_home = IsDefaultHome(home);
  gpgme_ctx_t ctx = nullptr;
  if (gpgme_error_t err = gpgme_new(&ctx))
    return Fail(ErrorKind::kIo, GpgError("gpgme_new", err));
  gpgme_error_t err = gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP);
  if (!err && !default_home)
    err = gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_OpenPGP, nullptr,
                                    home.empty() ? nullptr : home.c_str());
  if (err) {
    gpgme_release(ctx);
    return Fail(ErrorKind::kIo, GpgError("gpg home " + home, err));
  }
  gpgme_set_offline(ctx, 1);
  gpgme_set_ctx_flag(ctx, "auto-key-retrieve", "0");
  return ctx;
}

}  // namespace

GpgContext::GpgContext(std::string home, const std::string& runner)
    : home_(std::move(home)), keys_(std::make_unique<KeyCache>(home_)) {
  if (!runner.empty()) runner_ = std::make_unique<GpgRunner>(runner, home_);
}

Result<GpgContext> GpgContext::Open(const std::string& home,
                                    const std::string& runner) {
  // Before any gpg of ours reads the keyring (crypto/keybox_repair.h).
  CT_TRY(FinishInterruptedKeyboxWrite(home));
  return GpgContext(home, runner);
}

Result<RawOutcome> GpgContext::Execute(const RawRequest& request) {
  // Keys held while GPGME uses their raw pointers.
  std::vector<std::shared_ptr<const CachedKey>> held;
  std::vector<gpgme_key_t> recipients;
  if (request.op == RawOp::kSignEncrypt || request.op == RawOp::kSignDetached) {
    CT_TRY(UseSigner(*this, request.signer));
    for (const auto& fpr : request.recipients) {
      auto key = PublicKey(*this, fpr);
      CT_TRY(key);
      if (!*key) return Fail(ErrorKind::kNotFound, "no key " + fpr);
      recipients.push_back((*key)->key.get());
      held.push_back(std::move(*key));
    }
  }
  if (runner_) return runner_->Call(request);
  auto handle = Handle();
  CT_TRY(handle);
  recipients.push_back(nullptr);
  return RunRaw(*handle, request, recipients.data());
}

Result<gpgme_ctx_t> GpgContext::Handle() {
  if (ctx_) return ctx_;
  auto made = NewContext(home_);
  CT_TRY(made);
  ctx_ = *made;
  return ctx_;
}

gpgme_ctx_t GpgContext::get() {
  auto handle = Handle();
  return handle ? *handle : nullptr;
}

GpgContext::GpgContext(GpgContext&& other) noexcept
    : home_(std::move(other.home_)),
      ctx_(std::exchange(other.ctx_, nullptr)),
      keys_(std::move(other.keys_)),
      runner_(std::move(other.runner_)) {}

GpgContext& GpgContext::operator=(GpgContext&& other) noexcept {
  if (this != &other) {
    if (ctx_) gpgme_release(ctx_);
    home_ = std::move(other.home_);
    ctx_ = std::exchange(other.ctx_, nullptr);
    keys_ = std::move(other.keys_);
    runner_ = std::move(other.runner_);
  }
  return *this;
}

GpgContext::~GpgContext() {
  if (ctx_) gpgme_release(ctx_);
}

GpgKey::GpgKey(GpgKey&& other) noexcept
    : key_(std::exchange(other.key_, nullptr)) {}

GpgKey& GpgKey::operator=(GpgKey&& other) noexcept {
  if (this != &other) {
    if (key_) gpgme_key_unref(key_);
    key_ = std::exchange(other.key_, nullptr);
  }
  return *this;
}

GpgKey::~GpgKey() {
  if (key_) gpgme_key_unref(key_);
}

Result<GpgKey> FindKey(GpgContext& ctx, const std::string& fingerprint,
                       bool secret) {
  const std::string fpr = CanonicalFingerprint(fingerprint);
  if (fpr.empty()) return GpgKey();  // an empty pattern would list them all
  auto handle = ctx.Handle();
  CT_TRY(handle);
  if (gpgme_error_t err =
          gpgme_op_keylist_start(*handle, fpr.c_str(), secret ? 1 : 0)) {
    return Fail(ErrorKind::kIo, GpgError("key listing", err));
  }
  GpgKey found;
  for (;;) {
    gpgme_key_t raw = nullptr;
    gpgme_error_t err = gpgme_op_keylist_next(*handle, &raw);
    if (gpg_err_code(err) == GPG_ERR_EOF) break;
    if (err) {
      gpgme_op_keylist_end(*handle);
      return Fail(ErrorKind::kIo, GpgError("key listing", err));
    }
    GpgKey key(raw);
    if (!found && Matches(raw, fpr)) found = std::move(key);
  }
  gpgme_op_keylist_end(*handle);
  return found;
}

Result<void> CheckSigningKey(const std::string& home,
                             const std::string& fingerprint) {
  if (CanonicalFingerprint(fingerprint).empty()) {
    return Fail(ErrorKind::kConfig, "gpg.escrow_key is not set");
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(home, ec)) {
    return Fail(ErrorKind::kConfig,
                "gpg.home: '" + home + "' is not a directory");
  }
  auto ctx = GpgContext::Open(home);
  CT_TRY(ctx);
  auto key = FindKey(*ctx, fingerprint, /*secret=*/true);
  CT_TRY(key);
  if (!*key) {
    return Fail(ErrorKind::kConfig,
                "gpg.escrow_key: no secret key " + fingerprint + " in " + home);
  }
  const gpgme_key_t k = key->get();
  if (k->revoked) return Fail(ErrorKind::kIo, fingerprint + " is revoked");
  if (k->expired) return Fail(ErrorKind::kIo, fingerprint + " has expired");
  if (k->disabled) return Fail(ErrorKind::kIo, fingerprint + " is disabled");
  if (!k->can_sign) return Fail(ErrorKind::kIo, fingerprint + " cannot sign");
  return {};
}

Result<std::shared_ptr<const CachedKey>> PublicKey(GpgContext& ctx,
                                                   const std::string& id) {
  const std::string wanted = CanonicalFingerprint(id);
  if (wanted.size() < 16 || !IsHex(wanted)) return nullptr;
  if (auto hit = ctx.keys().Find(wanted)) return hit;
  auto handle = ctx.Handle();
  CT_TRY(handle);
  if (gpgme_error_t err = gpgme_op_keylist_start(*handle, wanted.c_str(), 0))
    return Fail(ErrorKind::kIo, GpgErrorText("key listing", err));
  std::vector<std::shared_ptr<CachedKey>> holders;
  for (;;) {
    gpgme_key_t raw = nullptr;
    gpgme_error_t err = gpgme_op_keylist_next(*handle, &raw);
    if (gpgme_err_code(err) == GPG_ERR_EOF) break;
    if (err) {
      gpgme_op_keylist_end(*handle);
      return Fail(ErrorKind::kIo, GpgErrorText("key listing", err));
    }
    auto key = std::make_shared<CachedKey>(GpgKey(raw), FactsOf(raw));
    if (key->facts.Holds(wanted)) holders.push_back(std::move(key));
  }
  gpgme_op_keylist_end(*handle);
  if (holders.size() != 1) return nullptr;  // absent, or ambiguous
  ctx.keys().Put(wanted, holders.front());
  return holders.front();
}

Result<void> UseSigner(GpgContext& ctx, const std::string& fingerprint) {
  const std::string fpr = CanonicalFingerprint(fingerprint);
  if (fpr.empty()) return Fail(ErrorKind::kConfig, "no signing key is set");
  if (ctx.keys().Signer() == fpr) return {};
  auto handle = ctx.Handle();
  CT_TRY(handle);
  auto key = FindKey(ctx, fpr, /*secret=*/true);
  CT_TRY(key);
  if (!*key)
    return Fail(ErrorKind::kConfig,
                "signing key " + fingerprint + " has no secret part here");
  gpgme_signers_clear(*handle);
  if (gpgme_error_t err = gpgme_signers_add(*handle, key->get()))
    return Fail(ErrorKind::kIo, GpgErrorText("signer", err));
  ctx.keys().SetSigner(fpr);
  return {};
}

}  // namespace ct::crypto
