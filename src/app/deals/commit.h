// Carrying out what the engine decided: one accepted step becomes the deal
// row, an event, ledger rows, payout instructions and outgoing mail, all in
// one database transaction, after checking that money is conserved.
#ifndef CYBERTROC_APP_DEALS_COMMIT_H_
#define CYBERTROC_APP_DEALS_COMMIT_H_

#include <string>
#include <vector>

#include "app/base/context.h"
#include "app/base/origin.h"
#include "core/engine.h"
#include "store/records.h"

namespace ct::app {

// Writes one accepted step of `before` (deal, event, ledger, payouts,
// outbox). REQUIRES: a store::Transaction open on ctx.db, which the caller
// commits; `outcome` came from core::Step on `before`. kInternal (nothing
// written) when money would not be conserved. Returns the event id.
Result<int64_t> WriteStep(Context& ctx, const core::Deal& before,
                          const core::Outcome& outcome,
                          const core::Command& cmd, const Origin& origin);

// WriteStep in its own transaction.
Result<void> Commit(Context& ctx, const core::Deal& before,
                    const core::Outcome& outcome, const core::Command& cmd,
                    const std::string& actor_email,
                    const std::string& message_ref);

// Appends a refused event (nothing else changes). REQUIRES: an open
// transaction, as for WriteStep.
Result<int64_t> WriteRefusal(Context& ctx, const core::Deal& deal,
                             const core::Command& cmd,
                             const core::Refusal& refusal,
                             const Origin& origin);

// "61", "00", "timeout", "reminder", "resolve": a code as people read it.
std::string CodeName(int code);

// The detail recorded with an event: tracking text, amounts, days...
std::string EventDetail(const core::Command& cmd);

}  // namespace ct::app

#endif  // CYBERTROC_APP_DEALS_COMMIT_H_
