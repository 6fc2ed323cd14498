// Creating a deal from an offer: terms checked, every amount computed once
// and frozen.
#ifndef CYBERTROC_CORE_NEW_DEAL_H_
#define CYBERTROC_CORE_NEW_DEAL_H_

#include "core/deal.h"
#include "core/money.h"
#include "core/offer.h"
#include "core/policy.h"
#include "core/rules.h"
#include "core/time.h"

namespace ct::core {

// Creates a deal in the rules' initial state with every amount frozen (dues,
// commission shares, franchise): later config changes do not alter it.
Result<Deal> NewDeal(const CaseRules& rules, const Policy& policy,
                     const Offer& offer, Time now);

}  // namespace ct::core

#endif  // CYBERTROC_CORE_NEW_DEAL_H_
