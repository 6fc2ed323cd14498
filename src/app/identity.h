// Who signed: the operator's key, or a party's key bound to the From
// address (trust on first use). Internal to the inbound pipeline.
#ifndef CYBERTROC_APP_IDENTITY_H_
#define CYBERTROC_APP_IDENTITY_H_

#include <map>
#include <string>
#include <variant>

#include "app/context.h"
#include "core/address.h"
#include "verify/verify.h"

namespace ct::app {

struct Identity {
  std::string email;  // the bound address replies go to
  bool is_operator = false;
  bool bind_now = false;  // first use: bind email -> fingerprint
};

// Why a verified signature does not identify the sender, and whom to tell.
struct IdentityProblem {
  std::string reason;
  std::string reply_to;  // a bound address, or "" (no reply)
  std::string key;       // for a translated reply (see core::Refusal)
  std::map<std::string, std::string> args;
};

// REQUIRES: an open transaction (reads bindings).
Result<std::variant<Identity, IdentityProblem>> Identify(
    Context& ctx, const verify::SignedText& signed_text,
    const std::string& from);

// Binds `email` to the signer's primary fingerprint (first use).
Result<void> BindOnFirstUse(Context& ctx, const std::string& email,
                            const std::string& fingerprint);

// True when `email` is bound to a key or is a party of some deal: only such
// addresses get replies to mail we could not verify.
Result<bool> IsKnownAddress(Context& ctx, const std::string& email);

// Our own mailboxes (outbox.from, outbox.operator), canonical: what
// core::OutsideAddress keeps out of every deal and of the moderators.
core::OwnAddresses OwnAddressesOf(const Context& ctx);

// Upper-case hex without blanks.
std::string NormalizeFingerprint(const std::string& text);

}  // namespace ct::app

#endif  // CYBERTROC_APP_IDENTITY_H_
