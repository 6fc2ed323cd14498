// The money invariants every step is checked against before it is written.
#ifndef CYBERTROC_APP_DEALS_CONSERVATION_H_
#define CYBERTROC_APP_DEALS_CONSERVATION_H_

#include <vector>

#include "app/deals/conservation.h"
#include "core/deal.h"
#include "core/engine.h"
#include "core/error.h"
#include "core/rules.h"
#include "store/records.h"

namespace ct::app {

// The money invariants of docs/money.md for one step, checked against the
// ledger already stored for the deal: in = out + held, nothing held is
// negative, a final state holds zero, payout orders match payout moves.
Result<void> CheckConservation(const core::CaseRules& rules,
                               const core::Deal& before,
                               const core::Outcome& outcome,
                               const std::vector<store::LedgerRecord>& stored);

}  // namespace ct::app

#endif  // CYBERTROC_APP_DEALS_CONSERVATION_H_
