// libFuzzer target: the signed-root classifier (src/verify/signed_root.h) on
// any message, then what the verifier does with its answer: the text of a
// PGP/MIME signed part, and the keys the message carries. Each message is
// classified as an outer one and as one found inside an encryption layer.
#include <string>

#include "fuzz_check.h"
#include "verify/signed_root.h"

namespace {

using ct::fuzz::Check;

void Classify(const ct::mail::Entity& root, bool inside_encryption) {
  auto found = ct::verify::FindSignedRoot(root, inside_encryption);
  if (!found) {
    Check(!found.error().message.empty(), "a reason for the refusal");
    return;
  }
  using Kind = ct::verify::SignedRoot::Kind;
  Check(!(inside_encryption && found->kind == Kind::kEncrypted),
        "no encryption inside encryption");
  if (found->kind == Kind::kPgpMime) {
    Check(ct::fuzz::AllCrlf(found->signed_bytes), "signed bytes are CRLF");
    (void)ct::verify::SignedEntityText(found->signed_bytes);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view raw = ct::fuzz::Text(data, size);
  const ct::mail::Entity root = ct::mail::ParseEntity(raw);
  Classify(root, /*inside_encryption=*/false);
  Classify(root, /*inside_encryption=*/true);
  (void)ct::verify::SignedEntityText(raw);
  (void)ct::verify::FindKeys(root);
  return 0;
}
