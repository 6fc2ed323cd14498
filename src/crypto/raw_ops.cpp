#include "crypto/raw_ops.h"

#include "crypto/capped_output.h"
#include "crypto/gpg_data.h"

namespace ct::crypto {
namespace {

// Copied out at once: the next operation on the context frees the result.
std::vector<RawSignature> Signatures(gpgme_verify_result_t result) {
  std::vector<RawSignature> out;
  for (gpgme_signature_t sig = result ? result->signatures : nullptr; sig;
       sig = sig->next) {
    RawSignature s;
    s.fingerprint = sig->fpr ? sig->fpr : "";
    s.status = sig->status;
    s.summary = static_cast<uint32_t>(sig->summary);
    s.timestamp = static_cast<int64_t>(sig->timestamp);
    out.push_back(std::move(s));
  }
  return out;
}

// Verification and decryption: the output is capped, so that a message
// that expands (a compressed bomb) stops gpg instead of filling memory.
RawOutcome Capped(gpgme_ctx_t ctx, const RawRequest& request) {
  RawOutcome out;
  auto in = GpgData::From(request.data);
  auto plain = CappedOutput::Open(request.max_output);
  if (!in || !plain) {
    out.setup_error = "gpgme data";
    return out;
  }
  if (request.op == RawOp::kDecryptVerify) {
    out.error = gpgme_op_decrypt_verify(ctx, in->get(), plain->get());
    gpgme_decrypt_result_t dec = gpgme_op_decrypt_result(ctx);
    out.no_integrity = !dec || dec->legacy_cipher_nomdc;
  } else {
    out.error = gpgme_op_verify(ctx, in->get(), nullptr, plain->get());
  }
  out.overflowed = plain->overflowed();
  out.output = plain->Take();
  out.signatures = Signatures(gpgme_op_verify_result(ctx));
  return out;
}

RawOutcome Detached(gpgme_ctx_t ctx, const RawRequest& request) {
  RawOutcome out;
  auto sig = GpgData::From(request.signature);
  auto text = GpgData::From(request.data);
  if (!sig || !text) {
    out.setup_error = "gpgme data";
    return out;
  }
  out.error = gpgme_op_verify(ctx, sig->get(), text->get(), nullptr);
  out.signatures = Signatures(gpgme_op_verify_result(ctx));
  return out;
}

RawOutcome Sign(gpgme_ctx_t ctx, const RawRequest& request,
                gpgme_key_t* recipients) {
  RawOutcome out;
  auto in = GpgData::From(request.data);
  auto armored = GpgData::Empty();
  if (!in || !armored) {
    out.setup_error = "gpgme data";
    return out;
  }
  gpgme_set_armor(ctx, 1);
  out.error =
      request.op == RawOp::kSignEncrypt
          ? gpgme_op_encrypt_sign(ctx, recipients, GPGME_ENCRYPT_ALWAYS_TRUST,
                                  in->get(), armored->get())
          : gpgme_op_sign(ctx, in->get(), armored->get(),
                          GPGME_SIG_MODE_DETACH);
  if (out.error) return out;
  // GPGME reports a signer that could not sign as a result, not an error.
  gpgme_sign_result_t result = gpgme_op_sign_result(ctx);
  out.signed_ok = result && result->signatures && !result->invalid_signers;
  if (out.signed_ok) {
    const char* algo = gpgme_hash_algo_name(result->signatures->hash_algo);
    out.hash_algo = algo ? algo : "";
  }
  out.output = armored->Contents();
  return out;
}

}  // namespace

RawOutcome RunRaw(gpgme_ctx_t ctx, const RawRequest& request,
                  gpgme_key_t* recipients) {
  switch (request.op) {
    case RawOp::kVerifyClearsigned:
    case RawOp::kDecryptVerify:
      return Capped(ctx, request);
    case RawOp::kVerifyDetached:
      return Detached(ctx, request);
    case RawOp::kSignEncrypt:
    case RawOp::kSignDetached:
      return Sign(ctx, request, recipients);
    case RawOp::kPing:
      return {};
  }
  RawOutcome out;
  out.setup_error = "unknown GnuPG operation";
  return out;
}

}  // namespace ct::crypto
