// Helpers shared by the engine's translation units; not part of the API.
#ifndef CYBERTROC_CORE_ENGINE_INTERNAL_H_
#define CYBERTROC_CORE_ENGINE_INTERNAL_H_

#include <string>
#include <vector>

#include "core/engine.h"

namespace ct::core::internal {

bool Contains(const std::vector<std::string>& list, const std::string& s);

// Enters `state`: new deadline from the policy, reminders that are already
// in the past counted as fired, standing extension requests dropped.
void EnterState(const CaseRules& rules, const Policy& policy, Deal& deal,
                const std::string& state, Time now);

// Number of reminders of the current deadline whose time is <= now.
int RemindersPassed(const Policy& policy, const Deal& deal, Time now);

// Pays out everything held when the deal enters the final state `rule`,
// appending ledger moves and payout orders. `split` is used by kSplit; a
// moderator's fee and a referral share are paid too (core/trust.h).
// Fails (kInternal) when the payouts would not leave exactly zero held.
Result<void> Settle(const CaseRules& rules, const StateRule& rule, Deal& deal,
                    const std::map<std::string, Money>& split,
                    Effects& effects);

// Checks a 90 / resolve split: every role once, nothing negative, adds up
// to what may be split.
Result<void> CheckSplit(const CaseRules& rules, const Deal& deal,
                        const std::map<std::string, Money>& split);

}  // namespace ct::core::internal

#endif  // CYBERTROC_CORE_ENGINE_INTERNAL_H_
