#include "crypto/sign.h"

#include "crypto/data.h"
#include "crypto/key_cache.h"
#include "util/text.h"

namespace ct::crypto {
namespace {

// Runs a sign request; kIo when GnuPG could not sign.
Result<RawOutcome> RunSigning(GpgContext& ctx, RawRequest request,
                              const char* what) {
  auto done = ctx.Execute(request);
  CT_TRY(done);
  if (!done->setup_error.empty())
    return Fail(ErrorKind::kIo, std::string(what) + ": " + done->setup_error);
  if (done->error) return Fail(ErrorKind::kIo, GpgErrorText(what, done->error));
  return done;
}

}  // namespace

Result<DetachedSignature> SignDetached(GpgContext& ctx,
                                       const std::string& signer,
                                       std::string_view data) {
  RawRequest request;
  request.op = RawOp::kSignDetached;
  request.signer = CanonicalFingerprint(signer);
  request.data = data;
  auto done = RunSigning(ctx, std::move(request), "signing");
  CT_TRY(done);
  DetachedSignature sig;
  sig.armored = std::move(done->output);
  sig.micalg = done->hash_algo.empty()
                   ? "pgp-sha256"
                   : "pgp-" + util::AsciiLower(done->hash_algo);
  return sig;
}

Result<std::string> SignEncrypt(GpgContext& ctx, const std::string& signer,
                                const std::vector<std::string>& recipients,
                                std::string_view data) {
  RawRequest request;
  request.op = RawOp::kSignEncrypt;
  request.signer = CanonicalFingerprint(signer);
  request.recipients = recipients;
  request.data = data;
  auto done = RunSigning(ctx, std::move(request), "signing and encryption");
  CT_TRY(done);
  if (!done->signed_ok)
    return Fail(ErrorKind::kIo, "signing and encryption: nothing was signed");
  return std::move(done->output);
}

}  // namespace ct::crypto
