// Trust beyond the two parties (docs/protocol.md "Moderators", "Digital
// goods", docs/money.md "Moderator's fee", "Referral share"): the terms an
// offer may add (a moderator, a referrer, a digital file's digest), frozen
// in the deal, and the engine's hooks that honour them. Pure, like the rest
// of core/. The terms live in Deal::texts and Deal::amounts under the keys
// below, so that the store keeps them as it keeps every other offer term.
#ifndef CYBERTROC_CORE_TRUST_TERMS_H_
#define CYBERTROC_CORE_TRUST_TERMS_H_

#include <optional>
#include <string>
#include <string_view>

#include "core/command.h"
#include "core/deal.h"
#include "core/offer.h"
#include "core/policy.h"
#include "core/rules.h"
#include "core/step_result.h"

namespace ct::core {

namespace trust_key {
inline constexpr char kModerator[] = "moderator";         // text: address
inline constexpr char kFeeFrom[] = "moderator_fee_from";  // commission|held
inline constexpr char kReferrer[] = "referrer";           // text: address
inline constexpr char kSha256[] = "sha256";               // text: hex digest
inline constexpr char kModeratorFee[] = "moderator_fee";  // amount
inline constexpr char kReferral[] = "referral";           // amount
// Amount kept out of every split: the moderator's fee when it is paid from
// the held funds (Deal::Splittable()).
inline constexpr char kReserved[] = "reserved";
}  // namespace trust_key

// Payee name of a referral share (not a role: it never acts).
inline constexpr char kReferrerPayee[] = "referrer";

// The deal's moderator / referrer address, "" when none.
std::string ModeratorOf(const Deal& deal);
std::string ReferrerOf(const Deal& deal);

// 64 hexadecimal digits.
bool IsSha256(std::string_view text);

namespace internal {

// Checks the offer's trust terms against the case and freezes them in
// `deal` (whose commission is already computed): the moderator and its fee,
// the referrer and its share, the texts the delivery mode requires.
// kInvalidInput for a term the case does not know or a bad value.
Result<void> AddTrustTerms(const CaseRules& rules, const Policy& policy,
                           const Offer& offer, Deal& deal);

// The actor may send commands to this deal at all: a party, the operator,
// or the moderator role of a deal that names a moderator.
bool MayAct(const CaseRules& rules, const Deal& deal, const std::string& actor);

// The rule applies to the deal's delivery mode.
bool DeliveryMatches(const TransitionRule& t, const Deal& deal);

// A refusal of a command that its rule allows but its arguments do not: a
// 61 quoting a digest other than the offer's.
std::optional<Refusal> TrustRefusal(const Deal& deal, const Command& cmd);

// Pays what leaves a deal entering the final `state` besides its own
// settlement: the moderator's fee and the referral share.
Result<void> PayShares(const CaseRules& rules, const StateRule& state,
                       Deal& deal, Effects& effects);

// Copies to the moderator what the parties are told while a dispute runs
// (rules.moderation.notify_in).
void NotifyModerator(const CaseRules& rules, const Command& cmd,
                     StepResult& result);

}  // namespace internal
}  // namespace ct::core

#endif  // CYBERTROC_CORE_TRUST_TERMS_H_
