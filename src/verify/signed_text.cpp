#include "verify/signed_text.h"

#include <fmt/format.h>

#include "crypto/import.h"
#include "crypto/key_cache.h"
#include "util/sha256.h"
#include "verify/gpg_signatures.h"
#include "verify/signed_root.h"

namespace ct::verify {
namespace {

// The one good signature of a verification, or why not.
Result<Signature> OneGoodSignature(const Verified& v) {
  if (v.signatures.empty())
    return Fail(ErrorKind::kInvalidInput, "the message is not signed");
  if (v.signatures.size() > 1)
    return Fail(ErrorKind::kInvalidInput,
                "the message carries more than one signature");
  const Signature& sig = v.signatures.front();
  if (!sig.good) return Fail(ErrorKind::kInvalidInput, sig.problem);
  if (sig.primary.empty())
    return Fail(ErrorKind::kInvalidInput, "the signing key is unknown here");
  return sig;
}

// The signature's identity for replay detection: signer, time and the
// canonical signed text, so that re-encoding the same signed message (other
// headers, other transfer encoding, LF vs CRLF) gives the same digest.
std::string Digest(const Signature& sig, std::string_view text) {
  std::string canonical;
  for (char c : text)
    if (c != '\r') canonical += c;
  while (!canonical.empty() &&
         std::isspace(static_cast<unsigned char>(canonical.back())))
    canonical.pop_back();
  return util::Sha256Hex(fmt::format("{}\n{}\n{}", sig.primary,
                                     sig.made.time_since_epoch().count(),
                                     canonical));
}

Result<SignedText> Finish(const Signature& sig, std::string text,
                          bool encrypted) {
  SignedText out;
  out.digest = Digest(sig, text);
  out.text = std::move(text);
  out.fingerprint = sig.primary;
  out.key_emails = sig.emails;
  out.made = sig.made;
  out.encrypted = encrypted;
  return out;
}

Result<SignedText> VerifyRoot(crypto::GpgContext& gpg, const mail::Entity& root,
                              bool inside_encryption, size_t max_plaintext);

Result<SignedText> VerifyEncrypted(crypto::GpgContext& gpg,
                                   const std::string& ciphertext,
                                   size_t max_plaintext) {
  auto dec = DecryptVerify(gpg, ciphertext, max_plaintext);
  CT_TRY(dec);
  mail::Entity inner = mail::ParseEntity(dec->plaintext);
  if (!dec->signatures.empty()) {
    // Signed and encrypted in one OpenPGP message (Thunderbird's way): the
    // signature covers the whole decrypted entity.
    auto sig = OneGoodSignature(*dec);
    CT_TRY(sig);
    auto text = SignedEntityText(dec->plaintext);
    CT_TRY(text);
    return Finish(*sig, *text, true);
  }
  auto inner_signed = VerifyRoot(gpg, inner, true, max_plaintext);
  if (inner_signed) inner_signed->encrypted = true;
  return inner_signed;
}

Result<SignedText> VerifyRoot(crypto::GpgContext& gpg, const mail::Entity& root,
                              bool inside_encryption, size_t max_plaintext) {
  auto found = FindSignedRoot(root, inside_encryption);
  CT_TRY(found);
  switch (found->kind) {
    case SignedRoot::Kind::kEncrypted:
      return VerifyEncrypted(gpg, found->ciphertext, max_plaintext);
    case SignedRoot::Kind::kPgpMime: {
      auto v = VerifyDetached(gpg, found->signed_bytes, found->signature);
      CT_TRY(v);
      auto sig = OneGoodSignature(*v);
      CT_TRY(sig);
      auto text = SignedEntityText(found->signed_bytes);
      CT_TRY(text);
      return Finish(*sig, *text, false);
    }
    case SignedRoot::Kind::kInline: {
      auto v = VerifyClearsigned(gpg, found->armored, max_plaintext);
      CT_TRY(v);
      auto sig = OneGoodSignature(*v);
      CT_TRY(sig);
      // Commands are read only from what GnuPG returned as signed.
      auto text = mail::ToUtf8(v->plaintext, found->charset);
      CT_TRY(text);
      return Finish(*sig, *text, false);
    }
  }
  return Fail(ErrorKind::kInternal, "unreachable");
}

}  // namespace

Result<SignedText> VerifyMessage(crypto::GpgContext& gpg,
                                 const mail::Entity& root,
                                 size_t max_plaintext) {
  return VerifyRoot(gpg, root, false, max_plaintext);
}

int ImportOfferedKeys(crypto::GpgContext& gpg, const mail::Entity& root) {
  int imported = 0;
  for (const auto& keydata : FindKeys(root)) {
    // A party's client attaches the same key (Autocrypt) to every mail:
    // importing it again would change nothing and cost a gpg process.
    const std::string digest = util::Sha256Hex(keydata);
    if (gpg.keys().KnowsKeyBlock(digest)) {
      ++imported;
      continue;
    }
    if (!crypto::ImportKeys(gpg, keydata)) continue;
    gpg.keys().RememberKeyBlock(digest);
    ++imported;
  }
  return imported;
}

}  // namespace ct::verify
