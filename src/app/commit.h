// Carrying out what the engine decided: one accepted step becomes the deal
// row, an event, ledger rows, payout instructions and outgoing mail, all in
// one database transaction, after checking that money is conserved.
#ifndef CYBERTROC_APP_COMMIT_H_
#define CYBERTROC_APP_COMMIT_H_

#include <string>
#include <vector>

#include "app/context.h"
#include "core/engine.h"
#include "store/records.h"

namespace ct::app {

// Where a command came from, for the history and the outgoing mail.
struct Origin {
  std::string actor_email;  // who sent it, "" when nobody (timer)
  std::string message_ref;  // Message-ID of the mail, or kCliRef / kTimerRef
  // The command arrived encrypted: its free text (tracking, reason) is kept
  // in the history but never quoted in outgoing mail (docs/security.md).
  bool confidential = false;
};
inline constexpr char kCliRef[] = "cli";
inline constexpr char kTimerRef[] = "timer";

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

// The money invariants of docs/money.md for one step, checked against the
// ledger already stored for the deal: in = out + held, nothing held is
// negative, a final state holds zero, payout orders match payout moves.
Result<void> CheckConservation(const core::CaseRules& rules,
                               const core::Deal& before,
                               const core::Outcome& outcome,
                               const std::vector<store::LedgerRecord>& stored);

// "61", "00", "timeout", "reminder", "resolve": a code as people read it.
std::string CodeName(int code);

// The detail recorded with an event: tracking text, amounts, days...
std::string EventDetail(const core::Command& cmd);

}  // namespace ct::app

#endif  // CYBERTROC_APP_COMMIT_H_
