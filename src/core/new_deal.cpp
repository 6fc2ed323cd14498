// Creating a deal: terms checked, every amount computed once and frozen.
#include "core/new_deal.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/deadlines.h"
#include "core/limits.h"
#include "core/trust_terms.h"

namespace ct::core {
namespace {

Result<void> CheckOffer(const CaseRules& rules, const Offer& offer) {
  if (!internal::Contains(rules.delivery_modes, offer.delivery))
    return Fail(ErrorKind::kInvalidInput,
                fmt::format("delivery '{}' is not one of: {}", offer.delivery,
                            fmt::join(rules.delivery_modes, ", ")));
  for (const auto& role : rules.roles) {
    auto it = offer.emails.find(role);
    if (it == offer.emails.end() || it->second.empty())
      return Fail(ErrorKind::kInvalidInput,
                  fmt::format("the {} is missing", role));
    for (const auto& [other, email] : offer.emails)
      if (other != role && email == it->second)
        return Fail(
            ErrorKind::kInvalidInput,
            fmt::format("{} cannot be both {} and {}", email, role, other));
  }
  for (const auto& term : rules.terms) {
    auto it = offer.terms.find(term.name);
    if (it == offer.terms.end()) {
      if (term.required)
        return Fail(ErrorKind::kInvalidInput,
                    fmt::format("the {} is missing", term.name));
    } else if (it->second.IsNegative() ||
               (term.required && it->second.IsZero())) {
      return Fail(ErrorKind::kInvalidInput,
                  fmt::format("the {} must be more than zero", term.name));
    }
  }
  for (const auto& text : rules.texts) {
    auto it = offer.texts.find(text);
    if (it == offer.texts.end() || it->second.empty())
      return Fail(ErrorKind::kInvalidInput,
                  fmt::format("the {} is missing", text));
    // Party text ends up in subjects and one-line summaries: a line break
    // must not start a new line anywhere, and nothing is silently changed.
    CT_TRY(CheckFreeText(text, it->second, kMaxItemChars));
  }
  return {};
}

// Derived amounts may refer to each other; resolve them in dependency order.
Result<void> ComputeVars(const CaseRules& rules,
                         std::map<std::string, Money>& amounts) {
  std::map<std::string, LinearExpr> pending = rules.vars;
  while (!pending.empty()) {
    bool progress = false;
    for (auto it = pending.begin(); it != pending.end();) {
      auto value = Evaluate(it->second, amounts);
      if (value) {
        amounts[it->first] = *value;
        it = pending.erase(it);
        progress = true;
      } else {
        ++it;
      }
    }
    if (!progress)
      return Fail(ErrorKind::kInternal,
                  fmt::format("cannot compute '{}'", pending.begin()->first));
  }
  return {};
}

// Commission shares per role: one payer, or split with the odd cent to the
// initiator.
std::map<std::string, Money> CommissionShares(const CaseRules& rules,
                                              const Policy& policy,
                                              Money total) {
  std::map<std::string, Money> shares;
  for (const auto& role : rules.roles) shares[role] = Money();
  auto alias = rules.commission_payer.find(policy.money.commission_payer);
  if (alias != rules.commission_payer.end()) {
    shares[alias->second] = total;
    return shares;
  }
  int64_t n = static_cast<int64_t>(rules.roles.size());
  Money each = Money::FromMinor(total.minor() / n);
  for (const auto& role : rules.roles) shares[role] = each;
  shares[rules.initiator] += total - each * n;
  return shares;
}

}  // namespace

Result<Deal> NewDeal(const CaseRules& rules, const Policy& policy,
                     const Offer& offer, Time now) {
  CT_TRY(CheckOffer(rules, offer));
  Deal deal;
  deal.id = offer.id;
  deal.case_name = rules.name;
  deal.lang = offer.lang;
  deal.delivery = offer.delivery;
  deal.texts = offer.texts;  // checked by CheckOffer
  deal.created = now;
  for (const auto& term : rules.terms)
    deal.amounts[term.name] =
        offer.terms.contains(term.name) ? offer.terms.at(term.name) : Money();
  deal.amounts["bond_shipping"] =
      policy.money.bond_includes_shipping && deal.amounts.contains("shipping")
          ? deal.amounts["shipping"]
          : Money();
  CT_TRY(ComputeVars(rules, deal.amounts));

  auto base = Evaluate(rules.commission_base, deal.amounts);
  auto franchise_base = Evaluate(rules.franchise_base, deal.amounts);
  auto cap = Evaluate(rules.franchise_cap, deal.amounts);
  if (!base || !franchise_base || !cap)
    return Fail(ErrorKind::kInternal, "commission or franchise formula");
  Money commission = policy.money.commission.Of(*base);
  deal.amounts["commission"] = commission;
  deal.amounts["franchise"] =
      std::min(policy.money.franchise.Of(*franchise_base), *cap);

  auto shares = CommissionShares(rules, policy, commission);
  for (const auto& role : rules.roles) {
    auto due = Evaluate(rules.deposits.at(role), deal.amounts);
    CT_TRY(due);
    PartyState party;
    party.role = role;
    party.email = offer.emails.at(role);
    party.commission = shares[role];
    party.due = *due + shares[role];
    deal.parties.push_back(party);
  }
  CT_TRY(internal::AddTrustTerms(rules, policy, offer, deal));
  Policy p = policy;
  internal::EnterState(rules, p, deal, rules.initial_state, now);
  return deal;
}

}  // namespace ct::core
