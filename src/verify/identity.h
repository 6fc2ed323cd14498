// Who signed: the operator's key, or a party's key bound to the From
// address (trust on first use). Internal to the inbound pipeline.
#ifndef CYBERTROC_VERIFY_IDENTITY_H_
#define CYBERTROC_VERIFY_IDENTITY_H_

#include <map>
#include <string>
#include <variant>

#include "app/base/context.h"
#include "core/address.h"
#include "verify/signed_text.h"

namespace ct::verify {

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
    app::Context& ctx, const verify::SignedText& signed_text,
    const std::string& from);

// How an address came to be bound to its key, as the binding records it.
enum class BindingKind {
  kFirstUse,   // the first good signature from that address ("tofu")
  kOperator,   // `keys bind`: the operator's rebind after a change of key
  kModerator,  // `moderators add`
};

// Binds `email` to the primary key `fingerprint`, replacing any earlier
// binding: the one way a binding changes, whether a signature (first use)
// or the operator asks. REQUIRES: `email` canonical (core::NormalizeAddress)
// and `fingerprint` a primary key's, upper-case hex.
Result<void> BindKey(app::Context& ctx, const std::string& email,
                     const std::string& fingerprint, BindingKind how);

// The primary fingerprint of the key `fpr_text` names (a whole fingerprint,
// blanks allowed) when that key is in gpg.home and carries `email`: what an
// operator may bind by hand. kUsage, with `command` in the message, when
// not.
Result<std::string> KeyCarrying(app::Context& ctx, const std::string& command,
                                const std::string& email,
                                const std::string& fpr_text);

// True when `email` is bound to a key or is a party of some deal: only such
// addresses get replies to mail we could not verify.
Result<bool> IsKnownAddress(app::Context& ctx, const std::string& email);

// Our own mailboxes (outbox.from, outbox.operator), canonical: what
// core::OutsideAddress keeps out of every deal and of the moderators.
core::OwnAddresses OwnAddressesOf(const app::Context& ctx);

// Upper-case hex without blanks.
std::string NormalizeFingerprint(const std::string& text);

}  // namespace ct::verify

#endif  // CYBERTROC_VERIFY_IDENTITY_H_
