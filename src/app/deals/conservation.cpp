// Money conservation, checked before anything is written (docs/money.md).
#include "app/deals/conservation.h"

#include <fmt/format.h>

#include "core/money.h"

namespace ct::app {
namespace {

struct Totals {
  core::Money in;   // deposits
  core::Money out;  // commission + payouts
  core::Money payouts;
  core::Money commission;
  core::Money shares;  // of the commission, passed on: no held money moves
};

Totals SumStored(const std::vector<store::LedgerRecord>& stored) {
  Totals t;
  for (const auto& row : stored) {
    if (row.kind == "deposit") {
      t.in += row.amount;
    } else if (row.kind == "share") {
      t.shares += row.amount;
    } else {
      if (row.kind == "commission") t.commission += row.amount;
      t.out += row.amount;
      if (row.kind == "payout") t.payouts += row.amount;
    }
  }
  return t;
}

Totals SumMoves(const std::vector<core::LedgerMove>& moves) {
  Totals t;
  for (const auto& move : moves) {
    if (move.kind == core::LedgerKind::kDeposit) {
      t.in += move.amount;
    } else if (move.kind == core::LedgerKind::kShare) {
      t.shares += move.amount;
    } else {
      if (move.kind == core::LedgerKind::kCommission)
        t.commission += move.amount;
      t.out += move.amount;
      if (move.kind == core::LedgerKind::kPayout) t.payouts += move.amount;
    }
  }
  return t;
}

std::unexpected<Error> Broken(const core::Deal& deal, const std::string& what) {
  return Fail(ErrorKind::kInternal,
              fmt::format("{}: money not conserved: {}", deal.id, what));
}

}  // namespace

Result<void> CheckConservation(const core::CaseRules& rules,
                               const core::Deal& before,
                               const core::Outcome& outcome,
                               const std::vector<store::LedgerRecord>& stored) {
  const core::Deal& after = outcome.deal;
  const Totals old_rows = SumStored(stored);
  const Totals moves = SumMoves(outcome.effects.ledger);
  for (const auto& move : outcome.effects.ledger) {
    if (move.amount.IsNegative()) return Broken(after, "negative ledger move");
  }
  if (old_rows.in != before.paid_in || old_rows.out != before.paid_out) {
    return Broken(after, "stored ledger disagrees with the deal");
  }
  if (after.paid_in != before.paid_in + moves.in ||
      after.paid_out != before.paid_out + moves.out) {
    return Broken(after, "ledger moves disagree with the new totals");
  }
  core::Money ordered;
  for (const auto& order : outcome.effects.payouts) ordered += order.amount;
  if (ordered != moves.payouts + moves.shares) {
    return Broken(after, "payout orders disagree with payout moves");
  }
  // What is passed on from the commission never exceeds the commission.
  if (old_rows.shares + moves.shares > old_rows.commission + moves.commission) {
    return Broken(after, "shares exceed the commission taken");
  }
  if (after.paid_in != after.paid_out + after.Held() ||
      after.Held().IsNegative()) {
    return Broken(after, "held " + after.Held().ToString() + " is negative");
  }
  const core::StateRule* state = rules.FindState(after.state);
  if (state && state->is_final && !after.Held().IsZero()) {
    return Broken(after, "final state " + after.state + " still holds " +
                             after.Held().ToString());
  }
  return {};
}

}  // namespace ct::app
