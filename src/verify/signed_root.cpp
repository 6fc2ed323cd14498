#include "verify/signed_root.h"

#include <fmt/format.h>

#include <algorithm>

#include "util/text.h"

namespace ct::verify {

using mail::ContentType;
using mail::DecodeBody;
using mail::Entity;
using mail::ParseEntity;
using mail::SplitMultipart;
using mail::ToCrlf;

namespace {

constexpr std::string_view kBeginSigned = "-----BEGIN PGP SIGNED MESSAGE-----";
constexpr std::string_view kEndSignature = "-----END PGP SIGNATURE-----";
// Deep nesting is an attack, not a mail client: stop looking past this.
constexpr int kMaxDepth = 8;
constexpr size_t kMaxParts = 64;

size_t Count(std::string_view hay, std::string_view needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string_view::npos;
       at = hay.find(needle, at + needle.size()))
    ++n;
  return n;
}

bool IsAttachment(const Entity& e) {
  std::string disp = e.Header("Content-Disposition");
  std::transform(disp.begin(), disp.end(), disp.begin(), ::tolower);
  return disp.rfind("attachment", 0) == 0;
}

Result<SignedRoot> FromPgpMime(const Entity& root) {
  if (root.type.Param("protocol") != "application/pgp-signature")
    return Fail(ErrorKind::kInvalidInput,
                "multipart/signed is not OpenPGP (S/MIME is not supported)");
  auto parts = SplitMultipart(root);
  CT_TRY(parts);
  if (parts->size() != 2)
    return Fail(ErrorKind::kInvalidInput,
                "a signed message must have exactly two parts");
  Entity sig = ParseEntity((*parts)[1]);
  if (!sig.type.Is("application", "pgp-signature"))
    return Fail(ErrorKind::kInvalidInput,
                "the second part is not an OpenPGP signature");
  auto sig_bytes = DecodeBody(sig);
  CT_TRY(sig_bytes);
  SignedRoot out;
  out.kind = SignedRoot::Kind::kPgpMime;
  out.signed_bytes = ToCrlf((*parts)[0]);
  out.signature = *sig_bytes;
  return out;
}

Result<SignedRoot> FromEncrypted(const Entity& root) {
  if (root.type.Param("protocol") != "application/pgp-encrypted")
    return Fail(ErrorKind::kInvalidInput, "multipart/encrypted is not OpenPGP");
  auto parts = SplitMultipart(root);
  CT_TRY(parts);
  if (parts->size() != 2)
    return Fail(ErrorKind::kInvalidInput,
                "an encrypted message must have exactly two parts");
  Entity control = ParseEntity((*parts)[0]);
  Entity payload = ParseEntity((*parts)[1]);
  if (!control.type.Is("application", "pgp-encrypted") ||
      !payload.type.Is("application", "octet-stream"))
    return Fail(ErrorKind::kInvalidInput,
                "malformed PGP/MIME encrypted message");
  auto data = DecodeBody(payload);
  CT_TRY(data);
  SignedRoot out;
  out.kind = SignedRoot::Kind::kEncrypted;
  out.ciphertext = *data;
  return out;
}

// A text/plain part that is exactly one clear-signed block.
Result<SignedRoot> FromInline(const Entity& text) {
  auto bytes = DecodeBody(text);
  CT_TRY(bytes);
  std::string_view body = util::Trim(*bytes);
  size_t begins = Count(body, kBeginSigned);
  if (begins == 0)
    return Fail(ErrorKind::kInvalidInput, "the message is not signed");
  if (begins > 1)
    return Fail(ErrorKind::kInvalidInput,
                "more than one signed block: send one per message");
  if (body.rfind(kBeginSigned, 0) != 0 || body.size() < kEndSignature.size() ||
      body.substr(body.size() - kEndSignature.size()) != kEndSignature)
    return Fail(
        ErrorKind::kInvalidInput,
        "there is text outside the signed block: send only the signed text");
  SignedRoot out;
  out.kind = SignedRoot::Kind::kInline;
  out.armored = std::string(body) + "\n";
  out.charset = text.type.Param("charset");
  return out;
}

void CollectKeys(const Entity& e, int depth, size_t& budget,
                 std::vector<std::string>& keys) {
  if (depth > kMaxDepth || budget == 0) return;
  --budget;
  if (e.type.Is("application", "pgp-keys")) {
    if (auto data = DecodeBody(e)) keys.push_back(*data);
    return;
  }
  if (e.type.type != "multipart") return;
  auto parts = SplitMultipart(e);
  if (!parts) return;
  for (auto part : *parts)
    CollectKeys(ParseEntity(part), depth + 1, budget, keys);
}

}  // namespace

Result<SignedRoot> FindSignedRoot(const Entity& root, bool inside_encryption) {
  const ContentType& t = root.type;
  if (t.Is("multipart", "signed")) return FromPgpMime(root);
  if (t.Is("multipart", "encrypted")) {
    if (inside_encryption)
      return Fail(ErrorKind::kInvalidInput,
                  "encryption inside encryption is not accepted");
    return FromEncrypted(root);
  }
  if (t.Is("text", "plain")) return FromInline(root);
  if (t.Is("multipart", "alternative")) {
    auto parts = SplitMultipart(root);
    CT_TRY(parts);
    for (auto part : *parts) {
      Entity e = ParseEntity(part);
      if (e.type.Is("text", "plain")) return FromInline(e);
    }
    return Fail(ErrorKind::kInvalidInput,
                "no plain-text version: send plain text, signed");
  }
  if (t.Is("text", "html"))
    return Fail(ErrorKind::kInvalidInput,
                "HTML-only mail: send plain text, signed");
  return Fail(
      ErrorKind::kInvalidInput,
      fmt::format(
          "the message itself is not signed, sign the whole message: {}/{}",
          t.type, t.subtype));
}

Result<std::string> SignedEntityText(std::string_view signed_bytes) {
  Entity e = ParseEntity(signed_bytes);
  if (e.type.Is("text", "plain")) return PlainText(e);
  // Breadth-first through nested multiparts, bounded, for the first inline
  // text/plain (Thunderbird: mixed > alternative > plain).
  std::vector<std::pair<Entity, int>> queue = {{e, 0}};
  size_t budget = kMaxParts;
  for (size_t i = 0; i < queue.size() && budget > 0; ++i, --budget) {
    auto [entity, depth] = queue[i];
    if (entity.type.Is("text", "plain") && !IsAttachment(entity))
      return PlainText(entity);
    if (entity.type.type != "multipart" || depth >= kMaxDepth) continue;
    auto parts = SplitMultipart(entity);
    CT_TRY(parts);
    for (auto part : *parts) queue.emplace_back(ParseEntity(part), depth + 1);
  }
  return Fail(ErrorKind::kInvalidInput, "the signed part holds no plain text");
}

std::vector<std::string> FindKeys(const Entity& root) {
  std::vector<std::string> keys;
  size_t budget = kMaxParts;
  CollectKeys(root, 0, budget, keys);
  for (const auto& value : root.Headers("Autocrypt")) {
    size_t at = value.find("keydata=");
    if (at == std::string::npos) continue;
    std::string b64 = value.substr(at + 8);
    size_t semi = b64.find(';');
    if (semi != std::string::npos) b64.resize(semi);
    Entity fake;
    fake.headers = {{"Content-Transfer-Encoding", "base64"}};
    fake.body = b64;
    if (auto data = DecodeBody(fake)) keys.push_back(*data);
  }
  return keys;
}

}  // namespace ct::verify
