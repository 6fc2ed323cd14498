#include "verify/identity.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "app/base/gpg_pool.h"
#include "core/limits.h"
#include "crypto/import.h"
#include "store/repos.h"

namespace ct::verify {

std::string NormalizeFingerprint(const std::string& text) {
  std::string out;
  for (char c : text)
    if (std::isxdigit(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

Result<std::variant<Identity, IdentityProblem>> Identify(
    app::Context& ctx, const verify::SignedText& signed_text,
    const std::string& from) {
  using Out = std::variant<Identity, IdentityProblem>;
  const auto& emails = signed_text.key_emails;
  bool key_names_from =
      std::find(emails.begin(), emails.end(), from) != emails.end();
  std::string op_fpr = NormalizeFingerprint(ctx.config.gpg.operator_key);
  if (!op_fpr.empty() && signed_text.fingerprint == op_fpr) {
    const std::string& op = ctx.config.outbox.operator_address;
    if (from != op && !key_names_from)
      return Out(IdentityProblem{
          fmt::format("signed by the operator's key but sent from {}", from),
          op,
          "",
          {}});
    return Out(Identity{op, true, false});
  }
  if (from.empty())
    return Out(
        IdentityProblem{"the message has no usable From address", "", "", {}});
  auto binding = store::KeyRepo(ctx.db).Find(from);
  CT_TRY(binding);
  if (*binding) {
    if ((*binding)->fingerprint != signed_text.fingerprint)
      return Out(IdentityProblem{
          fmt::format(
              "the message from {} is signed by key {}, but that address is "
              "bound to key {}; if you changed keys, ask the operator to "
              "rebind it (cybertroc keys bind)",
              from, signed_text.fingerprint, (*binding)->fingerprint),
          from,
          "key_mismatch",
          {{"from", from},
           {"key", signed_text.fingerprint},
           {"bound", (*binding)->fingerprint}}});
    return Out(Identity{from, false, false});
  }
  if (!key_names_from)
    return Out(IdentityProblem{
        fmt::format("the signing key {} does not carry the address {}",
                    signed_text.fingerprint, from),
        "",
        "",
        {}});
  return Out(Identity{from, false, true});
}

namespace {

// The name a binding records for `how`.
std::string_view BindingKindName(BindingKind how) {
  switch (how) {
    case BindingKind::kFirstUse:
      return "tofu";
    case BindingKind::kOperator:
      return "operator";
    case BindingKind::kModerator:
      return "moderator";
  }
  return "tofu";
}

}  // namespace

Result<void> BindKey(app::Context& ctx, const std::string& email,
                     const std::string& fingerprint, BindingKind how) {
  store::BindingRecord binding;
  binding.email = email;
  binding.fingerprint = fingerprint;
  binding.bound_at = ctx.now;
  binding.how = std::string(BindingKindName(how));
  return store::KeyRepo(ctx.db).Bind(binding);
}

Result<std::string> KeyCarrying(app::Context& ctx, const std::string& command,
                                const std::string& email,
                                const std::string& fpr_text) {
  // A whole fingerprint, as gpg prints it (blanks allowed): never a short
  // key id, which several keys may share, nor text with digits in it.
  const bool only_hex_and_blanks =
      std::all_of(fpr_text.begin(), fpr_text.end(),
                  [](unsigned char c) { return std::isxdigit(c) || c == ' '; });
  const std::string fpr = NormalizeFingerprint(fpr_text);
  if (!only_hex_and_blanks || (fpr.size() != 40 && fpr.size() != 64))
    return Fail(ErrorKind::kUsage,
                fmt::format("{}: '{}' is not a key fingerprint (40 hex "
                            "digits, as `gpg --fingerprint` prints them)",
                            command, core::Excerpt(fpr_text, 80)));
  auto gpg = app::OpenGpg(ctx);
  CT_TRY(gpg);
  auto key = crypto::LookupKey(*gpg, fpr);
  CT_TRY(key);
  if (!*key)
    return Fail(ErrorKind::kUsage,
                command + ": no key " + fpr + " (keys import it first)");
  const auto& emails = (*key)->emails;
  if (std::find(emails.begin(), emails.end(), email) == emails.end())
    return Fail(ErrorKind::kUsage, fmt::format("{}: key {} does not carry {}",
                                               command, fpr, email));
  return (*key)->primary;
}

core::OwnAddresses OwnAddressesOf(const app::Context& ctx) {
  // outbox.operator is stored canonical by the config loader.
  return {core::AddressOf(ctx.config.outbox.from),
          ctx.config.outbox.operator_address};
}

Result<bool> IsKnownAddress(app::Context& ctx, const std::string& email) {
  if (email.empty()) return false;
  if (email == ctx.config.outbox.operator_address) return true;
  // Anyone can send unsigned mail: this runs for each such message, so it
  // must not cost more than an index lookup, whatever the number of deals.
  return store::InboxRepo(ctx.db).KnownSender(email);
}

}  // namespace ct::verify
