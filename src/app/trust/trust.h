// The shell around trust: reputation facts written with every step,
// ratings (70), the reputation asked by mail or CLI, and the moderator an
// offer names (from the operator's list). docs/protocol.md "Reputation",
// "Moderators".
#ifndef CYBERTROC_APP_TRUST_TRUST_H_
#define CYBERTROC_APP_TRUST_TRUST_H_

#include <string>

#include "app/base/context.h"
#include "core/engine.h"
#include "core/reputation.h"
#include "store/trust_repo.h"

namespace ct::app {

// Records what `outcome` says of its parties, only once the deal is funded:
// funded, the final state or a dispute entered, and a default for each
// party a passing deadline found without its step done. Each fact carries
// the key the party had when the deal was funded. REQUIRES: an open
// transaction (WriteStep's).
Result<void> RecordReputation(Context& ctx, const core::CaseRules& rules,
                              const core::Deal& before,
                              const core::Outcome& outcome,
                              const core::Command& cmd);

// The record of an address (its bound key, and the keys the operator
// linked into it) or of a fingerprint. kInvalidInput when `query` is
// neither an address nor a fingerprint.
Result<core::ReputationSummary> Reputation(Context& ctx,
                                           const std::string& query);

// A party's 70: recorded once per party and deal, after a final state of a
// funded deal. Returns an empty refusal when recorded, else why not (with
// a key for a translated reply). The comment is stored, never mailed.
Result<core::Refusal> RecordRating(Context& ctx, const core::CaseRules& rules,
                                   const core::Deal& deal,
                                   const core::Command& cmd,
                                   const std::string& email);

// Fills the fee of the moderator an offer names from the operator's list;
// kInvalidInput when it is not listed. REQUIRES: the offer's addresses
// passed core::OutsideAddress (canonical, not ours).
Result<void> FillTrustTerms(Context& ctx, core::Offer& offer);

// The language mail to `role` of `deal` is written in: the moderator's own
// (its entry), else the deal's.
std::string RecipientLanguage(Context& ctx, const core::Deal& deal,
                              const std::string& role);

// The address of the deal's moderator or referrer ("referrer" payee);
// "" for any other name.
std::string TrustAddressOf(const Context& ctx, const core::Deal& deal,
                           const std::string& role);

// The offerer's record, for the counterparty's copy of an offer (code 10,
// not to the actor); nullopt for every other notification.
Result<std::optional<core::ReputationSummary>> OfferRecord(
    Context& ctx, const core::Deal& deal, const core::Command& cmd,
    const core::Notification& note);

// Operator: counts of `old_fpr`'s deals and ratings go to `new_fpr`.
Result<void> LinkKeys(Context& ctx, const std::string& old_fpr,
                      const std::string& new_fpr);

}  // namespace ct::app

#endif  // CYBERTROC_APP_TRUST_TRUST_H_
