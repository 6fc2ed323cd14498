// Money leaving a deal: payouts of the final states, and split checks.
#include "core/settle.h"

#include <fmt/format.h>

#include "core/trust_terms.h"

namespace ct::core::internal {
namespace {

void Pay(Deal& deal, Effects& effects, const std::string& payee, Money amount,
         const std::string& reason) {
  if (amount.IsZero()) return;
  deal.paid_out += amount;
  effects.ledger.push_back({LedgerKind::kPayout, payee, amount, reason, ""});
  effects.payouts.push_back({payee, amount, reason});
}

Result<void> PayFormula(const StateRule& rule, Deal& deal, Effects& effects) {
  for (const auto& p : rule.payouts) {
    auto amount = Evaluate(p.amount, deal.amounts);
    CT_TRY(amount);
    if (amount->IsNegative())
      return Fail(ErrorKind::kInternal,
                  fmt::format("payout '{}' to {} would be negative",
                              p.amount.ToString(), p.payee));
    Pay(deal, effects, p.payee, *amount, p.reason);
  }
  return {};
}

}  // namespace

Result<void> CheckSplit(const CaseRules& rules, const Deal& deal,
                        const std::map<std::string, Money>& split) {
  Money total;
  for (const auto& [role, amount] : split) {
    if (!rules.HasRole(role))
      return Fail(ErrorKind::kInvalidInput,
                  fmt::format("not a role of this {}: {}", rules.name, role));
    if (amount.IsNegative())
      return Fail(ErrorKind::kInvalidInput, "amounts cannot be negative");
    total += amount;
  }
  for (const auto& role : rules.roles)
    if (!split.contains(role))
      return Fail(ErrorKind::kInvalidInput,
                  fmt::format("the split must name {}", role));
  if (total != deal.Splittable())
    return Fail(ErrorKind::kInvalidInput,
                // Values last, so that a reply can be translated (labels).
                fmt::format("the split must add up to what is held "
                            "(proposed, held): {}, {}",
                            total.ToString(), deal.Splittable().ToString()));
  return {};
}

Result<void> Settle(const CaseRules& rules, const StateRule& rule, Deal& deal,
                    const std::map<std::string, Money>& split,
                    Effects& effects) {
  switch (rule.settlement) {
    case Settlement::kNone:
      return Fail(ErrorKind::kInternal, "settling a non-final state");
    case Settlement::kFormula:
      if (!deal.funded)
        return Fail(ErrorKind::kInternal,
                    fmt::format("'{}' pays by formula but the deal was never "
                                "funded",
                                rule.name));
      CT_TRY(PayFormula(rule, deal, effects));
      break;
    case Settlement::kReturnDeposits:
      for (const auto& p : deal.parties) {
        Money base = std::min(p.deposited, p.due);
        if (deal.funded) base -= p.commission;
        Pay(deal, effects, p.role, base, "refund");
      }
      break;
    case Settlement::kSplit:
      for (const auto& [role, amount] : split)
        Pay(deal, effects, role, amount, "settlement");
      break;
  }
  if (auto ok = PayShares(rules, rule, deal, effects); !ok) return ok;
  // Excess deposits were never part of the deal: always back to the payer.
  for (const auto& p : deal.parties)
    Pay(deal, effects, p.role, p.Excess(), "excess");
  if (!deal.Held().IsZero())
    return Fail(
        ErrorKind::kInternal,
        fmt::format("'{}' leaves {} held", rule.name, deal.Held().ToString()));
  return {};
}

}  // namespace ct::core::internal
