#include "app/identity.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "store/repos.h"

namespace ct::app {

std::string NormalizeFingerprint(const std::string& text) {
  std::string out;
  for (char c : text)
    if (std::isxdigit(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

Result<std::variant<Identity, IdentityProblem>> Identify(
    Context& ctx, const verify::SignedText& signed_text,
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

Result<void> BindOnFirstUse(Context& ctx, const std::string& email,
                            const std::string& fingerprint) {
  store::BindingRecord binding;
  binding.email = email;
  binding.fingerprint = fingerprint;
  binding.bound_at = ctx.now;
  binding.how = "tofu";
  return store::KeyRepo(ctx.db).Bind(binding);
}

core::OwnAddresses OwnAddressesOf(const Context& ctx) {
  // outbox.operator is stored canonical by the config loader.
  return {core::AddressOf(ctx.config.outbox.from),
          ctx.config.outbox.operator_address};
}

Result<bool> IsKnownAddress(Context& ctx, const std::string& email) {
  if (email.empty()) return false;
  if (email == ctx.config.outbox.operator_address) return true;
  // Anyone can send unsigned mail: this runs for each such message, so it
  // must not cost more than an index lookup, whatever the number of deals.
  return store::InboxRepo(ctx.db).KnownSender(email);
}

}  // namespace ct::app
