// Money leaving a deal (internal to core/): payouts of the final states,
// and split checks.
#ifndef CYBERTROC_CORE_SETTLE_H_
#define CYBERTROC_CORE_SETTLE_H_

#include <map>
#include <string>

#include "core/deal.h"
#include "core/money.h"
#include "core/rules.h"
#include "core/step_result.h"

namespace ct::core::internal {

// Pays out everything held when the deal enters the final state `rule`,
// appending ledger moves and payout orders. `split` is used by kSplit; a
// moderator's fee and a referral share are paid too (core/trust_terms.h).
// Fails (kInternal) when the payouts would not leave exactly zero held.
Result<void> Settle(const CaseRules& rules, const StateRule& rule, Deal& deal,
                    const std::map<std::string, Money>& split,
                    Effects& effects);

// Checks a 90 / resolve split: every role once, nothing negative, adds up
// to what may be split.
Result<void> CheckSplit(const CaseRules& rules, const Deal& deal,
                        const std::map<std::string, Money>& split);

}  // namespace ct::core::internal

#endif  // CYBERTROC_CORE_SETTLE_H_
